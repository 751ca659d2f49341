"""Child processes for tests: start, wait until ready, read output, stop.

Every helper here is bounded in time, and every way out of a test kills what
the test started.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any, TypeVar

import pytest

T = TypeVar("T")


def kill_group(proc: subprocess.Popen[Any], wait: float = 5.0) -> None:
    """SIGKILL the process group of ``proc`` (started with
    ``start_new_session=True``): the process and every worker it left behind;
    then reap it, waiting at most ``wait`` seconds."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)
    with contextlib.suppress(subprocess.TimeoutExpired):
        proc.wait(wait)


def terminate(proc: subprocess.Popen[Any], grace: float = 10.0) -> None:
    """SIGTERM (a graceful stop); SIGKILL if it is still there after ``grace``
    seconds. Nothing happens to a process that has already exited."""
    if proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(grace)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(5)


def wait_for_line(
    proc: subprocess.Popen[str], expected: str, timeout: float
) -> list[str]:
    """Read the (text) stdout of ``proc`` until a line reads ``expected``
    (stripped); the lines read, that one last.

    Reading stops at that line, so the rest is left in the pipe for
    ``proc.communicate()``. When the process ends first or ``timeout``
    seconds pass, it is killed and the test fails with what it wrote.
    """
    stdout = proc.stdout
    assert stdout is not None, "start the process with stdout=subprocess.PIPE"
    seen: list[str] = []
    found = threading.Event()

    def read() -> None:
        # A byte at a time from the pipe itself: a buffered read could take
        # what follows the line too, and communicate() would never see it.
        fd, line = stdout.fileno(), bytearray()
        encoding = getattr(stdout, "encoding", None) or "utf-8"
        while byte := os.read(fd, 1):
            if byte != b"\n":
                line += byte
                continue
            text = line.decode(encoding, errors="replace")
            seen.append(text)
            line.clear()
            if text.strip() == expected:
                found.set()
                return

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    reader.join(timeout)
    if found.is_set():
        return seen
    proc.kill()
    reader.join(5)  # the kill closes the pipe: the reader ends
    out, err = proc.communicate(timeout=5)
    pytest.fail(
        f"never printed {expected!r} within {timeout:g} s "
        f"(exit status {proc.returncode}); "
        f"stdout={[*seen, *(out or '').splitlines()]!r} "
        f"stderr={(err or '')[-2000:]!r}"
    )


def wait_for_answer(
    proc: subprocess.Popen[Any] | None,
    probe: Callable[[], T],
    *,
    timeout: float,
    errors: type[BaseException] | tuple[type[BaseException], ...] = OSError,
    output: Callable[[], str] = lambda: "",
    what: str = "the server",
    interval: float = 0.1,
) -> T:
    """Call ``probe`` (a request to the server) until it returns instead of
    raising one of ``errors``; what it returned.

    The test fails, with ``output()``, when ``proc`` exits first or
    ``timeout`` seconds pass.
    """
    deadline = time.monotonic() + timeout
    last: BaseException | None = None
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            pytest.fail(
                f"{what} exited with status {proc.returncode} before answering:\n"
                f"{output()}"
            )
        try:
            return probe()
        except errors as exc:
            last = exc
            time.sleep(interval)
    pytest.fail(f"{what} did not answer within {timeout:g} s ({last!r}):\n{output()}")


@contextmanager
def logged(
    argv: Sequence[str],
    log: Path,
    *,
    cwd: Path | str | None = None,
    env: dict[str, str] | None = None,
    reap: float = 5.0,
) -> Iterator[subprocess.Popen[bytes]]:
    """Run ``argv`` in a session of its own, its stdout and stderr into
    ``log`` (stdin: /dev/null); on the way out, kill its whole group."""
    with log.open("wb") as out:
        proc = subprocess.Popen(
            list(argv),
            cwd=cwd,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        yield proc
    finally:
        kill_group(proc, reap)


class Output:
    """The lines a child writes on its pipes, collected as they come by one
    daemon thread a pipe (so that no pipe fills up and blocks the child).

    ``streams[i]`` is the list of lines read from the i-th pipe so far.
    """

    def __init__(self, *pipes: IO[str] | None) -> None:
        self._lock = threading.Lock()
        self.streams: list[list[str]] = [[] for _ in pipes]
        self._threads = [
            threading.Thread(target=self._pump, args=(pipe, lines), daemon=True)
            for pipe, lines in zip(pipes, self.streams, strict=True)
        ]
        for thread in self._threads:
            thread.start()

    def _pump(self, pipe: IO[str] | None, lines: list[str]) -> None:
        assert pipe is not None, "start the process with the pipe open"
        for line in pipe:
            with self._lock:
                lines.append(line.rstrip("\n"))

    def text(self) -> str:
        """Everything so far, pipe after pipe, one line a line."""
        with self._lock:
            return "\n".join(line for lines in self.streams for line in lines)

    def join(self, timeout: float = 5.0) -> None:
        """Wait for the pipes to close (the child has exited)."""
        for thread in self._threads:
            thread.join(timeout)


class Watched:
    """A process in a session of its own (so that `kill` takes its workers
    too), its piped output collected as it comes."""

    stop_timeout = 20.0  # `finish`'s default

    def __init__(self, argv: Sequence[str], **popen: Any) -> None:
        self.proc: subprocess.Popen[str] = subprocess.Popen(
            list(argv), text=True, start_new_session=True, **popen
        )
        pipes = [pipe for pipe in (self.proc.stdout, self.proc.stderr) if pipe]
        self._output = Output(*pipes)

    @property
    def output(self) -> str:
        return self._output.text()

    def finish(self, sig: int = signal.SIGTERM, timeout: float | None = None) -> int:
        """Signal the main process; its exit status once everything stopped."""
        self.proc.send_signal(sig)
        return self.wait(self.stop_timeout if timeout is None else timeout)

    def wait(self, timeout: float) -> int:
        """The exit status; fails (with the output) after ``timeout`` seconds."""
        try:
            code = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            raise AssertionError(
                f"still running after {timeout} s:\n{self.output}"
            ) from None
        self._output.join(5)
        return code

    def kill(self) -> None:
        """Kill the main process and every worker (the whole session)."""
        kill_group(self.proc)
