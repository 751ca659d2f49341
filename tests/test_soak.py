"""Soak: memory stays flat and nothing fails under sustained load.

The server runs in its own process (its RSS is read from /proc); a pipelining
client sends a mix of requests that touches most of the request path: plain
and JSON responses, query args, cookies, bodies, streamed bodies both ways,
404s, handled exceptions, blueprint middleware, HEAD, and new connections.

``make test`` runs a short version. ``make soak`` runs the issue's figure:
RSS growth under 5% across 1,000,000 requests after the first 100,000
(SANIC_SOAK_WARMUP / SANIC_SOAK_REQUESTS set the counts).
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(
    not Path("/proc/self/status").exists(), reason="RSS is read from /proc (Linux)"
)

WARMUP = int(os.environ.get("SANIC_SOAK_WARMUP", "10000"))
REQUESTS = int(os.environ.get("SANIC_SOAK_REQUESTS", "50000"))
REPEAT = 5  # mixes per write
CONNECTIONS = 4
BATCHES_PER_CONNECTION = 100  # then the connection is replaced by a new one

SERVER = textwrap.dedent(
    """
    import asyncio, sys
    from sanic import Blueprint, Sanic
    from sanic.response import json, text, raw
    from sanic.server.loop import new_event_loop

    app = Sanic("soak")
    bp = Blueprint("bp", url_prefix="/bp")

    @app.get("/plaintext")
    async def plaintext(request):
        return text("Hello, World!")

    @app.get("/json")
    async def as_json(request):
        return json({"x": request.args.get("x"), "ys": request.args.getlist("y")})

    @app.get("/user/<uid:int>")
    async def user(request, uid):
        return json({"id": uid, "session": request.cookies.get("session")})

    @app.post("/echo")
    async def echo(request):
        return raw(request.body, headers={"x-type": request.content_type})

    @app.get("/error")
    async def error(request):
        raise ValueError("expected")

    @app.exception(ValueError)
    async def on_value_error(request, exception):
        return text("handled", status=418)

    @app.get("/stream")
    async def streamed(request):
        response = await request.respond(content_type="text/plain")
        await response.send("part one;")
        await response.send("part two")
        await response.eof()

    @app.post("/upload", stream=True)
    async def upload(request):
        size = 0
        async for chunk in request.stream:
            size += len(chunk)
        return text(str(size))

    @bp.middleware("request")
    async def stamp(request):
        request.ctx.seen = True

    @bp.middleware("response")
    async def header(request, response):
        response.headers["x-bp"] = "1"

    @bp.get("/mw")
    async def mw(request):
        return text(str(request.ctx.seen))

    app.blueprint(bp)

    async def main():
        server = await app.create_server(
            host="127.0.0.1", port=0, return_asyncio_server=True
        )
        await server.startup()
        await server.before_start()
        await server.start_serving()
        await server.after_start()
        print("ready", server.port, flush=True)
        await asyncio.Event().wait()

    new_event_loop().run_until_complete(main())
    """
)

_BODY = b"b" * 1024
BATCH = b"".join(
    [
        b"GET /plaintext HTTP/1.1\r\nHost: soak\r\n\r\n",
        b"GET /json?x=1&y=2&y=3 HTTP/1.1\r\nHost: soak\r\nAccept: */*\r\n\r\n",
        b"GET /user/42 HTTP/1.1\r\nHost: soak\r\nCookie: session=abc; other=1\r\n\r\n",
        b"POST /echo HTTP/1.1\r\nHost: soak\r\nContent-Type: application/x-test\r\n"
        b"Content-Length: %d\r\n\r\n%s" % (len(_BODY), _BODY),
        b"GET /missing HTTP/1.1\r\nHost: soak\r\n\r\n",
        b"GET /error HTTP/1.1\r\nHost: soak\r\n\r\n",
        b"GET /stream HTTP/1.1\r\nHost: soak\r\n\r\n",
        b"POST /upload HTTP/1.1\r\nHost: soak\r\nTransfer-Encoding: chunked\r\n\r\n"
        b"5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n",
        b"GET /bp/mw HTTP/1.1\r\nHost: soak\r\n\r\n",
        b"HEAD /plaintext HTTP/1.1\r\nHost: soak\r\n\r\n",
    ]
)
PER_BATCH = BATCH.count(b" HTTP/1.1\r\n")


def _rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError("no VmRSS")


class _Client:
    """CONNECTIONS pipelining connections; every batch's answer must be
    byte-for-byte the first one's (the routes are deterministic)."""

    def __init__(self, port: int, expected: bytes) -> None:
        self.port = port
        self.expected = expected * REPEAT
        self.sockets = [self._connect() for _ in range(CONNECTIONS)]
        self.uses = [0] * CONNECTIONS

    def _connect(self) -> socket.socket:
        sock = socket.create_connection(("127.0.0.1", self.port), timeout=10)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return sock

    def run(self, requests: int) -> int:
        done = 0
        while done < requests:
            for sock in self.sockets:
                sock.sendall(BATCH * REPEAT)
            for index, sock in enumerate(self.sockets):
                received = _read_exactly(sock, len(self.expected))
                if received != self.expected:
                    raise AssertionError(
                        f"after {done} requests a batch was answered differently:\n"
                        f"{received[:600]!r}"
                    )
                self.uses[index] += 1
                if self.uses[index] >= BATCHES_PER_CONNECTION:
                    sock.close()
                    self.sockets[index] = self._connect()
                    self.uses[index] = 0
            done += PER_BATCH * REPEAT * CONNECTIONS
        return done

    def close(self) -> None:
        for sock in self.sockets:
            sock.close()


def _read_exactly(sock: socket.socket, size: int) -> bytes:
    parts = []
    remaining = size
    while remaining:
        chunk = sock.recv(min(remaining, 1 << 20))
        if not chunk:
            raise AssertionError("the server closed the connection")
        parts.append(chunk)
        remaining -= len(chunk)
    return b"".join(parts)


def _first_answer(port: int) -> bytes:
    """One batch on its own connection: learn and check the expected bytes."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=10)
    sock.sendall(
        BATCH + b"GET /plaintext HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
    )
    data = b""
    while chunk := sock.recv(1 << 20):
        data += chunk
    sock.close()
    last = data.rindex(b"HTTP/1.1 200 OK\r\n")
    answer = data[:last]
    statuses = re.findall(rb"HTTP/1\.1 (\d{3}) ", answer)
    assert statuses == [
        b"200",
        b"200",
        b"200",
        b"200",
        b"404",
        b"418",
        b"200",
        b"200",
        b"200",
        b"200",
    ], statuses
    assert b'{"id":42,"session":"abc"}' in answer
    assert b"part one;" in answer and b"part two" in answer
    assert b"x-bp: 1" in answer and b"\r\n\r\n11" in answer
    return answer


@pytest.mark.timeout(1800)
def test_memory_stays_flat_and_nothing_fails_under_sustained_load(
    tmp_path: Path,
) -> None:
    script = tmp_path / "soak_server.py"
    script.write_text(SERVER)
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    server = subprocess.Popen(
        [sys.executable, str(script)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=Path(__file__).resolve().parent.parent,
        env=env,
    )
    try:
        line = server.stdout.readline().decode()  # type: ignore[union-attr]
        assert line.startswith("ready"), line + server.stderr.read().decode()  # type: ignore[union-attr]
        port = int(line.split()[1])
        expected = _first_answer(port)
        client = _Client(port, expected)
        started = time.monotonic()
        warmed = client.run(WARMUP)
        rss_warm = _rss_kib(server.pid)
        served = client.run(REQUESTS)
        elapsed = time.monotonic() - started
        rss_end = _rss_kib(server.pid)
        client.close()
        growth = (rss_end - rss_warm) / rss_warm
        report = (
            f"soak: {warmed} warm-up + {served} requests in {elapsed:.1f} s "
            f"({(warmed + served) / elapsed:.0f}/s); RSS {rss_warm} KiB after "
            f"warm-up, {rss_end} KiB at the end ({growth:+.2%})"
        )
        print(report)
        assert server.poll() is None, "the server died"
        assert growth < 0.05, report
    finally:
        server.terminate()
        try:
            _, stderr = server.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            _, stderr = server.communicate()
    # Handled errors and 404s are not logged as tracebacks.
    assert b"Traceback" not in stderr, stderr.decode()[-3000:]
