"""The processes a `WorkerManager` runs, and their entries in the worker state.

A `Worker` is a slot the manager keeps filled (a server worker, or one
managed process); a `WorkerProcess` is one OS process in it. A server
worker's processes are named ``Sanic-Server-<slot>-<generation>``: a
restart starts the next generation. A managed process keeps its name.
"""

from __future__ import annotations

import os
import signal
from collections.abc import Callable
from datetime import datetime, timezone
from typing import Any

from sanic.log import error_logger
from sanic.worker.constants import ProcessState


def now() -> str:
    return datetime.now(timezone.utc).isoformat()


def run_managed(
    target: Callable[..., Any], kwargs: dict[str, Any], name: str, worker_state: Any
) -> None:
    """What a managed process runs: ``target(**kwargs)``, its state kept."""
    from sanic.worker.state import WorkerState

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the manager sends SIGTERM
    state = WorkerState(worker_state, name)
    state.update(state=ProcessState.ACKED.name, pid=os.getpid())
    target(**kwargs)


class WorkerProcess:
    """One OS process: started with the spawn context, stopped by signals."""

    def __init__(
        self,
        factory: Callable[..., Any],
        name: str,
        target: Callable[..., Any],
        kwargs: dict[str, Any],
        worker_state: Any,
        *,
        server: bool,
        starts: int = 1,
    ) -> None:
        self.factory = factory
        self.name = name
        self.target = target
        self.kwargs = kwargs
        self.worker_state = worker_state
        self.server = server
        self.starts = starts
        self.retiring = False  # being replaced or stopped: its exit is expected
        self.acked = False
        self._process: Any = None

    def __repr__(self) -> str:
        return f"<WorkerProcess {self.name} pid={self.pid}>"

    # ---- life -----------------------------------------------------------------

    def start(self) -> None:
        entry: dict[str, Any] = {
            "pid": None,
            "state": ProcessState.STARTING.name,
            "server": self.server,
            "start_at": now(),
            "starts": self.starts,
        }
        if self.starts > 1:
            entry["restart_at"] = entry["start_at"]
        if self.server:
            entry["requests"] = 0
        self.set_entry(entry)
        # Every process Sanic starts has a name starting with "Sanic": how a
        # re-import of the main module in it knows not to serve again.
        os_name = self.name if self.name.startswith("Sanic") else f"Sanic-{self.name}"
        self._process = self.factory(
            name=os_name, target=self.target, kwargs=self.kwargs, daemon=False
        )
        self._process.start()
        self.update(pid=self._process.pid)

    def terminate(self) -> None:
        """Ask the process to stop (SIGTERM): a server finishes its requests."""
        self._signal(signal.SIGTERM)

    def kill(self) -> None:
        self._signal(signal.SIGKILL)

    def join(self, timeout: float | None = None) -> None:
        if self._process is not None and self._process.pid is not None:
            self._process.join(timeout)

    def _signal(self, signum: int) -> None:
        pid = self.pid
        if pid is None or not self.is_alive():
            return
        try:
            os.kill(pid, signum)
        except ProcessLookupError:
            pass

    @property
    def pid(self) -> int | None:
        return None if self._process is None else self._process.pid

    @property
    def sentinel(self) -> int | None:
        return None if self._process is None else self._process.sentinel

    @property
    def exitcode(self) -> int | None:
        return None if self._process is None else self._process.exitcode

    def is_alive(self) -> bool:
        process = self._process
        return process is not None and process.pid is not None and process.is_alive()

    # ---- state ----------------------------------------------------------------

    def entry(self) -> dict[str, Any]:
        try:
            return dict(self.worker_state.get(self.name) or {})
        except Exception:
            return {}

    @property
    def state(self) -> ProcessState:
        name = self.entry().get("state", "NONE")
        try:
            return ProcessState[name]
        except KeyError:
            return ProcessState.NONE

    def set_state(self, state: ProcessState, **extra: Any) -> None:
        self.update(state=state.name, **extra)

    def update(self, **values: Any) -> None:
        entry = self.entry()
        entry.update(values)
        self.set_entry(entry)

    def set_entry(self, entry: dict[str, Any]) -> None:
        try:
            self.worker_state[self.name] = entry
        except Exception as exc:  # the state server is gone (shutting down)
            error_logger.debug("Could not update %s's state: %s", self.name, exc)

    def forget(self) -> None:
        try:
            self.worker_state.pop(self.name, None)
        except Exception:
            pass


class Worker:
    """A slot the manager keeps a process in: a server worker or a managed one."""

    def __init__(
        self,
        ident: str,
        target: Callable[..., Any],
        kwargs: dict[str, Any],
        factory: Callable[..., Any],
        worker_state: Any,
        *,
        server: bool = True,
        restartable: bool = True,
        transient: bool = True,
        tracked: bool = True,
        auto_start: bool = True,
    ) -> None:
        self.ident = ident
        self.target = target
        self.kwargs = kwargs
        self.factory = factory
        self.worker_state = worker_state
        self.server = server
        self.restartable = restartable
        self.transient = transient
        self.tracked = tracked
        self.auto_start = auto_start
        self.generation = -1
        self.starts = 0
        self.process: WorkerProcess | None = None  # the current one
        self.failed = False  # its last process died before it was ready

    def __repr__(self) -> str:
        return f"<Worker {self.ident}>"

    def next_name(self) -> str:
        if self.server:
            return f"{self.ident}-{self.generation + 1}"
        return self.ident

    def create_process(self) -> WorkerProcess:
        """A new process for this slot (not started), named for its generation."""
        name = self.next_name()
        self.generation += 1
        self.starts += 1
        if self.server:
            target, kwargs = self.target, {**self.kwargs, "name": name}
        else:
            target = run_managed
            kwargs = {
                "target": self.target,
                "kwargs": self.kwargs,
                "name": name,
                "worker_state": self.worker_state,
            }
        process = WorkerProcess(
            self.factory,
            name,
            target,
            kwargs,
            self.worker_state,
            server=self.server,
            starts=self.starts,
        )
        self.process = process
        return process
