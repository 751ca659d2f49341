"""tests/debian_support.py: finding a program, or installing its package under
a lock, or a clear reason to skip.

The install path runs against a stand-in ``apt-get`` put first on PATH (it
logs each call, and "installs" by writing an executable). The system's real
apt-get is not run: it would reach the network and change the package lists
on every test run.
"""

from __future__ import annotations

import fcntl
import os
import subprocess
import sys
import textwrap
import time
import uuid
from pathlib import Path

import pytest

from tests.debian_support import Tool

ROOT = Path(__file__).resolve().parent.parent
needs_root = pytest.mark.skipif(
    os.geteuid() != 0, reason="installing packages needs root"
)


def _fake_apt(bin_dir: Path, log: Path, installable: str = "") -> None:
    """An ``apt-get`` that logs its calls and knows only ``installable``,
    which it "installs" as an executable named after the package."""
    script = bin_dir / "apt-get"
    script.write_text(
        textwrap.dedent(
            f"""\
            #!/bin/sh
            echo "start $PPID $*" >> {log}
            sleep 0.3
            echo "end $PPID" >> {log}
            for arg; do package=$arg; done
            case "$*" in
              *" update "*) exit 0 ;;
              *" install "*" {installable or "-"}")
                printf '#!/bin/sh\\n' > {bin_dir}/$package
                chmod +x {bin_dir}/$package
                exit 0 ;;
            esac
            echo "Reading package lists..."
            echo "W: something to ignore" >&2
            echo "E: Unable to locate package $package" >&2
            exit 100
            """
        )
    )
    script.chmod(0o755)


@pytest.fixture
def fake_apt(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    return bin_dir


def _tool(tmp_path: Path, *packages: str, **options) -> Tool:
    name = f"sanic-fake-{uuid.uuid4().hex[:8]}"
    return Tool(
        name,
        commands=tuple(packages),
        packages=tuple(packages),
        lock_path=tmp_path / "apt.lock",
        marker_dir=tmp_path,
        **options,
    )


def _log_lines(log: Path) -> list[str]:
    return log.read_text().splitlines() if log.exists() else []


def test_a_program_that_is_there_is_found_and_nothing_runs(tmp_path):
    tool = Tool(
        "python",
        commands=("no-such-command-here", sys.executable),
        packages=("python3",),
        lock_path=tmp_path / "apt.lock",
        marker_dir=tmp_path,
    )
    assert tool.require() == sys.executable
    assert tool.locate() == (sys.executable, "")
    assert list(tmp_path.iterdir()) == []  # no lock taken, no marker written


@needs_root
def test_missing_package_is_installed_after_an_update(tmp_path, fake_apt):
    log = tmp_path / "apt.log"
    _fake_apt(fake_apt, log, installable="sanic-fake-second")
    tool = _tool(tmp_path, "sanic-fake-first", "sanic-fake-second")
    assert tool.binary() is None
    assert tool.require() == str(fake_apt / "sanic-fake-second")
    calls = [line.split(" ", 2)[2] for line in _log_lines(log) if "start" in line]
    install = "-o DPkg::Lock::Timeout=180 install -y -q --no-install-recommends"
    assert calls == [
        f"{install} sanic-fake-first",
        "-o DPkg::Lock::Timeout=180 update -q",
        f"{install} sanic-fake-first",
        f"{install} sanic-fake-second",
    ]
    assert not tool.failed_marker.exists()


@needs_root
def test_uninstallable_package_skips_with_a_one_line_reason(tmp_path, fake_apt, capsys):
    log = tmp_path / "apt.log"
    _fake_apt(fake_apt, log)
    tool = _tool(tmp_path, "sanic-fake-pkg")
    with pytest.raises(pytest.skip.Exception) as skipped:
        tool.require()
    reason = str(skipped.value)
    assert reason.startswith(f"installing {tool.name} failed: ")
    assert "apt-get install sanic-fake-pkg: " in reason
    assert "E: Unable to locate package sanic-fake-pkg" in reason
    assert "\n" not in reason
    assert capsys.readouterr().out == f"SKIP: {reason}\n"
    assert len([line for line in _log_lines(log) if "start" in line]) == 3

    # Remembered: the next module skips at once, running apt-get no more.
    log.unlink()
    started = time.monotonic()
    assert tool.locate() == (None, reason)
    assert time.monotonic() - started < 1
    assert not log.exists()


@needs_root
def test_one_process_runs_apt_while_the_others_wait_for_its_result(tmp_path, fake_apt):
    """Like two pytest-xdist workers needing the same missing program."""
    log = tmp_path / "apt.log"
    _fake_apt(fake_apt, log)
    code = (
        "import sys; from pathlib import Path; from tests.debian_support import Tool; "
        "tool = Tool(sys.argv[1], ('sanic-fake-pkg',), ('sanic-fake-pkg',), "
        "lock_path=Path(sys.argv[2]), marker_dir=Path(sys.argv[3])); "
        "print(tool.locate()[1])"
    )
    name = f"sanic-fake-{uuid.uuid4().hex[:8]}"
    args = [sys.executable, "-c", code, name, str(tmp_path / "apt.lock"), str(tmp_path)]
    procs = [
        subprocess.Popen(
            args, cwd=ROOT, stdout=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True
        )
        for _ in range(2)
    ]
    try:
        reasons = [proc.communicate(timeout=30)[0].strip() for proc in procs]
    finally:
        for proc in procs:
            proc.kill()
            proc.wait(5)
    assert reasons[0] == reasons[1]
    assert reasons[0].startswith(f"installing {name} failed: ")
    lines = _log_lines(log)
    # Three apt-get runs, one after the other, all from the same process.
    assert [line.split()[0] for line in lines] == ["start", "end"] * 3
    assert len({line.split()[1] for line in lines}) == 1


@needs_root
def test_waiting_for_the_lock_is_bounded(tmp_path, fake_apt):
    log = tmp_path / "apt.log"
    _fake_apt(fake_apt, log)
    tool = _tool(tmp_path, "sanic-fake-pkg", lock_wait=1.0)
    with open(tool.lock_path, "a") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        started = time.monotonic()
        binary, reason = tool.locate()
        waited = time.monotonic() - started
    assert binary is None
    assert 1.0 <= waited < 5
    assert reason == (
        f"{tool.name} is not installed: timed out after 1 s waiting for another "
        f"test process running apt-get (lock {tool.lock_path})"
    )
    assert not log.exists()  # apt-get never ran
    assert not tool.failed_marker.exists()  # a later try may still succeed


def test_without_root_nothing_is_tried(tmp_path, fake_apt, monkeypatch):
    log = tmp_path / "apt.log"
    _fake_apt(fake_apt, log)
    monkeypatch.setattr(os, "geteuid", lambda: 1000)
    tool = _tool(tmp_path, "sanic-fake-pkg")
    assert tool.locate() == (
        None,
        f"{tool.name} is not installed and installing it needs root",
    )
    assert not log.exists()


@needs_root
def test_without_apt_get_nothing_is_tried(tmp_path, monkeypatch):
    empty = tmp_path / "empty"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    tool = _tool(tmp_path, "sanic-fake-pkg")
    assert tool.locate() == (
        None,
        f"{tool.name} is not installed and there is no apt-get to install it",
    )
