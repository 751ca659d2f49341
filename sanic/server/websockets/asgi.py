"""Websocket routes under an ASGI server (uvicorn, hypercorn, granian...).

The ASGI server does the protocol work (handshake checks, frames, pings);
this module maps a ``websocket`` scope onto the same request cycle as on
Sanic's own server: request middleware, then the route, whose handler gets an
`ASGIWebsocket` with the `WebsocketImplProtocol` API. A request refused before
the accept is answered with its HTTP response when the server offers the
``websocket.http.response`` extension, else closed (the server sends 403).
"""

from __future__ import annotations

import asyncio
from typing import Any, AsyncIterator, Sequence

from sanic.exceptions import SanicException, WebsocketClosed
from sanic.server.websockets.handshake import WebsocketHandshakeError

Data = str | bytes
_HTTP_RESPONSE = "websocket.http.response"


class ASGIWebsocket:
    """The ``ws`` of a websocket handler under ASGI."""

    def __init__(
        self, receive: Any, send: Any, subprotocol: str | None, max_size: int | None
    ) -> None:
        self._receive = receive
        self._send = send
        self._subprotocol = subprotocol
        self.max_size = max_size
        self._next: asyncio.Future | None = None  # a receive() in progress
        self._lost: asyncio.Future = asyncio.get_running_loop().create_future()
        self.close_code: int | None = None
        self.close_reason: str | None = None

    @property
    def subprotocol(self) -> str | None:
        return self._subprotocol

    @property
    def closed(self) -> bool:
        return self._lost.done()

    async def _message(self, timeout: float | None) -> Any:
        if self._next is None:
            self._next = asyncio.ensure_future(self._receive())
        if timeout is not None and timeout <= 0:
            await asyncio.sleep(0)  # a message already queued arrives now
            done = self._next.done()
        else:
            finished, _ = await asyncio.wait({self._next}, timeout=timeout)
            done = bool(finished)
        if not done:
            return None
        task, self._next = self._next, None
        return task.result()

    async def recv(self, timeout: float | None = None) -> Data | None:
        """The next message; None after ``timeout``; `WebsocketClosed` at the end."""
        while True:
            if self._lost.done():
                raise WebsocketClosed()
            message = await self._message(timeout)
            if message is None:
                return None
            kind = message.get("type")
            if kind == "websocket.receive":
                data = message.get("text")
                if data is None:
                    data = message.get("bytes")
                if data is None:
                    continue
                if self.max_size and len(data) > self.max_size:
                    await self.close(1009, "message too big")
                    raise WebsocketClosed()
                return data  # type: ignore[no-any-return]
            if kind == "websocket.disconnect":
                self._gone(message.get("code", 1005), message.get("reason") or "")

    async def recv_burst(self, max_recv: int = 256) -> Sequence[Data]:
        """The messages already received (at most ``max_recv``), without waiting."""
        burst: list[Data] = []
        while len(burst) < max_recv:
            try:
                message = await self.recv(timeout=0)
            except WebsocketClosed:
                if burst:
                    break
                raise
            if message is None:
                break
            burst.append(message)
        return burst

    async def send(self, data: Data | bytearray | memoryview) -> None:
        if self._lost.done():
            raise WebsocketClosed()
        message: dict[str, Any]
        if isinstance(data, str):
            message = {"type": "websocket.send", "text": data}
        elif isinstance(data, (bytes, bytearray, memoryview)):
            message = {"type": "websocket.send", "bytes": bytes(data)}
        else:
            raise TypeError(
                f"Websocket messages are str or bytes, not {type(data).__name__}"
            )
        try:
            await self._send(message)
        except (OSError, RuntimeError) as exc:
            self._gone(1006, "")
            raise WebsocketClosed() from exc

    async def ping(self, data: Data | None = None) -> asyncio.Future:
        """The ASGI server keeps the connection alive: a future already done."""
        if self._lost.done():
            raise WebsocketClosed()
        done = asyncio.get_running_loop().create_future()
        done.set_result(None)
        return done

    async def pong(self, data: Data = b"") -> None:
        if self._lost.done():
            raise WebsocketClosed()

    async def close(self, code: int = 1000, reason: str = "") -> None:
        if self._lost.done():
            return
        self._gone(code, reason)
        try:
            await self._send(
                {"type": "websocket.close", "code": code, "reason": reason}
            )
        except (OSError, RuntimeError):
            pass  # the client is gone already

    def start_close(self, code: int = 1000, reason: str = "") -> None:
        if not self._lost.done():
            asyncio.ensure_future(self.close(code, reason))

    def fail_connection(self, code: int = 1006, reason: str = "") -> None:
        self.start_close(1011 if code == 1006 else code, reason)

    async def wait_for_connection_lost(self, timeout: float | None = None) -> bool:
        return self._lost.done()

    def _gone(self, code: int, reason: str) -> None:
        if self._lost.done():
            return
        self.close_code, self.close_reason = code, reason
        self._lost.set_result(None)
        pending, self._next = self._next, None
        if pending is not None and not pending.done():
            pending.cancel()

    def __aiter__(self) -> AsyncIterator[Data]:
        return self

    async def __anext__(self) -> Data:
        try:
            message = await self.recv()
        except WebsocketClosed:
            raise StopAsyncIteration from None
        assert message is not None
        return message


def _choose_subprotocol(
    offered: Sequence[str], supported: Sequence[str] | None
) -> str | None:
    """As websockets' server does: the server's first choice the client offers."""
    if not supported:
        return None
    for subprotocol in supported:
        if subprotocol in offered:
            return subprotocol
    expected = ", ".join(supported)
    raise WebsocketHandshakeError(
        "Failed to open a WebSocket connection: "
        + (
            f"invalid subprotocol; expected one of {expected}"
            if offered
            else "missing subprotocol"
        ),
        status_code=400,
    )


def make_stream_class() -> type:
    """`ASGIStream` for a websocket scope (made lazily: sanic.asgi imports late)."""
    from sanic.asgi import ASGIStream, _drive

    class ASGIWebsocketStream(ASGIStream):  # type: ignore[misc]
        websocket: ASGIWebsocket | None = None
        _ws_route = False

        async def accept_websocket(
            self, request: Any, subprotocols: Sequence[str] | None
        ) -> ASGIWebsocket:
            chosen = _choose_subprotocol(
                list(self.scope.get("subprotocols") or ()), subprotocols
            )
            message: dict[str, Any] = {"type": "websocket.accept"}
            if chosen is not None:
                message["subprotocol"] = chosen
            await self._send(message)
            request.responded = True
            max_size = self.app.config.WEBSOCKET_MAX_SIZE
            self.websocket = ASGIWebsocket(
                self._receive, self._send, chosen, int(max_size) if max_size else None
            )
            return self.websocket

        async def run(self) -> None:
            route = getattr(self.request, "route", None)
            self._ws_route = route is not None and getattr(
                route.extra, "websocket", False
            )
            task = self._task = asyncio.ensure_future(
                _drive(self.app.handle_request(self.request))  # type: ignore[arg-type]
            )
            try:
                await task
            except asyncio.CancelledError:
                if not task.done():
                    task.cancel()
                raise
            await self._finish()

        async def _finish(self) -> None:
            if self.websocket is not None:
                return
            await ASGIStream._finish(self)

        async def _flush(self) -> None:
            pending: list[Any] | None = self._pending
            self._pending = None
            if pending is None or self.websocket is not None:
                return
            self._head_sent = self._ended = True
            extensions = self.scope.get("extensions") or {}
            if _HTTP_RESPONSE in extensions and self._ws_route:
                # A websocket route refused it (middleware, handshake): say why.
                for message in pending:
                    # http.response.start -> websocket.http.response.start, ...
                    kind = "websocket." + message["type"]
                    await self._send({**message, "type": kind})
            else:  # no websocket here: closed unaccepted, the server says 403
                await self._send({"type": "websocket.close", "code": 1008})

    return ASGIWebsocketStream


_stream_class: type | None = None


async def serve_websocket(
    app: Any, scope: Any, receive: Any, send: Any, on_request: Any = None
) -> None:
    """One ``websocket`` scope: route it and run the app's request cycle.

    ``on_request`` sees the Request once it is made (the ASGI test client).
    """
    global _stream_class
    from sanic.asgi import (
        _ensure_started,
        _request_target,
        _ScopeTransport,
        make_conn_info,
    )

    message = await receive()
    if message.get("type") != "websocket.connect":
        return
    await _ensure_started(app)
    transport = _ScopeTransport(scope)
    try:
        request = app.request_class(
            _request_target(scope),
            [(bytes(name), bytes(value)) for name, value in scope.get("headers", ())],
            str(scope.get("http_version") or "1.1"),
            "GET",
            transport,
            app,
        )
    except SanicException:
        await send({"type": "websocket.close", "code": 1008})
        return
    request.conn_info = make_conn_info(scope, transport)
    if on_request is not None:
        on_request(request)
    if _stream_class is None:
        _stream_class = make_stream_class()
    stream = _stream_class(app, request, scope, receive, send)
    request.stream = stream
    stream.route(request)
    await stream.run()
