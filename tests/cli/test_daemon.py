"""Daemon mode: ``-D`` detaches and writes a pidfile; ``status``, ``stop`` and
``kill`` find it; stale and unwritable pidfiles are clear errors."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from contextlib import contextmanager

import pytest

from sanic.cli.app import SanicCLI
from sanic.cli.base import CLIError
from sanic.cli.daemon import resolve_identity
from tests.cli.helpers import (
    environment,
    get,
    kill_pid,
    sanic,
    wait_for_http,
    write_app,
)
from tests.net import free_port, occupied_port

pytestmark = pytest.mark.skipif(
    not hasattr(os, "fork"), reason="daemon mode needs fork (POSIX only)"
)


def _gone(pid: int, timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        try:  # a zombie no one reaps yet counts as gone
            with open(f"/proc/{pid}/stat") as stat:
                if stat.read().rpartition(")")[2].split()[0] == "Z":
                    return True
        except OSError:
            return True
        time.sleep(0.05)
    return False


@contextmanager
def daemon(tmp_path, *args: str, pidfile=None):
    """Start ``sanic server:app -D ...``; yield (pid, pidfile, result); kill
    whatever is left afterwards."""
    pidfile = pidfile or tmp_path / "app.pid"
    result = sanic(tmp_path, "server:app", "-D", "--pidfile", str(pidfile), *args)
    pid = int(pidfile.read_text()) if pidfile.exists() else None
    try:
        yield pid, pidfile, result
    finally:
        if pid is not None:
            kill_pid(pid)
            _gone(pid)


def test_daemon_starts_answers_reports_status_and_stops(tmp_path):
    write_app(tmp_path)
    port = free_port()
    log = tmp_path / "app.log"
    with daemon(
        tmp_path, "--single-process", "-p", str(port), "--logfile", str(log)
    ) as (pid, pidfile, started):
        assert started.returncode == 0, started.stderr
        assert (
            started.stdout.strip()
            == f"Sanic daemon started: pid {pid}, pidfile {pidfile}"
        )
        assert pid != os.getpid()
        assert get(port) == f"up {pid}"  # the detached process serves

        status = sanic(tmp_path, "server:app", "status", "--pidfile", str(pidfile))
        assert status.returncode == 0
        assert status.stdout.strip() == f"running: pid {pid}, pidfile {pidfile}"

        stopped = sanic(tmp_path, "server:app", "stop", "--pidfile", str(pidfile))
        assert stopped.returncode == 0, stopped.stderr
        assert stopped.stdout.strip() == f"stopped: pid {pid}"
        assert _gone(pid)
        assert not pidfile.exists()
        assert "shutting down gracefully" in log.read_text()

        after = sanic(tmp_path, "server:app", "status", "--pidfile", str(pidfile))
        assert after.returncode == 3
        assert "not running" in after.stderr


def test_daemon_with_workers_and_default_pidfile(tmp_path):
    write_app(tmp_path)
    port = free_port()
    default = tmp_path / "run" / "sanic" / "server_app.pid"  # XDG_RUNTIME_DIR
    result = sanic(tmp_path, "server:app", "-D", "--workers", "2", "-p", str(port))
    pid = int(default.read_text()) if default.exists() else None
    try:
        assert result.returncode == 0, result.stderr
        assert pid is not None
        assert get(port).startswith("up ")
        assert sanic(tmp_path, "server:app", "status").returncode == 0
        stopped = sanic(tmp_path, "server:app", "stop")
        assert stopped.returncode == 0, stopped.stderr
        assert _gone(pid)
        assert not default.exists()
    finally:
        if pid is not None:
            kill_pid(pid)


def test_second_daemon_on_the_same_pidfile_is_refused(tmp_path):
    write_app(tmp_path)
    port = free_port()
    with daemon(tmp_path, "--single-process", "-p", str(port)) as (pid, pidfile, ok):
        assert ok.returncode == 0, ok.stderr
        again = sanic(
            tmp_path, "server:app", "-D", "--pidfile", str(pidfile), "-p", str(port)
        )
        assert again.returncode == 1
        assert (
            f"already running: pidfile {str(pidfile)!r} names pid {pid}" in again.stderr
        )
        assert int(pidfile.read_text()) == pid


def test_daemon_that_cannot_bind_reports_the_error_and_leaves_no_pidfile(tmp_path):
    write_app(tmp_path)
    with occupied_port() as port:
        with daemon(tmp_path, "--single-process", "-p", str(port)) as (_, pidfile, r):
            assert r.returncode == 1
            assert "Traceback" not in r.stderr
            assert r.stderr.strip().endswith("Address already in use")
            deadline = time.monotonic() + 5
            while pidfile.exists() and time.monotonic() < deadline:
                time.sleep(0.05)
            assert not pidfile.exists()


def test_status_and_kill_with_a_stale_pidfile_are_clear_errors(tmp_path, capsys):
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    pidfile = tmp_path / "stale.pid"
    pidfile.write_text(f"{dead.pid}\n")
    expected = (
        f"sanic: error: stale pidfile {str(pidfile)!r}: pid {dead.pid} is not "
        "running (remove the file)\n"
    )
    result = sanic(tmp_path, "status", "--pidfile", str(pidfile))
    assert (result.returncode, result.stderr) == (1, expected)
    for argv in (
        ["kill", "--pidfile", str(pidfile)],
        ["server:app", "stop", "--pidfile", str(pidfile)],
    ):
        with pytest.raises(SystemExit) as exited:
            SanicCLI().run(argv)
        assert exited.value.code == 1
        assert capsys.readouterr().err == expected
    assert pidfile.exists()  # left for the user to look at


def test_a_stale_pidfile_is_replaced_by_a_new_daemon(tmp_path):
    write_app(tmp_path)
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    pidfile = tmp_path / "app.pid"
    pidfile.write_text(f"{dead.pid}\n")
    port = free_port()
    with daemon(tmp_path, "--single-process", "-p", str(port)) as (pid, _, result):
        assert result.returncode == 0, result.stderr
        assert "removing stale pidfile" in result.stderr
        assert pid != dead.pid
        assert get(port) == f"up {pid}"


def test_unwritable_pidfile_is_a_clear_error_before_detaching(tmp_path):
    write_app(tmp_path)
    (tmp_path / "afile").write_text("not a directory")
    pidfile = tmp_path / "afile" / "app.pid"
    result = sanic(tmp_path, "server:app", "-D", "--pidfile", str(pidfile))
    assert result.returncode == 1
    assert result.stderr.strip() == (
        f"sanic: error: cannot write pidfile {str(pidfile)!r}: "
        f"{str(pidfile.parent)!r} is not a directory"
    )
    assert not any(tmp_path.glob("*.probe"))


def test_unknown_user_is_a_clear_error_before_detaching(tmp_path):
    write_app(tmp_path)
    result = sanic(tmp_path, "server:app", "-D", "--user", "no-such-user-here")
    assert result.returncode == 1
    assert result.stderr == "sanic: error: --user 'no-such-user-here': no such user\n"


def test_users_and_groups_resolve_by_name_or_number():
    with pytest.raises(CLIError, match="--group 'no-such-group-here': no such group"):
        resolve_identity(None, "no-such-group-here")
    root = resolve_identity("root", None)
    assert (root.uid, root.gid, root.name) == (0, 0, "root")
    assert resolve_identity("0", "0").gid == 0
    assert resolve_identity(None, None).uid is None


def test_kill_by_pid_stops_a_foreground_server(tmp_path):
    write_app(tmp_path)
    port = free_port()
    pidfile = tmp_path / "fg.pid"
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "sanic",
            "server:app",
            "--single-process",
            "-p",
            str(port),
            "--pidfile",
            str(pidfile),
        ],
        cwd=tmp_path,
        env=environment(tmp_path),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for_http(port, proc, None, 30)
        assert int(pidfile.read_text()) == proc.pid  # --pidfile without -D
        result = sanic(tmp_path, "kill", f"--pid={proc.pid}")
        assert result.returncode == 0, result.stderr
        assert result.stdout.strip() == f"stopped: pid {proc.pid}"
        assert proc.wait(timeout=10) == 0  # SIGTERM: a graceful stop
        assert not pidfile.exists()
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            proc.wait()


def test_kill_and_status_need_a_pid_or_pidfile(tmp_path, capsys):
    with pytest.raises(SystemExit) as exited:
        SanicCLI().run(["kill"])
    assert exited.value.code == 2
    assert "one of the arguments --pid --pidfile is required" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exited:
        SanicCLI().run(["status", "--pidfile", str(tmp_path / "none.pid")])
    assert exited.value.code == 3
    assert "not running: no pidfile" in capsys.readouterr().err
