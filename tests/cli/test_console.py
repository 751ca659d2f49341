"""The development console (``--repl``, and ``--dev`` on a terminal)."""

from __future__ import annotations

import os
import select
import subprocess
import sys
import time

import pytest

from tests.cli.helpers import environment
from tests.net import free_port

CONSOLE_APP = """\
from sanic import Sanic
from sanic.response import text

app = Sanic("cli_console")
app.repl_ctx.answer = 42

@app.get("/")
async def index(request):
    return text("hello from the server")
"""

SCRIPT = """\
print("ANSWER", answer)
print("APP", app.name, sanic.__name__)
print("CLIENT", client.get("/").text)
print("DO", do("/missing").status_code)
"""


@pytest.mark.parametrize("mode", [["--single-process"], []], ids=["single", "manager"])
def test_repl_reads_stdin_beside_the_server_and_stops_it_at_the_end(tmp_path, mode):
    (tmp_path / "consoled.py").write_text(CONSOLE_APP)
    port = free_port()
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "sanic",
            "consoled:app",
            "--repl",
            "-p",
            str(port),
            *mode,
        ],
        cwd=tmp_path,
        env=environment(tmp_path),
        input=SCRIPT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "ANSWER 42" in result.stdout
    assert "APP cli_console sanic" in result.stdout
    assert "CLIENT hello from the server" in result.stdout
    assert "DO 404" in result.stdout
    assert "answer" in result.stderr  # the banner lists app.repl_ctx's names


def test_repl_is_refused_with_daemon(tmp_path):
    (tmp_path / "consoled.py").write_text(CONSOLE_APP)
    result = subprocess.run(
        [sys.executable, "-m", "sanic", "consoled:app", "--repl", "-D"],
        cwd=tmp_path,
        env=environment(tmp_path),
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 1
    assert "--repl can't run with --daemon" in result.stderr


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")
def test_dev_on_a_terminal_offers_the_console_after_enter(tmp_path):
    import pty

    (tmp_path / "consoled.py").write_text(CONSOLE_APP)
    port = free_port()
    master, slave = pty.openpty()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "sanic",
            "consoled:app",
            "--dev",
            "--single-process",
            "-p",
            str(port),
        ],
        cwd=tmp_path,
        env=environment(tmp_path),
        stdin=slave,
        stdout=slave,
        stderr=slave,
        close_fds=True,
    )
    os.close(slave)
    seen = b""

    def read_until(marker: bytes, timeout: float = 30.0) -> None:
        nonlocal seen
        deadline = time.monotonic() + timeout
        while marker not in seen:
            remaining = deadline - time.monotonic()
            if remaining <= 0 or proc.poll() is not None:
                pytest.fail(f"never saw {marker!r}: {seen.decode(errors='replace')}")
            ready, _, _ = select.select([master], [], [], min(remaining, 0.5))
            if ready:
                try:
                    seen += os.read(master, 65536)
                except OSError:
                    pass

    try:
        read_until(b"Press ENTER")
        os.write(master, b"\n")
        read_until(b">>> ")
        os.write(master, b"print('sum', answer + 1)\n")
        read_until(b"sum 43")
        os.write(master, b"exit()\n")
        assert proc.wait(timeout=20) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        os.close(master)
