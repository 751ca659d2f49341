"""Path parameter types: the built-in ones and the registry custom types join.

A type is a label (``int``), a regex one value must fully match, and a cast applied
to the matched text. A cast raising ``ValueError`` means "no match", so the router
moves on to the next candidate route.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from sanic.routing.exceptions import InvalidRoute


@dataclass(frozen=True, slots=True)
class ParamType:
    """One parameter type. Lower ``priority`` is tried first among siblings."""

    label: str
    cast: Callable[[str], Any]
    pattern: re.Pattern[str]
    priority: int
    spans: bool = False  # may match across "/" (``path``)


def parse_ymd(value: str) -> date:
    """``2021-03-28`` -> ``date(2021, 3, 28)``; impossible dates raise ValueError."""
    return date.fromisoformat(value)


# Patterns as documented for Sanic's path parameters. Priorities order the
# candidates tried for one segment: specific types first, ``str`` late, ``path`` last.
_BUILTINS: tuple[tuple[str, Callable[[str], Any], str, int], ...] = (
    ("int", int, r"-?\d+", 10),
    ("float", float, r"-?(?:\d+(?:\.\d*)?|\.\d+)", 20),
    ("ymd", parse_ymd, r"[12]\d{3}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])", 30),
    (
        "uuid",
        uuid.UUID,
        r"[A-Fa-f0-9]{8}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{12}",
        40,
    ),
    ("alpha", str, r"[A-Za-z]+", 50),
    ("slug", str, r"[a-z0-9]+(?:-[a-z0-9]+)*", 60),
    ("str", str, r"[^/]+", 100),
    ("strorempty", str, r"[^/]*", 110),
    ("path", str, r"[^/].*?", 200),
)

EXT_PRIORITY = 70  # ``<file:ext>``: after the plain typed segments, before custom
CUSTOM_PRIORITY = 75
REGEX_PRIORITY = 90
MIXED_PRIORITY = 5  # "file-<id:int>.txt": literal text makes it the most specific

LABEL = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def compile_pattern(source: str | re.Pattern[str], where: str) -> re.Pattern[str]:
    if isinstance(source, re.Pattern):
        return source
    try:
        return re.compile(source)
    except re.error as exc:
        raise InvalidRoute(f"Invalid regex pattern {source!r} {where}: {exc}") from exc


class PatternRegistry:
    """The parameter types one router knows: built-ins plus ``register_pattern``."""

    __slots__ = ("types",)

    def __init__(self) -> None:
        self.types: dict[str, ParamType] = {
            label: ParamType(
                label, cast, re.compile(src, re.ASCII), prio, spans=label == "path"
            )
            for label, cast, src, prio in _BUILTINS
        }

    def __contains__(self, label: str) -> bool:
        return label in self.types

    def __getitem__(self, label: str) -> ParamType:
        return self.types[label]

    def register(
        self,
        label: str,
        cast: Callable[[str], Any],
        pattern: str | re.Pattern[str],
    ) -> ParamType:
        if not isinstance(label, str) or not LABEL.fullmatch(label):
            raise InvalidRoute(
                f"Invalid parameter type label {label!r}: use letters, digits and _"
            )
        if label == "ext":
            raise InvalidRoute("The parameter type label 'ext' is reserved")
        if not callable(cast):
            raise InvalidRoute(f"The cast for parameter type {label!r} is not callable")
        if not isinstance(pattern, (str, re.Pattern)):
            raise InvalidRoute(
                f"The pattern for parameter type {label!r} must be a str or a "
                "compiled regex"
            )
        compiled = compile_pattern(pattern, f"for parameter type {label!r}")
        spans = "/" in compiled.pattern
        param_type = ParamType(label, cast, compiled, CUSTOM_PRIORITY, spans=spans)
        self.types[label] = param_type
        return param_type


def strip_anchors(source: str) -> str:
    """Drop a leading ``^`` and trailing ``$`` so a pattern can be embedded."""
    if source.startswith("^"):
        source = source[1:]
    if source.endswith("$") and not source.endswith("\\$"):
        source = source[:-1]
    return source
