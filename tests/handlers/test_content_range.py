"""``sanic.handlers.content_range``: parsing Range headers (RFC 9110 14.1)."""

from __future__ import annotations

import os
from types import SimpleNamespace

import pytest

from sanic.compat import Header
from sanic.exceptions import (
    ContentRangeError,
    HeaderNotFound,
    InvalidRangeType,
    RangeNotSatisfiable,
)
from sanic.handlers import ContentRangeHandler
from sanic.handlers.content_range import ByteRange, parse_byte_range


@pytest.mark.parametrize(
    "value, expected",
    [
        ("bytes=0-0", (0, 0)),
        ("bytes=0-99", (0, 99)),
        ("bytes=10-", (10, 99)),
        ("bytes=-10", (90, 99)),
        ("bytes=-1000", (0, 99)),
        ("bytes=50-1000", (50, 99)),
        ("bytes=0-1,5-6", (0, 6)),
        ("bytes=5-6, 0-1", (0, 6)),
        ("bytes=,0-1,", (0, 1)),
        ("bytes=200-300, 1-2", (1, 2)),
        ("Bytes=1-2", (1, 2)),
    ],
)
def test_satisfiable_ranges(value, expected):
    found = parse_byte_range(value, 100)
    assert found == ByteRange(*expected, 100)
    assert found.size == expected[1] - expected[0] + 1
    assert found.content_range == f"bytes {expected[0]}-{expected[1]}/100"


@pytest.mark.parametrize(
    "value",
    [
        None,
        "",
        "bytes",
        "bytes=",
        "bytes=,",
        "bytes=a-b",
        "bytes=1-a",
        "bytes=5-4",
        "bytes=-",
        "bytes=1",
        "bytes=+1-2",
        "bytes=1-2-3",
        "bytes=٣-٤",  # non-ASCII digits
        "lines=1-2",
        "1-2",
    ],
)
def test_invalid_or_unknown_ranges_are_ignored(value):
    assert parse_byte_range(value, 100) is None


@pytest.mark.parametrize("value", ["bytes=100-", "bytes=100-200", "bytes=-0"])
def test_unsatisfiable_ranges_raise_416_with_the_size(value):
    with pytest.raises(RangeNotSatisfiable) as caught:
        parse_byte_range(value, 100)
    assert caught.value.status_code == 416
    assert caught.value.headers == {"Content-Range": "bytes */100"}


def test_an_empty_file_has_no_range():
    assert parse_byte_range("bytes=0-", 0) is None


def test_huge_numbers_are_clamped_not_overflowed():
    found = parse_byte_range("bytes=0-99999999999999999999999999", 100)
    assert found == ByteRange(0, 99, 100)


def _request(headers):
    return SimpleNamespace(headers=Header(headers))


def _stats(size):
    return os.stat_result((0o100644, 0, 0, 1, 0, 0, size, 0, 0, 0))


def test_content_range_handler_gives_the_span():
    handler = ContentRangeHandler(_request({"Range": "bytes=2-5"}), _stats(10))
    assert (handler.start, handler.end, handler.size, handler.total) == (2, 5, 4, 10)
    assert handler.headers == {"Content-Range": "bytes 2-5/10"}
    assert handler


def test_content_range_handler_without_a_header():
    with pytest.raises(HeaderNotFound):
        ContentRangeHandler(_request({}), _stats(10))


def test_content_range_handler_with_another_unit():
    with pytest.raises(InvalidRangeType):
        ContentRangeHandler(_request({"Range": "lines=1-2"}), _stats(10))


def test_content_range_handler_unsatisfiable():
    with pytest.raises(ContentRangeError):
        ContentRangeHandler(_request({"Range": "bytes=20-"}), _stats(10))
