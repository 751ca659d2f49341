"""What processes send the manager over the monitor pipe.

Every child process (server workers, the inspector, the reloader, managed
processes) holds the write end of one pipe whose read end the
`WorkerManager` watches in the main process. A message is a small tuple,
so each one is a single atomic write to the pipe whoever sends it.

- ``("restart", names, zero_downtime, reason)``: restart the named processes;
  ``names=None`` means every server worker. ``zero_downtime`` starts the
  replacements first (`RestartOrder.STARTUP_FIRST`). ``reason`` is logged
  (changed files from the reloader, "max requests" from a worker...).
- ``("scale", n)``: run ``n`` server workers.
- ``("terminate",)``: shut everything down gracefully, as SIGTERM does.
- ``("manage", name, func, kwargs, options)``: start a managed process
  (``options`` are the keyword arguments of `WorkerManager.manage`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

RESTART = "restart"
SCALE = "scale"
TERMINATE = "terminate"
MANAGE = "manage"


def restart(
    names: Iterable[str] | None = None,
    *,
    zero_downtime: bool = False,
    reason: str = "",
) -> tuple[Any, ...]:
    return (RESTART, None if names is None else list(names), zero_downtime, reason)


def scale(replicas: int) -> tuple[Any, ...]:
    if isinstance(replicas, bool) or not isinstance(replicas, int) or replicas < 1:
        raise ValueError(f"cannot scale to {replicas!r} workers: give a number >= 1")
    return (SCALE, replicas)


def terminate() -> tuple[Any, ...]:
    return (TERMINATE,)


def manage(
    name: str, func: Callable[..., Any], kwargs: dict[str, Any], **options: Any
) -> tuple[Any, ...]:
    return (MANAGE, name, func, kwargs, options)
