"""The shared test helpers (tests/net.py, tests/processes.py) do what they say:
a helper that passed or failed for the wrong reason would hide a real bug."""

from __future__ import annotations

import errno
import os
import signal
import socket
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from tests.net import free_port, occupied_port, port_opens
from tests.processes import (
    Output,
    Watched,
    kill_group,
    logged,
    terminate,
    wait_for_answer,
    wait_for_line,
)
from tests.worker.support import pid_alive


def python(source: str, **options: object) -> subprocess.Popen:
    """``python -c source``, text pipes by default."""
    options.setdefault("stdout", subprocess.PIPE)
    options.setdefault("stderr", subprocess.PIPE)
    options.setdefault("text", True)
    return subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(source)],
        **options,  # type: ignore[call-overload]
    )


# ---- tests/net.py ------------------------------------------------------------------


def test_a_free_port_can_be_bound_at_once():
    port = free_port()
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", port))
        sock.listen()
    assert 0 < port < 65536


def test_an_occupied_port_is_in_use_and_queues_connections():
    with occupied_port() as port:
        with socket.socket() as other:
            with pytest.raises(OSError) as raised:
                other.bind(("127.0.0.1", port))
            assert raised.value.errno == errno.EADDRINUSE
        # The kernel completes the handshake; nothing ever answers.
        with socket.create_connection(("127.0.0.1", port), timeout=2) as client:
            client.settimeout(0.2)
            with pytest.raises(TimeoutError):
                client.recv(1)


def test_port_opens_sees_a_listener_and_gives_up_on_none():
    with occupied_port() as port:
        assert port_opens(port, 2)
    started = time.monotonic()
    assert not port_opens(free_port(), 0.3)
    assert time.monotonic() - started < 2


def test_port_opens_stops_waiting_once_the_listener_is_gone():
    started = time.monotonic()
    assert not port_opens(free_port(), 10, alive=lambda: False)
    assert time.monotonic() - started < 1


# ---- wait_for_line -----------------------------------------------------------------


def test_wait_for_line_returns_the_lines_and_leaves_the_rest():
    proc = python(
        """
        import sys
        # All in one write: whatever comes after the line stays in the pipe.
        sys.stdout.write("starting\\n  ready  \\nafter\\n")
        sys.stdout.flush()
        print("err", file=sys.stderr)
        """
    )
    try:
        assert wait_for_line(proc, "ready", timeout=10) == ["starting", "  ready  "]
        out, err = proc.communicate(timeout=10)
        assert out == "after\n"
        assert err == "err\n"
    finally:
        proc.kill()
        proc.wait(5)


def test_wait_for_line_fails_with_the_output_when_the_process_exits():
    proc = python(
        """
        import sys
        print("partial", flush=True)
        sys.exit("boom")
        """
    )
    with pytest.raises(pytest.fail.Exception) as failed:
        wait_for_line(proc, "ready", timeout=10)
    message = str(failed.value)
    assert "never printed 'ready'" in message
    assert "exit status 1" in message
    assert "partial" in message and "boom" in message


def test_wait_for_line_kills_a_process_that_stays_silent():
    proc = python("import time; time.sleep(60)")
    started = time.monotonic()
    with pytest.raises(pytest.fail.Exception, match="within 0.3 s"):
        wait_for_line(proc, "ready", timeout=0.3)
    assert time.monotonic() - started < 10
    assert proc.returncode == -signal.SIGKILL


# ---- wait_for_answer ---------------------------------------------------------------


def test_wait_for_answer_retries_the_probe_until_it_answers():
    calls = []

    def probe() -> str:
        calls.append(1)
        if len(calls) < 3:
            raise ConnectionRefusedError
        return "answer"

    assert wait_for_answer(None, probe, timeout=10, interval=0.01) == "answer"
    assert len(calls) == 3


def test_wait_for_answer_fails_when_the_process_exits_first():
    proc = python("raise SystemExit(3)")
    proc.wait(10)

    def probe() -> None:
        raise ConnectionRefusedError

    with pytest.raises(pytest.fail.Exception) as failed:
        wait_for_answer(proc, probe, timeout=10, output=lambda: "its log", what="app")
    assert str(failed.value) == "app exited with status 3 before answering:\nits log"


def test_wait_for_answer_fails_in_time_and_other_errors_pass_through():
    def refused() -> None:
        raise ConnectionRefusedError("refused")

    with pytest.raises(pytest.fail.Exception, match="did not answer within 0.2 s"):
        wait_for_answer(None, refused, timeout=0.2, interval=0.01)

    def broken() -> None:
        raise ValueError("a bug in the probe")

    with pytest.raises(ValueError):
        wait_for_answer(None, broken, timeout=5)


# ---- stopping ----------------------------------------------------------------------


def test_kill_group_kills_what_the_process_left_behind(tmp_path: Path):
    pid_file = tmp_path / "grandchild.pid"
    proc = python(
        f"""
        import subprocess, sys, time
        child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
        open({str(pid_file)!r}, "w").write(str(child.pid))
        time.sleep(60)
        """,
        start_new_session=True,
    )
    grandchild = 0
    try:
        deadline = time.monotonic() + 10
        while not pid_file.exists() or not pid_file.read_text():
            assert time.monotonic() < deadline, "the grandchild never started"
            time.sleep(0.02)
        grandchild = int(pid_file.read_text())
        kill_group(proc)
        assert proc.returncode == -signal.SIGKILL
        deadline = time.monotonic() + 5
        while pid_alive(grandchild) and time.monotonic() < deadline:
            time.sleep(0.02)
        assert not pid_alive(grandchild)
        kill_group(proc)  # a second time: nothing left, no error
    finally:
        if grandchild and pid_alive(grandchild):
            os.kill(grandchild, signal.SIGKILL)
        proc.kill()
        proc.wait(5)


def test_terminate_asks_first_then_kills():
    polite = python("import time; time.sleep(60)")
    stubborn = python(
        """
        import signal, time
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        print("ignoring", flush=True)
        time.sleep(60)
        """
    )
    try:
        terminate(polite, grace=10)
        assert polite.returncode == -signal.SIGTERM
        wait_for_line(stubborn, "ignoring", timeout=10)
        started = time.monotonic()
        terminate(stubborn, grace=0.3)
        assert stubborn.returncode == -signal.SIGKILL
        assert time.monotonic() - started < 5
        terminate(stubborn)  # already gone: nothing happens
    finally:
        for proc in (polite, stubborn):
            proc.kill()
            proc.communicate(timeout=5)


def test_logged_writes_the_output_to_the_log_and_kills_the_group(tmp_path: Path):
    log = tmp_path / "out.log"
    with logged(
        [sys.executable, "-c", "import sys, time; print('out'); "
         "print('err', file=sys.stderr, flush=True); sys.stdout.flush(); "
         "time.sleep(60)"],
        log,
        cwd=tmp_path,
    ) as proc:  # fmt: skip
        deadline = time.monotonic() + 10
        while sorted(log.read_text().split()) != ["err", "out"]:
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.02)
        assert os.getpgid(proc.pid) == proc.pid  # a group of its own
    assert proc.returncode == -signal.SIGKILL


def test_output_collects_every_pipe_line_by_line():
    proc = python(
        """
        import sys
        print("one"); print("two")
        print("three", file=sys.stderr)
        """
    )
    output = Output(proc.stdout, proc.stderr)
    proc.wait(10)
    output.join(5)
    assert output.streams == [["one", "two"], ["three"]]
    assert output.text() == "one\ntwo\nthree"


def test_watched_collects_its_output_and_reports_a_process_that_will_not_stop():
    source = textwrap.dedent(
        """
        import signal, sys, time
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(3))
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        print("up", flush=True)
        print("warn", file=sys.stderr, flush=True)
        time.sleep(60)
        """
    )
    argv = [sys.executable, "-c", source]
    pipes = {"stdout": subprocess.PIPE, "stderr": subprocess.PIPE}
    stubborn, polite = Watched(argv, **pipes), Watched(argv, **pipes)
    try:
        for watched in (stubborn, polite):
            deadline = time.monotonic() + 10
            while watched.output != "up\nwarn":
                assert time.monotonic() < deadline, watched.output
                time.sleep(0.02)
            assert os.getpgid(watched.proc.pid) == watched.proc.pid
        with pytest.raises(
            AssertionError, match="still running after 0.3 s:\nup\nwarn"
        ):
            stubborn.finish(signal.SIGINT, timeout=0.3)
        assert polite.finish() == 3
    finally:
        stubborn.kill()
        polite.kill()
    assert stubborn.proc.returncode == -signal.SIGKILL
