"""The built-in test client: the real server on a free loopback port, and httpx.

``request, response = app.test_client.get("/")`` starts the server (running the
listeners), sends one request, stops the server, and returns what the handler
saw and what the client got.
"""

from __future__ import annotations

import asyncio
import socket
from typing import Any

import httpx

from sanic.server.loop import new_event_loop
from sanic.server.protocols.http_protocol import HttpProtocol
from sanic.server.runners import shutdown_connections

HOST = "127.0.0.1"


class TestingResponse(httpx.Response):
    """httpx's response with the attribute names Sanic's tests use."""

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
            server = await app.create_server(
                host=host,
                port=port,
                debug=debug,
                return_asyncio_server=True,
                protocol=CapturingProtocol,
                **settings,
            )
            actual_port = server.port or port
            try:
                await server.startup()
                await server.before_start()
                await server.start_serving()
                await server.after_start()
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
                await server.before_stop()
                server.close()
                await shutdown_connections(
                    server.connections,
                    float(app.config.GRACEFUL_SHUTDOWN_TIMEOUT),
                    server.loop,
                )
                await server.wait_closed()
                await server.after_stop()
                app._server = None

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

    def _method(name: str) -> Any:  # type: ignore[misc]
        def call(self: SanicTestClient, *args: Any, **kwargs: Any) -> Any:
            return self.request(name.upper(), *args, **kwargs)

        call.__name__ = name
        return call

    get = _method("get")
    post = _method("post")
    put = _method("put")
    patch = _method("patch")
    delete = _method("delete")
    head = _method("head")
    options = _method("options")
    del _method
