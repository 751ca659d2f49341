"""protocol=: a HttpProtocol subclass wrapping request handling (the seed's example)."""

from __future__ import annotations

import asyncio
import sys

import httpx

from sanic import Sanic
from sanic.response import json, text
from sanic.server.protocols.http_protocol import HttpProtocol
from tests.server_thread import connect, read_responses, serve_in_thread


class CustomProtocol(HttpProtocol):
    """Custom HTTP protocol with request logging (as written in the seed)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.request_count = 0

    async def http_request_handler(self, request):
        self.request_count += 1
        request.ctx.request_number = self.request_count
        self.logger.info(
            f"Processing request #{self.request_count}: {request.method} {request.path}"
        )
        response = await super().http_request_handler(request)
        if response:
            response.headers["X-Request-Number"] = str(self.request_count)
            response.headers["X-Server-Protocol"] = "custom"
        return response


def test_the_seed_protocol_counts_requests_per_connection_and_adds_headers(
    app: Sanic,
) -> None:
    @app.route("/")
    async def index(request):
        return json(
            {
                "message": "Custom protocol server",
                "request_number": request.ctx.request_number,
            }
        )

    with serve_in_thread(app, protocol=CustomProtocol) as port:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=5) as client:
            for number in (1, 2, 3):  # one keep-alive connection
                response = client.get("/")
                assert response.status_code == 200
                assert response.json()["request_number"] == number
                assert response.headers["x-request-number"] == str(number)
                assert response.headers["x-server-protocol"] == "custom"
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=5) as client:
            # A new connection, a new protocol instance: counting starts again.
            assert client.get("/").headers["x-request-number"] == "1"


def test_the_hook_sees_error_responses_and_middleware_results(app: Sanic) -> None:
    @app.on_response
    async def stamp(request, response):
        response.headers["x-middleware"] = "ran"

    @app.get("/boom")
    async def boom(request):
        raise ValueError("no")

    with serve_in_thread(app, protocol=CustomProtocol) as port:
        response = httpx.get(f"http://127.0.0.1:{port}/boom", timeout=5)
        assert response.status_code == 500
        assert response.headers["x-server-protocol"] == "custom"
        assert response.headers["x-middleware"] == "ran"
        response = httpx.get(f"http://127.0.0.1:{port}/missing", timeout=5)
        assert response.status_code == 404
        assert response.headers["x-server-protocol"] == "custom"


def test_a_streamed_response_is_sent_and_the_hook_gets_it_back(app: Sanic) -> None:
    seen = []

    class Watching(HttpProtocol):
        async def http_request_handler(self, request):
            response = await super().http_request_handler(request)
            seen.append(response.status)
            return response

    @app.get("/stream")
    async def stream(request):
        response = await request.respond(status=201, content_type="text/plain")
        await response.send("a")
        await asyncio.sleep(0)
        await response.send("b")
        await response.eof()

    with serve_in_thread(app, protocol=Watching) as port:
        response = httpx.get(f"http://127.0.0.1:{port}/stream", timeout=5)
        assert response.status_code == 201
        assert response.text == "ab"
    assert seen == [201]


def test_a_hook_returning_something_else_gives_500_and_the_server_goes_on(
    app: Sanic,
) -> None:
    class Broken(HttpProtocol):
        async def http_request_handler(self, request):
            await super().http_request_handler(request)
            return "not a response" if request.path == "/bad" else None

    @app.get("/<name>")
    async def name(request, name):
        return text(name)

    with serve_in_thread(app, protocol=Broken) as port:
        sock = connect(port)
        sock.sendall(
            b"GET /bad HTTP/1.1\r\nHost: x\r\n\r\nGET /good HTTP/1.1\r\nHost: x\r\n\r\n"
        )
        bad, good = read_responses(sock, 2)
        sock.close()
        assert bad.startswith(b"HTTP/1.1 500")
        # None means: write what the app produced, unchanged.
        assert good.startswith(b"HTTP/1.1 200") and good.endswith(b"good")


def test_without_an_override_the_fast_path_is_kept(app: Sanic) -> None:
    class Plain(HttpProtocol):
        pass

    @app.get("/")
    async def index(request):
        return text("ok")

    with serve_in_thread(app, protocol=Plain) as port:
        assert httpx.get(f"http://127.0.0.1:{port}/", timeout=5).text == "ok"
    protocol = Plain.__new__(Plain)
    Plain.__init__(protocol, loop=asyncio.new_event_loop(), app=app)
    assert not protocol._hooked
    if sys.version_info >= (3, 11):  # 3.10 has no fast path (one task per request)
        assert protocol._respond_now is not None


def test_a_hook_that_raises_gives_500_and_the_connection_goes_on(app: Sanic) -> None:
    class Raising(HttpProtocol):
        async def http_request_handler(self, request):
            response = await super().http_request_handler(request)
            if request.path == "/bad":
                raise RuntimeError("hook failed")
            return response

    @app.get("/<name>")
    async def name(request, name):
        return text(name)

    with serve_in_thread(app, protocol=Raising) as port:
        sock = connect(port)
        sock.sendall(
            b"GET /bad HTTP/1.1\r\nHost: x\r\n\r\nGET /good HTTP/1.1\r\nHost: x\r\n\r\n"
        )
        bad, good = read_responses(sock, 2)
        sock.close()
        assert bad.startswith(b"HTTP/1.1 500")
        assert b"hook failed" not in bad  # production pages keep internals out
        assert good.startswith(b"HTTP/1.1 200") and good.endswith(b"good")
