"""Run an app script in a real process tree (main process + spawned workers).

Every test that starts a server uses `running`: the script runs in its own
session, so cleanup can kill the main process and every worker at once.
"""

from __future__ import annotations

import http.client
import os
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

from tests.net import free_port
from tests.processes import Watched

ROOT = Path(__file__).resolve().parents[2]


class Server(Watched):
    """A script serving on ``self.port``, its output collected as it comes."""

    def __init__(self, path: Path, port: int, extra_args: tuple[str, ...] = ()):
        self.port = port
        env = {**os.environ, "PYTHONUNBUFFERED": "1", "SANIC_NO_COLOR": "true"}
        env["PYTHONPATH"] = os.pathsep.join(
            [str(ROOT), env.get("PYTHONPATH", "")]
        ).rstrip(os.pathsep)
        super().__init__(
            [sys.executable, str(path), str(port), *extra_args],
            cwd=path.parent,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
        )
        self.out, self.err = self._output.streams

    def wait_for(self, text: str, count: int = 1, timeout: float = 20.0) -> None:
        """Until ``text`` appears ``count`` times in the output."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.output.count(text) >= count:
                return
            if self.proc.poll() is not None:
                time.sleep(0.2)  # let the pumps finish
                if self.output.count(text) >= count:
                    return
                raise AssertionError(
                    f"exited ({self.proc.returncode}) before {text!r}:\n{self.output}"
                )
            time.sleep(0.05)
        raise AssertionError(f"never saw {text!r} x{count}:\n{self.output}")

    def get(self, path: str = "/", timeout: float = 10.0) -> tuple[int, str]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            conn.request("GET", path)
            response = conn.getresponse()
            return response.status, response.read().decode()
        finally:
            conn.close()

    def pids(self, count: int = 40) -> set[str]:
        """The pids that answer ``/pid``, each request on a new connection."""
        return {self.get("/pid")[1] for _ in range(count)}


def write_app(tmp_path: Path, source: str, name: str = "app.py") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(source))
    return path


@contextmanager
def running(
    tmp_path: Path,
    source: str,
    *,
    ready: str | None = "Sanic server listening",
    count: int = 1,
    extra_args: tuple[str, ...] = (),
) -> Iterator[Server]:
    """Start the script (``sys.argv[1]`` is the port); kill everything after."""
    server = Server(write_app(tmp_path, source), free_port(), extra_args)
    try:
        if ready:
            server.wait_for(ready, count)
        yield server
    finally:
        server.kill()


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A zombie (exited, not reaped) still answers kill(0).
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().split(") ")[-1][:1] != "Z"
    except OSError:
        return True


def wait_until(predicate, timeout: float = 15.0, interval: float = 0.1) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return predicate()


# ---- load -------------------------------------------------------------------------


class Load:
    """Requests from several threads, keep-alive and new connections mixed.

    A request is retried only where an HTTP client may retry it (RFC 9112
    9.3.1): on a reused keep-alive connection the server closed before
    sending any of the response. Anything else (a refused or reset new
    connection, a timeout, a status other than 200) is a failure.
    """

    def __init__(self, port: int, path: str = "/pid") -> None:
        self.port = port
        self.path = path
        self.failures: list[str] = []
        self.pids: list[str] = []
        self.answered = 0
        self.lock = threading.Lock()

    def run(self, threads: int, per_thread: int, pause: float = 0.0) -> None:
        with ThreadPoolExecutor(threads) as pool:
            for result in pool.map(
                lambda i: self._client(i, per_thread, pause), range(threads)
            ):
                del result

    def _client(self, index: int, count: int, pause: float) -> None:
        conn = None
        reused = False
        for n in range(count):
            keep_alive = (index + n) % 2 == 0
            for attempt in range(2):
                if conn is None:
                    conn = http.client.HTTPConnection(
                        "127.0.0.1", self.port, timeout=15
                    )
                    reused = False
                try:
                    headers = {} if keep_alive else {"Connection": "close"}
                    conn.request("GET", self.path, headers=headers)
                    response = conn.getresponse()
                    body = response.read().decode()
                    closing = response.getheader("connection", "").lower() == "close"
                except (
                    http.client.RemoteDisconnected,
                    ConnectionResetError,
                    BrokenPipeError,
                ) as exc:
                    conn.close()
                    conn = None
                    if reused and attempt == 0:
                        continue  # the server closed an idle keep-alive connection
                    self._fail(f"{type(exc).__name__}: {exc}")
                    break
                except Exception as exc:
                    conn.close()
                    conn = None
                    self._fail(f"{type(exc).__name__}: {exc}")
                    break
                with self.lock:
                    self.answered += 1
                    if response.status == 200:
                        self.pids.append(body)
                    else:
                        self.failures.append(f"status {response.status}: {body}")
                if closing or not keep_alive:
                    conn.close()
                    conn = None
                else:
                    reused = True
                break
            if pause:
                time.sleep(pause)
        if conn is not None:
            conn.close()

    def _fail(self, what: str) -> None:
        with self.lock:
            self.failures.append(what)
