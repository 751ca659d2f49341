"""What every server protocol shares: the transport, flow control, closing."""

from __future__ import annotations

import asyncio
from typing import Any

from sanic.models.server_types import ConnInfo


class SanicProtocol(asyncio.Protocol):
    """Transport bookkeeping: write-side flow control and orderly closing."""

    __slots__ = (
        "app",
        "loop",
        "transport",
        "connections",
        "conn_info",
        "signal",
        "state",
        "unix",
        "_can_write",
        "_drain_waiter",
        "_reading_paused",
        "_closing",
    )

    def __init__(
        self,
        *,
        loop: asyncio.AbstractEventLoop,
        app: Any,
        signal: Any = None,
        connections: set | None = None,
        unix: str | None = None,
        state: dict | None = None,
        **kwargs: Any,
    ) -> None:
        self.loop = loop
        self.app = app
        self.signal = signal
        self.connections = connections if connections is not None else set()
        self.unix = unix
        self.state = state if state is not None else {}
        self.transport: Any = None
        self.conn_info: ConnInfo | None = None
        self._can_write = True
        self._drain_waiter: asyncio.Future | None = None
        self._reading_paused = False
        self._closing = False

    def connection_made(self, transport: Any) -> None:
        self.connections.add(self)
        self.transport = transport
        self.conn_info = ConnInfo(transport, unix=self.unix)

    def connection_lost(self, exc: Exception | None) -> None:
        self.connections.discard(self)
        if self.conn_info is not None:
            self.conn_info.lost = True
        self._closing = True
        waiter = self._drain_waiter
        if waiter is not None and not waiter.done():
            waiter.set_exception(ConnectionResetError("Connection lost"))

    # ---- writing with backpressure ----------------------------------------------

    def write(self, data: bytes) -> None:
        if not self._closing:
            self.transport.write(data)

    def pause_writing(self) -> None:
        self._can_write = False

    def resume_writing(self) -> None:
        self._can_write = True
        waiter = self._drain_waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    async def drain(self) -> None:
        if self._closing:
            raise ConnectionResetError("Connection closed")
        if not self._can_write:
            self._drain_waiter = self.loop.create_future()
            try:
                await self._drain_waiter
            finally:
                self._drain_waiter = None

    # ---- reading ---------------------------------------------------------------

    def pause_reading(self) -> None:
        if not self._reading_paused and not self._closing:
            self._reading_paused = True
            self.transport.pause_reading()

    def resume_reading(self) -> None:
        if self._reading_paused and not self._closing:
            self._reading_paused = False
            self.transport.resume_reading()

    # ---- closing ---------------------------------------------------------------

    def close(self, timeout: float | None = None) -> None:
        """Close after what is buffered has been written."""
        if self._closing:
            return
        self._closing = True
        self.transport.close()

    def abort(self) -> None:
        self._closing = True
        if self.transport is not None:
            self.transport.abort()
