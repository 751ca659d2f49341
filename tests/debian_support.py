"""Find a program a test drives (nginx, Chromium, ip), or install its Debian
package.

`Tool.require` returns the program's path when it is there. Otherwise, as root
on a machine with apt-get, it installs the package: once for all pytest-xdist
workers (one file lock serialises every apt-get the tests run, so two workers
never fight over dpkg's lock), each apt-get step bounded by a timeout. When
that cannot be done the test is skipped, with the reason printed. A failed
install is remembered for an hour in a marker file, so the other workers and
modules skip at once instead of trying again.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import NoReturn

import pytest

TEMP = Path(tempfile.gettempdir())
LOCK_PATH = TEMP / "sanic-tests-apt.lock"
LOCK_WAIT = 600.0  # seconds to wait for another process's apt-get
STEP_TIMEOUT = 300.0  # seconds for one apt-get run
FAILURE_MEMORY = 3600.0  # seconds a failed install is not tried again
DPKG_LOCK_TIMEOUT = 180  # apt-get's own wait for dpkg's lock (other users of apt)


def apt(*args: str, timeout: float) -> subprocess.CompletedProcess[str]:
    """Run ``apt-get ARGS`` non-interactively; TimeoutExpired after ``timeout``."""
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    return subprocess.run(
        ["apt-get", "-o", f"DPkg::Lock::Timeout={DPKG_LOCK_TIMEOUT}", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
        stdin=subprocess.DEVNULL,
    )


def skip(reason: str) -> NoReturn:
    """Skip the test, printing the reason (shown with ``-rs`` or ``-s``)."""
    print(f"SKIP: {reason}")
    pytest.skip(reason)


def _one_line(text: str, limit: int = 300) -> str:
    return " ".join(text.split())[-limit:]


@dataclass(frozen=True)
class Tool:
    """A program and the Debian packages that provide it."""

    name: str  # what messages call it
    commands: tuple[str, ...]  # looked up in order: a name on PATH, or a path
    packages: tuple[str, ...]  # tried in order, after an ``apt-get update``
    step_timeout: float = STEP_TIMEOUT
    lock_path: Path = LOCK_PATH
    lock_wait: float = LOCK_WAIT
    marker_dir: Path = field(default=TEMP)

    @property
    def failed_marker(self) -> Path:
        return self.marker_dir / f"sanic-tests-{self.name}-install.failed"

    def binary(self) -> str | None:
        """The program's path, or None when it is not installed."""
        for command in self.commands:
            path = command if os.sep in command else shutil.which(command)
            if path and os.access(path, os.X_OK):
                return path
        return None

    def locate(self) -> tuple[str | None, str]:
        """``(path, "")``, installing the package if need be, or
        ``(None, why not)``."""
        binary = self.binary()
        if binary is not None:
            return binary, ""
        reason = self.install()
        binary = self.binary()
        if binary is None:
            return None, reason or f"{self.name} is still not installed"
        return binary, ""

    def require(self) -> str:
        """The program's path; skip the calling test when it cannot be had."""
        binary, reason = self.locate()
        if binary is None:
            skip(reason)
        return binary

    def install(self) -> str:
        """Install the package, once for all processes; return why not where
        it cannot be done (an empty string once the program is there)."""
        if os.geteuid() != 0:
            return f"{self.name} is not installed and installing it needs root"
        if shutil.which("apt-get") is None:
            return f"{self.name} is not installed and there is no apt-get to install it"
        with open(self.lock_path, "a") as lock:
            deadline = time.monotonic() + self.lock_wait
            while True:
                try:
                    fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() > deadline:
                        return (
                            f"{self.name} is not installed: timed out after "
                            f"{self.lock_wait:.0f} s waiting for another test "
                            f"process running apt-get (lock {self.lock_path})"
                        )
                    time.sleep(min(0.5, self.lock_wait / 4))
            try:
                return self._install_locked()
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    def _install_locked(self) -> str:
        if self.binary():
            return ""  # another process installed it while we waited
        marker = self.failed_marker
        if marker.exists() and time.time() - marker.stat().st_mtime < FAILURE_MEMORY:
            return marker.read_text()
        errors = []
        first, *others = self.packages
        for step in (first, None, first, *others):
            args = ("update", "-q") if step is None else self._install_args(step)
            what = "apt-get update" if step is None else f"apt-get install {step}"
            try:
                result = apt(*args, timeout=self.step_timeout)
            except subprocess.TimeoutExpired:
                errors.append(f"{what} timed out after {self.step_timeout:.0f} s")
                continue
            if result.returncode:
                errors.append(f"{what}: {_one_line(result.stderr)}")
            elif step is not None:
                if self.binary():
                    return ""
                errors.append(f"{what} gave no {' or '.join(self.commands)}")
        reason = f"installing {self.name} failed: " + " | ".join(errors)
        marker.write_text(reason)
        return reason

    @staticmethod
    def _install_args(package: str) -> tuple[str, ...]:
        return ("install", "-y", "-q", "--no-install-recommends", package)


NGINX = Tool("nginx", ("nginx", "/usr/sbin/nginx"), ("nginx-light", "nginx"))
CHROMIUM = Tool(
    "chromium", ("/usr/bin/chromium", "chromium"), ("chromium",), step_timeout=400.0
)
IPROUTE2 = Tool("ip", ("ip",), ("iproute2",))
