"""A worker restarted on a unix socket leaves the main process's socket file alone."""

from __future__ import annotations

import http.client
import socket
import time
from pathlib import Path

from tests.worker.support import running

APP = """
    import os, sys
    from sanic import Sanic, text

    app = Sanic("UnixRestartApp")

    @app.get("/pid")
    async def pid(request):
        return text(str(os.getpid()))

    @app.get("/restart")
    async def restart(request):
        request.app.m.restart()
        return text("restarting")

    if __name__ == "__main__":
        app.run(unix=sys.argv[2], workers=1)
"""


class UnixConnection(http.client.HTTPConnection):
    def __init__(self, path: str) -> None:
        super().__init__("localhost", timeout=5)
        self.path = path

    def connect(self) -> None:
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(5)
        self.sock.connect(self.path)


def get(path: str, uri: str) -> str:
    conn = UnixConnection(path)
    try:
        conn.request("GET", uri)
        return conn.getresponse().read().decode()
    finally:
        conn.close()


def test_a_restarted_worker_serves_on_the_same_socket_file(tmp_path: Path):
    sock_path = str(tmp_path / "app.sock")
    with running(tmp_path, APP, extra_args=(sock_path,)) as server:
        first = get(sock_path, "/pid")
        assert get(sock_path, "/restart") == "restarting"
        deadline = time.monotonic() + 15
        pid = first
        while pid == first and time.monotonic() < deadline:
            time.sleep(0.1)
            try:
                pid = get(sock_path, "/pid")
            except OSError:
                pass
        assert pid != first, server.output
        assert Path(sock_path).exists()
        assert server.finish() == 0
        assert not Path(sock_path).exists()
