"""The app as an ASGI callable: http scopes, driven by hand as a server would."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import pytest

from sanic import Sanic, json, text
from sanic.exceptions import RequestCancelled
from sanic.response import HTTPResponse, ResponseStream
from tests.asgi.support import Exchange, call, http_scope, lifespan


def run(coro: Any) -> Any:
    return asyncio.run(coro)


def test_the_request_is_built_from_the_scope(app: Sanic) -> None:
    @app.route("/things/<name>", methods=["PATCH"])
    async def handler(request, name):
        return json(
            {
                "name": name,
                "method": request.method,
                "path": request.path,
                "query": request.query_string,
                "args": request.args.get("a"),
                "header": request.headers.get("x-thing"),
                "version": request.version,
                "scheme": request.scheme,
                "ip": request.ip,
                "port": request.port,
                "host": request.host,
                "url": request.url,
                "server_port": request.server_port,
                "asgi": request.app.state.asgi,
            }
        )

    async def main() -> Exchange:
        async with lifespan(app):
            scope = http_scope(
                "/things/box",
                method="PATCH",
                query=b"a=1&b=2",
                headers=[(b"host", b"example.com:8443"), (b"x-thing", b"yes")],
                scheme="https",
                http_version="2",
                client=("203.0.113.9", 4321),
                server=("10.0.0.1", 8443),
            )
            return await call(app, scope)

    exchange = run(main())
    assert exchange.status == 200
    assert exchange.headers[b"content-type"] == b"application/json"
    import json as stdlib_json

    assert stdlib_json.loads(exchange.content) == {
        "name": "box",
        "method": "PATCH",
        "path": "/things/box",
        "query": "a=1&b=2",
        "args": "1",
        "header": "yes",
        "version": "2",
        "scheme": "https",
        "ip": "203.0.113.9",
        "port": 4321,
        "host": "example.com:8443",
        "url": "https://example.com:8443/things/box?a=1&b=2",
        "server_port": 8443,
        "asgi": True,
    }


def test_a_root_path_the_path_still_carries_is_not_routed(app: Sanic) -> None:
    @app.get("/inner")
    async def handler(request):
        return text(request.path)

    scope = http_scope("/mount/inner", root_path="/mount")
    exchange = run(call(app, scope))
    assert (exchange.status, exchange.content) == (200, b"/inner")


def test_a_scope_without_raw_path_routes_on_the_path(app: Sanic) -> None:
    @app.get("/caf\u00e9")
    async def handler(request):
        return text(request.path)

    scope = http_scope("/caf\u00e9")
    del scope["raw_path"]
    exchange = run(call(app, scope))
    # As it would arrive on the wire (request.path is never unquoted).
    assert (exchange.status, exchange.content) == (200, b"/caf%C3%A9")


def test_the_body_is_read_from_several_messages(app: Sanic) -> None:
    @app.post("/")
    async def handler(request):
        return json({"body": request.body.decode(), "form": request.json})

    exchange = run(call(app, http_scope(method="POST"), b'{"a"', b": 1", b"}"))
    assert exchange.status == 200
    assert exchange.content == b'{"body":"{\\"a\\": 1}","form":{"a":1}}'


def test_a_stream_route_reads_chunks_as_they_arrive(app: Sanic) -> None:
    seen: list[bytes] = []

    @app.post("/upload", stream=True)
    async def handler(request):
        first = await request.stream.read()
        seen.append(first)
        async for chunk in request.stream:
            seen.append(chunk)
        return text(f"{len(seen)} chunks")

    async def main() -> Exchange:
        exchange = Exchange()
        task = asyncio.ensure_future(
            app(http_scope("/upload", method="POST"), exchange.receive, exchange.send)
        )
        exchange.body(b"one", more=True)
        for _ in range(100):  # the handler has the first chunk before the rest
            if seen:
                break
            await asyncio.sleep(0.01)
        assert seen == [b"one"]
        exchange.body(b"two", more=True)
        exchange.body(b"three")
        await asyncio.wait_for(task, 10)
        return exchange

    exchange = run(main())
    assert exchange.content == b"3 chunks"
    assert seen == [b"one", b"two", b"three"]


def test_a_stream_route_may_receive_the_whole_body(app: Sanic) -> None:
    @app.post("/upload", stream=True)
    async def handler(request):
        await request.receive_body()
        return text(request.body.decode())

    exchange = run(call(app, http_scope("/upload", method="POST"), b"ab", b"cd"))
    assert exchange.content == b"abcd"


def test_a_large_streamed_body_is_read_with_backpressure(app: Sanic) -> None:
    app.config.REQUEST_BUFFER_SIZE = 1000

    @app.post("/upload", stream=True)
    async def handler(request):
        total = 0
        while True:
            chunk = await request.stream.read()
            if chunk is None:
                break
            total += len(chunk)
            await asyncio.sleep(0)
        return text(str(total))

    chunks = [b"x" * 300] * 40
    exchange = run(call(app, http_scope("/upload", method="POST"), *chunks))
    assert exchange.content == b"12000"


@pytest.mark.parametrize("stream", [False, True])
def test_a_declared_length_over_request_max_size_is_413(
    app: Sanic, stream: bool
) -> None:
    app.config.REQUEST_MAX_SIZE = 10
    called: list[bool] = []

    @app.post("/", stream=stream)
    async def handler(request):
        called.append(True)
        return text("read")

    scope = http_scope(
        method="POST", headers=[(b"host", b"x"), (b"content-length", b"11")]
    )
    exchange = run(call(app, scope, b"x" * 11))
    assert exchange.status == 413
    assert called == []


def test_a_body_growing_over_request_max_size_is_413(app: Sanic) -> None:
    app.config.REQUEST_MAX_SIZE = 10

    @app.post("/")
    async def handler(request):
        return text("read")

    exchange = run(call(app, http_scope(method="POST"), b"x" * 6, b"x" * 6, b"x"))
    assert exchange.status == 413


def test_a_streamed_body_growing_over_request_max_size_is_413(app: Sanic) -> None:
    app.config.REQUEST_MAX_SIZE = 10

    @app.post("/", stream=True)
    async def handler(request):
        async for _ in request.stream:
            pass
        return text("read")

    exchange = run(call(app, http_scope(method="POST"), b"x" * 6, b"x" * 6))
    assert exchange.status == 413


def test_a_streaming_response_is_sent_as_several_bodies(app: Sanic) -> None:
    @app.get("/")
    async def handler(request):
        async def body(response):
            for part in ("a", "b", "c"):
                await response.write(part)

        return ResponseStream(body, headers={"x-kind": "stream"})

    exchange = run(call(app, http_scope()))
    assert exchange.status == 200
    assert exchange.headers[b"x-kind"] == b"stream"
    assert b"content-length" not in exchange.headers
    assert [m["body"] for m in exchange.bodies] == [b"a", b"b", b"c", b""]
    assert [m["more_body"] for m in exchange.bodies] == [True, True, True, False]


def test_request_respond_streams_over_asgi(app: Sanic) -> None:
    @app.get("/")
    async def handler(request):
        response = await request.respond(content_type="text/csv")
        await response.send("a,b\n")
        await response.send("1,2\n")
        await response.eof()

    exchange = run(call(app, http_scope()))
    assert exchange.headers[b"content-type"] == b"text/csv"
    assert exchange.content == b"a,b\n1,2\n"
    assert exchange.bodies[-1]["more_body"] is False


def test_a_complete_response_has_its_length_cookies_and_headers(app: Sanic) -> None:
    @app.get("/")
    async def handler(request):
        response = text("hello", headers={"X-One": "1", "Connection": "close"})
        response.add_cookie("flavour", "oat", secure=False)
        return response

    exchange = run(call(app, http_scope()))
    headers = exchange.start["headers"]
    assert (b"content-length", b"5") in headers
    assert (b"x-one", b"1") in headers
    assert any(
        name == b"set-cookie" and value.startswith(b"flavour=oat")
        for name, value in headers
    )
    # The connection is the ASGI server's: its headers are not passed on.
    assert b"connection" not in dict(headers)
    assert exchange.bodies == [
        {"type": "http.response.body", "body": b"hello", "more_body": False}
    ]


def test_head_gets_the_length_and_no_body(app: Sanic) -> None:
    @app.route("/", methods=["GET", "HEAD"])
    async def handler(request):
        return text("hello")

    exchange = run(call(app, http_scope(method="HEAD")))
    assert exchange.headers[b"content-length"] == b"5"
    assert exchange.content == b""


def test_no_content_has_no_length_and_no_body(app: Sanic) -> None:
    @app.get("/")
    async def handler(request):
        return HTTPResponse(status=204)

    exchange = run(call(app, http_scope()))
    assert exchange.status == 204
    assert b"content-length" not in exchange.headers
    assert exchange.content == b""


def test_a_header_with_a_line_break_is_a_500_not_a_split_response(
    app: Sanic,
) -> None:
    @app.get("/")
    async def handler(request):
        return text("x", headers={"x-evil": "a\r\nset-cookie: owned=1"})

    exchange = run(call(app, http_scope()))
    assert exchange.status == 500
    assert b"owned" not in b"".join(v for _, v in exchange.start["headers"])


def test_an_error_half_way_through_a_stream_leaves_it_incomplete(
    app: Sanic,
) -> None:
    @app.get("/")
    async def handler(request):
        response = await request.respond()
        await response.send("partial")
        raise RuntimeError("broke")

    exchange = run(call(app, http_scope()))
    assert exchange.status == 200
    assert exchange.content == b"partial"
    # No final body message: the server sees an incomplete response and closes.
    assert all(m["more_body"] for m in exchange.bodies)


def test_unknown_routes_and_methods_get_error_pages(app: Sanic) -> None:
    @app.get("/")
    async def handler(request):
        return text("ok")

    assert run(call(app, http_scope("/missing"))).status == 404
    assert run(call(app, http_scope("/", method="DELETE"))).status == 405


def test_a_path_that_is_not_utf8_is_a_400(app: Sanic) -> None:
    scope = http_scope("/x", raw_path=b"/\xff")
    exchange = run(call(app, scope))
    assert exchange.status == 400


def test_without_lifespan_the_app_still_serves_with_one_warning(
    app: Sanic, caplog: pytest.LogCaptureFixture
) -> None:
    started: list[bool] = []

    @app.before_server_start
    async def before(app_):
        started.append(True)

    @app.get("/")
    async def handler(request):
        return text("ok")

    async def main() -> list[Exchange]:
        return [await call(app, http_scope()) for _ in range(2)]

    with caplog.at_level(logging.WARNING, logger="sanic.root"):
        exchanges = run(main())
    assert [e.content for e in exchanges] == [b"ok", b"ok"]
    assert started == []
    warnings = [r for r in caplog.records if "without lifespan" in r.getMessage()]
    assert len(warnings) == 1


def test_a_client_disconnect_cancels_a_slow_handler(app: Sanic) -> None:
    events: list[str] = []

    @app.get("/slow")
    async def slow(request):
        events.append("started")
        try:
            await asyncio.sleep(30)
        except asyncio.CancelledError as exc:
            events.append(type(exc).__name__)
            raise
        events.append("finished")
        return text("too late")

    async def main() -> tuple[Exchange, float]:
        exchange = Exchange()
        exchange.body(b"")
        task = asyncio.ensure_future(
            app(http_scope("/slow"), exchange.receive, exchange.send)
        )
        while not events:
            await asyncio.sleep(0.01)
        loop = asyncio.get_running_loop()
        began = loop.time()
        exchange.disconnect()
        await asyncio.wait_for(task, 5)
        return exchange, loop.time() - began

    exchange, took = run(main())
    assert events == ["started", RequestCancelled.__name__]
    assert exchange.sent == []  # nobody to answer
    assert took < 1


def test_a_client_gone_before_its_handler_started_gets_nothing(app: Sanic) -> None:
    events: list[str] = []

    @app.get("/")
    async def handler(request):
        events.append("started")
        try:
            await asyncio.sleep(30)
        except RequestCancelled:
            events.append("cancelled")
            raise
        return text("too late")

    async def main() -> Exchange:
        exchange = Exchange()
        exchange.body(b"")
        exchange.disconnect()  # already gone when the app starts
        await asyncio.wait_for(app(http_scope(), exchange.receive, exchange.send), 5)
        return exchange

    exchange = run(main())
    assert events == ["started", "cancelled"]
    assert exchange.sent == []


def test_a_disconnect_while_streaming_in_cancels_the_handler(app: Sanic) -> None:
    events: list[str] = []

    @app.post("/upload", stream=True)
    async def handler(request):
        try:
            async for chunk in request.stream:
                events.append(chunk.decode())
        except asyncio.CancelledError:
            events.append("cancelled")
            raise
        except Exception as exc:
            events.append(type(exc).__name__)
            raise
        return text("done")

    async def main() -> Exchange:
        exchange = Exchange()
        task = asyncio.ensure_future(
            app(http_scope("/upload", method="POST"), exchange.receive, exchange.send)
        )
        exchange.body(b"part", more=True)
        while not events:
            await asyncio.sleep(0.01)
        exchange.disconnect()
        await asyncio.wait_for(task, 5)
        return exchange

    exchange = run(main())
    assert events[0] == "part"
    assert events[1] in ("cancelled", "BadRequest")
    assert exchange.sent == []


def test_a_websocket_scope_is_closed_before_it_is_accepted(app: Sanic) -> None:
    async def main() -> Exchange:
        exchange = Exchange()
        exchange.inbox.put_nowait({"type": "websocket.connect"})
        scope = http_scope("/ws", type="websocket", scheme="ws")
        await asyncio.wait_for(app(scope, exchange.receive, exchange.send), 5)
        return exchange

    exchange = run(main())
    assert [m["type"] for m in exchange.sent] == ["websocket.close"]


def test_an_unknown_scope_type_is_an_error(app: Sanic) -> None:
    with pytest.raises(ValueError, match="Unknown ASGI scope type"):
        run(call(app, http_scope(type="telepathy")))


# ---- http.response.pathsend ------------------------------------------------------


class FileResponse(HTTPResponse):
    """A complete response that says which file it is (``file_path``)."""

    def __init__(self, path: str, body: bytes) -> None:
        super().__init__(body, content_type="text/plain")
        self.file_path = path


class FileStream(ResponseStream):
    """A streamed file response that says which file it is."""

    def __init__(self, path: str) -> None:
        async def read(response):
            with open(path, "rb") as handle:
                await response.write(handle.read())

        super().__init__(read, content_type="text/plain")
        self.file_path = path


PATHSEND_EXTENSIONS = {"extensions": {"http.response.pathsend": {}}}


@pytest.mark.parametrize("kind", ["complete", "stream"])
def test_a_file_response_is_sent_by_path_when_the_server_offers_it(
    app: Sanic, tmp_path: Any, kind: str
) -> None:
    target = tmp_path / "hello.txt"
    target.write_bytes(b"file body")

    @app.get("/file")
    async def handler(request):
        if kind == "complete":
            return FileResponse(str(target), target.read_bytes())
        return FileStream(str(target))

    with_extension = run(call(app, http_scope("/file", **PATHSEND_EXTENSIONS)))
    assert with_extension.status == 200
    assert with_extension.sent[-1] == {
        "type": "http.response.pathsend",
        "path": str(target),
    }
    assert with_extension.bodies == []

    without = run(call(app, http_scope("/file")))
    assert without.content == b"file body"
    assert not any(m["type"] == "http.response.pathsend" for m in without.sent)


def test_a_response_without_a_file_path_is_never_sent_by_path(app: Sanic) -> None:
    @app.get("/")
    async def handler(request):
        return text("plain")

    exchange = run(call(app, http_scope(**PATHSEND_EXTENSIONS)))
    assert exchange.content == b"plain"


# ---- app.stop() -------------------------------------------------------------------


def test_app_stop_in_asgi_mode_warns_and_stops_nothing(
    app: Sanic, caplog: pytest.LogCaptureFixture
) -> None:
    @app.get("/")
    async def handler(request):
        request.app.stop()
        return text("still here")

    async def main() -> list[Exchange]:
        async with lifespan(app):
            return [await call(app, http_scope()) for _ in range(2)]

    with caplog.at_level(logging.WARNING, logger="sanic.root"):
        exchanges = run(main())
    assert [e.content for e in exchanges] == [b"still here"] * 2
    assert any("no effect in ASGI mode" in r.getMessage() for r in caplog.records)
    assert app._stop_event is None  # released at shutdown
