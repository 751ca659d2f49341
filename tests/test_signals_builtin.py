"""The built-in events Sanic dispatches itself, at the right moments, with the
documented arguments (https://sanic.dev/en/guide/advanced/signals.html)."""

from __future__ import annotations

import asyncio

from sanic import Sanic
from sanic.exceptions import Forbidden
from sanic.response import text


def _ok(app: Sanic, order: list[str] | None = None) -> None:
    @app.get("/")
    async def handler(request):
        if order is not None:
            order.append("handler")
        return text("ok")


def test_handler_before_runs_after_request_middleware_and_handler_after_before_response_middleware(
    app: Sanic,
) -> None:
    order: list[str] = []

    @app.on_request
    async def request_mw(request):
        order.append("request middleware")

    @app.on_response
    async def response_mw(request, response):
        order.append("response middleware")

    @app.signal("http.handler.before")
    async def before(request):
        order.append("handler.before")

    @app.signal("http.handler.after")
    async def after(request):
        order.append("handler.after")

    _ok(app, order)
    _, response = app.test_client.get("/")
    assert response.status == 200
    assert order == [
        "request middleware",
        "handler.before",
        "handler",
        "handler.after",
        "response middleware",
    ]


def test_with_request_respond_response_middleware_comes_before_handler_after(
    app: Sanic,
) -> None:
    order: list[str] = []

    @app.on_response
    async def response_mw(request, response):
        order.append("response middleware")

    @app.signal("http.handler.after")
    async def after(request):
        order.append("handler.after")

    @app.get("/")
    async def handler(request):
        response = await request.respond(content_type="text/plain")
        await response.send("streamed")
        order.append("handler done")

    _, response = app.test_client.get("/")
    assert response.text == "streamed"
    assert order == ["response middleware", "handler done", "handler.after"]


def test_request_lifecycle_events_fire_in_order_with_their_arguments(
    app: Sanic,
) -> None:
    seen: list[tuple[str, object]] = []

    @app.signal("http.lifecycle.read_head")
    async def read_head(head):
        seen.append(("read_head", head))

    @app.signal("http.lifecycle.request")
    async def lifecycle_request(request):
        seen.append(("request", request.path))

    @app.signal("http.routing.before")
    async def routing_before(request):
        seen.append(("routing.before", request.path))

    @app.signal("http.routing.after")
    async def routing_after(request, route, kwargs, handler):
        seen.append(("routing.after", (route.name, kwargs, handler.__name__)))

    @app.signal("http.lifecycle.handle")
    async def handle(request):
        seen.append(("handle", request.path))

    @app.signal("http.lifecycle.response")
    async def lifecycle_response(request, response):
        seen.append(("response", response.status))

    @app.get("/user/<id:int>")
    async def user(request, id: int):
        return text(str(id))

    _, response = app.test_client.get("/user/7")
    assert response.text == "7"
    names = [name for name, _ in seen]
    assert names == [
        "read_head",
        "request",
        "routing.before",
        "routing.after",
        "handle",
        "response",
    ]
    head = dict(seen)["read_head"]
    assert isinstance(head, bytes)
    assert head.startswith(b"GET /user/7 HTTP/1.1\r\n")
    assert head.endswith(b"\r\n\r\n")
    assert dict(seen)["routing.after"] == (f"{app.name}.user", {"id": 7}, "user")
    assert dict(seen)["response"] == 200


def test_read_body_reports_the_body(app: Sanic) -> None:
    bodies: list[bytes] = []

    @app.signal("http.lifecycle.read_body")
    async def read_body(body):
        bodies.append(body)

    @app.post("/")
    async def handler(request):
        return text(str(len(request.body)))

    _, response = app.test_client.post("/", content=b"x" * 100)
    assert response.text == "100"
    assert bodies == [b"x" * 100]


def test_middleware_events_carry_attach_to_conditions(app: Sanic) -> None:
    seen: list[str] = []

    @app.on_request
    async def request_mw(request):
        pass

    @app.on_response
    async def response_mw(request, response):
        pass

    @app.signal("http.middleware.before", condition={"attach_to": "request"})
    async def before_request(request, response):
        seen.append("before request middleware")

    @app.signal("http.middleware.after", condition={"attach_to": "request"})
    async def after_request(request, response):
        seen.append("after request middleware")

    @app.signal("http.middleware.before", condition={"attach_to": "response"})
    async def before_response(request, response):
        seen.append(f"before response middleware {response.status}")

    _ok(app)
    app.test_client.get("/")
    assert seen == [
        "before request middleware",
        "after request middleware",
        "before response middleware 200",
    ]


def test_lifecycle_exception_and_exception_report_see_handler_errors(
    app: Sanic,
) -> None:
    seen: list[str] = []

    @app.signal("http.lifecycle.exception")
    async def on_exception(request, exception):
        seen.append(f"lifecycle {type(exception).__name__} {request.path}")

    @app.report_exception
    async def report(app_, exception):
        assert app_ is app
        seen.append(f"report {type(exception).__name__}")

    @app.get("/")
    async def handler(request):
        raise Forbidden("no")

    _, response = app.test_client.get("/")
    assert response.status == 403
    assert seen == ["lifecycle Forbidden /", "report Forbidden"]


def test_connection_events_begin_send_and_complete(app: Sanic) -> None:
    seen: list[str] = []
    sent: list[bytes] = []

    @app.signal("http.lifecycle.begin")
    async def begin(conn_info):
        seen.append(f"begin {conn_info.client_ip}")

    @app.signal("http.lifecycle.send")
    async def send(data):
        sent.append(data)

    @app.signal("http.lifecycle.complete")
    async def complete(conn_info):
        seen.append("complete")

    @app.get("/")
    async def handler(request):
        return text("payload")

    @app.before_server_stop
    async def settle(app_, loop):
        # Let the connection-closed event of the last request run.
        await asyncio.sleep(0.05)

    _, response = app.test_client.get("/", headers={"connection": "close"})
    assert response.text == "payload"
    assert seen == ["begin 127.0.0.1", "complete"]
    assert len(sent) == 1 and sent[0].startswith(b"HTTP/1.1 200 OK\r\n")
    assert sent[0].endswith(b"payload")


def test_server_events_run_with_the_listeners(app: Sanic) -> None:
    seen: list[str] = []

    @app.signal("server.init.before")
    async def init_before(app, loop):
        seen.append("init.before")

    @app.signal("server.init.after")
    async def init_after(app, loop):
        seen.append("init.after")

    @app.signal("server.shutdown.before")
    async def shutdown_before(app, loop):
        seen.append("shutdown.before")

    @app.signal("server.shutdown.after")
    async def shutdown_after(app, loop):
        seen.append("shutdown.after")

    _ok(app)
    app.test_client.get("/")
    assert seen == ["init.before", "init.after", "shutdown.before", "shutdown.after"]


def test_unused_signals_keep_the_fast_path(app: Sanic) -> None:
    """A custom signal does not turn the synchronous request cycle off."""

    @app.signal("custom.thing.happened")
    async def custom():
        pass

    _ok(app)
    app.test_client.get("/")
    assert app._cycle_signals is False

    @app.signal("http.handler.before")
    async def before(request):
        pass

    app.test_client.get("/")
    assert app._cycle_signals is True
