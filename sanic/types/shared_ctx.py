"""`app.shared_ctx`: objects made in the main process that every worker gets.

Assign attributes only in a ``main_process_start`` listener; the manager
locks the context afterwards and sends its contents to each worker process.
Only objects that really share state between processes (multiprocessing
queues, values, arrays, events, locks, pipes, shared memory) or plain
immutable values make sense here; anything else gets a warning, because each
worker would only get its own copy.
"""

from __future__ import annotations

import os
from multiprocessing.connection import Connection
from multiprocessing.shared_memory import ShareableList, SharedMemory
from types import SimpleNamespace
from typing import Any
from warnings import warn

from sanic.exceptions import SanicException

_IMMUTABLE = (int, float, str, bytes, bool, type(None))
# Queue/SimpleQueue/JoinableQueue; Value/Array; Lock, RLock, Event, Condition,
# Semaphore, Barrier...
_SAFE_MODULES = (
    "multiprocessing.queues",
    "multiprocessing.sharedctypes",
    "multiprocessing.synchronize",
)
_SAFE_TYPES = (Connection, SharedMemory, ShareableList)


def is_shareable(value: Any) -> bool:
    """Whether ``value`` keeps working when each worker process gets it."""
    if isinstance(value, _IMMUTABLE + _SAFE_TYPES):
        return True
    return type(value).__module__ in _SAFE_MODULES


class SharedContext(SimpleNamespace):
    """A namespace that can be written until it is locked."""

    SAFE = ("_lock",)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._lock = False

    def __setattr__(self, name: str, value: Any) -> None:
        if name not in self.SAFE:
            if self.is_locked:
                raise SanicException(
                    f"Cannot set {name!r} on app.shared_ctx: it can only be "
                    "assigned in a main_process_start listener"
                )
            if not is_shareable(value):
                warn(
                    f"Unsafe object {name!r} with type {type(value).__name__!r} "
                    "was added to shared_ctx. It may not function as intended: "
                    "each worker gets its own copy. Consider using the regular "
                    "ctx, or a multiprocessing Queue, Value, Array, Event, Lock "
                    "or shared_memory.",
                    UserWarning,
                    stacklevel=2,
                )
        super().__setattr__(name, value)

    def __delattr__(self, name: str) -> None:
        if self.is_locked:
            raise SanicException(
                f"Cannot delete {name!r} from app.shared_ctx once it is locked"
            )
        super().__delattr__(name)

    @property
    def is_locked(self) -> bool:
        return getattr(self, "_lock", False)

    def lock(self) -> None:
        self._lock = True

    def items(self) -> list[tuple[str, Any]]:
        """The shared objects (not the lock flag), to send to the workers."""
        return [(k, v) for k, v in vars(self).items() if k not in self.SAFE]

    def __getstate__(self) -> Any:  # pickled for the workers without the lock
        return dict(self.items())

    def __setstate__(self, state: dict[str, Any]) -> None:
        object.__setattr__(self, "_lock", False)
        self.__dict__.update(state)

    def __repr__(self) -> str:
        items = ", ".join(f"{k}={v!r}" for k, v in self.items())
        return f"SharedContext({items}) (pid {os.getpid()})"
