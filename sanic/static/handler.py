"""The request handler of one static route: find the file, then answer.

Answering follows RFC 9110: a conditional request the client's copy satisfies
gets 304 (ETag / If-None-Match first, else Last-Modified / If-Modified-Since);
a GET with a satisfiable ``Range`` gets 206 (when the route allows ranges and
If-Range, if sent, still matches); HEAD gets the headers GET would, without the
file being read. Large files are streamed rather than read into memory.
"""

from __future__ import annotations

import os
import stat as stat_module
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from sanic.exceptions import FileNotFound
from sanic.handlers.content_range import ByteRange, parse_byte_range
from sanic.response import HTTPResponse, ResponseStream, file
from sanic.response.convenience import guess_content_type, open_regular_file
from sanic.response.types import FileStreamResponse
from sanic.static.paths import StaticRoot, split_request_path
from sanic.static.validators import (
    etag_for,
    if_range_allows,
    is_not_modified,
    last_modified_for,
)

if TYPE_CHECKING:
    from sanic.handlers.directory import DirectoryHandler
    from sanic.request import Request

__all__ = ("StaticHandler",)

# ``stream_large_files=True``: files of this size and more are streamed.
DEFAULT_STREAM_THRESHOLD = 1024 * 1024
# Whatever the route says, a file this large is never read into memory whole.
ALWAYS_STREAM_THRESHOLD = 8 * 1024 * 1024
STREAM_CHUNK_SIZE = 256 * 1024
# Files (or ranges) up to this size are read on the event loop: from the page
# cache that costs less than the trip to a worker thread that file() makes.
INLINE_READ_LIMIT = 64 * 1024


class StaticHandler:
    """Serves the file (``root`` None) or the directory tree of one route."""

    __slots__ = (
        "target",
        "root",
        "use_modified_since",
        "use_content_range",
        "stream_threshold",
        "content_type",
        "directory_handler",
    )

    def __init__(
        self,
        target: str,
        *,
        root: StaticRoot | None,
        use_modified_since: bool,
        use_content_range: bool,
        stream_threshold: int,
        content_type: str | None,
        directory_handler: DirectoryHandler | None,
    ) -> None:
        self.target = target
        self.root = root
        self.use_modified_since = use_modified_since
        self.use_content_range = use_content_range
        self.stream_threshold = stream_threshold
        self.content_type = content_type
        self.directory_handler = directory_handler

    async def __call__(
        self, request: Request, __file_uri__: str = "", **_: Any
    ) -> HTTPResponse | ResponseStream:
        if self.root is None:
            try:
                stats = os.stat(self.target)
            except (OSError, ValueError):
                raise FileNotFound("File not found", path=self.target) from None
            if not stat_module.S_ISREG(stats.st_mode):
                raise FileNotFound("File not found", path=self.target)
            return await self.serve(request, self.target, stats)
        segments = split_request_path(__file_uri__)
        path, stats = self.root.locate(segments)
        if stat_module.S_ISDIR(stats.st_mode):
            if self.directory_handler is None:
                raise FileNotFound("File not found", relative_url=__file_uri__)
            try:
                return await self.directory_handler.handle(request, request.path)
            except IsADirectoryError:
                raise FileNotFound(
                    "File not found", relative_url=__file_uri__
                ) from None
        return await self.serve(request, path, stats, segments[-1])

    async def serve(
        self,
        request: Request,
        path: str,
        stats: os.stat_result,
        name: str | None = None,
    ) -> HTTPResponse | ResponseStream:
        """Answer ``request`` with the located file ``path``.

        ``name`` (the name the request used, which a symlink may not share)
        gives the content type unless the route sets one.
        """
        headers = request.headers
        etag = etag_for(stats)
        mtime = stats.st_mtime
        out: dict[str, str] = {
            "ETag": etag,
            "Last-Modified": last_modified_for(stats),
            "Cache-Control": "no-cache",
        }
        if self.use_modified_since and is_not_modified(headers, etag, mtime):
            return HTTPResponse(status=304, headers=out)
        size = stats.st_size
        byte_range: ByteRange | None = None
        if self.use_content_range:
            out["Accept-Ranges"] = "bytes"
            # Range is defined for GET only (RFC 9110 14.2).
            value = headers.get("range") if request.method == "GET" else None
            if value and if_range_allows(headers, etag, mtime):
                byte_range = parse_byte_range(value, size)
        mime_type = self.content_type or content_type_for(name or path)
        length = byte_range.size if byte_range else size
        if request.method == "HEAD":
            return _head_only(206 if byte_range else 200, out, mime_type, length)
        if length >= self.stream_threshold:
            return _stream_file(
                path, stats, byte_range, mime_type, out, follow=self.root is None
            )
        if length <= INLINE_READ_LIMIT:
            body = _read_small(path, stats, byte_range, follow=self.root is None)
            if byte_range:
                out["Content-Range"] = byte_range.content_range
            return HTTPResponse(body, 206 if byte_range else 200, out, mime_type)
        return await file(
            path,
            mime_type=mime_type,
            headers=out,
            last_modified=mtime,
            _range=byte_range,
        )


_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_NONBLOCK", 0)
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)


def _read_small(
    path: str, stats: os.stat_result, byte_range: ByteRange | None, follow: bool
) -> bytes:
    """Read a small file on the event loop (cheaper than a thread hop when the
    file is in the page cache), checking it is still the file that was located:
    a file swapped for a symlink, a FIFO or another file since is a 404."""
    try:
        fd = os.open(path, _OPEN_FLAGS if follow else _OPEN_FLAGS | _NOFOLLOW)
    except OSError:
        raise FileNotFound("File not found") from None
    try:
        now = os.fstat(fd)
        if not stat_module.S_ISREG(now.st_mode) or (now.st_ino, now.st_dev) != (
            stats.st_ino,
            stats.st_dev,
        ):
            raise FileNotFound("File not found")
        start, size = (
            (byte_range.start, byte_range.size) if byte_range else (0, stats.st_size)
        )
        if hasattr(os, "pread"):
            return os.pread(fd, size, start)
        os.lseek(fd, start, os.SEEK_SET)
        return os.read(fd, size)
    except OSError:
        raise FileNotFound("File not found") from None
    finally:
        os.close(fd)


def _stream_file(
    path: str,
    stats: os.stat_result,
    byte_range: ByteRange | None,
    mime_type: str,
    headers: dict[str, str],
    follow: bool,
) -> FileStreamResponse:
    """A response the server sends from the open file, zero-copy on a plain
    socket. The file is opened here (cheap, unlike reading it) and must still
    be the file that was located, as in ``_read_small``.

    ``path`` is the located file (a real path, its symlinks already vetted by
    the route's policy); it is handed to an ASGI server as ``file_path`` only
    when the whole file is sent.
    """
    try:
        handle, _ = open_regular_file(path, follow_symlinks=follow, expect=stats)
    except OSError:
        raise FileNotFound("File not found") from None
    if byte_range:
        headers["Content-Range"] = byte_range.content_range
        offset, count, status, whole = byte_range.start, byte_range.size, 206, None
    else:
        offset, count, status = 0, stats.st_size, 200
        whole = os.path.abspath(path)
    return FileStreamResponse(
        handle,
        offset,
        count,
        status,
        headers,
        mime_type,
        chunk_size=STREAM_CHUNK_SIZE,
        file_path=whole,
    )


def _head_only(
    status: int, headers: dict[str, str], mime_type: str, length: int
) -> ResponseStream:
    """The head GET would get, with its Content-Length, and no body read."""

    async def send_head(response: ResponseStream) -> None:
        await response.send(b"", False)

    response = ResponseStream(
        send_head, status, {**headers, "Content-Length": str(length)}, mime_type
    )
    return response


def content_type_for(name: str) -> str:
    """``guess_content_type``, remembered by the name's extensions (the type
    depends on nothing else)."""
    base = os.path.basename(name)
    dot = base.find(".")
    return _guess_by_suffix(base[dot:] if dot >= 0 else "")


@lru_cache(maxsize=1024)
def _guess_by_suffix(suffix: str) -> str:
    return guess_content_type("file" + suffix)


def stream_threshold(stream_large_files: bool | int) -> int:
    """The size from which files are streamed, for ``stream_large_files``."""
    if stream_large_files is True:
        return DEFAULT_STREAM_THRESHOLD
    if not stream_large_files:
        return ALWAYS_STREAM_THRESHOLD
    if isinstance(stream_large_files, int) and stream_large_files > 0:
        return min(stream_large_files, ALWAYS_STREAM_THRESHOLD)
    raise ValueError(
        "stream_large_files must be True, False or a positive number of bytes, "
        f"not {stream_large_files!r}"
    )
