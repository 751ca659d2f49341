"""The websocket a handler holds: asyncio IO around the sans-IO
``websockets.server.ServerProtocol`` (frames, fragments, close codes and the
message size limit all come from that package; nothing here parses frames).

The HTTP connection's protocol keeps the transport; once upgraded it passes
what it reads to `WebsocketImplProtocol.data_received` and tells it when the
connection is lost. Keep-alive pings and the close timeout are timer handles.
"""

from __future__ import annotations

import asyncio
import os
from collections import deque
from typing import Any, AsyncIterator, Sequence

from websockets.frames import Frame, Opcode
from websockets.protocol import State
from websockets.server import ServerProtocol

from sanic.exceptions import ServerError, WebsocketClosed
from sanic.log import websockets_logger

Data = str | bytes

# Messages received but not read before reading from the socket pauses.
MAX_QUEUE = 32
# How long the closing handshake may take before the connection is dropped.
CLOSE_TIMEOUT = 5.0

_OPEN = State.OPEN
_DATA_OPCODES = (Opcode.TEXT, Opcode.BINARY, Opcode.CONT)


class WebsocketImplProtocol:
    """One open websocket connection (the ``ws`` a websocket handler gets)."""

    def __init__(
        self,
        ws_proto: ServerProtocol,
        io_proto: Any,
        *,
        ping_interval: float | None = 20,
        ping_timeout: float | None = 20,
        close_timeout: float = CLOSE_TIMEOUT,
    ) -> None:
        self.ws_proto = ws_proto
        self.io_proto = io_proto  # the connection's asyncio protocol
        self.loop: asyncio.AbstractEventLoop = io_proto.loop
        self.ping_interval = ping_interval
        self.ping_timeout = ping_timeout
        self.close_timeout = close_timeout
        self._messages: deque[Data] = deque()
        self._fragments: list[bytes] = []
        self._fragment_text = False
        self._recv_waiter: asyncio.Future | None = None
        self._pings: dict[bytes, asyncio.Future] = {}
        self._keepalive: asyncio.TimerHandle | None = None
        self._keepalive_deadline: asyncio.TimerHandle | None = None
        self._close_timer: asyncio.TimerHandle | None = None
        self._lost: asyncio.Future = self.loop.create_future()
        self._reading_paused = False
        if ping_interval:
            self._keepalive = self.loop.call_later(ping_interval, self._keepalive_ping)

    # ---- state ----------------------------------------------------------------

    @property
    def subprotocol(self) -> str | None:
        """The subprotocol chosen in the handshake, if any."""
        return self.ws_proto.subprotocol

    @property
    def connection(self) -> Any:
        return self.io_proto

    @property
    def closed(self) -> bool:
        return self.ws_proto.state is not _OPEN

    @property
    def close_code(self) -> int | None:
        return self.ws_proto.close_code

    @property
    def close_reason(self) -> str | None:
        return self.ws_proto.close_reason

    # ---- bytes in (from the connection's protocol) -------------------------------

    def data_received(self, data: bytes) -> None:
        if self._lost.done():
            return
        self.ws_proto.receive_data(data)
        self._process()

    def eof_received(self) -> None:
        if not self._lost.done():
            self.ws_proto.receive_eof()
            self._process()

    def connection_lost(self, exc: Exception | None = None) -> None:
        if self._lost.done():
            return
        if self.ws_proto.state is not State.CLOSED:
            self.ws_proto.receive_eof()  # the protocol records the closure
            self.ws_proto.data_to_send()  # nowhere to send it any more
        self._cancel_timers()
        for waiter in self._pings.values():
            if not waiter.done():
                waiter.set_exception(WebsocketClosed())
                waiter.exception()  # retrieved: nobody need await a ping
        self._pings.clear()
        self._lost.set_result(None)
        self._wake()

    def _process(self) -> None:
        for event in self.ws_proto.events_received():
            if isinstance(event, Frame):
                self._frame(event)
        self._flush()
        if self.ws_proto.state is not _OPEN:
            self._closing()
            self._wake()

    def _frame(self, frame: Frame) -> None:
        opcode = frame.opcode
        if opcode in _DATA_OPCODES:
            if opcode is not Opcode.CONT:
                self._fragment_text = opcode is Opcode.TEXT
                self._fragments = []
            self._fragments.append(bytes(frame.data))
            if frame.fin:
                data = b"".join(self._fragments)
                self._fragments = []
                self._messages.append(data.decode() if self._fragment_text else data)
                if len(self._messages) >= MAX_QUEUE and not self._reading_paused:
                    self._reading_paused = True
                    self.io_proto.pause_reading()
                self._wake()
        elif opcode is Opcode.PONG:
            self._pong(bytes(frame.data))

    def _wake(self) -> None:
        waiter = self._recv_waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    # ---- bytes out ---------------------------------------------------------------

    def _flush(self) -> None:
        transport = self.io_proto.transport
        for chunk in self.ws_proto.data_to_send():
            if chunk:
                if not self.io_proto._closing:
                    transport.write(chunk)
            else:  # the end of the stream: a server closes the TCP connection
                self.io_proto.close()

    def _closing(self) -> None:
        """A close frame went out or came in: bound how long the rest may take."""
        if self._close_timer is None and not self._lost.done():
            self._close_timer = self.loop.call_later(
                self.close_timeout, self.io_proto.abort
            )
        if self._keepalive is not None:
            self._keepalive.cancel()
            self._keepalive = None

    async def _drain(self) -> None:
        try:
            await self.io_proto.drain()
        except ConnectionError:
            raise WebsocketClosed() from None

    # ---- the handler's API ---------------------------------------------------

    async def recv(self, timeout: float | None = None) -> Data | None:
        """The next message (str for text, bytes for binary).

        Returns None when ``timeout`` seconds pass first; raises
        `WebsocketClosed` once the connection is closed and every message
        received before that has been read.
        """
        if self._recv_waiter is not None:
            raise ServerError("Illegal call to recv while another recv is waiting")
        while not self._messages:
            if self.ws_proto.state is not _OPEN or self._lost.done():
                raise WebsocketClosed()
            if timeout is not None and timeout <= 0:
                return None
            waiter = self._recv_waiter = self.loop.create_future()
            timer = (
                self.loop.call_later(timeout, _resolve, waiter)
                if timeout is not None
                else None
            )
            try:
                await waiter
            finally:
                self._recv_waiter = None
                if timer is not None:
                    timer.cancel()
            if (
                not self._messages
                and timer is not None
                and self.ws_proto.state is _OPEN
            ):
                return None  # timed out
        return self._pop()

    def _pop(self) -> Data:
        message = self._messages.popleft()
        if self._reading_paused and len(self._messages) < MAX_QUEUE // 2:
            self._reading_paused = False
            self.io_proto.resume_reading()
        return message

    async def recv_burst(self, max_recv: int = 256) -> Sequence[Data]:
        """The messages received so far (at most ``max_recv``), without waiting;
        an empty list when there are none. Raises `WebsocketClosed` when the
        connection is closed and nothing is left to read."""
        if not self._messages and (
            self.ws_proto.state is not _OPEN or self._lost.done()
        ):
            raise WebsocketClosed()
        burst: list[Data] = []
        while self._messages and len(burst) < max_recv:
            burst.append(self._pop())
        return burst

    async def send(self, data: Data | bytearray | memoryview) -> None:
        """Send a text (str) or binary (bytes-like) message."""
        if self.ws_proto.state is not _OPEN or self._lost.done():
            raise WebsocketClosed()
        if isinstance(data, str):
            self.ws_proto.send_text(data.encode())
        elif isinstance(data, (bytes, bytearray, memoryview)):
            self.ws_proto.send_binary(data)
        else:
            raise TypeError(
                f"Websocket messages are str or bytes, not {type(data).__name__}"
            )
        self._flush()
        await self._drain()  # backpressure: wait while the transport is full

    async def ping(self, data: Data | None = None) -> asyncio.Future:
        """Send a ping; the returned future resolves when its pong arrives."""
        if self.ws_proto.state is not _OPEN or self._lost.done():
            raise WebsocketClosed()
        payload = data.encode() if isinstance(data, str) else data
        if payload is None:
            payload = os.urandom(4)
        waiter = self._send_ping(payload)
        await self._drain()
        return waiter

    def _send_ping(self, payload: bytes) -> asyncio.Future:
        waiter = self.loop.create_future()
        self._pings[payload] = waiter
        self.ws_proto.send_ping(payload)
        self._flush()
        return waiter

    async def pong(self, data: Data = b"") -> None:
        if self.ws_proto.state is not _OPEN or self._lost.done():
            raise WebsocketClosed()
        self.ws_proto.send_pong(data.encode() if isinstance(data, str) else data)
        self._flush()
        await self._drain()

    def _pong(self, payload: bytes) -> None:
        if payload not in self._pings:
            return
        # A pong answers its ping and every ping sent before it.
        for key in list(self._pings):
            waiter = self._pings.pop(key)
            if not waiter.done():
                waiter.set_result(None)
            if key == payload:
                break

    async def close(self, code: int = 1000, reason: str = "") -> None:
        """Start the closing handshake and wait (up to the close timeout) for
        the connection to close."""
        self.start_close(code, reason)
        await self.wait_for_connection_lost(self.close_timeout)

    def start_close(self, code: int = 1000, reason: str = "") -> None:
        """Send a close frame, if none was sent yet; does not wait."""
        if self.ws_proto.state is _OPEN and not self._lost.done():
            self.ws_proto.send_close(code, reason)
            self._flush()
            self._closing()
            self._wake()

    def fail_connection(self, code: int = 1006, reason: str = "") -> None:
        """Close now: a close frame if it can still go out, then the TCP close."""
        if self._lost.done():
            return
        self.ws_proto.fail(code, reason)
        self._flush()
        self._closing()
        self._wake()

    async def wait_for_connection_lost(self, timeout: float | None = None) -> bool:
        """True once the connection is closed; False if ``timeout`` passed first."""
        if self._lost.done():
            return True
        try:
            await asyncio.wait_for(asyncio.shield(self._lost), timeout)
        except asyncio.TimeoutError:
            return False
        return True

    def __aiter__(self) -> AsyncIterator[Data]:
        return self

    async def __anext__(self) -> Data:
        try:
            message = await self.recv()
        except WebsocketClosed:
            raise StopAsyncIteration from None
        assert message is not None
        return message

    # ---- keep-alive ------------------------------------------------------------

    def _keepalive_ping(self) -> None:
        self._keepalive = None
        if self.ws_proto.state is not _OPEN or self._lost.done():
            return
        waiter = self._send_ping(os.urandom(4))
        waiter.add_done_callback(self._keepalive_answered)
        if self.ping_timeout:
            self._keepalive_deadline = self.loop.call_later(
                self.ping_timeout, self._keepalive_missed
            )

    def _keepalive_answered(self, waiter: asyncio.Future) -> None:
        if self._keepalive_deadline is not None:
            self._keepalive_deadline.cancel()
            self._keepalive_deadline = None
        if waiter.cancelled() or waiter.exception() is not None:
            return
        if self.ping_interval and self.ws_proto.state is _OPEN:
            self._keepalive = self.loop.call_later(
                self.ping_interval, self._keepalive_ping
            )

    def _keepalive_missed(self) -> None:
        self._keepalive_deadline = None
        websockets_logger.debug("Websocket peer did not answer a ping: closing")
        self.fail_connection(1011, "keepalive ping timeout")

    def _cancel_timers(self) -> None:
        for handle in (self._keepalive, self._keepalive_deadline, self._close_timer):
            if handle is not None:
                handle.cancel()
        self._keepalive = self._keepalive_deadline = self._close_timer = None


def _resolve(waiter: asyncio.Future) -> None:
    if not waiter.done():
        waiter.set_result(None)
