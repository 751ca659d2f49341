"""Stages of a request on a connection, and the HTTP versions served."""

from __future__ import annotations

from enum import Enum, IntEnum


class Stage(Enum):
    """Where the current request on a connection stands.

    IDLE      waiting for a request
    REQUEST   reading the request (head or body)
    HANDLER   the handler runs; no response bytes sent yet
    RESPONSE  a streamed response has started
    FAILED    unrecoverable; the connection closes
    """

    IDLE = 0
    REQUEST = 1
    HANDLER = 3
    RESPONSE = 4
    FAILED = 100


class HTTP(IntEnum):
    """The HTTP versions the server speaks."""

    VERSION_1 = 1
    VERSION_3 = 3

    def display(self) -> str:
        value = 1.1 if self.value == 1 else self.value
        return f"HTTP/{value}"


class _Served:
    """The type of ``SERVED``."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "SERVED"


# What the app's per-connection request cycle (``Sanic._serve_connection``)
# yields once a request is answered; anything else it yields is what a handler
# waits on.
SERVED = _Served()
