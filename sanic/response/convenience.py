"""The functions handlers call to build responses: text(), json(), file()..."""

from __future__ import annotations

import errno
import os
import stat as stat_module
from asyncio import get_running_loop
from collections.abc import Callable, Mapping
from datetime import datetime, timezone
from email.utils import formatdate, parsedate_to_datetime
from io import FileIO
from mimetypes import guess_type
from pathlib import PurePath
from time import time
from typing import Any
from urllib.parse import quote

from sanic.compat import Header
from sanic.constants import DEFAULT_HTTP_CONTENT_TYPE
from sanic.exceptions import FileNotFound
from sanic.helpers import Default, _default
from sanic.response.types import (
    FileResponse,
    FileStreamResponse,
    HTTPResponse,
    JSONResponse,
    ResponseStream,
    _encode_json,
    _orjson_dumps,
    _OrjsonError,
    _stdlib_encode,
    json_dumps,
)

__all__ = [
    "empty",
    "file",
    "file_stream",
    "guess_content_type",
    "open_regular_file",
    "html",
    "json",
    "raw",
    "redirect",
    "stream",
    "text",
    "validate_file",
]

_TEXT = "text/plain; charset=utf-8"
# text(), raw() and json() run once per request: they build the response without
# its constructor (argument handling, type dispatch) and without helper calls;
# each saves a few hundred instructions per request (benchmarks/instructions.py).
_new = object.__new__
_HTML = "text/html; charset=utf-8"
# URL delimiters (RFC 3986 gen-delims and sub-delims) and "%" stay as they are.
_LOCATION_SAFE = ":/?#[]@!$&'()*+,;=%~"
# file() reads files up to this size into ``body`` (bytes, as Sanic's file()
# does); larger ones are sent from the open file, without being read.
FILE_IN_MEMORY_LIMIT = 1024 * 1024


def text(
    body: str,
    status: int = 200,
    headers: Mapping[str, str] | None = None,
    content_type: str = _TEXT,
) -> HTTPResponse:
    """A plain-text response."""
    if body.__class__ is not str and not isinstance(body, str):
        raise TypeError(f"Bad body type. Expected str, got {type(body).__name__}")
    response = _new(HTTPResponse)
    response.body = body.encode()
    response.status = status
    response.content_type = content_type
    response._headers = Header(headers) if headers else None
    response._cookies = None
    response.stream = None
    return response


def json(
    body: Any,
    status: int = 200,
    headers: Mapping[str, str] | None = None,
    content_type: str = "application/json",
    dumps: Callable[..., str | bytes] | None = None,
    **kwargs: Any,
) -> JSONResponse:
    """A JSON response; ``dumps`` and ``kwargs`` override how ``body`` is encoded."""
    if dumps is not None or kwargs:
        return JSONResponse(body, status, headers, content_type, dumps, **kwargs)
    # The common case, built directly: the same result as JSONResponse(...).
    dumps = JSONResponse._dumps
    if dumps is json_dumps:
        try:
            encoded = _orjson_dumps(body)
        except _OrjsonError:
            encoded = _stdlib_encode(body, {})
    else:
        encoded = _encode_json(body, dumps, {})
    response = _new(JSONResponse)
    response.body = response._raw_encoded = encoded
    response.status = status
    response.content_type = content_type
    response._headers = Header(headers) if headers else None
    response._cookies = None
    response.stream = None
    response._use_dumps = dumps
    response._use_dumps_kwargs = {}
    response._raw_body = body
    return response


def html(
    body: Any,
    status: int = 200,
    headers: Mapping[str, str] | None = None,
) -> HTTPResponse:
    """An HTML response from str, bytes, or an object with ``__html__``/``_repr_html_``."""
    if not isinstance(body, (str, bytes)):
        if hasattr(body, "__html__"):
            body = body.__html__()
        elif hasattr(body, "_repr_html_"):
            body = body._repr_html_()
    return HTTPResponse(body, status, headers, _HTML)


def raw(
    body: bytes | str | None,
    status: int = 200,
    headers: Mapping[str, str] | None = None,
    content_type: str = DEFAULT_HTTP_CONTENT_TYPE,
) -> HTTPResponse:
    """A response with the body sent as it is."""
    if body.__class__ is not bytes:
        return HTTPResponse(body, status, headers, content_type)
    response = _new(HTTPResponse)
    response.body = body
    response.status = status
    response.content_type = content_type
    response._headers = Header(headers) if headers else None
    response._cookies = None
    response.stream = None
    return response


def stream(
    streaming_fn: Callable[..., Any],
    status: int = 200,
    headers: Mapping[str, str] | None = None,
    content_type: str = "text/plain; charset=utf-8",
) -> ResponseStream:
    """The older way to stream: the server sends the head, awaits
    ``streaming_fn(response)``, which calls ``await response.write(data)``, and
    then ends the body. The same as ``ResponseStream(streaming_fn, ...)``."""
    return ResponseStream(
        streaming_fn, status=status, headers=headers, content_type=content_type
    )


def empty(status: int = 204, headers: Mapping[str, str] | None = None) -> HTTPResponse:
    """A response with no body (204 No Content by default)."""
    return HTTPResponse(b"", status, headers)


def redirect(
    to: str,
    headers: Mapping[str, str] | None = None,
    status: int = 302,
    content_type: str = _HTML,
) -> HTTPResponse:
    """Redirect to ``to``; unsafe characters in it are percent-encoded."""
    response = HTTPResponse(None, status, None, content_type)
    location = Header(headers) if headers else Header()
    location["Location"] = quote(to, safe=_LOCATION_SAFE)
    response._headers = location
    return response


# ---- files ---------------------------------------------------------------------


def _timestamp(moment: datetime | float | int) -> float:
    if isinstance(moment, datetime):
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=timezone.utc)
        return moment.timestamp()
    return float(moment)


def _not_modified(request_headers: Any, last_modified: datetime | float | int) -> bool:
    """True when the client's copy (If-Modified-Since) is at least as new."""
    value = request_headers.get("If-Modified-Since") if request_headers else None
    if not value:
        return False
    try:
        since = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return False  # an unparsable date is ignored, as RFC 9110 says
    if since.tzinfo is None:
        since = since.replace(tzinfo=timezone.utc)
    # HTTP dates have whole seconds: compare at that precision.
    return int(_timestamp(last_modified)) <= since.timestamp()


async def validate_file(
    request_headers: Any, last_modified: datetime | float | int
) -> HTTPResponse | None:
    """A 304 Not Modified response when the client's copy is current, else None."""
    if _not_modified(request_headers, last_modified):
        return HTTPResponse(status=304)
    return None


def _content_disposition(filename: str) -> str:
    """``attachment`` with the name; non-ASCII names also go in RFC 6266 form."""
    plain = "".join(
        c if " " <= c < "\x7f" and c not in '"\\' else "_" for c in filename
    )
    if plain == filename:
        return f'attachment; filename="{filename}"'
    return (
        f"attachment; filename=\"{plain}\"; filename*=UTF-8''{quote(filename, safe='')}"
    )


def _file_headers(
    headers: Mapping[str, str] | None,
    filename: str | None,
    mime_type: str | None,
    location: str | PurePath,
) -> tuple[Header, str]:
    out = Header(headers) if headers else Header()
    if filename:
        out.setdefault("Content-Disposition", _content_disposition(filename))
    if not mime_type:
        mime_type = guess_content_type(filename or os.path.basename(location))
    return out, mime_type


def guess_content_type(path: str | PurePath) -> str:
    """The content type for a file name, ``text/*`` types with ``charset=UTF-8``.

    Unknown types are ``application/octet-stream``. For responses and static
    handlers serving files whose type was not given.
    """
    mime_type = guess_type(path)[0]
    if mime_type is None:
        return DEFAULT_HTTP_CONTENT_TYPE
    if mime_type.startswith("text/"):
        return f"{mime_type}; charset=UTF-8"
    return mime_type


def _load_file(
    location: str | PurePath,
    byte_range: Any,
    check_headers: Any,
    last_modified: float | Default | None,
) -> tuple[FileIO | bytes | None, os.stat_result]:
    """Runs in a thread: open the file; None for 304 (``check_headers`` show
    the client's copy is current), its bytes when the part to send is small,
    else the open file (the caller closes it)."""
    handle, stats = open_regular_file(location)
    try:
        modified = (
            stats.st_mtime if isinstance(last_modified, Default) else last_modified
        )
        if (
            check_headers is not None
            and modified is not None
            and _not_modified(check_headers, modified)
        ):
            handle.close()
            return None, stats
        start, count = _span(byte_range, stats)
        if count <= FILE_IN_MEMORY_LIMIT:
            data = os.pread(handle.fileno(), count, start) if count else b""
            handle.close()
            return data, stats
        return handle, stats
    except BaseException:
        handle.close()
        raise


def _span(byte_range: Any, stats: os.stat_result) -> tuple[int, int]:
    """(offset, count) of the part of the file to send."""
    if byte_range:
        return byte_range.start, byte_range.size
    return 0, stats.st_size


def _cache_headers(
    out: Header, modified: float | None, max_age: float | int | None, no_store: Any
) -> None:
    if modified:
        out.setdefault("Last-Modified", formatdate(modified, usegmt=True))
    if no_store:
        cache_control = "no-store"
    elif max_age:
        cache_control = f"public, max-age={max_age}"
        out.setdefault("Expires", formatdate(time() + max_age, usegmt=True))
    else:
        cache_control = "no-cache"
    out.setdefault("Cache-Control", cache_control)


async def file(
    location: str | PurePath,
    status: int = 200,
    request_headers: Any = None,
    validate_when_requested: bool = True,
    mime_type: str | None = None,
    headers: Mapping[str, str] | None = None,
    filename: str | None = None,
    last_modified: datetime | float | int | Default | None = _default,
    max_age: float | int | None = None,
    no_store: bool | None = None,
    _range: Any = None,
) -> HTTPResponse:
    """The whole file (or the ``_range`` slice of it) as one response.

    Sets Last-Modified (the file's mtime unless ``last_modified`` is given, or
    None for none), Cache-Control from ``max_age``/``no_store`` (else
    ``no-cache``), and answers 304 when ``request_headers`` show the client's
    copy is current. A missing file raises ``FileNotFound`` (a 404, and a
    ``FileNotFoundError`` too). Up to ``FILE_IN_MEMORY_LIMIT`` bytes are read
    into ``body``; more are sent from the file by the server (zero-copy on a
    plain socket) and ``body`` is None.
    """
    out, mime_type = _file_headers(headers, filename, mime_type, location)
    check = request_headers if validate_when_requested else None
    explicit: float | Default | None = (
        last_modified
        if isinstance(last_modified, Default) or last_modified is None
        else _timestamp(last_modified)
    )
    loaded, stats = await get_running_loop().run_in_executor(
        None, _load_file, location, _range, check, explicit
    )
    modified = stats.st_mtime if isinstance(explicit, Default) else explicit
    _cache_headers(out, modified, max_age, no_store)
    if loaded is None:
        response = HTTPResponse(status=304)
        response._headers = out
        return response
    path: str | None = None
    if _range:
        out["Content-Range"] = f"bytes {_range.start}-{_range.end}/{_range.total}"
        status = 206
    else:
        path = os.path.abspath(os.fspath(location))
    if isinstance(loaded, bytes):
        response = FileResponse(loaded, status, None, mime_type, path)
        response._headers = out
        return response
    offset, count = _span(_range, stats)
    return FileStreamResponse(
        loaded, offset, count, status, out, mime_type, file_path=path
    )


async def file_stream(
    location: str | PurePath,
    status: int = 200,
    chunk_size: int = 4096,
    mime_type: str | None = None,
    headers: Mapping[str, str] | None = None,
    filename: str | None = None,
    _range: Any = None,
) -> ResponseStream:
    """Stream the file (or the ``_range`` slice) without reading it into memory.

    The file is opened here: a missing one raises ``FileNotFound`` before any
    byte is sent. The response declares its Content-Length; the server sends
    it zero-copy on a plain socket, else in pieces of ``chunk_size`` bytes (at
    least ``MIN_SERVER_CHUNK`` on the server's own connections).
    """
    out, mime_type = _file_headers(headers, filename, mime_type, location)
    handle, stats = await get_running_loop().run_in_executor(
        None, open_regular_file, location
    )
    offset, count = _span(_range, stats)
    path: str | None = None
    if _range:
        out["Content-Range"] = f"bytes {_range.start}-{_range.end}/{_range.total}"
        status = 206
    else:
        path = os.path.abspath(os.fspath(location))
    return FileStreamResponse(
        handle,
        offset,
        count,
        status,
        out,
        mime_type,
        chunk_size=chunk_size,
        file_path=path,
    )


# ---- opening files ---------------------------------------------------------------


class _MissingFile(FileNotFound, FileNotFoundError):
    """No regular file at the path: a 404 through the app, and still the
    ``FileNotFoundError`` that code written for Sanic may catch."""


_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_NONBLOCK", 0)
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_MISSING = (FileNotFoundError, NotADirectoryError, IsADirectoryError, ValueError)


def open_regular_file(
    location: str | PurePath,
    *,
    follow_symlinks: bool = True,
    expect: os.stat_result | None = None,
) -> tuple[FileIO, os.stat_result]:
    """Open ``location`` for reading, with its stat.

    Raises ``FileNotFound`` unless it is a regular file (a FIFO or a device
    is refused, not waited on) and, with ``expect``, the same file (inode and
    device) as that stat: a file swapped since it was located is not served.
    ``follow_symlinks=False`` refuses a symlink as the last component.
    """
    flags = _OPEN_FLAGS if follow_symlinks else _OPEN_FLAGS | _NOFOLLOW
    try:
        fd = os.open(location, flags)
    except _MISSING:
        raise _MissingFile("File not found", path=location) from None
    except OSError as exc:
        if exc.errno == errno.ELOOP:  # a symlink where none is followed
            raise _MissingFile("File not found", path=location) from None
        raise
    try:
        stats = os.fstat(fd)
        if not stat_module.S_ISREG(stats.st_mode) or (
            expect is not None
            and (stats.st_ino, stats.st_dev) != (expect.st_ino, expect.st_dev)
        ):
            raise _MissingFile("File not found", path=location)
        return FileIO(fd, "r"), stats
    except BaseException:
        os.close(fd)
        raise
