"""Graceful shutdown of a real server process: SIGTERM/SIGINT and app.stop().

Requests in flight are answered in full, idle keep-alive connections are
closed at once (after a quarter second in which a request sent on one is
still answered), new connections are refused, the stop listeners run, and the
process exits 0; a handler longer than GRACEFUL_SHUTDOWN_TIMEOUT is cut off.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from tests.net import free_port
from tests.processes import wait_for_line
from tests.server_thread import read_responses, read_until_closed

APP = textwrap.dedent(
    """
    import asyncio, json, pathlib, sys, time
    from sanic import Sanic
    from sanic.response import text

    port, events_path, graceful = int(sys.argv[1]), sys.argv[2], float(sys.argv[3])
    unix = sys.argv[4] if len(sys.argv) > 4 else None
    events = pathlib.Path(events_path)

    def record(name):
        with events.open("a") as out:
            out.write(json.dumps([name, time.time()]) + "\\n")

    app = Sanic("graceful_app")
    app.config.GRACEFUL_SHUTDOWN_TIMEOUT = graceful

    @app.get("/fast")
    async def fast(request):
        return text("fast")

    @app.get("/slow/<seconds:float>")
    async def slow(request, seconds):
        record("slow started")
        await asyncio.sleep(seconds)
        record("slow finished")
        return text("slow done " + "x" * 10000)

    @app.get("/stop")
    async def stop(request):
        request.app.stop()
        return text("stopping")

    @app.after_server_start
    def ready(app):
        print("ready", flush=True)

    @app.before_server_stop
    def before_stop(app):
        record("before_server_stop")

    @app.after_server_stop
    def after_stop(app):
        record("after_server_stop")

    if unix:
        app.run(unix=unix, single_process=True)
    else:
        app.run(host="127.0.0.1", port=port, single_process=True)
    record("exited run")
    """
)


class Server:
    """The app above in a subprocess."""

    def __init__(self, tmp_path: Path, graceful: float, unix: str | None = None):
        script = tmp_path / "graceful_app.py"
        script.write_text(APP)
        self.port = free_port()
        self.events_path = tmp_path / "events.jsonl"
        args = [sys.executable, str(script), str(self.port)]
        args += [str(self.events_path), str(graceful)]
        if unix:
            args.append(unix)
        self.proc = subprocess.Popen(
            args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        wait_for_line(self.proc, "ready", timeout=20)

    def connect(self) -> socket.socket:
        sock = socket.create_connection(("127.0.0.1", self.port), timeout=10)
        return sock

    def _records(self) -> list[tuple[str, float]]:
        if not self.events_path.exists():
            return []
        records = []
        for line in self.events_path.read_text().splitlines():
            try:
                name, at = json.loads(line)
            except ValueError:
                continue  # being written right now
            records.append((name, at))
        return records

    def events(self) -> list[str]:
        return [name for name, _ in self._records()]

    def event_times(self) -> dict[str, float]:
        return dict(self._records())

    def wait_for_event(self, name: str, count: int = 1, timeout: float = 10) -> None:
        deadline = time.monotonic() + timeout
        while self.events().count(name) < count:
            if time.monotonic() > deadline:
                pytest.fail(f"{name!r} x{count} never happened: {self.events()}")
            time.sleep(0.02)

    def finish(self, timeout: float) -> tuple[int, str]:
        try:
            _, err = self.proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            _, err = self.proc.communicate()
            pytest.fail(f"server did not exit within {timeout}s: {err[-2000:]}")
        return self.proc.returncode, err

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.communicate()


def request(path: str, keep_alive: bool = True) -> bytes:
    connection = "keep-alive" if keep_alive else "close"
    return (
        f"GET {path} HTTP/1.1\r\nHost: x\r\nConnection: {connection}\r\n\r\n".encode()
    )


def assert_stop_listeners_ran(events: list[str]) -> None:
    assert events.count("before_server_stop") == 1, events
    assert events.count("after_server_stop") == 1, events
    assert events[-2:] == ["after_server_stop", "exited run"], events
    assert events.index("before_server_stop") < events.index("after_server_stop")


def body_of(response: bytes) -> bytes:
    return response.partition(b"\r\n\r\n")[2]


def closed_by_server(sock: socket.socket, limit: float) -> bool:
    """True when the server closes ``sock`` within ``limit`` seconds."""
    sock.settimeout(limit)
    try:
        return sock.recv(1) == b""
    except ConnectionResetError:
        return True
    except TimeoutError:
        return False


def refuses_new_connections(port: int, limit: float = 3.0) -> bool:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        try:
            probe = socket.create_connection(("127.0.0.1", port), timeout=1)
        except ConnectionRefusedError:
            return True
        probe.close()
        time.sleep(0.02)
    return False


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_signal_drains_requests_closes_idle_refuses_new(tmp_path, sig):
    server = Server(tmp_path, graceful=10)
    try:
        idle = []
        for _ in range(2):
            sock = server.connect()
            sock.sendall(request("/fast"))
            [response] = read_responses(sock, 1)
            assert body_of(response) == b"fast"
            idle.append(sock)  # kept alive, nothing in flight
        busy = []
        for _ in range(3):
            sock = server.connect()
            sock.sendall(request("/slow/3"))
            busy.append(sock)
        server.wait_for_event("slow started", 3)
        signalled = time.monotonic()
        server.proc.send_signal(sig)

        # Idle keep-alive connections are closed at once.
        for sock in idle:
            assert closed_by_server(sock, limit=2.0)
        assert time.monotonic() - signalled < 2.0  # KEEP_ALIVE_TIMEOUT is 5 s
        # New connections are refused (while the slow requests still run).
        assert refuses_new_connections(server.port)
        assert server.events().count("slow finished") == 0
        # Every accepted request gets its full response, then the connection closes.
        for sock in busy:
            response = read_until_closed(sock, limit=10)
            assert response.startswith(b"HTTP/1.1 200 OK")
            assert b"connection: close" in response.lower()
            assert body_of(response) == b"slow done " + b"x" * 10000
        code, err = server.finish(timeout=10)
        assert code == 0, err
        assert "Traceback" not in err
        events = server.events()
        assert events.count("slow finished") == 3
        # before_server_stop runs as the shutdown starts (requests still in
        # flight), after_server_stop once they were answered.
        assert_stop_listeners_ran(events)
        assert events.index("after_server_stop") > max(
            i for i, name in enumerate(events) if name == "slow finished"
        )
        for sock in idle + busy:
            sock.close()
    finally:
        server.kill()


def test_handler_longer_than_graceful_timeout_is_cut_off(tmp_path):
    server = Server(tmp_path, graceful=1.0)
    try:
        sock = server.connect()
        sock.sendall(request("/slow/60"))
        server.wait_for_event("slow started")
        signalled = time.monotonic()
        server.proc.send_signal(signal.SIGTERM)
        try:
            response = read_until_closed(sock, limit=10)
        except ConnectionResetError:
            response = b""
        assert response == b""  # cut off: no response
        code, err = server.finish(timeout=10)
        elapsed = time.monotonic() - signalled
        assert code == 0, err
        assert 0.9 < elapsed < 5, elapsed
        events = server.events()
        assert "slow finished" not in events
        assert_stop_listeners_ran(events)
        sock.close()
    finally:
        server.kill()


def test_second_signal_cuts_the_grace_period_short(tmp_path):
    server = Server(tmp_path, graceful=60)
    try:
        sock = server.connect()
        sock.sendall(request("/slow/60"))
        server.wait_for_event("slow started")
        signalled = time.monotonic()
        server.proc.send_signal(signal.SIGINT)
        server.wait_for_event("before_server_stop")
        server.proc.send_signal(signal.SIGINT)
        code, err = server.finish(timeout=10)
        assert code == 0, err
        assert time.monotonic() - signalled < 5
        assert server.events()[-2:] == ["after_server_stop", "exited run"]
        sock.close()
    finally:
        server.kill()


def test_app_stop_from_a_handler_drains_like_a_signal(tmp_path):
    server = Server(tmp_path, graceful=10)
    try:
        slow = server.connect()
        slow.sendall(request("/slow/1"))
        server.wait_for_event("slow started")
        stopper = server.connect()
        stopper.sendall(request("/stop"))
        stop_reply = read_until_closed(stopper, limit=10)
        assert body_of(stop_reply) == b"stopping"
        assert refuses_new_connections(server.port)
        response = read_until_closed(slow, limit=10)
        assert body_of(response).startswith(b"slow done")
        code, err = server.finish(timeout=10)
        assert code == 0, err
        assert_stop_listeners_ran(server.events())
        slow.close()
        stopper.close()
    finally:
        server.kill()


def test_pipelined_requests_already_received_are_answered(tmp_path):
    server = Server(tmp_path, graceful=10)
    try:
        sock = server.connect()
        sock.sendall(request("/slow/1") + request("/fast"))
        server.wait_for_event("slow started")
        server.proc.send_signal(signal.SIGTERM)
        responses = read_responses(sock, 2, limit=10)
        assert [body_of(r)[:9] for r in responses] == [b"slow done", b"fast"]
        assert closed_by_server(sock, limit=5)
        code, err = server.finish(timeout=10)
        assert code == 0, err
        sock.close()
    finally:
        server.kill()


def test_a_request_on_a_keep_alive_connection_as_the_stop_begins_is_answered(
    tmp_path,
):
    # A proxy reuses its idle connections: it may send a request on one at
    # the moment the server starts stopping, and cannot retry a POST it sent.
    # The connection is not closed under it: the request is answered, and
    # the answer says the connection closes.
    server = Server(tmp_path, graceful=10)
    try:
        sock = server.connect()
        sock.sendall(request("/fast"))
        [response] = read_responses(sock, 1)
        assert b"connection: close" not in response.lower()  # kept alive
        server.proc.send_signal(signal.SIGTERM)
        assert refuses_new_connections(server.port)  # the stop has begun
        sock.sendall(request("/fast"))
        reply = read_until_closed(sock, limit=5)
        assert reply.startswith(b"HTTP/1.1 200 OK"), reply
        assert b"connection: close" in reply.lower()
        assert body_of(reply) == b"fast"
        code, err = server.finish(timeout=10)
        assert code == 0, err
        sock.close()
    finally:
        server.kill()


def test_unix_socket_file_is_removed_after_sigterm(tmp_path):
    path = str(tmp_path / "graceful.sock")
    server = Server(tmp_path, graceful=5, unix=path)
    try:
        assert os.path.exists(path)
        client = socket.socket(socket.AF_UNIX)
        client.settimeout(10)
        client.connect(path)
        client.sendall(request("/slow/0.5"))
        server.wait_for_event("slow started")
        server.proc.send_signal(signal.SIGTERM)
        response = read_until_closed(client, limit=10)
        assert body_of(response).startswith(b"slow done")
        code, err = server.finish(timeout=10)
        assert code == 0, err
        assert not os.path.exists(path)
        client.close()
    finally:
        server.kill()


def test_in_process_app_stop_waits_for_requests_in_flight(app):
    """The same from app.stop() in this process: run() returns after the
    slow request was answered, and only then do the stop listeners finish."""
    import asyncio

    from sanic.response import text

    port = free_port()
    events: list[str] = []
    replies: dict[str, Any] = {}

    @app.get("/slow")
    async def slow(request):
        await asyncio.sleep(0.5)
        events.append("slow answered")
        return text("slow")

    @app.get("/stop")
    async def stop(request):
        request.app.stop()
        return text("stopping")

    def client(path: str) -> None:
        sock = socket.create_connection(("127.0.0.1", port), timeout=10)
        sock.sendall(request(path))
        replies[path] = read_until_closed(sock, limit=10)
        sock.close()

    def clients() -> None:
        first = threading.Thread(target=client, args=("/slow",))
        first.start()
        time.sleep(0.2)
        client("/stop")
        first.join(10)

    driver = threading.Thread(target=clients)
    app.after_server_start(lambda app_: driver.start())
    app.after_server_stop(lambda app_: events.append("after_server_stop"))
    app.run(port=port, single_process=True, register_sys_signals=False)
    driver.join(10)
    assert events == ["slow answered", "after_server_stop"]
    assert body_of(replies["/slow"]) == b"slow"
    assert body_of(replies["/stop"]) == b"stopping"
