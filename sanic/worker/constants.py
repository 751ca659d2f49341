"""The states a managed process goes through, and the orders of a restart."""

from __future__ import annotations

from enum import Enum, IntEnum, auto


class RestartOrder(str, Enum):
    """How a restart replaces a process.

    ``SHUTDOWN_FIRST`` stops the old process, then starts its replacement.
    ``STARTUP_FIRST`` (what ``zero_downtime=True`` asks for) starts the
    replacement and waits until it serves before stopping the old one.
    """

    SHUTDOWN_FIRST = "SHUTDOWN_FIRST"
    STARTUP_FIRST = "STARTUP_FIRST"

    def __str__(self) -> str:
        return self.value


class ProcessState(IntEnum):
    """Where a process is in its life, as the manager and the inspector show it."""

    IDLE = auto()
    RESTARTING = auto()
    STARTING = auto()
    STARTED = auto()
    ACKED = auto()
    JOINED = auto()
    TERMINATED = auto()
    FAILED = auto()
    COMPLETED = auto()
    NONE = auto()
