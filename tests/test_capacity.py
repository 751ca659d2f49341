"""Many connections at once: idle ones and slow ones do not stop the server from
answering, and the timeouts free them."""

from __future__ import annotations

import resource
import socket
import time

import pytest

from sanic import Sanic
from sanic.response import text
from tests.server_thread import connect, serve_in_thread

IDLE = 1000


@pytest.fixture
def many_files() -> None:
    """Room for 1000 client sockets and 1000 server sockets in this process."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = 3 * IDLE + 256
    if hard != resource.RLIM_INFINITY and hard < wanted:
        pytest.skip(f"the open-file limit ({hard}) is below the {wanted} needed")
    if soft != resource.RLIM_INFINITY and soft < wanted:
        resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))
    yield
    resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))


def _get(port: int, path: bytes = b"/") -> tuple[bytes, float]:
    started = time.monotonic()
    sock = connect(port)
    sock.sendall(b"GET %s HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n" % path)
    reply = b""
    while chunk := sock.recv(65536):
        reply += chunk
    sock.close()
    return reply, time.monotonic() - started


def _open_idle(port: int, count: int, first_bytes: bytes = b"") -> list[socket.socket]:
    sockets = []
    for _ in range(count):
        sock = socket.create_connection(("127.0.0.1", port), timeout=5)
        if first_bytes:
            sock.sendall(first_bytes)
        sockets.append(sock)
    return sockets


def _closed_by_server(sock: socket.socket, limit: float) -> bool:
    sock.settimeout(limit)
    try:
        while True:
            data = sock.recv(65536)
            if not data:
                return True
    except TimeoutError:
        return False
    except ConnectionError:
        return True


def test_a_thousand_idle_connections_do_not_stop_the_server_answering(
    app: Sanic, many_files: None
) -> None:
    @app.get("/")
    async def index(request):
        return text("still here")

    with serve_in_thread(app, check_still_answers=True) as port:
        idle = _open_idle(port, IDLE)
        # Half of them have sent part of a request line (slowloris).
        for sock in idle[: IDLE // 2]:
            sock.sendall(b"GET /partial HT")
        try:
            for _ in range(20):
                reply, took = _get(port)
                assert reply.startswith(b"HTTP/1.1 200") and reply.endswith(
                    b"still here"
                )
                assert took < 1.0
        finally:
            for sock in idle:
                sock.close()


def test_slow_and_idle_clients_are_cut_off_by_the_timeouts(
    app: Sanic, many_files: None
) -> None:
    app.config.REQUEST_TIMEOUT = 1.0
    app.config.KEEP_ALIVE_TIMEOUT = 1.0

    @app.get("/")
    async def index(request):
        return text("ok")

    with serve_in_thread(app, check_still_answers=True) as port:
        silent = _open_idle(port, 300)
        slow = _open_idle(port, 300, b"GET / HTTP/1.1\r\nHost: x\r\n")  # never ends
        kept = _open_idle(port, 300, b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        try:
            started = time.monotonic()
            for sock in kept:  # answered, then idle on keep-alive
                assert _recv_some(sock).startswith(b"HTTP/1.1 200")
            for group in (silent, slow, kept):
                for sock in group:
                    remaining = max(4.0 - (time.monotonic() - started), 0.1)
                    assert _closed_by_server(sock, remaining)
            assert time.monotonic() - started < 4.0
            reply, _ = _get(port)
            assert reply.startswith(b"HTTP/1.1 200")
        finally:
            for sock in silent + slow + kept:
                sock.close()


def _recv_some(sock: socket.socket) -> bytes:
    sock.settimeout(5)
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            break
        data += chunk
    return data
