"""`WorkerManager`: runs the worker processes from the main process.

It starts the server workers (and any managed process), watches the
monitor pipe for messages (`sanic.worker.messages`) and every process's
sentinel, restarts a server worker that dies, and shuts everything down
gracefully on SIGINT/SIGTERM or a ``terminate`` message. Everything happens
in one thread, driven by `multiprocessing.connection.wait`.
"""

from __future__ import annotations

import os
import signal
import socket
import time
from collections.abc import Callable, Iterable
from multiprocessing.connection import wait
from typing import Any

from sanic.exceptions import SanicException
from sanic.log import error_logger, server_logger
from sanic.worker import messages
from sanic.worker.constants import ProcessState, RestartOrder
from sanic.worker.process import Worker, WorkerProcess

# Beyond GRACEFUL_SHUTDOWN_TIMEOUT, how long a process may take to exit
# before it is killed (its stop listeners, the interpreter's exit).
SHUTDOWN_MARGIN = 3.0
_POLL = 0.05


class WorkerStartupError(SanicException):
    """A server worker could not start: one line naming it and why."""


class WorkerManager:
    """Starts, watches, restarts and stops the processes of one server."""

    def __init__(
        self,
        number: int,
        serve: Callable[..., Any],
        server_settings: dict[str, Any],
        context: Any,
        monitor_pubsub: tuple[Any, Any],
        worker_state: Any,
        *,
        graceful_timeout: float = 15.0,
        ack_timeout: float = 30.0,
    ) -> None:
        if isinstance(number, bool) or not isinstance(number, int) or number < 1:
            raise ValueError(f"workers must be a positive integer, not {number!r}")
        self.num_server = number
        self.serve = serve
        self.server_settings = server_settings
        self.context = context
        self.monitor_subscriber, self.monitor_publisher = monitor_pubsub
        self.worker_state = worker_state
        self.graceful_timeout = float(graceful_timeout)
        self.ack_timeout = float(ack_timeout)
        self.servers: list[Worker] = []
        self.managed: dict[str, Worker] = {}
        self._retiring: list[WorkerProcess] = []
        self._spawned: list[WorkerProcess] = []  # every process still to reap
        self._next_slot = 0
        self._started = False
        self._stopping = False
        self._force = False
        self.exit_code = 0
        self._wake_r, self._wake_w = socket.socketpair()
        self._wake_r.setblocking(False)
        self._wake_w.setblocking(False)

    # ---- what the app sees -------------------------------------------------------

    @property
    def pid(self) -> int:
        return os.getpid()

    @property
    def workers(self) -> list[Worker]:
        return [*self.servers, *self.managed.values()]

    @property
    def transient_processes(self) -> list[WorkerProcess]:
        return [
            worker.process
            for worker in self.workers
            if worker.transient and worker.process is not None
        ]

    @property
    def durable_processes(self) -> list[WorkerProcess]:
        return [
            worker.process
            for worker in self.managed.values()
            if not worker.transient and worker.process is not None
        ]

    @property
    def processes(self) -> list[WorkerProcess]:
        alive = [w.process for w in self.workers if w.process is not None]
        return [*alive, *self._retiring]

    def manage(
        self,
        name: str,
        func: Callable[..., Any],
        kwargs: dict[str, Any] | None = None,
        transient: bool = False,
        restartable: bool | None = None,
        tracked: bool = True,
        auto_start: bool = True,
        workers: int = 1,
    ) -> None:
        """Run ``func(**kwargs)`` in its own process (spawned), as ``name``.

        ``transient`` processes are restarted with the server workers (a
        reload); ``restartable`` ones (the default) can be restarted by
        name; an untracked one leaves the worker state when it ends; with
        ``auto_start=False`` it waits for a restart by name. ``workers=N``
        runs N of them, named ``name-0`` ... ``name-<N-1>``.
        """
        if not isinstance(name, str) or not name.strip():
            raise ValueError(f"a managed process needs a name, not {name!r}")
        if not callable(func):
            raise TypeError(f"manage({name!r}, ...): {func!r} is not callable")
        if kwargs is None:
            kwargs = {}
        if not isinstance(kwargs, dict):
            raise TypeError(f"manage({name!r}, ...): kwargs must be a dict")
        if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
            raise ValueError(f"manage({name!r}, ...): workers must be >= 1")
        idents = [name] if workers == 1 else [f"{name}-{i}" for i in range(workers)]
        taken = [ident for ident in idents if ident in self.managed]
        if taken or name.startswith("Sanic-Server-"):
            raise ValueError(f"a process named {name!r} is already managed")
        for ident in idents:
            worker = Worker(
                ident,
                func,
                kwargs,
                self.context.Process,
                self.worker_state,
                server=False,
                restartable=True if restartable is None else bool(restartable),
                transient=bool(transient),
                tracked=bool(tracked),
                auto_start=bool(auto_start),
            )
            self.managed[ident] = worker
            if self._started and auto_start and not self._stopping:
                self._start_process(worker.create_process())

    # ---- starting ----------------------------------------------------------------

    def run(self) -> None:
        """Start everything and watch it until shutdown (without listeners)."""
        try:
            self.start_servers()
            self.start_managed()
            self.monitor()
        finally:
            self.shutdown()

    def start_servers(self) -> None:
        """Start the server workers and wait until each serves.

        A worker that exits or does not ack within the ack timeout is a
        `WorkerStartupError`.
        """
        for _ in range(self.num_server):
            self.servers.append(self._new_server())
        started = [self._start_process(w.create_process()) for w in self.servers]
        failures = self._wait_ready(started)
        if failures and not self._stopping:
            raise WorkerStartupError(failures[0])

    def start_managed(self) -> None:
        """Start the managed processes registered so far (and later ones at once)."""
        self._started = True
        for worker in list(self.managed.values()):
            if worker.auto_start and worker.process is None and not self._stopping:
                self._start_process(worker.create_process())

    def _new_server(self) -> Worker:
        slot = self._next_slot
        self._next_slot += 1
        return Worker(
            f"Sanic-Server-{slot}",
            self.serve,
            self.server_settings,
            self.context.Process,
            self.worker_state,
            server=True,
        )

    def _start_process(self, process: WorkerProcess) -> WorkerProcess:
        self._spawned = [p for p in self._spawned if p.exitcode is None]
        self._spawned.append(process)
        try:
            process.start()
        except Exception as exc:
            process.set_state(ProcessState.FAILED, error=str(exc))
            raise WorkerStartupError(
                f"Sanic server could not start process {process.name}: "
                f"{type(exc).__name__}: {exc}"
            ) from None
        return process

    def _wait_ready(
        self, processes: list[WorkerProcess], timeout: float | None = None
    ) -> list[str]:
        """Wait until each process acked; the reasons of those that did not."""
        timeout = self.ack_timeout if timeout is None else timeout
        deadline = time.monotonic() + timeout
        waiting = list(processes)
        failures: list[str] = []
        while waiting and not self._stopping:
            for process in list(waiting):
                entry = process.entry()
                if entry.get("state") == ProcessState.ACKED.name:
                    process.acked = True
                    waiting.remove(process)
                elif not process.is_alive():
                    waiting.remove(process)
                    failures.append(self._failure(process, entry))
            if not waiting:
                break
            if time.monotonic() >= deadline:
                for process in waiting:
                    process.set_state(ProcessState.FAILED)
                    failures.append(
                        f"Sanic server could not start: worker {process.name} "
                        f"(pid {process.pid}) did not report ready within "
                        f"{timeout:g} s (WORKER_ACK_TIMEOUT)"
                    )
                    process.retiring = True
                    process.kill()
                    process.join(1)
                break
            sentinels = [p.sentinel for p in waiting if p.sentinel is not None]
            wait([*sentinels, self._wake_r], timeout=_POLL)
            self._drain_wake()
        return failures

    def _failure(self, process: WorkerProcess, entry: dict[str, Any]) -> str:
        process.join(1)
        process.set_state(ProcessState.FAILED, exitcode=process.exitcode)
        reason = entry.get("error") or f"it exited with code {process.exitcode}"
        return (
            f"Sanic server could not start: worker {process.name} "
            f"(pid {process.pid}) stopped before it was ready: {reason}"
        )

    # ---- watching ----------------------------------------------------------------

    def monitor(self) -> None:
        """Handle messages and process exits until a shutdown is asked for."""
        while not self._stopping:
            watched = {p.sentinel: p for p in self.processes if p.sentinel is not None}
            ready = wait([self.monitor_subscriber, self._wake_r, *watched], timeout=1.0)
            for item in ready:
                if item is self.monitor_subscriber:
                    self._read_messages()
                elif item is self._wake_r:
                    self._drain_wake()
                elif item in watched:
                    self._on_exit(watched[item])
                if self._stopping:
                    break

    def _read_messages(self) -> None:
        while not self._stopping:
            try:
                if not self.monitor_subscriber.poll():
                    return
                message = self.monitor_subscriber.recv()
            except (EOFError, OSError):
                return
            except Exception as exc:  # a message that cannot be unpickled
                error_logger.error("Unreadable message on the monitor pipe: %s", exc)
                continue
            try:
                self._dispatch(message)
            except Exception as exc:
                error_logger.error("Could not act on %r: %s", message[:2], exc)

    def _dispatch(self, message: Any) -> None:
        if not isinstance(message, tuple) or not message:
            error_logger.warning("Unknown message on the monitor pipe: %r", message)
            return
        kind = message[0]
        if kind == messages.RESTART:
            _, names, zero_downtime, reason = message
            order = (
                RestartOrder.STARTUP_FIRST
                if zero_downtime
                else RestartOrder.SHUTDOWN_FIRST
            )
            self.restart(names, order, reason=reason)
        elif kind == messages.SCALE:
            self.scale(message[1])
        elif kind == messages.TERMINATE:
            server_logger.info("Termination requested: shutting down")
            self.terminate()
        elif kind == messages.MANAGE:
            _, name, func, kwargs, options = message
            self.manage(name, func, kwargs, **options)
        else:
            error_logger.warning("Unknown message on the monitor pipe: %r", kind)

    def _on_exit(self, process: WorkerProcess) -> None:
        process.join(0.5)
        if process in self._retiring:
            self._retiring.remove(process)
            process.forget()
            return
        if self._stopping:
            return
        owner = next((w for w in self.workers if w.process is process), None)
        if owner is None:
            return
        code = process.exitcode
        if not owner.server:
            self._on_managed_exit(owner, process, code)
            return
        if not process.acked and process.entry().get("state") != "ACKED":
            error_logger.error(self._failure(process, process.entry()))
            owner.failed = True
            owner.process = None
            self._stop_if_nothing_serves()
            return
        if code == 0:
            server_logger.info("Worker %s (pid %s) stopped", process.name, process.pid)
            process.set_state(ProcessState.COMPLETED, exitcode=0)
            owner.process = None
            self._stop_if_nothing_serves()
            return
        error_logger.error(
            "Worker %s (pid %s) died unexpectedly with exit code %s: restarting it",
            process.name,
            process.pid,
            code,
        )
        process.forget()
        replacement = self._start_process(owner.create_process())
        for failure in self._wait_ready([replacement]):
            error_logger.error(failure)
            owner.failed = True
            owner.process = None
        self._stop_if_nothing_serves()

    def _on_managed_exit(
        self, owner: Worker, process: WorkerProcess, code: int | None
    ) -> None:
        if code == 0:
            process.set_state(ProcessState.COMPLETED, exitcode=0)
            if not owner.tracked:
                process.forget()
        else:
            error_logger.error(
                "Process %s (pid %s) exited with code %s",
                process.name,
                process.pid,
                code,
            )
            process.set_state(ProcessState.FAILED, exitcode=code)
            if not owner.tracked:
                process.forget()
        owner.process = None

    def _stop_if_nothing_serves(self) -> None:
        if any(w.process is not None for w in self.servers):
            return
        if any(name.startswith("Sanic-Reloader") for name in self.managed):
            return  # in development a change may fix it: keep waiting
        error_logger.error("No server worker is left running: shutting down")
        self.exit_code = 1
        self.terminate()

    # ---- restarting and scaling ------------------------------------------------

    def restart(
        self,
        process_names: Iterable[str] | None = None,
        restart_order: RestartOrder = RestartOrder.SHUTDOWN_FIRST,
        reason: str = "",
        **_: Any,
    ) -> None:
        """Restart the named processes, or every server worker (and transient
        managed process) when no name is given."""
        if self._stopping:
            return
        targets = self._targets(process_names)
        if not targets:
            return
        names = ", ".join(w.process.name if w.process else w.ident for w in targets)
        server_logger.info(
            "Restarting %s%s%s",
            names,
            f" ({restart_order.value.lower().replace('_', '-')})",
            f": {reason}" if reason else "",
        )
        servers = [w for w in targets if w.server]
        others = [w for w in targets if not w.server]
        if restart_order is RestartOrder.STARTUP_FIRST:
            self._restart_startup_first(servers)
        else:
            self._restart_shutdown_first(servers)
        if others:  # a managed process keeps its name: always shutdown-first
            self._restart_shutdown_first(others)

    def _targets(self, names: Iterable[str] | None) -> list[Worker]:
        if names is None:
            return [*self.servers, *(w for w in self.managed.values() if w.transient)]
        targets: list[Worker] = []
        for name in names:
            worker = self._find(name)
            if worker is None:
                error_logger.warning("Cannot restart %r: no such process", name)
            elif not worker.restartable:
                error_logger.warning("Cannot restart %r: it is not restartable", name)
            elif worker not in targets:
                targets.append(worker)
        return targets

    def _find(self, name: str) -> Worker | None:
        for worker in self.workers:
            if worker.ident == name or (
                worker.process is not None and worker.process.name == name
            ):
                return worker
        return None

    def _restart_startup_first(self, workers: list[Worker]) -> None:
        pairs = [(w, w.process) for w in workers]
        fresh = [self._start_process(w.create_process()) for w in workers]
        failures = self._wait_ready(fresh)
        for (worker, old), new in zip(pairs, fresh, strict=True):
            if new.acked or (self._stopping and new.is_alive()):
                if old is not None:
                    self._retire(old)
                worker.failed = False
                continue
            worker.process = old  # keep serving with the old one
            if worker.process is None:
                worker.failed = True
            new.forget()
        for failure in failures:
            error_logger.error(failure)

    def _restart_shutdown_first(self, workers: list[Worker]) -> None:
        old = [w.process for w in workers if w.process is not None]
        for process in old:
            self._retire(process)
        self._wait_exit(old)
        fresh = [self._start_process(w.create_process()) for w in workers]
        if any(w.server for w in workers):
            for failure in self._wait_ready([p for p in fresh if p.server]):
                error_logger.error(failure)
            for worker in workers:
                current = worker.process
                if worker.server and current and not current.is_alive():
                    worker.failed = True
                    worker.process = None

    def _retire(self, process: WorkerProcess) -> None:
        process.retiring = True
        process.set_state(ProcessState.TERMINATED)
        if process not in self._retiring:
            self._retiring.append(process)
        process.terminate()

    def _wait_exit(self, processes: list[WorkerProcess]) -> None:
        deadline = time.monotonic() + self.graceful_timeout + SHUTDOWN_MARGIN
        alive = [p for p in processes if p.is_alive()]
        while alive and time.monotonic() < deadline and not self._force:
            sentinels = [p.sentinel for p in alive if p.sentinel is not None]
            wait([*sentinels, self._wake_r], timeout=0.2)
            self._drain_wake()
            alive = [p for p in alive if p.is_alive()]
        for process in alive:
            if not self._force:
                error_logger.warning(
                    "Process %s (pid %s) did not stop in time: killing it",
                    process.name,
                    process.pid,
                )
            process.kill()
        for process in processes:
            process.join(2)
            if process in self._retiring:
                self._retiring.remove(process)
                process.forget()

    def scale(self, num_worker: int) -> None:
        """Run ``num_worker`` server workers."""
        if isinstance(num_worker, bool) or not isinstance(num_worker, int):
            error_logger.error("Cannot scale to %r workers", num_worker)
            return
        if num_worker < 1:
            error_logger.error("Cannot scale to %s workers: at least 1", num_worker)
            return
        current = len(self.servers)
        if num_worker == current:
            return
        server_logger.info("Scaling from %s to %s workers", current, num_worker)
        if num_worker > current:
            added = [self._new_server() for _ in range(num_worker - current)]
            self.servers.extend(added)
            started = [self._start_process(w.create_process()) for w in added]
            for failure in self._wait_ready(started):
                error_logger.error(failure)
        else:
            removed = self.servers[num_worker:]
            del self.servers[num_worker:]
            for worker in removed:
                if worker.process is not None:
                    self._retire(worker.process)
        self.num_server = num_worker

    # ---- stopping ----------------------------------------------------------------

    def terminate(self) -> None:
        """Ask for a graceful shutdown (from a signal handler or a message)."""
        self._stopping = True
        self._wake()

    def kill(self) -> None:
        """Stop every process at once (SIGKILL)."""
        self._force = True
        self._stopping = True
        for process in self.processes:
            process.kill()
        self._wake()

    def handle_signal(self, signum: int, frame: Any = None) -> None:
        """SIGINT/SIGTERM: a graceful shutdown; a second one kills at once."""
        name = signal.Signals(signum).name
        if self._stopping:
            server_logger.info("Received %s again: stopping every process now", name)
            self.kill()
        else:
            server_logger.info("Received %s: shutting down gracefully", name)
            self.terminate()

    def shutdown(self) -> None:
        """SIGTERM to every process, wait for them, SIGKILL what is left."""
        self._stopping = True
        processes = list(self.processes)
        processes += [p for p in self._spawned if p not in processes]
        for process in processes:
            if process.is_alive():
                process.set_state(ProcessState.TERMINATED)
                process.terminate()
        self._wait_exit(processes)
        for process in processes:
            if process.server and process.exitcode is not None:
                process.set_state(ProcessState.JOINED, exitcode=process.exitcode)
        self._retiring.clear()

    def close(self) -> None:
        for sock in (self._wake_r, self._wake_w):
            sock.close()

    def _wake(self) -> None:
        try:
            self._wake_w.send(b"\0")
        except OSError:
            pass

    def _drain_wake(self) -> None:
        try:
            while self._wake_r.recv(4096):
                pass
        except OSError:
            pass
