"""Serve an app from a background thread so tests can talk raw sockets to it."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sanic.server.loop import new_event_loop
from sanic.server.runners import shutdown_connections


@contextmanager
def serve_in_thread(
    app: Any, *, check_still_answers: bool = False, **server_kwargs: Any
) -> Iterator[int]:
    """Start ``app`` on a free loopback port; yield the port; stop it after.

    With ``check_still_answers``, a test that passed is followed by a request on
    a new connection, which must get an answer: whatever the test sent did not
    break the server.
    """
    ready = threading.Event()
    state: dict[str, Any] = {}

    async def main() -> None:
        server = await app.create_server(host="127.0.0.1", port=0, **server_kwargs)
        await server.startup()
        await server.before_start()
        await server.start_serving()
        await server.after_start()
        state["port"] = server.port
        state["stop"] = asyncio.Event()
        ready.set()
        await state["stop"].wait()
        await server.before_stop()
        server.close()
        await shutdown_connections(server.connections, 1.0, asyncio.get_running_loop())
        await server.wait_closed()
        await server.after_stop()

    def run() -> None:
        loop = new_event_loop()
        state["loop"] = loop
        try:
            loop.run_until_complete(main())
        except BaseException as exc:  # surfaced to the test below
            state["error"] = exc
            ready.set()
        finally:
            loop.close()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    if not ready.wait(10):
        raise RuntimeError("server did not start within 10 s")
    if "error" in state:
        raise state["error"]
    try:
        yield state["port"]
        if check_still_answers:
            assert_still_answers(state["port"])
    finally:
        state["loop"].call_soon_threadsafe(state["stop"].set)
        thread.join(10)


def assert_still_answers(port: int) -> None:
    """A new connection gets an HTTP answer (a 404 will do) within 5 s."""
    with connect(port) as sock:
        sock.sendall(
            b"GET /__still_answers__ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
        )
        reply = read_until_closed(sock)
    assert reply.startswith(b"HTTP/1.1 "), f"the server stopped answering: {reply!r}"


def connect(port: int, timeout: float = 5.0) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    return sock


def read_until_closed(sock: socket.socket, limit: float = 5.0) -> bytes:
    """Everything the server sends until it closes the connection."""
    data = b""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        try:
            chunk = sock.recv(65536)
        except TimeoutError:
            break
        if not chunk:
            break
        data += chunk
    return data


def read_responses(sock: socket.socket, count: int, limit: float = 5.0) -> list[bytes]:
    """Read ``count`` complete responses (Content-Length framed) from ``sock``."""
    buffer = b""
    responses: list[bytes] = []
    deadline = time.monotonic() + limit
    while len(responses) < count and time.monotonic() < deadline:
        while True:
            head_end = buffer.find(b"\r\n\r\n")
            if head_end < 0:
                break
            head = buffer[:head_end].decode("latin-1")
            length = 0
            for line in head.split("\r\n")[1:]:
                name, _, value = line.partition(":")
                if name.strip().lower() == "content-length":
                    length = int(value.strip())
            total = head_end + 4 + length
            if len(buffer) < total:
                break
            responses.append(buffer[:total])
            buffer = buffer[total:]
            if len(responses) == count:
                return responses
        chunk = sock.recv(65536)
        if not chunk:
            break
        buffer += chunk
    return responses


def read_rejection(sock: socket.socket, limit: float = 5.0) -> bytes | None:
    """What the server sent before closing on a client that was still sending.

    None when the connection was reset instead: closing with the client's bytes
    unread sends a reset, which may discard the error response before it is
    read (until the server does a lingering close).
    """
    try:
        return read_until_closed(sock, limit)
    except ConnectionResetError:
        return None
