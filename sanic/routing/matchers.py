"""Turn parsed segments into fast match-and-convert functions.

A converter takes the raw (still percent-encoded) text of a segment and returns the
converted value, or ``NOMATCH``. ``unquote`` routes percent-decode values before
casting; the type pattern is tried on the raw text first, then on the decoded text.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any
from urllib.parse import unquote as percent_decode

from sanic.routing.encoding import canonical_segment
from sanic.routing.parser import EXT, MIXED, STATIC, ParamInfo, Segment
from sanic.routing.patterns import strip_anchors


class _NoMatch:
    __slots__ = ()

    def __repr__(self) -> str:
        return "NOMATCH"


NOMATCH: Any = _NoMatch()
Converter = Callable[[str], Any]

_STR = r"[^/]+"
_INT = r"-?\d+"


def _convert_int(text: str) -> Any:
    """``-?[0-9]+`` then ``int()``, without the regex engine."""
    digits = text[1:] if text[:1] == "-" else text
    if digits.isdigit() and digits.isascii():
        return int(text)
    return NOMATCH


def param_converter(param: ParamInfo, unquote: bool) -> Converter:
    """Match one value of ``param`` and cast it."""
    fullmatch = param.pattern.fullmatch
    cast = param.cast
    group = param.group
    if not unquote and param.pattern.pattern == _STR and cast is str:
        # The common case: a non-empty segment, taken as is.
        return lambda text: text or NOMATCH
    if not unquote and param.pattern.pattern == _INT and cast is int:
        return _convert_int

    def convert(text: str) -> Any:
        match = fullmatch(text)
        if match is None:
            if not (unquote and "%" in text):
                return NOMATCH
            match = fullmatch(percent_decode(text))
            if match is None:
                return NOMATCH
            value = match[group]
        else:
            value = match[group]
            if unquote and "%" in value:
                value = percent_decode(value)
        if cast is str:
            return value
        try:
            return cast(value)
        except ValueError:
            return NOMATCH

    return convert


def ext_converter(file_param: ParamInfo, unquote: bool) -> Converter:
    """``<file:ext=jpg|png>``: "cat.jpg" -> ("cat", "jpg")."""
    file_convert = param_converter(file_param, False)
    suffixes = [
        ("." + ext, ext)
        for ext in sorted(file_param.extensions or (), key=len, reverse=True)
    ]
    any_ext = re.compile(r"[^./]+").fullmatch

    def convert(text: str) -> Any:
        if unquote and "%" in text:
            text = percent_decode(text)
        if suffixes:
            for suffix, allowed in suffixes:
                if text.endswith(suffix):
                    name, ext = text[: -len(suffix)], allowed
                    break
            else:
                return NOMATCH
        else:
            name, _, ext = text.rpartition(".")
            if not any_ext(ext):
                return NOMATCH
        if not name:
            return NOMATCH
        value = file_convert(name)
        return NOMATCH if value is NOMATCH else (value, ext)

    return convert


def mixed_converter(segment: Segment, unquote: bool) -> Converter:
    """ "file-<id:int>.txt": one regex for the segment, then each value."""
    assert segment.regex is not None
    fullmatch = segment.regex.fullmatch
    converters = [
        (f"_m{index}", param_converter(param, unquote))
        for index, param in enumerate(segment.params)
    ]

    def convert(text: str) -> Any:
        match = fullmatch(text)
        if match is None:
            return NOMATCH
        values = []
        for group, convert_one in converters:
            value = convert_one(match[group])
            if value is NOMATCH:
                return NOMATCH
            values.append(value)
        return tuple(values)

    return convert


def segment_converter(segment: Segment, unquote: bool) -> Converter:
    if segment.kind == EXT:
        return ext_converter(segment.params[0], unquote)
    if segment.kind == MIXED:
        return mixed_converter(segment, unquote)
    return param_converter(segment.params[0], unquote)


class Tail:
    """The rest of a path from a segment that may span "/" (``path``) onwards.

    Matched with one regex over the remaining text; each dynamic segment's text is
    then converted like any other segment.
    """

    __slots__ = ("regex", "converters", "endpoint", "sort_key")

    def __init__(self, segments: Sequence[Segment], unquote: bool) -> None:
        sources: list[str] = []
        self.converters: list[tuple[str, Converter]] = []
        for index, segment in enumerate(segments):
            if segment.kind == STATIC:
                sources.append(re.escape(canonical_segment(segment.raw)))
                continue
            group = f"_t{index}"
            if segment.spans:
                inner = strip_anchors(segment.params[0].pattern.pattern)
            else:
                inner = "[^/]*"  # exactly one segment; its converter checks the type
            sources.append(f"(?P<{group}>{inner})")
            self.converters.append((group, segment_converter(segment, unquote)))
        self.regex = re.compile("/".join(sources), re.DOTALL)
        self.endpoint: Any = None
        self.sort_key: tuple[Any, ...] = ()

    def match(self, rest: str) -> list[Any] | None:
        found = self.regex.fullmatch(rest)
        if found is None:
            return None
        values = []
        for group, convert in self.converters:
            value = convert(found[group])
            if value is NOMATCH:
                return None
            values.append(value)
        return values
