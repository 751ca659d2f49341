"""The built-in test clients, both speaking httpx.

``request, response = app.test_client.get("/")`` starts the real server on a
free loopback port (running the listeners), sends one request, stops the
server, and returns what the handler saw and what the client got.

``app.asgi_client`` does the same through the app's ASGI interface, with no
socket: an ASGI lifespan around each request, and httpx's ASGI transport.
``app.asgi_client.websocket(uri)`` is a websocket conversation the same way
(`sanic.websocket_testing`).
"""

from __future__ import annotations

import asyncio
import socket
from typing import TYPE_CHECKING, Any

import httpx

from sanic.application.state import Mode
from sanic.server.loop import new_event_loop
from sanic.server.protocols.http_protocol import HttpProtocol

if TYPE_CHECKING:
    from sanic.websocket_testing import (
        ASGIWebsocketConnection,
        ServedWebsocketConnection,
    )

HOST = "127.0.0.1"


class TestingResponse(httpx.Response):
    """httpx's response with the attribute names Sanic's tests use."""

    __test__ = False  # not a pytest test class

    @property
    def status(self) -> int:
        return self.status_code

    @property
    def body(self) -> bytes:
        return self.content

    @property
    def content_type(self) -> str | None:
        return self.headers.get("content-type")

    @property
    def json(self) -> Any:  # type: ignore[override]
        """The parsed JSON body, or None when it is not JSON."""
        try:
            return super().json()
        except ValueError:
            return None


def _free_port(host: str) -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


def _http_methods() -> tuple[Any, ...]:
    """``get``, ``post``... for a client class: each calls ``self.request(METHOD, ...)``."""

    def method(name: str) -> Any:
        def call(self: Any, *args: Any, **kwargs: Any) -> Any:
            return self.request(name.upper(), *args, **kwargs)

        call.__name__ = name
        return call

    names = ("get", "post", "put", "patch", "delete", "head", "options")
    return tuple(method(name) for name in names)


class SanicTestClient:
    """Sends requests to ``app`` through a real server started per request."""

    __test__ = False  # not a pytest test class

    def __init__(self, app: Any, port: int | None = None, host: str = HOST) -> None:
        self.app = app
        self.port = port
        self.host = host

    def get_new_session(self, **kwargs: Any) -> httpx.AsyncClient:
        return httpx.AsyncClient(verify=False, **kwargs)

    def _url(self, uri: str, host: str, port: int, scheme: str = "http") -> str:
        if uri.startswith(("http:", "https:", "ws:", "wss:", "//")):
            return uri
        if not uri.startswith("/"):
            uri = "/" + uri
        return f"{scheme}://{host}:{port}{uri}"

    def request(
        self,
        method: str,
        uri: str = "/",
        *args: Any,
        gather_request: bool = True,
        debug: bool = False,
        server_kwargs: dict[str, Any] | None = None,
        host: str | None = None,
        allow_none: bool = False,
        **request_kwargs: Any,
    ) -> Any:
        app = self.app
        host = host or self.host
        captured: list[Any] = []
        settings = dict(server_kwargs or {})
        base_protocol = settings.pop("protocol", None) or HttpProtocol

        class CapturingProtocol(base_protocol):  # type: ignore[valid-type, misc]
            """Records each request as it reaches the app (no middleware needed,
            so the app runs exactly as it would in production)."""

            def dispatch(self, request: Any) -> None:
                captured.append(request)
                super().dispatch(request)

        async def run() -> TestingResponse:
            port = self.port or 0
            server = await _start_server(
                app, host, port, debug, CapturingProtocol, settings
            )
            actual_port = server.port or port
            try:
                client_kwargs: dict[str, Any] = {"timeout": 30}
                if "cookies" in request_kwargs:
                    client_kwargs["cookies"] = request_kwargs.pop("cookies")
                if "follow_redirects" not in request_kwargs:
                    request_kwargs["follow_redirects"] = True
                async with self.get_new_session(**client_kwargs) as session:
                    url = self._url(uri, host, actual_port)
                    response = await session.request(
                        method, url, *args, **request_kwargs
                    )
                    response.__class__ = TestingResponse
                    return response  # type: ignore[return-value]
            finally:
                await _stop_server(app, server)

        loop = new_event_loop(app.config.USE_UVLOOP)
        try:
            asyncio.set_event_loop(loop)
            response = loop.run_until_complete(run())
        finally:
            asyncio.set_event_loop(None)
            loop.close()
        if not gather_request:
            return response
        request = captured[-1] if captured else None
        if request is None and not allow_none:
            return None, response
        return request, response

    get, post, put, patch, delete, head, options = _http_methods()

    def websocket(
        self,
        uri: str = "/",
        *,
        subprotocols: Any = None,
        headers: Any = None,
        server_kwargs: dict[str, Any] | None = None,
        **connect_kwargs: Any,
    ) -> ServedWebsocketConnection:
        """A websocket conversation with the app served on a real socket.

        ``async with app.test_client.websocket("/ws") as ws:`` starts the
        server in the running loop and yields a `websockets` client
        connection to it (``ws.server_request`` is the app's Request); the
        server stops when the block ends.
        """
        from sanic.websocket_testing import ServedWebsocketConnection

        async def start(protocol: type) -> Any:
            settings = dict(server_kwargs or {})
            return await _start_server(
                self.app, self.host, self.port or 0, False, protocol, settings
            )

        async def stop(server: Any) -> None:
            await _stop_server(self.app, server)

        def url(port: int) -> str:
            return self._url(uri, self.host, port, scheme="ws")

        return ServedWebsocketConnection(
            start,
            stop,
            url,
            subprotocols=subprotocols,
            headers=headers,
            **connect_kwargs,
        )


async def _start_server(
    app: Any,
    host: str,
    port: int,
    debug: bool,
    protocol: type,
    settings: dict[str, Any],
) -> Any:
    """The app's server on ``host:port``, started with its listeners run."""
    server = await app.create_server(
        host=host,
        port=port,
        debug=debug,
        return_asyncio_server=True,
        protocol=protocol,
        **settings,
    )
    try:
        await server.startup()
        await server.before_start()
        await server.start_serving()
        await server.after_start()
    except BaseException:
        await _stop_server(app, server)
        raise
    return server


async def _stop_server(app: Any, server: Any) -> None:
    """Stop as a server does: stop listeners, close, drain (``wait_closed``
    gives open connections GRACEFUL_SHUTDOWN_TIMEOUT)."""
    await server.before_stop()
    server.close()
    await server.wait_closed()
    await server.after_stop()
    app._server = None


ASGI_HOST = "mockserver"
ASGI_BASE_URL = f"http://{ASGI_HOST}"
ASGI_CLIENT = ("127.0.0.1", 123)


async def next_or_ended(queue: asyncio.Queue[Any], task: asyncio.Future) -> Any:
    """The next message the app put on ``queue``; None once ``task`` (the app)
    has ended with nothing left there. Plays the ASGI server's ``receive`` side."""
    if queue.empty() and not task.done():
        getter = asyncio.ensure_future(queue.get())
        await asyncio.wait({getter, task}, return_when=asyncio.FIRST_COMPLETED)
        if getter.done():
            return getter.result()
        getter.cancel()
    return None if queue.empty() else queue.get_nowait()


class LifespanError(RuntimeError):
    """The app answered ``lifespan.startup.failed`` (or shutdown failed)."""


class _LifespanDriver:
    """Plays the ASGI server's side of the lifespan protocol for one app."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.to_app: asyncio.Queue[Any] = asyncio.Queue()
        self.from_app: asyncio.Queue[Any] = asyncio.Queue()
        self.task: asyncio.Task | None = None

    async def _call(self, kind: str) -> None:
        await self.to_app.put({"type": f"lifespan.{kind}"})
        assert self.task is not None
        message = await next_or_ended(self.from_app, self.task)
        if message is None:
            self.task.result()  # raises what the app raised
            raise LifespanError(f"the app returned during lifespan {kind}")
        if message["type"] == f"lifespan.{kind}.failed":
            raise LifespanError(message.get("message", ""))

    async def startup(self) -> None:
        from sanic.asgi import Lifespan

        lifespan = Lifespan(self.app, motd=False)
        self.task = asyncio.ensure_future(
            lifespan.run(self.to_app.get, self.from_app.put)
        )
        await self._call("startup")

    async def shutdown(self) -> None:
        try:
            await self._call("shutdown")
        finally:
            if self.task is not None and not self.task.done():
                self.task.cancel()


class SanicASGITestClient:
    """Sends requests to ``app`` through its ASGI interface (httpx, no socket).

    Each request runs inside an ASGI lifespan (startup listeners before it,
    stop listeners after it), as `SanicTestClient` starts and stops a server.
    Outside an event loop the methods return ``(request, response)``; inside
    one (an async test) they return an awaitable of the same, as Sanic's
    ``await app.asgi_client.get("/")``.
    """

    __test__ = False  # not a pytest test class

    def __init__(
        self,
        app: Any,
        base_url: str = ASGI_BASE_URL,
        suppress_exceptions: bool = False,
    ) -> None:
        self.app = app
        self.base_url = base_url
        self.suppress_exceptions = suppress_exceptions

    def request(
        self,
        method: str,
        uri: str = "/",
        *args: Any,
        gather_request: bool = True,
        debug: bool = False,
        server_kwargs: dict[str, Any] | None = None,
        allow_none: bool = False,
        **request_kwargs: Any,
    ) -> Any:
        method = str(request_kwargs.pop("http_method", method)).upper()
        work = self._request(method, uri, args, gather_request, debug, request_kwargs)
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            pass
        else:
            return work  # awaited by the caller's loop
        loop = new_event_loop(self.app.config.USE_UVLOOP)
        try:
            asyncio.set_event_loop(loop)
            return loop.run_until_complete(work)
        finally:
            asyncio.set_event_loop(None)
            loop.close()

    async def _request(
        self,
        method: str,
        uri: str,
        args: tuple[Any, ...],
        gather_request: bool,
        debug: bool,
        request_kwargs: dict[str, Any],
    ) -> Any:
        from sanic.asgi import ASGIApp

        app = self.app
        captured: list[Any] = []

        async def asgi(scope: Any, receive: Any, send: Any) -> None:
            await ASGIApp.create(app, scope, receive, send, on_request=captured.append)

        app.state.mode = Mode.DEBUG if debug else Mode.PRODUCTION
        lifespan = _LifespanDriver(app)
        await lifespan.startup()
        try:
            transport = httpx.ASGITransport(
                app=asgi,
                raise_app_exceptions=not self.suppress_exceptions,
                client=ASGI_CLIENT,
            )
            client_kwargs: dict[str, Any] = {"timeout": 30}
            if "cookies" in request_kwargs:
                client_kwargs["cookies"] = request_kwargs.pop("cookies")
            request_kwargs.setdefault("follow_redirects", True)
            async with httpx.AsyncClient(
                transport=transport, base_url=self.base_url, **client_kwargs
            ) as session:
                url = uri if "://" in uri or uri.startswith("/") else "/" + uri
                response = await session.request(method, url, *args, **request_kwargs)
                response.__class__ = TestingResponse
        finally:
            await lifespan.shutdown()
        if not gather_request:
            return response
        return (captured[-1] if captured else None), response

    get, post, put, patch, delete, head, options = _http_methods()

    def websocket(
        self,
        uri: str = "/",
        *,
        subprotocols: Any = None,
        headers: Any = None,
    ) -> ASGIWebsocketConnection:
        """A websocket conversation through the ASGI interface, inside a lifespan.

        ``async with app.asgi_client.websocket("/ws") as ws:`` gives the API
        of a `websockets` client connection (``send``, ``recv``, ``close``,
        ``close_code``...); ``ws.server_request`` is the Request the app made.
        """
        from sanic.websocket_testing import ASGIWebsocketConnection

        return ASGIWebsocketConnection(
            self.app,
            uri,
            subprotocols=subprotocols,
            headers=headers,
            host=ASGI_HOST,
            client=ASGI_CLIENT,
        )
