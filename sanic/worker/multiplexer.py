"""`app.m`: what a worker process can ask of the manager, and what it knows.

Each process the manager starts holds the write end of the manager's
monitor pipe; the multiplexer turns calls into the messages of
`sanic.worker.messages`. Call it from anywhere in the worker, a request
handler included: sending a message never blocks on the manager.
"""

from __future__ import annotations

import os
from typing import Any

from sanic.exceptions import SanicException
from sanic.worker import messages
from sanic.worker.constants import ProcessState
from sanic.worker.state import WorkerState


class NoMultiplexer(SanicException, AttributeError):
    """``app.m`` outside a worker process (``hasattr(app, "m")`` is False)."""


class WorkerMultiplexer:
    """The worker's handle on the manager: restart, scale, terminate, state."""

    def __init__(self, monitor_publisher: Any, worker_state: WorkerState) -> None:
        self._monitor_publisher = monitor_publisher
        self._state = worker_state

    def ack(self) -> None:
        """Tell the manager this worker serves (its state becomes ACKED)."""
        self._state.update(state=ProcessState.ACKED.name, pid=self.pid)

    def set_serving(self, serving: bool) -> None:
        self._state.update(serving=bool(serving))

    def restart(
        self,
        name: str = "",
        all_workers: bool = False,
        zero_downtime: bool = False,
    ) -> None:
        """Restart this worker, the process ``name``, or every server worker.

        With ``zero_downtime`` the replacement starts first and the old
        process stops once the new one serves (finishing its requests).
        """
        if name and all_workers:
            raise ValueError(
                "Ambiguous restart: give either a process name or all_workers=True"
            )
        names = None if all_workers else [name or self.name]
        self._send(
            messages.restart(
                names, zero_downtime=zero_downtime, reason=f"asked by {self.name}"
            )
        )

    reload = restart

    def scale(self, num_workers: int) -> None:
        """Run ``num_workers`` server workers (starts or stops some)."""
        self._send(messages.scale(num_workers))

    def terminate(self, early: bool = False) -> None:
        """Shut the whole server down, as SIGTERM to the main process would."""
        self._send(messages.terminate())

    def manage(
        self, name: str, func: Any, kwargs: dict[str, Any], **options: Any
    ) -> None:
        """Ask the manager to start a managed process (see `WorkerManager.manage`)."""
        self._send(messages.manage(name, func, kwargs, **options))

    @property
    def pid(self) -> int:
        return os.getpid()

    @property
    def name(self) -> str:
        return self._state.name

    @property
    def state(self) -> WorkerState:
        """This worker's entry in the worker state."""
        return self._state

    @property
    def workers(self) -> dict[str, Any]:
        """The state of every server worker, by name."""
        return {
            name: info
            for name, info in self._state.full().items()
            if info.get("server")
        }

    def _send(self, message: tuple[Any, ...]) -> None:
        self._monitor_publisher.send(message)
