"""Daemon mode: ``-D/--daemon``, pidfiles, ``status``, ``stop`` and ``kill``.

``sanic path.to:app -D`` loads and checks the app in the foreground (so a
mistake is reported where it can be read), then detaches the classic way:
fork, ``setsid``, fork again, stdin from /dev/null and stdout/stderr to
``--logfile`` (or /dev/null). The daemon writes its pid to the pidfile,
drops privileges (``--user``/``--group``) and serves; the command that
started it waits until the server is ready (the ``main_process_ready``
event) and says so, or reports that it failed. The working directory is
kept, so relative paths in the app keep their meaning. The pidfile is
removed when the daemon stops cleanly.

Without ``--pidfile`` the pidfile is named after the target, in
``$XDG_RUNTIME_DIR/sanic/`` or else ``~/.sanic/``, so that
``sanic path.to:app status|stop`` find it with no more options.
"""

from __future__ import annotations

import os
import re
import signal
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sanic.cli.base import CLIError

READY_TIMEOUT = 30.0
STOP_TIMEOUT = 30.0


# ---- pidfiles ----------------------------------------------------------------


def default_pidfile(target: str) -> Path:
    """The pidfile of ``sanic <target> -D`` when ``--pidfile`` isn't given."""
    name = re.sub(r"[^A-Za-z0-9_.-]+", "_", target.strip()).strip("._") or "sanic"
    runtime = os.environ.get("XDG_RUNTIME_DIR")
    base = Path(runtime) / "sanic" if runtime else Path.home() / ".sanic"
    return base / f"{name}.pid"


def read_pid(pidfile: Path) -> int | None:
    """The pid in ``pidfile``; None when there is no such file."""
    try:
        text = pidfile.read_text().strip()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise CLIError(
            f"cannot read pidfile {str(pidfile)!r}: {exc.strerror}"
        ) from None
    if not text.isdigit() or int(text) <= 0:
        raise CLIError(f"pidfile {str(pidfile)!r} holds no pid ({text[:20]!r})")
    return int(text)


def is_running(pid: int) -> bool:
    """Whether ``pid`` is a live process (a zombie counts as gone)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # it exists, and belongs to someone else
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return True
    return stat.rpartition(")")[2].split()[:1] != ["Z"]


def check_pidfile(pidfile: Path) -> None:
    """Make sure a new daemon can write ``pidfile``: no live process holds it,
    and its directory is writable. A stale one (its process gone) is removed."""
    try:
        pid = read_pid(pidfile)
    except CLIError:
        pid = None  # garbage in it: written over below
    if pid is not None and is_running(pid):
        raise CLIError(
            f"already running: pidfile {str(pidfile)!r} names pid {pid}, which is "
            "alive (stop it first, or give another --pidfile)"
        )
    directory = pidfile.parent
    if pidfile.is_dir():
        raise CLIError(f"cannot write pidfile {str(pidfile)!r}: it is a directory")
    if directory.exists() and not directory.is_dir():
        raise CLIError(
            f"cannot write pidfile {str(pidfile)!r}: {str(directory)!r} is not a "
            "directory"
        )
    try:
        directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    except OSError as exc:
        raise CLIError(
            f"cannot write pidfile {str(pidfile)!r}: {exc.strerror}"
        ) from None
    probe = directory / f".{pidfile.name}.{os.getpid()}.probe"
    try:
        probe.touch()
        probe.unlink()
        if pidfile.exists():
            with open(pidfile, "a"):
                pass
    except OSError as exc:
        raise CLIError(
            f"cannot write pidfile {str(pidfile)!r}: {exc.strerror}"
        ) from None
    if pid is not None:
        sys.stderr.write(
            f"sanic: removing stale pidfile {str(pidfile)!r} (pid {pid} is gone)\n"
        )
        pidfile.unlink(missing_ok=True)


def write_pidfile(pidfile: Path, pid: int) -> None:
    """Write ``pid`` to ``pidfile`` atomically (a reader never sees half of it)."""
    temporary = pidfile.with_name(f".{pidfile.name}.{pid}.tmp")
    temporary.write_text(f"{pid}\n")
    os.replace(temporary, pidfile)


def remove_pidfile(pidfile: Path, pid: int) -> None:
    """Remove ``pidfile`` if it still names ``pid`` (never another's)."""
    try:
        if read_pid(pidfile) == pid:
            pidfile.unlink()
    except (OSError, CLIError):
        pass


# ---- privileges --------------------------------------------------------------


@dataclass
class Identity:
    uid: int | None = None
    gid: int | None = None
    name: str | None = None


def resolve_identity(user: str | None, group: str | None) -> Identity:
    """The uid and gid of ``--user``/``--group``; an unknown one is a CLIError."""
    if user is None and group is None:
        return Identity()
    import grp
    import pwd

    identity = Identity()
    if user is not None:
        try:
            entry = pwd.getpwuid(int(user)) if user.isdigit() else pwd.getpwnam(user)
        except (KeyError, OverflowError):
            raise CLIError(f"--user {user!r}: no such user") from None
        identity.uid, identity.gid, identity.name = (
            entry.pw_uid,
            entry.pw_gid,
            entry.pw_name,
        )
    if group is not None:
        try:
            gentry = (
                grp.getgrgid(int(group)) if group.isdigit() else grp.getgrnam(group)
            )
        except (KeyError, OverflowError):
            raise CLIError(f"--group {group!r}: no such group") from None
        identity.gid = gentry.gr_gid
    return identity


def drop_privileges(identity: Identity) -> None:
    """Become ``identity``: group first, then supplementary groups, then user."""
    if identity.uid is None and identity.gid is None:
        return
    try:
        if identity.gid is not None:
            os.setgid(identity.gid)
        if identity.uid is not None and identity.name is not None:
            os.initgroups(identity.name, identity.gid or 0)
        elif identity.gid is not None and os.geteuid() == 0:
            os.setgroups([])
        if identity.uid is not None:
            os.setuid(identity.uid)
    except PermissionError:
        raise CLIError(
            "cannot switch to --user/--group: only root can (run as root, or "
            "leave them out)"
        ) from None


# ---- detaching ---------------------------------------------------------------


class Daemon:
    """The detached process's end of the start-up handshake."""

    def __init__(self, pidfile: Path, ready_fd: int) -> None:
        self.pidfile = pidfile
        self.pid = os.getpid()
        self._ready_fd: int | None = ready_fd

    def ready(self, *_: Any) -> None:
        """Tell the starting command that the server is up."""
        self._send(b"ready\n")

    def failed(self, message: str) -> None:
        self._send(f"error {message}\n".encode(errors="replace"))

    def _send(self, data: bytes) -> None:
        fd, self._ready_fd = self._ready_fd, None
        if fd is None:
            return
        try:
            os.write(fd, data)
        except OSError:
            pass
        finally:
            os.close(fd)

    def cleanup(self) -> None:
        self._send(b"")
        remove_pidfile(self.pidfile, self.pid)


def open_logfile(logfile: str | None) -> int:
    """An fd for the daemon's stdout/stderr, opened (and checked) up front."""
    if logfile is None:
        return os.open(os.devnull, os.O_WRONLY)
    try:
        return os.open(logfile, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o640)
    except OSError as exc:
        raise CLIError(f"cannot open --logfile {logfile!r}: {exc.strerror}") from None


def detach(pidfile: Path, log_fd: int, identity: Identity) -> Daemon:
    """Become a daemon; only the daemon returns. The command that called this
    waits for the daemon's word and exits with 0 (ready) or 1 (failed)."""
    sys.stdout.flush()
    sys.stderr.flush()
    read_fd, write_fd = os.pipe()
    first = os.fork()
    if first:  # the command the user typed
        os.close(write_fd)
        os.close(log_fd)
        os.waitpid(first, 0)
        raise SystemExit(_await_daemon(read_fd, pidfile))
    try:
        os.close(read_fd)
        os.setsid()
        if os.fork():
            os._exit(0)  # the session leader goes; its child can't get a tty
        _redirect_stdio(log_fd)
        daemon = Daemon(pidfile, write_fd)
        write_pidfile(pidfile, daemon.pid)
        try:
            drop_privileges(identity)
        except CLIError as exc:
            daemon.failed(str(exc))
            daemon.cleanup()
            os._exit(1)
        signal.signal(signal.SIGHUP, signal.SIG_IGN)
        return daemon
    except BaseException as exc:  # never fall back into the caller's code
        try:
            os.write(write_fd, f"error {exc}\n".encode(errors="replace"))
        finally:
            os._exit(1)


def _redirect_stdio(log_fd: int) -> None:
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.close(devnull)
    os.dup2(log_fd, 1)
    os.dup2(log_fd, 2)
    if log_fd > 2:
        os.close(log_fd)


def _await_daemon(read_fd: int, pidfile: Path) -> int:
    """Wait for the daemon's word; say what happened; the exit status."""
    import select

    deadline = time.monotonic() + READY_TIMEOUT
    data = b""
    with os.fdopen(read_fd, "rb", buffering=0) as pipe:
        while b"\n" not in data:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                break
            readable, _, _ = select.select([pipe], [], [], remaining)
            if not readable:
                break
            chunk = pipe.read(4096)
            if not chunk:
                break
            data += chunk
    line = data.decode(errors="replace").strip()
    pid = _quiet_read_pid(pidfile)
    if line == "ready":
        print(f"Sanic daemon started: pid {pid}, pidfile {pidfile}")
        return 0
    if line.startswith("error "):
        sys.stderr.write(f"sanic: error: {line[6:]}\n")
        return 1
    if (
        not data
        and pid is not None
        and is_running(pid)
        and time.monotonic() >= deadline
    ):
        print(
            f"Sanic daemon started: pid {pid}, pidfile {pidfile} (not ready after "
            f"{READY_TIMEOUT:.0f} s)"
        )
        return 0
    sys.stderr.write(
        "sanic: error: the daemon stopped before it was ready (see its --logfile)\n"
    )
    return 1


def _quiet_read_pid(pidfile: Path) -> int | None:
    try:
        return read_pid(pidfile)
    except CLIError:
        return None


# ---- the plan for the serving process ----------------------------------------


class ProcessPlan:
    """Where the serving process runs, as the flags say: detached or not,
    with a pidfile or not, its output redirected or not, as whom.

    `check` finds every mistake while the command still has a terminal;
    `enter` then detaches (or not) and writes the pidfile; `leave` removes it.
    """

    def __init__(
        self,
        *,
        target: str,
        daemon: bool = False,
        pidfile: str | None = None,
        logfile: str | None = None,
        user: str | None = None,
        group: str | None = None,
    ) -> None:
        self.daemon = daemon
        self.pidfile = (
            Path(pidfile or default_pidfile(target)) if daemon or pidfile else None
        )
        self.logfile = logfile
        self.user = user
        self.group = group
        self.identity = Identity()
        self._log_fd: int | None = None
        self._detached: Daemon | None = None

    def check(self) -> None:
        if self.daemon and not hasattr(os, "fork"):
            raise CLIError("--daemon needs fork(), which this system doesn't have")
        self.identity = resolve_identity(self.user, self.group)
        if self.pidfile is not None:
            check_pidfile(self.pidfile)
        if self.daemon or self.logfile:
            self._log_fd = open_logfile(self.logfile)

    def enter(self, app: Any) -> None:
        """Detach (only the daemon returns) or settle in this process."""
        if self.daemon:
            assert self.pidfile is not None and self._log_fd is not None
            self._detached = detach(self.pidfile, self._log_fd, self.identity)
            app.register_listener(
                self._detached.ready, "main_process_ready", priority=-1000
            )
            return
        if self._log_fd is not None:
            sys.stdout.flush()
            sys.stderr.flush()
            os.dup2(self._log_fd, 1)
            os.dup2(self._log_fd, 2)
            os.close(self._log_fd)
        if self.pidfile is not None:
            write_pidfile(self.pidfile, os.getpid())
        drop_privileges(self.identity)

    def failed(self, message: str) -> None:
        """Serving failed: tell the command waiting for the daemon."""
        if self._detached is not None:
            self._detached.failed(message)

    def leave(self) -> None:
        if self._detached is not None:
            self._detached.cleanup()
        elif self.pidfile is not None:
            remove_pidfile(self.pidfile, os.getpid())


# ---- status, stop, kill ------------------------------------------------------


def pid_from(pid: int | None, pidfile: Path | None) -> tuple[int, Path | None]:
    """The pid to act on, from ``--pid`` or a pidfile; a clear error if none."""
    if pid is not None:
        if pid <= 0:
            raise CLIError(f"--pid must be a positive integer, not {pid}")
        return pid, pidfile
    if pidfile is None:
        raise CLIError("give --pid=PID or --pidfile=FILE")
    found = read_pid(pidfile)
    if found is None:
        raise NotRunning(f"not running: no pidfile at {str(pidfile)!r}")
    return found, pidfile


class NotRunning(CLIError):
    """There is no pidfile: nothing runs (status answers 3, as LSB says)."""

    exit_status = 3


def status(pid: int | None = None, pidfile: Path | None = None) -> int:
    """Print whether the daemon runs; 0 if it does (a stale pidfile is an error)."""
    target, pidfile = pid_from(pid, pidfile)
    if is_running(target):
        where = f", pidfile {pidfile}" if pidfile else ""
        print(f"running: pid {target}{where}")
        return 0
    if pidfile is not None:
        raise CLIError(
            f"stale pidfile {str(pidfile)!r}: pid {target} is not running "
            "(remove the file)"
        )
    raise NotRunning(f"not running: no process has pid {target}")


def stop(
    pid: int | None = None,
    pidfile: Path | None = None,
    *,
    timeout: float = STOP_TIMEOUT,
    force: bool = False,
) -> int:
    """SIGTERM the daemon (a graceful shutdown), wait for it to go, remove
    its pidfile. With ``force``, SIGKILL it if it outlives ``timeout``."""
    target, pidfile = pid_from(pid, pidfile)
    if not is_running(target):
        if pidfile is not None:
            raise CLIError(
                f"stale pidfile {str(pidfile)!r}: pid {target} is not running "
                "(remove the file)"
            )
        raise NotRunning(f"not running: no process has pid {target}")
    try:
        os.kill(target, signal.SIGTERM)
    except PermissionError:
        raise CLIError(f"not allowed to signal pid {target}") from None
    except ProcessLookupError:
        pass
    if not _wait_gone(target, timeout):
        if not force:
            raise CLIError(f"pid {target} did not stop within {timeout:.0f} s")
        os.kill(target, signal.SIGKILL)
        if not _wait_gone(target, 5.0):
            raise CLIError(f"pid {target} survived SIGKILL")
    if pidfile is not None:
        remove_pidfile(pidfile, target)
    print(f"stopped: pid {target}")
    return 0


def _wait_gone(pid: int, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not is_running(pid):
            return True
        time.sleep(0.05)
    return not is_running(pid)
