"""Smoke tests: the app served by uvicorn, hypercorn and granian, as real processes.

Each server is started on a free loopback port with tests/asgi/asgi_app.py,
asked over real HTTP, and stopped with SIGTERM (its graceful stop), which must
run the app's stop listeners through the ASGI lifespan.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.asgi.support import stop, wait_until_serving
from tests.net import free_port

ROOT = Path(__file__).resolve().parents[2]
APP = "tests.asgi.asgi_app:app"


def _command(server: str, port: int) -> list[str]:
    if server == "uvicorn":
        return [sys.executable, "-m", "uvicorn", APP, "--host", "127.0.0.1",
                "--port", str(port), "--lifespan", "on"]  # fmt: skip
    if server == "hypercorn":
        return [sys.executable, "-m", "hypercorn", APP, "--bind",
                f"127.0.0.1:{port}", "--graceful-timeout", "5"]  # fmt: skip
    return [sys.executable, "-m", "granian", "--interface", "asgi", "--host",
            "127.0.0.1", "--port", str(port), "--workers", "1", APP]  # fmt: skip


def _installed(server: str) -> bool:
    return importlib.util.find_spec(server) is not None


SERVERS = [
    pytest.param(
        name,
        marks=pytest.mark.skipif(
            not _installed(name),
            reason=f"{name} is not installed (pip install {name})",
        ),
    )
    for name in ("uvicorn", "hypercorn", "granian")
]


class Served:
    """A server process serving the smoke app, and what it recorded."""

    def __init__(self, server: str, tmp: Path) -> None:
        self.server = server
        self.port = free_port()
        self.events = tmp / "events.txt"
        self.events.write_text("")
        self.file = tmp / "served.txt"
        self.file.write_bytes(b"the file's content\n" * 100)
        env = {
            **os.environ,
            "PYTHONPATH": str(ROOT),
            "ASGI_TEST_EVENTS": str(self.events),
            "ASGI_TEST_FILE": str(self.file),
            "PYTHONUNBUFFERED": "1",
        }
        self.proc = subprocess.Popen(
            _command(server, self.port),
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.output = ""

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def recorded(self) -> list[str]:
        return self.events.read_text().splitlines()

    def wait_for_event(self, event: str, timeout: float = 10.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if event in self.recorded():
                return
            time.sleep(0.02)
        raise AssertionError(f"{event!r} not recorded; got {self.recorded()}")

    def stop(self) -> str:
        self.output = stop(self.proc)
        return self.output


@pytest.fixture(scope="module", params=SERVERS)
def served(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Served]:
    server = request.param
    instance = Served(server, tmp_path_factory.mktemp(server))
    try:
        wait_until_serving(instance.proc, instance.port)
        yield instance
    finally:
        instance.stop()


def test_plain_and_json_answers(served: Served) -> None:
    response = httpx.get(served.url + "/", timeout=5)
    assert response.status_code == 200
    assert response.text == "hello over ASGI"
    info = httpx.get(served.url + "/info?a=1", timeout=5).json()
    assert info == {
        "ip": "127.0.0.1",
        "scheme": "http",
        "host": f"127.0.0.1:{served.port}",
        "path": "/info",
        "args": {"a": ["1"]},
        "asgi": True,
    }


def test_request_bodies_buffered_and_streamed(served: Served) -> None:
    payload = os.urandom(60_000)
    echoed = httpx.post(served.url + "/echo", content=payload, timeout=5).json()
    assert echoed == {"size": 60_000, "sha": hashlib.sha256(payload).hexdigest()}

    def chunks() -> Iterator[bytes]:
        for _ in range(20):
            yield b"y" * 4_000

    uploaded = httpx.post(served.url + "/upload", content=chunks(), timeout=5).json()
    assert uploaded["size"] == 80_000
    assert uploaded["chunks"] >= 1


def test_request_max_size_is_413(served: Served) -> None:
    response = httpx.post(served.url + "/echo", content=b"z" * 150_000, timeout=5)
    assert response.status_code == 413


def test_a_streaming_response(served: Served) -> None:
    with httpx.stream("GET", served.url + "/stream", timeout=5) as response:
        assert response.status_code == 200
        assert "content-length" not in response.headers
        body = b"".join(response.iter_bytes())
    assert body == b"".join(b"part %d\n" % i for i in range(5))


def test_a_file_response(served: Served) -> None:
    """Granian offers http.response.pathsend, and serves the file by path;
    the others get the body. The client sees the same either way."""
    response = httpx.get(served.url + "/file", timeout=5)
    assert response.status_code == 200
    assert response.content == served.file.read_bytes()
    if served.server == "granian":
        assert "pathsend offered" in served.recorded()


def test_not_found_and_method_not_allowed(served: Served) -> None:
    assert httpx.get(served.url + "/nowhere", timeout=5).status_code == 404
    assert httpx.delete(served.url + "/", timeout=5).status_code == 405


def test_a_client_that_leaves_cancels_its_handler(served: Served) -> None:
    with socket.create_connection(("127.0.0.1", served.port), timeout=5) as client:
        client.sendall(b"GET /slow HTTP/1.1\r\nHost: x\r\n\r\n")
        served.wait_for_event("slow started")
    served.wait_for_event("slow cancelled")
    # And the server goes on answering.
    assert httpx.get(served.url + "/", timeout=5).status_code == 200


@pytest.mark.parametrize("server", SERVERS)
def test_sigterm_runs_the_stop_listeners_through_lifespan(
    server: str, tmp_path: Path
) -> None:
    served = Served(server, tmp_path)
    try:
        wait_until_serving(served.proc, served.port)
        assert httpx.get(served.url + "/", timeout=5).status_code == 200
        output = served.stop()
    finally:
        served.stop()
    assert served.recorded() == [
        "before_server_start",
        "after_server_start",
        "before_server_stop",
        "after_server_stop",
    ], output
    assert output.count("main_process_start listeners will not run") == 1, output


def test_a_websocket_upgrade_is_refused(served: Served) -> None:
    """A websocket request to a path with no websocket route: the app closes the
    connection before accepting it, which the server answers with a 403."""
    with socket.create_connection(("127.0.0.1", served.port), timeout=5) as client:
        client.sendall(
            b"GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n"
            b"Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
            b"Sec-WebSocket-Version: 13\r\n\r\n"
        )
        reply = client.recv(4096)
    assert reply.startswith(b"HTTP/1.1 403"), reply
    assert httpx.get(served.url + "/", timeout=5).status_code == 200
