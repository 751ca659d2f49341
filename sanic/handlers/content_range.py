"""Byte ranges (RFC 9110 section 14): parsing a ``Range`` header against a size.

The choices where the RFC leaves room, made for the static file handler:

- a unit other than ``bytes`` and a malformed header are *ignored* (the whole
  file is sent with 200), as the RFC requires for unknown units and allows for
  invalid ones;
- several ranges are coalesced into the one span that covers them all, so a
  single ``206`` answers them without ``multipart/byteranges``;
- when no range overlaps the file, the answer is ``416`` with
  ``Content-Range: bytes */<size>``;
- an empty file has no satisfiable range: the header is ignored.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sanic.exceptions import ContentRangeError, HeaderNotFound, InvalidRangeType

if TYPE_CHECKING:
    from sanic.request import Request

__all__ = ("ByteRange", "ContentRangeHandler", "parse_byte_range")

_DIGITS = re.compile(r"[0-9]+")


@dataclass(frozen=True, slots=True)
class ByteRange:
    """Bytes ``start`` to ``end`` (inclusive) of a ``total``-byte file."""

    start: int
    end: int
    total: int

    @property
    def size(self) -> int:
        return self.end - self.start + 1

    @property
    def content_range(self) -> str:
        return f"bytes {self.start}-{self.end}/{self.total}"


class _Ignore(Exception):
    """The header is to be ignored: the whole representation is sent."""


def _spans(spec: str, size: int) -> list[tuple[int, int]]:
    """The satisfiable spans of a ``bytes=`` range set; _Ignore when malformed."""
    spans: list[tuple[int, int]] = []
    seen = 0
    for part in spec.split(","):
        part = part.strip()
        if not part:  # empty list elements are allowed (RFC 9110 5.6.1)
            continue
        seen += 1
        first, dash, last = part.partition("-")
        first, last = first.strip(), last.strip()
        if not dash or (first and not _DIGITS.fullmatch(first)):
            raise _Ignore
        if last and not _DIGITS.fullmatch(last):
            raise _Ignore
        if not first:  # suffix: the last N bytes
            if not last:
                raise _Ignore
            length = int(last)
            if length:
                spans.append((max(size - length, 0), size - 1))
            continue
        start = int(first)
        end = int(last) if last else size - 1
        if last and end < start:
            raise _Ignore
        if start < size:
            spans.append((start, min(end, size - 1)))
    if not seen:
        raise _Ignore
    return spans


def parse_byte_range(value: str | None, size: int) -> ByteRange | None:
    """The span to send for a ``Range`` header value, or None to send it all.

    Raises ``ContentRangeError`` (416) when no range overlaps the ``size`` bytes.
    """
    if not value or size <= 0:
        return None
    unit, equals, spec = value.partition("=")
    if not equals or unit.strip().lower() != "bytes":
        return None
    try:
        spans = _spans(spec, size)
    except _Ignore:
        return None
    if not spans:
        raise ContentRangeError("Requested Range Not Satisfiable", content_range=size)
    return ByteRange(min(s for s, _ in spans), max(e for _, e in spans), size)


class ContentRangeHandler:
    """The range a request asks of a file, from its ``Range`` header.

    Raises ``HeaderNotFound`` without a Range header, ``InvalidRangeType`` for a
    unit other than bytes or a header that cannot be parsed, and
    ``ContentRangeError`` (416) when no range overlaps the file. The static file
    handler uses ``parse_byte_range`` instead, which ignores the header in the
    first two cases.
    """

    __slots__ = ("start", "end", "size", "total", "headers")

    def __init__(self, request: Request, stats: os.stat_result) -> None:
        value = request.headers.get("Range")
        if value is None:
            raise HeaderNotFound("Range Header Not Found")
        total = stats.st_size
        found = parse_byte_range(value, total)
        if found is None:
            raise InvalidRangeType(
                "Invalid or unsupported Range header", content_range=total
            )
        self.start = found.start
        self.end = found.end
        self.size = found.size
        self.total = total
        self.headers = {"Content-Range": found.content_range}

    def __bool__(self) -> bool:
        return self.size > 0
