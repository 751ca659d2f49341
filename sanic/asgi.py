"""The app as an ASGI 3 application, for uvicorn, hypercorn, granian and httpx.

``await app(scope, receive, send)`` lands in `ASGIApp.create`, which serves the
three kinds of scope:

- ``lifespan``: startup runs the app's ``before_server_start`` and
  ``after_server_start`` listeners, shutdown its ``before_server_stop`` and
  ``after_server_stop`` ones. The ``main_process_*`` and ``reload_process_*``
  listeners belong to Sanic's own process model and never run here (one
  warning says so when any are registered).
- ``http``: the scope becomes a `Request` whose ``stream`` is an `ASGIStream`.
  That object offers the request cycle what `sanic.http.Http` offers it on a
  socket (``respond``, ``write_response``, ``send``, ``read``, ``stage``...),
  so ``app.handle_request`` runs unchanged.
- ``websocket``: the same request cycle for websocket routes
  (``sanic.server.websockets.asgi``); a scope no websocket route takes is
  closed before it is accepted, which the server answers with 403.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Awaitable, Callable, MutableMapping
from typing import TYPE_CHECKING, Any
from urllib.parse import quote
from weakref import WeakSet

from sanic.application.state import Server
from sanic.exceptions import (
    CLIENT_GONE,
    BadRequest,
    PayloadTooLarge,
    SanicException,
    ServerError,
)
from sanic.helpers import Resumed, has_message_body
from sanic.http.constants import Stage
from sanic.http.encode import _header_name, _header_value
from sanic.http.http1 import RequestStream
from sanic.log import error_logger, logger
from sanic.models.server_types import ConnInfo

if TYPE_CHECKING:
    from sanic.app import Sanic
    from sanic.request import Request
    from sanic.response import BaseHTTPResponse

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

PATHSEND = "http.response.pathsend"
# Body chunks queued for a streaming handler before reading pauses (as in Http).
MAX_QUEUED_CHUNKS = 256
# Headers that belong to the connection, which the ASGI server owns.
_CONNECTION_HEADERS = frozenset({"connection", "keep-alive", "transfer-encoding"})
_warned_listeners: WeakSet[Any] = WeakSet()
_warned_lifespan: WeakSet[Any] = WeakSet()


class ASGIApp:
    """One ASGI call: a lifespan, an HTTP request, or a websocket."""

    __slots__ = ("sanic_app", "scope", "receive", "send")

    def __init__(self, app: Sanic, scope: Scope, receive: Receive, send: Send) -> None:
        self.sanic_app = app
        self.scope = scope
        self.receive = receive
        self.send = send

    @classmethod
    async def create(
        cls,
        app: Sanic,
        scope: Scope,
        receive: Receive,
        send: Send,
        *,
        on_request: Callable[[Request], Any] | None = None,
    ) -> None:
        """Serve one ASGI call; ``on_request`` sees each Request made (tests)."""
        kind = scope.get("type")
        if kind == "http":
            await serve_http(app, scope, receive, send, on_request)
        elif kind == "lifespan":
            await Lifespan(app).run(receive, send)
        elif kind == "websocket":
            from sanic.server.websockets.asgi import serve_websocket

            await serve_websocket(app, scope, receive, send, on_request)
        else:
            raise ValueError(f"Unknown ASGI scope type {kind!r}")

    async def __call__(self) -> None:
        await self.create(self.sanic_app, self.scope, self.receive, self.send)


# ---- lifespan -------------------------------------------------------------------


class Lifespan:
    """The ASGI lifespan protocol, mapped onto the app's server listeners."""

    def __init__(self, app: Sanic, *, motd: bool = True) -> None:
        self.app = app
        self.motd = motd

    async def run(self, receive: Receive, send: Send) -> None:
        steps = {
            "lifespan.startup": ("startup", self.startup),
            "lifespan.shutdown": ("shutdown", self.shutdown),
        }
        while True:
            message = await receive()
            if message.get("type") not in steps:
                continue
            phase, step = steps[message["type"]]
            try:
                await step()
            except Exception as exc:
                error_logger.exception("ASGI lifespan %s failed", phase)
                await send(
                    {"type": f"lifespan.{phase}.failed", "message": _describe(exc)}
                )
                return
            await send({"type": f"lifespan.{phase}.complete"})
            if phase == "shutdown":
                return

    async def startup(self) -> None:
        app = self.app
        enter_asgi_mode(app)
        warn_process_listeners(app)
        await app._startup()
        if self.motd:
            _show_motd(app)
        await app._server_event("init", "before")
        app.state.is_running = True
        await app._server_event("init", "after")

    async def shutdown(self) -> None:
        app = self.app
        app.state.is_running = False
        app.state.is_stopping = True
        try:
            await app._server_event("shutdown", "before")
            await app._server_event("shutdown", "after")
        finally:
            app.state.is_stopping = False
            if isinstance(app._stop_event, ASGIStopper):
                app._stop_event = None


def enter_asgi_mode(app: Sanic) -> None:
    """Mark the app as served by an ASGI server; ``app.stop()`` then warns."""
    app.state.asgi = True
    app.state.server = Server.ASGI
    if app._stop_event is None:
        app._stop_event = ASGIStopper(app)


class ASGIStopper:
    """What ``app.stop()`` reaches in ASGI mode.

    The ASGI server owns the process, the sockets and the shutdown, and there
    is no portable way for an app to ask it to stop (signalling our own
    process would kill a test run under httpx, and a granian worker is
    respawned). So ``app.stop()`` stops nothing here, and says so.
    """

    __slots__ = ("app",)

    def __init__(self, app: Sanic) -> None:
        self.app = app

    def set(self) -> None:
        logger.warning(
            "app.stop() has no effect in ASGI mode: the ASGI server (uvicorn, "
            "hypercorn, granian...) owns the process; stop the server instead"
        )

    def is_set(self) -> bool:
        return False


def warn_process_listeners(app: Sanic) -> None:
    """One warning per app when listeners that cannot run under ASGI exist."""
    if app in _warned_listeners:
        return
    found = app.listeners_registry.process_events_used()
    if found:
        _warned_listeners.add(app)
        logger.warning(
            "ASGI mode: %s listeners will not run; the ASGI server, not Sanic, "
            "runs the main process (use before_server_start/after_server_stop)",
            ", ".join(found),
        )


def _show_motd(app: Sanic) -> None:
    try:
        from sanic.application.motd import show_motd

        show_motd(app, "ASGI", workers=1, mode=app.state.mode)
    except Exception:  # a log line must never stop the app from starting
        error_logger.exception("Could not show the MOTD")


def _describe(exc: BaseException) -> str:
    text = str(exc)
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


async def _ensure_started(app: Sanic) -> None:
    """Without lifespan (``--lifespan off``), routes are still compiled."""
    if app.state.is_started and app.state.asgi:
        return
    enter_asgi_mode(app)
    if not app.state.is_started:
        await app._startup()
        if app not in _warned_lifespan:
            _warned_lifespan.add(app)
            logger.warning(
                "ASGI mode without lifespan: the server did not send "
                "lifespan.startup, so the app's server listeners did not run"
            )


# ---- http ---------------------------------------------------------------------------


class _ScopeTransport:
    """``request.transport`` under ASGI: addresses from the scope, no socket."""

    __slots__ = ("scope", "_extra")

    def __init__(self, scope: Scope) -> None:
        self.scope = scope
        server = scope.get("server")
        sockname: Any = None
        if server:
            host, port = server[0], server[1] if len(server) > 1 else None
            if port is not None:
                sockname = (host, port)
            elif str(host).startswith("/"):
                sockname = str(host)  # a unix socket's path
            else:  # a host name with the scheme's default port
                https = scope.get("scheme") in ("https", "wss")
                sockname = (host, 443 if https else 80)
        client = scope.get("client")
        self._extra = {
            "sockname": sockname,
            "peername": tuple(client) if client else None,
            "ssl_object": None,
        }

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        value = self._extra.get(name)
        return default if value is None else value

    def is_closing(self) -> bool:
        return False


def make_conn_info(scope: Scope, transport: _ScopeTransport) -> ConnInfo:
    """Peer and local addresses from the scope; TLS from its scheme."""
    info = ConnInfo(transport)
    client = scope.get("client")
    if client and not info.client_ip:  # ConnInfo skips the peer of a unix socket
        info.peername = tuple(client)
        info.client_ip = str(client[0])
        info.client = info.client_ip
        info.client_port = int(client[1] or 0) if len(client) > 1 else 0
    if scope.get("scheme") in ("https", "wss"):
        info.ssl = True
        port = info.server_port
        if port:
            host = info.server.rsplit(":", 1)[0] if port != 80 else info.server
            info.server = host if port == 443 else f"{host}:{port}"
    return info


def _request_target(scope: Scope) -> bytes:
    """The URL the router sees: ``raw_path`` (else ``path``) and the query.

    A ``root_path`` that the path still carries is removed, so the app routes
    as if it were mounted at ``/``.
    """
    raw = scope.get("raw_path")
    if not raw:
        raw = quote(scope.get("path") or "/", safe="/%:@!$&'()*+,;=~").encode()
    root = scope.get("root_path") or ""
    if root:
        prefix = root.encode("utf-8").rstrip(b"/")
        if raw.startswith(prefix) and raw[len(prefix) : len(prefix) + 1] in (b"/", b""):
            raw = raw[len(prefix) :] or b"/"
    query = scope.get("query_string") or b""
    return raw + b"?" + query if query else raw


async def serve_http(
    app: Sanic,
    scope: Scope,
    receive: Receive,
    send: Send,
    on_request: Callable[[Request], Any] | None = None,
) -> None:
    """One HTTP request: build it, read its body, run the app, send the answer."""
    await _ensure_started(app)
    transport = _ScopeTransport(scope)
    try:
        request = app.request_class(
            _request_target(scope),
            [(bytes(name), bytes(value)) for name, value in scope.get("headers", ())],
            str(scope.get("http_version") or "1.1"),
            scope.get("method") or "GET",
            transport,
            app,
        )
    except SanicException as exc:
        await _send_plain(send, exc.status_code, exc.message)
        return
    request.conn_info = make_conn_info(scope, transport)
    stream = ASGIStream(app, request, scope, receive, send)
    request.stream = stream
    stream.route(request)
    if on_request is not None:
        on_request(request)
    await stream.run()


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            return int(value) if value.isdigit() else None
    return None


async def _send_plain(send: Send, status: int, message: str) -> None:
    body = f"{status} — {message}\n".encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"text/plain; charset=utf-8"),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body, "more_body": False})


class ASGIStream(RequestStream):
    """``request.stream`` under ASGI: the request cycle's channel to the client.

    It plays both parts `Http` and its protocol play on a socket: the request
    cycle calls ``respond`` / ``write_response`` / ``send`` / ``read``; a
    streamed request body reads ``protocol.loop``, ``resume_reading`` and
    ``request_buffer_size``; ``protocol.abort()`` cuts a response that failed
    half-way. A complete response is prepared (and checked) synchronously in
    ``write_response`` and sent once the handler's task has finished.
    """

    _pending: list[Message] | None  # a complete response, to send

    def __init__(
        self, app: Sanic, request: Request, scope: Scope, receive: Receive, send: Send
    ) -> None:
        self.app = app
        self.request: Request | None = request
        self.response: BaseHTTPResponse | None = None
        self.stage = Stage.HANDLER
        self.scope = scope
        self._receive = receive
        self._send = send
        self.loop = asyncio.get_running_loop()
        config = app.config
        self.request_max_size: int = config.REQUEST_MAX_SIZE
        self.request_buffer_size: int = config.REQUEST_BUFFER_SIZE
        self.conn_info = request.conn_info
        self._closing = False
        self._head_sent = False
        self._ended = False  # the last body message went out
        self._aborted = False
        self.disconnected = False
        self._pending = None
        self._task: asyncio.Task | None = None  # the handler's
        self._reading = asyncio.Event()
        self._reading.set()
        self._mode = "buffer"  # or "stream" (stream=True routes), "skip"
        extensions = scope.get("extensions") or {}
        self._pathsend = PATHSEND in extensions

    # ---- the request ------------------------------------------------------------

    @property
    def protocol(self) -> ASGIStream:
        return self

    def route(self, request: Request) -> None:
        """Resolve the route and decide how the body is read (as `Http` does)."""
        app = self.app
        host = None
        if getattr(app.router, "has_hosts", False):
            host = request.headers.getone("host", None)
        try:
            route, _handler, request.match_info = app.router.get(
                request._path, request.method, host
            )
        except SanicException as exc:
            request._route_error = exc
            self._mode = "skip"
        else:
            request.route = route
            if getattr(route.extra, "stream", False):
                self._mode = "stream"
                request._init_body_stream()
            elif getattr(route.extra, "ignore_body", False):
                self._mode = "skip"
        length = _content_length(self.scope)
        if length is not None and length > self.request_max_size:
            request._route_error = PayloadTooLarge(
                "Request body exceeds the size limit"
            )
            request._body_queue = None
            self._mode = "skip"

    async def run(self) -> None:
        """Read the body as the route wants it, run the handler, send the answer."""
        request: Any = self.request
        if self._mode == "buffer" and not await self._read_body(request):
            return  # the client left before its body arrived
        # The handler's task first: it starts before the listener can cancel it.
        task = self._task = asyncio.ensure_future(
            _drive(self.app.handle_request(request))
        )
        listener = asyncio.ensure_future(
            self._pump_body(request) if self._mode == "stream" else self._watch()
        )
        try:
            try:
                await task
            except asyncio.CancelledError:
                if not task.done():  # the server cancelled us: end the handler too
                    task.cancel()
                    raise
                if not self.disconnected:
                    raise
            await self._finish()
        finally:
            listener.cancel()

    async def _read_body(self, request: Request) -> bool:
        """The whole body into ``request.body``; False if the client left."""
        parts: list[bytes] = []
        size = 0
        while True:
            message = await self._receive()
            kind = message.get("type")
            if kind == "http.disconnect":
                self.disconnected = True
                return False
            if kind != "http.request":
                continue
            chunk = message.get("body") or b""
            if chunk:
                size += len(chunk)
                if size > self.request_max_size:
                    request._route_error = PayloadTooLarge(
                        "Request body exceeds the size limit"
                    )
                    return True  # the rest is discarded by _watch
                parts.append(chunk)
            if not message.get("more_body", False):
                break
        if parts:
            request.body = parts[0] if len(parts) == 1 else b"".join(parts)
        return True

    async def _pump_body(self, request: Request) -> None:
        """Feed a stream=True handler its body as it arrives, with backpressure."""
        size = 0
        while True:
            await self._reading.wait()
            message = await self._receive()
            kind = message.get("type")
            if kind == "http.disconnect":
                request._feed_body(BadRequest("Connection lost while reading the body"))
                self._client_gone()
                return
            if kind != "http.request":
                continue
            chunk = message.get("body") or b""
            if chunk:
                size += len(chunk)
                if size > self.request_max_size:
                    request._feed_body(
                        PayloadTooLarge("Request body exceeds the size limit")
                    )
                    break
                request._feed_body(chunk)
                request._body_buffered += len(chunk)
                queue = request._body_queue
                if request._body_buffered > self.request_buffer_size or (
                    queue is not None and len(queue) >= MAX_QUEUED_CHUNKS
                ):
                    self._reading.clear()  # until the handler has read some
            if not message.get("more_body", False):
                request._feed_body(None)
                break
        self._reading.set()
        await self._watch()

    async def _watch(self) -> None:
        """Wait for the client to leave, discarding body the handler won't read."""
        while True:
            message = await self._receive()
            if message.get("type") == "http.disconnect":
                self._client_gone()
                return

    def _client_gone(self) -> None:
        self.disconnected = True
        task = self._task
        if task is not None and not task.done() and not self._ended:
            if self._pending is None:  # an answer waiting to be sent is let go
                task.cancel(CLIENT_GONE)

    # The protocol side, as the request cycle and Request._read_chunk use it.

    def resume_reading(self) -> None:
        self._reading.set()

    def pause_reading(self) -> None:
        self._reading.clear()

    def write(self, data: bytes) -> None:
        """Raw bytes are the server's business (it sends 100 Continue itself)."""

    def abort(self) -> None:
        """Cut the response: the server sees it end incomplete, and closes."""
        self._aborted = True
        self._closing = True
        self.request = None

    def close(self) -> None:
        self.abort()

    # ---- the response -------------------------------------------------------------

    def respond(self, response: BaseHTTPResponse) -> BaseHTTPResponse:
        """Bind ``response`` to this request's stream; nothing is sent yet."""
        if self.response is not None and self.response is not response:
            raise ServerError("Second respond call is not allowed.")
        self.response = response
        response.stream = self
        path = self._file_to_send(response)
        if path is not None and hasattr(response, "streaming_fn"):
            # The server sends the file: the streaming function has nothing to do.
            response.streaming_fn = _nothing  # type: ignore[attr-defined]
        return response

    def write_response(self, response: BaseHTTPResponse) -> None:
        """Prepare a complete response; it is sent when the handler returns."""
        request = self.request
        if request is None:
            return
        body = response.body or b""
        path = self._file_to_send(response)
        if path is not None:
            self._pending = [
                self._start(response, None),
                {"type": PATHSEND, "path": path},
            ]
        else:
            length = len(body) if has_message_body(response.status) else None
            head_only = request.method == "HEAD" or length is None
            self._pending = [
                self._start(response, length),
                {
                    "type": "http.response.body",
                    "body": b"" if head_only else body,
                    "more_body": False,
                },
            ]
        self.request = None
        self.response = None
        self.stage = Stage.IDLE

    async def send(self, data: bytes | None, end_stream: bool | None = None) -> None:
        """Send (part of) the response body; the head goes with the first call."""
        request = self.request
        response = self.response
        if request is None or response is None:
            raise ServerError("Response already sent")
        if data is None:
            data = b""
        if end_stream is None:
            end_stream = not data
        head_only = request.method == "HEAD" or not has_message_body(response.status)
        if not self._head_sent:
            path = self._file_to_send(response)
            if end_stream and path is None:
                response.body = data or response.body or b""
                self.write_response(response)
                await self._flush()
                return
            start = self._start(response, None)
            self._head_sent = True
            self.stage = Stage.RESPONSE
            await self._send(start)
            if path is not None:
                self._end(response)
                await self._send({"type": PATHSEND, "path": path})
                return
        if self._ended:
            return
        if end_stream:
            self._end(response)  # before the send: a disconnect now is no loss
        await self._send(
            {
                "type": "http.response.body",
                "body": b"" if head_only else bytes(data),
                "more_body": not end_stream,
            }
        )

    def _end(self, response: BaseHTTPResponse) -> None:
        self._ended = True
        response.stream = None
        self.request = None
        self.response = None
        self.stage = Stage.IDLE

    def _start(self, response: BaseHTTPResponse, length: int | None) -> Message:
        """``http.response.start``; raises ServerError for a header that would
        split the response, while the handler can still answer with a 500."""
        headers: list[tuple[bytes, bytes]] = []
        user_has_type = False
        user_length = None
        if response._headers:
            for name, value in response._headers.items():
                lower = name.lower()
                if lower in _CONNECTION_HEADERS:
                    continue
                if lower == "content-length":
                    user_length = value
                    continue
                if lower == "content-type":
                    user_has_type = True
                headers.append((_header_name(name).lower(), _header_value(value)))
        if response._cookies is not None:
            for value in response._cookies.header_values():
                headers.append((b"set-cookie", _header_value(value)))
        has_body = has_message_body(response.status)
        if has_body and response.content_type and not user_has_type:
            headers.append((b"content-type", _header_value(response.content_type)))
        if has_body:
            if length is not None:
                headers.append((b"content-length", b"%d" % length))
            elif user_length is not None:
                headers.append((b"content-length", _header_value(user_length)))
        return {
            "type": "http.response.start",
            "status": response.status,
            "headers": headers,
        }

    def _file_to_send(self, response: BaseHTTPResponse) -> str | None:
        """The path to hand the server (``http.response.pathsend``), if any.

        A response is a file response when it carries ``file_path``: the file
        it answers with, whole (a 200, not a range or a 304). Only then, and
        only for servers that offer the extension, is the file sent by path.
        """
        if not self._pathsend or response.status != 200:
            return None
        path = getattr(response, "file_path", None)
        if path is None or self.scope.get("method") == "HEAD":
            return None
        return os.path.abspath(os.fspath(path))

    async def _flush(self) -> None:
        pending, self._pending = self._pending, None
        if pending is None:
            return
        self._head_sent = True
        self._ended = True
        for message in pending:
            await self._send(message)

    async def _finish(self) -> None:
        """After the handler: send what it prepared, or make sure of an answer."""
        if self._pending is not None:
            await self._flush()
            return
        if self._ended or self._aborted or self.disconnected:
            return
        if not self._head_sent:
            # The request cycle always answers; this is a safety net, not a path.
            error_logger.error("The request cycle ended without a response")
            await _send_plain(self._send, 500, "Internal Server Error")
        else:
            error_logger.error("The handler ended without finishing its response")


async def _drive(coro: Any) -> Any:
    """Await ``coro`` so that the server's cancellation for a client that went
    away reaches the handler as `RequestCancelled`, as on Sanic's own server."""
    try:
        first = coro.send(None)
    except StopIteration as stop:
        return stop.value
    return await Resumed(coro, first)


async def _nothing(response: Any) -> None:
    """The server sends the file by path: close the one the response opened."""
    fileobj = getattr(response, "fileobj", None)
    if fileobj is not None:
        fileobj.close()


__all__ = ["ASGIApp", "ASGIStream", "Lifespan"]
