"""Parse a route path ("user/<id:int>/<file:ext=jpg>") into segments.

Parameter forms: ``<name>`` / ``<name:str>`` and the other registered types,
``<name:ext>``, ``<name:ext=jpg|png>``, ``<name=int:ext>`` / ``<name:int:ext=jpg>``
(the handler receives ``name`` and ``ext``), and regex parameters
``<name:[a-z]{3}>``. A parameter usually fills a whole segment; a segment may mix
literal text and single-segment parameters ("file-<id:int>.txt").
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sanic.routing.encoding import canonical_segment
from sanic.routing.exceptions import InvalidRoute, ParameterNameConflicts
from sanic.routing.patterns import (
    EXT_PRIORITY,
    LABEL,
    MIXED_PRIORITY,
    REGEX_PRIORITY,
    PatternRegistry,
    compile_pattern,
    strip_anchors,
)

STATIC, PARAM, EXT, MIXED = "static", "param", "ext", "mixed"

_PARAM = re.compile(
    r"(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?:=(?P<ftype>[A-Za-z_][A-Za-z0-9_]*))?"
    r"(?::(?P<spec>.*))?",
    re.DOTALL,
)
_TYPED_EXT = re.compile(r"(?P<ftype>[A-Za-z_][A-Za-z0-9_]*):(?P<ext>ext(?:=.*)?)")
_EXT_VALUE = re.compile(r"[^./]+")


@dataclass(slots=True)
class ParamInfo:
    """One path parameter: ``name``, its declaration, type label, pattern and cast."""

    name: str
    raw_path: str  # the declaration as written, e.g. "<id:int>"
    label: str  # "int", "ext", or the regex source for regex parameters
    cast: Callable[[str], Any]
    pattern: re.Pattern[str]  # one value must fully match it
    priority: int
    regex: bool = False
    spans: bool = False  # may contain "/" (``path``, or a regex containing "/")
    group: int | str = 0  # the regex group holding the value
    extensions: tuple[str, ...] | None = None  # ``ext``: the allowed extensions


@dataclass(slots=True)
class Segment:
    """One "/"-separated piece of a route path.

    ``parts`` alternates literal text and ``ParamInfo`` (mixed segments);
    ``key`` identifies what the segment matches, independent of parameter names.
    """

    raw: str
    kind: str
    params: tuple[ParamInfo, ...] = ()
    parts: tuple[str | ParamInfo, ...] = ()
    key: str = ""
    priority: float = 0
    regex: re.Pattern[str] | None = None  # mixed segments: the whole-segment regex
    canonical: str = field(default="")

    @property
    def spans(self) -> bool:
        return self.kind == PARAM and self.params[0].spans


EMPTY = Segment("", STATIC, key="", canonical="")


def parse_path(path: str, types: PatternRegistry) -> tuple[Segment, ...]:
    """Parse ``path`` (no leading slash) into segments; raise naming the path."""
    where = f"in route /{path}"
    segments = tuple(_parse_segment(raw, types, where) for raw in split_path(path))
    seen: set[str] = set()
    for segment in segments:
        for param in segment.params:
            if param.name in seen:
                raise ParameterNameConflicts(
                    f"Duplicate parameter name '{param.name}' {where}"
                )
            seen.add(param.name)
    return segments


def split_path(path: str) -> list[str]:
    """Split on "/" outside parameters (a regex parameter may contain "/")."""
    segments: list[str] = []
    start = i = 0
    while i < len(path):
        char = path[i]
        if char == "<":
            end = _param_end(path, i)
            if end < 0:
                raise InvalidRoute(f"Unclosed parameter {path[i:]!r} in route /{path}")
            i = end + 1
            continue
        if char == "/":
            segments.append(path[start:i])
            start = i + 1
        i += 1
    segments.append(path[start:])
    return segments


def _param_end(text: str, start: int) -> int:
    """The index of the ">" closing the parameter opened at ``start``, or -1.

    Parentheses and character classes are skipped, so ``(?P<name>...)`` inside a
    regex does not close the parameter.
    """
    depth = 0
    in_class = False
    i = start + 1
    while i < len(text):
        char = text[i]
        if char == "\\":
            i += 2
            continue
        if in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif char == ">" and depth <= 0:
            return i
        i += 1
    # Unbalanced: take the first ">" so that the regex error gets reported.
    return text.find(">", start)


def _parse_segment(raw: str, types: PatternRegistry, where: str) -> Segment:
    if "<" not in raw:
        canonical = canonical_segment(raw)
        return Segment(raw, STATIC, key=canonical, canonical=canonical)
    parts: list[str | ParamInfo] = []
    start = i = 0
    while i < len(raw):
        if raw[i] == "<":
            end = _param_end(raw, i)
            if i > start:
                parts.append(raw[start:i])
            declared = _parse_param(raw[i : end + 1], types, where)
            if len(declared) == 2:  # <file:ext>: the file name and the extension
                if raw != raw[i : end + 1]:
                    raise InvalidRoute(
                        f"Parameter {raw[i : end + 1]} must fill a whole path "
                        f"segment {where}"
                    )
                return _ext_segment(raw, declared)
            parts.extend(declared)
            start = i = end + 1
            continue
        i += 1
    if start < len(raw):
        parts.append(raw[start:])
    params = tuple(p for p in parts if isinstance(p, ParamInfo))
    if len(parts) == 1:
        param = params[0]
        key = "r:" + param.label if param.regex else "t:" + param.label
        return Segment(raw, PARAM, params, tuple(parts), key, param.priority)
    for param in params:
        if param.spans:
            raise InvalidRoute(
                f"Parameter {param.raw_path} must fill a whole path segment {where}"
            )
    return _mixed_segment(raw, tuple(parts), params, where)


def _parse_param(raw: str, types: PatternRegistry, where: str) -> list[ParamInfo]:
    match = _PARAM.fullmatch(raw[1:-1])
    if match is None:
        raise InvalidRoute(f"Invalid parameter {raw} {where}")
    name, ftype, spec = match["name"], match["ftype"], match["spec"]
    if spec is None:
        if ftype:
            raise InvalidRoute(f"Invalid parameter {raw} {where}: expected ':ext'")
        spec = "str"
    typed_ext = _TYPED_EXT.fullmatch(spec)
    if ftype is None and typed_ext is not None and typed_ext["ftype"] in types:
        ftype, spec = typed_ext["ftype"], typed_ext["ext"]
    if spec == "ext" or spec.startswith("ext="):
        return _ext_params(raw, name, ftype or "str", spec, types, where)
    if ftype is not None:
        raise InvalidRoute(f"Invalid parameter {raw} {where}: expected ':ext'")
    if spec in types:
        param_type = types[spec]
        return [
            ParamInfo(
                name,
                raw,
                spec,
                param_type.cast,
                param_type.pattern,
                param_type.priority,
                spans=param_type.spans,
            )
        ]
    if LABEL.fullmatch(spec):
        known = ", ".join(sorted([*types.types, "ext"]))
        raise InvalidRoute(
            f"Unknown parameter type '{spec}' in {raw} {where} (known types: {known})"
        )
    return [_regex_param(raw, name, spec, where)]


def _regex_param(raw: str, name: str, spec: str, where: str) -> ParamInfo:
    pattern = compile_pattern(spec, f"for parameter '{name}' {where}")
    group: int | str = 0
    if pattern.groupindex:
        if name not in pattern.groupindex:
            raise InvalidRoute(
                f"The named group in {raw} must be named '{name}' {where}"
            )
        group = name
    elif pattern.groups == 1:
        group = 1
    return ParamInfo(
        name,
        raw,
        spec,
        str,
        pattern,
        REGEX_PRIORITY,
        regex=True,
        spans="/" in spec,
        group=group,
    )


def _ext_params(
    raw: str, name: str, ftype: str, spec: str, types: PatternRegistry, where: str
) -> list[ParamInfo]:
    if name == "ext":
        raise ParameterNameConflicts(f"An ext parameter cannot be named 'ext' {where}")
    if ftype not in types or types[ftype].spans:
        raise InvalidRoute(f"Invalid file name type '{ftype}' in {raw} {where}")
    extensions: tuple[str, ...] | None = None
    if spec != "ext":
        extensions = tuple(spec[4:].split("|"))
        if not all(extensions):
            raise InvalidRoute(f"Empty extension in {raw} {where}")
    file_type = types[ftype]
    ext_pattern = (
        re.compile("|".join(re.escape(e) for e in extensions))
        if extensions
        else _EXT_VALUE
    )
    priority = EXT_PRIORITY - (1 if extensions else 0)
    return [
        ParamInfo(
            name,
            raw,
            "ext",
            file_type.cast,
            file_type.pattern,
            priority,
            extensions=extensions,
        ),
        ParamInfo("ext", raw, "ext", str, ext_pattern, priority, extensions=extensions),
    ]


def _ext_segment(raw: str, params: list[ParamInfo]) -> Segment:
    file_param = params[0]
    key = f"e:{file_param.pattern.pattern}:{'|'.join(file_param.extensions or ())}"
    return Segment(raw, EXT, tuple(params), tuple(params), key, file_param.priority)


def _mixed_segment(
    raw: str,
    parts: tuple[str | ParamInfo, ...],
    params: tuple[ParamInfo, ...],
    where: str,
) -> Segment:
    sources: list[str] = []
    keys: list[str] = []
    index = 0
    for part in parts:
        if isinstance(part, str):
            text = re.escape(canonical_segment(part))
            sources.append(text)
            keys.append(text)
        else:
            sources.append(f"(?P<_m{index}>{strip_anchors(part.pattern.pattern)})")
            keys.append(f"({part.pattern.pattern})")
            index += 1
    regex = compile_pattern("".join(sources), where)
    literal = sum(len(p) for p in parts if isinstance(p, str))
    # More literal text first: "a-<x>.json" is tried before "a-<x>".
    priority = MIXED_PRIORITY - literal / 1000
    return Segment(
        raw, MIXED, params, parts, "m:" + "".join(keys), priority, regex=regex
    )
