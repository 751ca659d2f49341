"""Running the real ``sanic`` command in subprocesses, bounded and cleaned up."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.processes import wait_for_answer

APP_SOURCE = """\
import os
from sanic import Sanic
from sanic.response import text

app = Sanic("{name}")

@app.get("/")
async def index(request):
    return text(f"up {{os.getpid()}}")
"""


def environment(tmp_path: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["NO_COLOR"] = "1"
    env["XDG_RUNTIME_DIR"] = str(tmp_path / "run")
    env.pop("PYTHONSTARTUP", None)
    return env


def write_app(tmp_path: Path, module: str = "server", name: str = "") -> Path:
    path = tmp_path / f"{module}.py"
    path.write_text(APP_SOURCE.format(name=name or f"cli_{module}"))
    return path


def sanic(
    tmp_path: Path, *args: str, timeout: float = 30, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    """Run ``python -m sanic *args`` to the end (in ``tmp_path``)."""
    return subprocess.run(
        [sys.executable, "-m", "sanic", *args],
        cwd=tmp_path,
        env=environment(tmp_path),
        capture_output=True,
        text=True,
        timeout=timeout,
        input=stdin,
    )


@contextmanager
def serving(
    tmp_path: Path, *args: str, port: int, timeout: float = 30
) -> Iterator[subprocess.Popen[bytes]]:
    """Start ``python -m sanic *args``; yield once it answers on ``port``;
    then SIGINT it (SIGKILL if it lingers) and check it stopped cleanly."""
    out = open(tmp_path / "serve.out", "wb")
    proc = subprocess.Popen(
        [sys.executable, "-m", "sanic", *args],
        cwd=tmp_path,
        env=environment(tmp_path),
        stdout=out,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
    )
    try:
        wait_for_http(port, proc, tmp_path / "serve.out", timeout)
        yield proc
        if proc.poll() is None:
            proc.send_signal(signal.SIGINT)
            proc.wait(timeout=20)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=10)
        out.close()


def wait_for_http(
    port: int, proc: subprocess.Popen | None, log: Path | None, timeout: float
) -> str:
    """GET / on ``port`` until it answers; the body. Fails (with the output)
    when the process ends first or time runs out."""

    def output() -> str:
        return log.read_text()[-3000:] if log and log.exists() else ""

    return wait_for_answer(
        proc,
        lambda: get(port),
        timeout=timeout,
        errors=(OSError, urllib.error.URLError),
        output=output,
        what=f"sanic (port {port})",
    )


def get(port: int, path: str = "/") -> str:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=5) as r:
        return r.read().decode()


def kill_pid(pid: int, grace: float = 10.0) -> None:
    """Stop ``pid`` if it is still there (cleanup of a daemon): SIGTERM, so
    that it stops its workers, then SIGKILL if it lingers."""
    for sig, wait in ((signal.SIGTERM, grace), (signal.SIGKILL, 5.0)):
        try:
            os.kill(pid, sig)
        except (ProcessLookupError, PermissionError):
            return
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            if not _alive(pid):
                return
            time.sleep(0.05)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rpartition(")")[2].split()[0] != "Z"
    except OSError:
        return False
