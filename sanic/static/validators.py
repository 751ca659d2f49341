"""Cache validators for static files: ETag, Last-Modified and the conditional
request headers that use them (RFC 9110 section 13).

The ETag is strong and made from the file's metadata (modification time in
nanoseconds, size), as nginx does: no read of the file is needed to make it,
and it changes whenever the file is replaced or rewritten.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from datetime import timezone
from email.utils import formatdate, parsedate_to_datetime
from functools import lru_cache
from typing import Any

__all__ = ("etag_for", "if_range_allows", "is_not_modified", "last_modified_for")


def etag_for(stats: os.stat_result) -> str:
    return f'"{stats.st_mtime_ns:x}-{stats.st_size:x}"'


def last_modified_for(stats: os.stat_result) -> str:
    return _formatted(int(stats.st_mtime))


@lru_cache(maxsize=1024)
def _formatted(seconds: int) -> str:
    return formatdate(seconds, usegmt=True)


def _http_date(value: str) -> float | None:
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if moment.tzinfo is None:  # HTTP dates are GMT
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.timestamp()


def _opaque(tag: str) -> str:
    """The quoted part of an entity tag, for the weak comparison."""
    return tag[2:] if tag.startswith("W/") else tag


def _etag_listed(header: str, etag: str) -> bool:
    """Whether an If-None-Match list names ``etag`` (weak comparison) or is ``*``."""
    if header.strip() == "*":
        return True
    wanted = _opaque(etag)
    return any(_opaque(item.strip()) == wanted for item in header.split(","))


def is_not_modified(headers: Mapping[str, Any], etag: str, mtime: float) -> bool:
    """Whether the client's cached copy is current (a 304 can be sent).

    If-None-Match wins over If-Modified-Since when both are sent (RFC 9110
    13.2.2); an unparsable date is ignored.
    """
    none_match = headers.get("if-none-match")
    if none_match is not None:
        return _etag_listed(none_match, etag)
    since = headers.get("if-modified-since")
    if not since:
        return False
    moment = _http_date(since)
    # HTTP dates have whole seconds: compare at that precision.
    return moment is not None and int(mtime) <= moment


def if_range_allows(headers: Mapping[str, Any], etag: str, mtime: float) -> bool:
    """Whether a Range request may be answered with a part (If-Range, 13.1.5).

    An entity tag must match strongly; a date must equal Last-Modified.
    """
    value = headers.get("if-range")
    if value is None:
        return True
    value = value.strip()
    if value.startswith(('"', "W/")):
        return value == etag
    moment = _http_date(value)
    return moment is not None and int(mtime) == int(moment)
