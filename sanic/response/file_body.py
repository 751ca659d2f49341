"""Sending (a slice of) an open file as a response body, without reading it
into memory.

On a plain TCP (or Unix) socket the bytes go with ``os.sendfile``: the kernel
copies from the page cache to the socket, nothing passes through Python. That
is what ``loop.sendfile`` does on asyncio's own loop; uvloop has no
``sendfile``, so this module does it for both: wait until the transport has
written what it holds, pause reading (nothing else may write meanwhile), then
``os.sendfile`` each time the socket is writable, yielding to the event loop
between calls so one download cannot starve other connections.

Where the bytes must pass through the transport (TLS, a transport that
reports what it writes, chunked framing) they are read in ``chunk_size``
pieces in a worker thread and written with the transport's flow control:
memory holds at most one piece plus the transport's high-water mark.

Either way a file shorter than announced (it shrank meanwhile) ends the
response early, and the caller closes the connection: a body shorter than its
Content-Length must not be followed by another response on the same
connection.
"""

from __future__ import annotations

import os
import socket
from asyncio import AbstractEventLoop, Future, get_running_loop
from collections.abc import AsyncIterator, Callable
from typing import Any

__all__ = (
    "READ_CHUNK",
    "can_zero_copy",
    "read_chunks",
    "send_by_reads",
    "send_zero_copy",
)

# Bytes per os.sendfile call: large enough to cost few syscalls, small enough
# that one call does not hold the event loop long.
SENDFILE_BLOCK = 4 * 1024 * 1024
# Bytes per read when the file passes through the transport.
READ_CHUNK = 256 * 1024
_GONE = (BrokenPipeError, ConnectionResetError, ConnectionAbortedError)
_HAS_SENDFILE = hasattr(os, "sendfile")


def can_zero_copy(transport: Any, fileobj: Any) -> bool:
    """True when ``os.sendfile`` can write ``fileobj`` straight to the socket
    under ``transport``: a plain socket (no TLS), written by no wrapper."""
    if not _HAS_SENDFILE or transport is None:
        return False
    if type(transport).__name__ == "_ReportingTransport":
        return False  # http.lifecycle.send reports each write: keep them visible
    try:
        if transport.get_extra_info("sslcontext") is not None:
            return False
        if transport.get_extra_info("ssl_object") is not None:
            return False
        sock = transport.get_extra_info("socket")
        if sock is None or sock.fileno() < 0:
            return False
        if sock.type != socket.SOCK_STREAM:
            return False
        fileobj.fileno()
    except (AttributeError, OSError, ValueError):
        return False
    return True


async def send_zero_copy(protocol: Any, fileobj: Any, offset: int, count: int) -> int:
    """Write ``count`` bytes of ``fileobj`` from ``offset`` to the protocol's
    socket with ``os.sendfile``; returns the bytes sent.

    Fewer than ``count`` means the file ended early or the client went away
    (then the connection is aborted); the caller must not reuse the
    connection either way.
    """
    transport = protocol.transport
    loop = get_running_loop()
    await _flush_transport(protocol, transport)
    if protocol._closing or transport.is_closing():
        return 0
    sock_fd = transport.get_extra_info("socket").fileno()
    in_fd = fileobj.fileno()
    # Readiness is watched on a duplicate of the socket's descriptor: event
    # loops refuse a watcher on a descriptor a transport owns.
    watch_fd = os.dup(sock_fd)
    writable = _Readiness(loop)
    loop.add_writer(watch_fd, writable.set)
    paused_here = not protocol._reading_paused
    if paused_here:
        protocol.pause_reading()
    sent = 0
    try:
        while sent < count:
            await writable.wait()
            if protocol._closing:
                break
            try:
                done = os.sendfile(
                    sock_fd,
                    in_fd,
                    offset + sent,
                    min(count - sent, SENDFILE_BLOCK),
                )
            except (BlockingIOError, InterruptedError):
                continue
            except _GONE:
                protocol.abort()
                break
            if done == 0:
                break  # the file ended early
            sent += done
    finally:
        loop.remove_writer(watch_fd)
        os.close(watch_fd)
        if paused_here:
            protocol.resume_reading()
    return sent


async def send_by_reads(
    protocol: Any,
    fileobj: Any,
    offset: int,
    count: int,
    chunk_size: int = READ_CHUNK,
    frame: Callable[[bytes], bytes] | None = None,
) -> int:
    """Write ``count`` bytes of ``fileobj`` from ``offset`` through the
    transport, ``chunk_size`` at a time, each framed by ``frame`` if given;
    returns the bytes sent (fewer: the file ended early or the client went)."""
    sent = 0
    async for data in read_chunks(fileobj, offset, count, chunk_size):
        if protocol._closing:
            break
        protocol.write(frame(data) if frame is not None else data)
        sent += len(data)
        try:
            await protocol.drain()
        except _GONE:
            break
    return sent


async def read_chunks(
    fileobj: Any, offset: int, count: int, chunk_size: int = READ_CHUNK
) -> AsyncIterator[bytes]:
    """``count`` bytes of ``fileobj`` from ``offset``, ``chunk_size`` at a time,
    each read in a worker thread; stops early where the file ends."""
    loop = get_running_loop()
    read = _reader(fileobj)
    chunk_size = max(1, int(chunk_size))
    position, end = offset, offset + count
    while position < end:
        data = await loop.run_in_executor(
            None, read, min(chunk_size, end - position), position
        )
        if not data:
            return
        position += len(data)
        yield data


def _reader(fileobj: Any) -> Callable[[int, int], bytes]:
    """``read(size, position)`` for the file, by pread where there is one."""
    try:
        fd = fileobj.fileno()
    except (AttributeError, OSError, ValueError):
        fd = None
    if fd is not None and hasattr(os, "pread"):
        return lambda size, position: os.pread(fd, size, position)

    def read(size: int, position: int) -> bytes:
        fileobj.seek(position)
        return fileobj.read(size)

    return read


async def _flush_transport(protocol: Any, transport: Any) -> None:
    """Wait until the transport has written everything it buffered (the head),
    so the file's bytes follow it on the socket."""
    if not transport.get_write_buffer_size():
        return
    low, high = transport.get_write_buffer_limits()
    # With a high-water mark of 0 the transport pauses the protocol now and
    # resumes it once its buffer is empty: drain() waits for exactly that.
    transport.set_write_buffer_limits(high=0, low=0)
    try:
        while transport.get_write_buffer_size() and not protocol._closing:
            await protocol.drain()
    finally:
        if not transport.is_closing():
            transport.set_write_buffer_limits(high=high, low=low)


class _Readiness:
    """A reusable "the socket is writable" flag for one sending loop."""

    __slots__ = ("_loop", "_future")

    def __init__(self, loop: AbstractEventLoop) -> None:
        self._loop = loop
        self._future: Future[None] | None = None

    def set(self) -> None:
        future = self._future
        if future is not None and not future.done():
            future.set_result(None)

    async def wait(self) -> None:
        self._future = self._loop.create_future()
        try:
            await self._future
        finally:
            self._future = None
