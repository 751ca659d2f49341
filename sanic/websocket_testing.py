"""A websocket conversation with an app through its ASGI interface, no socket.

``async with app.asgi_client.websocket("/ws") as ws:`` plays the ASGI server's
side of a ``websocket`` scope and gives the test the API of a `websockets`
client connection: ``send``, ``recv``, ``close``, ``ping``, ``close_code``,
``close_reason``, ``subprotocol`` and ``async for``. A refused handshake
raises websockets' `InvalidStatus` (its ``response.status_code`` is the
app's answer, 403 when the app closed without one), and a closed connection
raises `ConnectionClosedOK` / `ConnectionClosedError`, as with a real client.

``async with app.test_client.websocket("/ws") as ws:`` holds the same
conversation over a real socket: the server started in the running loop,
and a real `websockets` client connection to it.
"""

from __future__ import annotations

import asyncio
import base64
import os
from collections.abc import Iterable, MutableMapping
from typing import Any
from urllib.parse import urlsplit

from websockets.datastructures import Headers
from websockets.exceptions import (
    ConnectionClosed,
    ConnectionClosedError,
    ConnectionClosedOK,
    InvalidStatus,
)
from websockets.frames import Close
from websockets.http11 import Response

from sanic.testing import _LifespanDriver, next_or_ended

_ABNORMAL = 1006  # the app ended without a close: what a client would see
_CLOSE_WAIT = 10.0  # seconds the app gets to finish once the client closed


class ASGIWebsocketConnection:
    """One websocket scope driven against ``app``; use with ``async with``."""

    def __init__(
        self,
        app: Any,
        uri: str,
        *,
        subprotocols: Iterable[str] | None = None,
        headers: Iterable[tuple[str, str]] | dict[str, str] | None = None,
        host: str = "mockserver",
        client: tuple[str, int] = ("127.0.0.1", 123),
    ) -> None:
        self.app = app
        parts = urlsplit(uri if "://" in uri else "ws://" + host + _rooted(uri))
        extra = headers.items() if isinstance(headers, dict) else (headers or ())
        offered = list(subprotocols or ())
        head = [  # what a browser sends; ASGI servers pass the handshake on
            (b"host", (parts.netloc or host).encode()),
            (b"connection", b"Upgrade"),
            (b"upgrade", b"websocket"),
            (b"sec-websocket-version", b"13"),
            (b"sec-websocket-key", base64.b64encode(os.urandom(16))),
        ]
        head += [(k.lower().encode(), v.encode()) for k, v in extra]
        if offered:
            head.append((b"sec-websocket-protocol", ", ".join(offered).encode()))
        path = parts.path or "/"
        self.scope: dict[str, Any] = {
            "type": "websocket",
            "asgi": {"version": "3.0", "spec_version": "2.4"},
            "http_version": "1.1",
            "scheme": "wss" if parts.scheme in ("wss", "https") else "ws",
            "path": path,
            "raw_path": path.encode(),
            "query_string": parts.query.encode(),
            "root_path": "",
            "headers": head,
            "client": client,
            "server": (host, None),
            "subprotocols": offered,
            "extensions": {"websocket.http.response": {}},
        }
        # The Request the app made, once it made one (``request`` is, as in
        # the websockets client, the opening handshake: not kept here).
        self.server_request: Any = None
        self.subprotocol: str | None = None
        self.close_code: int | None = None
        self.close_reason: str | None = None
        self._to_app: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self._from_app: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self._task: asyncio.Future | None = None
        self._lifespan: Any = None
        self._client_closed = False

    # ---- the ASGI server's side --------------------------------------------

    async def _app_send(self, message: MutableMapping[str, Any]) -> None:
        if self._client_closed and message.get("type") == "websocket.send":
            raise OSError("the websocket client has disconnected")
        await self._from_app.put(dict(message))

    async def _from_app_or_end(self) -> dict[str, Any]:
        """The app's next message; a 1006 close when the app has ended instead."""
        assert self._task is not None
        message = await next_or_ended(self._from_app, self._task)
        if message is not None:
            return message  # type: ignore[no-any-return]
        self._task.result()  # what the app raised, raised here
        return {"type": "websocket.close", "code": _ABNORMAL, "reason": ""}

    async def __aenter__(self) -> ASGIWebsocketConnection:
        from sanic.asgi import ASGIApp

        def captured(request: Any) -> None:
            self.server_request = request

        self._lifespan = _LifespanDriver(self.app)
        await self._lifespan.startup()
        self._to_app.put_nowait({"type": "websocket.connect"})
        self._task = asyncio.ensure_future(
            ASGIApp.create(
                self.app,
                self.scope,
                self._to_app.get,
                self._app_send,
                on_request=captured,
            )
        )
        try:
            await self._handshake()
        except BaseException:
            await self._finish()
            raise
        return self

    async def _handshake(self) -> None:
        message = await self._from_app_or_end()
        kind = message.get("type")
        if kind == "websocket.accept":
            self.subprotocol = message.get("subprotocol")
            return
        if kind == "websocket.http.response.start":
            status = int(message["status"])
            headers = Headers(
                (bytes(k).decode("latin-1"), bytes(v).decode("latin-1"))
                for k, v in message.get("headers", ())
            )
            body = b""
            while True:
                part = await self._from_app_or_end()
                if part.get("type") != "websocket.http.response.body":
                    break
                body += part.get("body", b"")
                if not part.get("more_body"):
                    break
        else:  # closed before the accept: an ASGI server answers 403
            status, headers, body = 403, Headers(), b""
        raise InvalidStatus(Response(status, _reason(status), headers, body))

    async def _finish(self) -> None:
        task, self._task = self._task, None
        try:
            if task is not None and not task.done():
                try:
                    await asyncio.wait_for(asyncio.shield(task), _CLOSE_WAIT)
                except asyncio.TimeoutError:
                    task.cancel()
                    await asyncio.gather(task, return_exceptions=True)
                    raise RuntimeError(
                        f"the websocket handler did not end within {_CLOSE_WAIT} s "
                        "of the client closing"
                    ) from None
            if task is not None:
                task.result()  # what the app raised, raised here
        finally:
            if self._lifespan is not None:
                lifespan, self._lifespan = self._lifespan, None
                await lifespan.shutdown()

    async def __aexit__(self, *exc_info: Any) -> None:
        await self.close()
        await self._finish()

    # ---- the client's API ----------------------------------------------------

    def _closed_error(self) -> ConnectionClosed:
        code = self.close_code if self.close_code is not None else _ABNORMAL
        error = ConnectionClosedOK if code in (1000, 1001) else ConnectionClosedError
        if code == _ABNORMAL:
            return error(None, None)
        frame = Close(code, self.close_reason or "")
        return error(frame, frame, not self._client_closed)

    async def send(self, message: str | bytes | Iterable[str | bytes]) -> None:
        """One message; an iterable of str (or of bytes) is one fragmented message."""
        if self.close_code is not None:
            raise self._closed_error()
        if isinstance(message, (bytearray, memoryview)):
            message = bytes(message)
        if not isinstance(message, (str, bytes)):
            if isinstance(message, dict) or not isinstance(message, Iterable):
                raise TypeError(
                    f"data must be str or bytes, not {type(message).__name__}"
                )
            fragments = list(message)
            if fragments and all(isinstance(f, str) for f in fragments):
                message = "".join(fragments)  # type: ignore[arg-type]
            elif all(isinstance(f, (bytes, bytearray, memoryview)) for f in fragments):
                message = b"".join(fragments)  # type: ignore[arg-type]
            else:
                raise TypeError("fragments must be all str or all bytes")
        key = "text" if isinstance(message, str) else "bytes"
        await self._to_app.put({"type": "websocket.receive", key: message})

    async def recv(self) -> str | bytes:
        """The app's next message; `ConnectionClosed` once it closed."""
        if self.close_code is not None:
            raise self._closed_error()
        message = await self._from_app_or_end()
        kind = message.get("type")
        if kind == "websocket.send":
            text = message.get("text")
            return text if text is not None else bytes(message.get("bytes") or b"")
        # websocket.close, or the app ended without one
        self.close_code = int(message.get("code") or 1000)
        self.close_reason = str(message.get("reason") or "")
        raise self._closed_error()

    async def close(self, code: int = 1000, reason: str = "") -> None:
        """Tell the app the client closed; its handler's ``recv`` ends."""
        if self.close_code is None:
            self.close_code, self.close_reason = code, reason
        if not self._client_closed:
            self._client_closed = True
            await self._to_app.put(
                {"type": "websocket.disconnect", "code": code, "reason": reason}
            )

    async def ping(self, data: str | bytes | None = None) -> asyncio.Future:
        """ASGI has no pings; the pong is there at once while the connection is open."""
        if self.close_code is not None:
            raise self._closed_error()
        pong = asyncio.get_running_loop().create_future()
        pong.set_result(0.0)
        return pong

    def __aiter__(self) -> ASGIWebsocketConnection:
        return self

    async def __anext__(self) -> str | bytes:
        try:
            return await self.recv()
        except ConnectionClosedOK:
            raise StopAsyncIteration from None


def _rooted(uri: str) -> str:
    return uri if uri.startswith("/") else "/" + uri


def _reason(status: int) -> str:
    from http import HTTPStatus

    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""


class ServedWebsocketConnection:
    """``app.test_client.websocket(uri)``: the app on a real socket, talked to
    with the `websockets` client; use with ``async with``."""

    def __init__(
        self,
        start: Any,
        stop: Any,
        url: Any,
        *,
        subprotocols: Iterable[str] | None = None,
        headers: Any = None,
        **connect_kwargs: Any,
    ) -> None:
        self._start, self._stop, self._url = start, stop, url
        self._subprotocols = list(subprotocols) if subprotocols else None
        self._headers = headers
        self._connect_kwargs = connect_kwargs
        self._server: Any = None
        self._client: Any = None

    async def __aenter__(self) -> Any:
        from websockets.asyncio.client import ClientConnection, connect

        from sanic.server.protocols.http_protocol import HttpProtocol

        captured: list[Any] = []

        class CapturingProtocol(HttpProtocol):
            def dispatch(self, request: Any) -> None:
                captured.append(request)
                super().dispatch(request)

        class TestClientConnection(ClientConnection):
            @property
            def server_request(self) -> Any:
                """The Request the app made for this conversation."""
                return captured[-1] if captured else None

        self._server = await self._start(CapturingProtocol)
        try:
            self._client = await connect(
                self._url(self._server.port),
                subprotocols=self._subprotocols,  # type: ignore[arg-type]
                additional_headers=self._headers,
                create_connection=TestClientConnection,
                **self._connect_kwargs,
            )
        except BaseException:
            await self._stop(self._server)
            raise
        return self._client

    async def __aexit__(self, *exc_info: Any) -> None:
        try:
            if self._client is not None:
                await self._client.close()
        finally:
            await self._stop(self._server)
