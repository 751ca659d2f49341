"""A graceful stop answers the connections queued in the listening socket.

The kernel completes a TCP handshake on its own and queues the connection
until the server accepts it; the client then sends its request. If the
server closed its listening socket with connections still queued, the kernel
would reset them, and a proxy could not retry a POST it already sent. So a
graceful stop accepts what is queued before it closes the socket and answers
those requests (``connection: close``), like requests in flight.

To get connections queued deterministically, a handler blocks the event
loop right after it asks for the stop, and the stop begins as soon as the
loop is free again, before it would accept anything: connections made during
the block are in the backlog when the listener closes.
"""

from __future__ import annotations

import socket
import ssl
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

from tests.net import free_port
from tests.processes import wait_for_line
from tests.server_thread import read_until_closed

pytestmark = pytest.mark.timeout(60)

APP = textwrap.dedent(
    """
    import asyncio, sys, time
    from sanic import Sanic
    from sanic.response import text

    port, loop_kind, hold = int(sys.argv[1]), sys.argv[2], float(sys.argv[3])
    DELAY = 0.2  # after the answer to /stop went out
    cert = sys.argv[4] if len(sys.argv) > 5 else None
    key = sys.argv[5] if len(sys.argv) > 5 else None

    app = Sanic("backlog_app")
    app.config.USE_UVLOOP = loop_kind == "uvloop"
    app.config.GRACEFUL_SHUTDOWN_TIMEOUT = 10.0

    def block_then_stop():
        # Both run on the loop's next turn, in this order, with no poll for
        # connections in between: the loop is blocked for `hold` seconds,
        # then the graceful stop starts.
        asyncio.get_running_loop().call_soon(time.sleep, hold)
        app.stop()

    @app.get("/stop")
    async def stop(request):
        asyncio.get_running_loop().call_later(DELAY, block_then_stop)
        return text("stopping")

    @app.post("/echo")
    async def echo(request):
        return text(f"got {request.body.decode()}")

    @app.after_server_start
    def ready(app):
        print("ready", flush=True)

    ssl = {"cert": cert, "key": key} if cert else None
    app.run(host="127.0.0.1", port=port, single_process=True, ssl=ssl)
    print("exited", flush=True)
    """
)

HOLD = 1.5  # seconds the loop is blocked: the clients connect meanwhile
DELAY = 0.2  # from the answer to /stop to the block (as in APP)
CLIENTS = 6


def _echo_request(index: int) -> bytes:
    body = f"client-{index}".encode()
    return b"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n\r\n%s" % (
        len(body),
        body,
    )


class Server:
    def __init__(self, tmp_path: Path, loop_kind: str, tls: tuple[str, str] | None):
        script = tmp_path / "backlog_app.py"
        script.write_text(APP)
        self.port = free_port()
        args = [sys.executable, str(script), str(self.port), loop_kind, str(HOLD)]
        if tls:
            args += list(tls)
        self.proc = subprocess.Popen(
            args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        wait_for_line(self.proc, "ready", timeout=20)

    def finish(self, timeout: float = 15) -> tuple[int, str, str]:
        try:
            out, err = self.proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            pytest.fail("the server did not exit in time")
        return self.proc.returncode, out, err

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.communicate()


def _ask_to_stop(port: int, wrap: ssl.SSLContext | None) -> None:
    sock = socket.create_connection(("127.0.0.1", port), timeout=10)
    if wrap is not None:
        sock = wrap.wrap_socket(sock, server_hostname="localhost")
    with sock:
        sock.sendall(b"GET /stop HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        assert read_until_closed(sock).startswith(b"HTTP/1.1 200")


def _queued_client(
    port: int, index: int, wrap: ssl.SSLContext | None, replies: dict
) -> None:
    """Connect (queued: the server cannot accept), send a POST, read the answer."""
    try:
        sock = socket.create_connection(("127.0.0.1", port), timeout=10)
        if wrap is not None:
            # The handshake itself waits until the server takes the connection.
            sock = wrap.wrap_socket(sock, server_hostname="localhost")
        with sock:
            sock.sendall(_echo_request(index))
            replies[index] = read_until_closed(sock, limit=10)
    except OSError as exc:  # a reset, the refusal of a closed port...
        replies[index] = exc


def _check_answers(replies: dict) -> None:
    assert sorted(replies) == list(range(CLIENTS)), replies
    for index, reply in sorted(replies.items()):
        assert isinstance(reply, bytes), f"client {index}: {reply!r}"
        head, _, body = reply.partition(b"\r\n\r\n")
        assert head.startswith(b"HTTP/1.1 200"), f"client {index}: {reply!r}"
        assert body == f"got client-{index}".encode(), f"client {index}: {reply!r}"
        # Served like a request in flight at the stop: not kept alive.
        assert b"connection: close" in head.lower(), f"client {index}: {reply!r}"


def _run(tmp_path: Path, loop_kind: str, tls: bool = False) -> None:
    wrap: ssl.SSLContext | None = None
    files: tuple[str, str] | None = None
    if tls:
        trustme = pytest.importorskip("trustme", reason="trustme makes the cert")
        ca = trustme.CA()
        cert = ca.issue_cert("localhost", "127.0.0.1")
        cert_path, key_path = tmp_path / "cert.pem", tmp_path / "key.pem"
        cert.cert_chain_pems[0].write_to_path(str(cert_path))
        cert.private_key_pem.write_to_path(str(key_path))
        files = (str(cert_path), str(key_path))
        wrap = ssl.create_default_context()
        ca.configure_trust(wrap)
    server = Server(tmp_path, loop_kind, files)
    replies: dict = {}
    threads: list[threading.Thread] = []
    try:
        _ask_to_stop(server.port, wrap)
        time.sleep(DELAY + 0.2)  # the loop is blocked now, for about HOLD s more
        for index in range(CLIENTS):
            thread = threading.Thread(
                target=_queued_client, args=(server.port, index, wrap, replies)
            )
            thread.start()
            threads.append(thread)
        for thread in threads:
            thread.join(20)
        code, out, err = server.finish()
    finally:
        server.kill()
        for thread in threads:
            thread.join(1)
    _check_answers(replies)
    assert code == 0, err[-2000:]
    assert "exited" in out


@pytest.mark.parametrize("loop_kind", ["asyncio", "uvloop"])
def test_requests_queued_in_the_backlog_are_answered_at_a_graceful_stop(
    tmp_path, loop_kind
):
    if loop_kind == "uvloop":
        pytest.importorskip("uvloop", reason="uvloop is not installed")
    _run(tmp_path, loop_kind)


def test_tls_connections_queued_in_the_backlog_are_answered_at_a_graceful_stop(
    tmp_path,
):
    _run(tmp_path, "asyncio", tls=True)


def test_a_worker_takes_in_the_backlog_only_once_the_main_process_let_go():
    """With the worker manager, the main process holds every listening socket
    while it serves: a worker stopping alone (a restart, a scale-down) must
    leave what is queued to the others; once the main process closed its
    copies (the whole server stops), the workers' closes end the sockets."""
    import multiprocessing

    from sanic.worker.serve import drains_backlog

    released = multiprocessing.get_context("spawn").Event()
    assert drains_backlog(released) is False  # a restart: others serve on
    released.set()  # what the main process does before it stops the workers
    assert drains_backlog(released) is True
    # Run some other way (no main process telling): never lose connections.
    assert drains_backlog(None) is True
