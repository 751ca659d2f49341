"""Middleware: order by priority, short-circuits, replacement, errors, zero cost."""

from __future__ import annotations

import pytest

from sanic import Sanic
from sanic.exceptions import Forbidden
from sanic.response import json, text


def test_request_middleware_runs_before_the_handler(app: Sanic) -> None:
    seen: list[str] = []

    @app.middleware
    async def mark(request):
        request.ctx.marked = True
        seen.append("middleware")

    @app.get("/")
    async def handler(request):
        seen.append("handler")
        return text(str(request.ctx.marked))

    _, response = app.test_client.get("/")
    assert response.text == "True"
    assert seen == ["middleware", "handler"]


def test_response_middleware_sees_the_handlers_response(app: Sanic) -> None:
    @app.middleware("response")
    async def add_header(request, response):
        response.headers["x-served-by"] = "middleware"

    @app.get("/")
    async def handler(request):
        return text("ok")

    _, response = app.test_client.get("/")
    assert response.headers["x-served-by"] == "middleware"
    assert response.text == "ok"


def test_request_middleware_returning_a_response_skips_the_handler(app: Sanic) -> None:
    called: list[str] = []

    @app.on_request
    async def gate(request):
        return text("from middleware", status=401)

    @app.get("/")
    async def handler(request):
        called.append("handler")
        return text("from handler")

    _, response = app.test_client.get("/")
    assert response.status == 401
    assert response.text == "from middleware"
    assert called == []


def test_response_middleware_may_replace_the_response(app: Sanic) -> None:
    @app.on_response
    async def replace(request, response):
        return json({"replaced": response.body.decode()})

    @app.get("/")
    async def handler(request):
        return text("original")

    _, response = app.test_client.get("/")
    assert response.json == {"replaced": "original"}


def test_sync_middleware_works_too(app: Sanic) -> None:
    @app.on_request
    def sync_request(request):
        request.ctx.value = "sync"

    @app.on_response
    def sync_response(request, response):
        response.headers["x-sync"] = request.ctx.value

    @app.get("/")
    async def handler(request):
        return text("ok")

    _, response = app.test_client.get("/")
    assert response.headers["x-sync"] == "sync"


def test_exception_in_request_middleware_goes_to_the_error_handler(app: Sanic) -> None:
    @app.on_request
    async def deny(request):
        raise Forbidden("no entry")

    @app.exception(Forbidden)
    async def forbidden(request, exception):
        return text(f"handled: {exception}", status=403)

    @app.get("/")
    async def handler(request):
        return text("never")

    _, response = app.test_client.get("/")
    assert response.status == 403
    assert response.text == "handled: no entry"


def test_exception_in_response_middleware_becomes_an_error_response(
    app: Sanic,
) -> None:
    @app.on_response
    async def broken(request, response):
        raise Forbidden("response middleware said no")

    @app.get("/")
    async def handler(request):
        return text("ok")

    _, response = app.test_client.get("/")
    assert response.status == 403
    assert "response middleware said no" in response.text


def test_response_middleware_runs_on_error_responses(app: Sanic) -> None:
    @app.on_response
    async def tag(request, response):
        response.headers["x-tag"] = str(response.status)

    @app.get("/")
    async def handler(request):
        raise Forbidden("nope")

    _, response = app.test_client.get("/")
    assert response.status == 403
    assert response.headers["x-tag"] == "403"


def test_middleware_runs_for_requests_without_a_route(app: Sanic) -> None:
    @app.on_response
    async def tag(request, response):
        response.headers["x-tag"] = "seen"

    @app.get("/")
    async def handler(request):
        return text("ok")

    _, response = app.test_client.get("/missing")
    assert response.status == 404
    assert response.headers["x-tag"] == "seen"


def test_equal_priority_keeps_definition_order_for_requests_and_reverses_it_for_responses(
    app: Sanic,
) -> None:
    order: list[str] = []

    @app.on_request
    async def request_one(request):
        order.append("request_one")

    @app.on_request
    async def request_two(request):
        order.append("request_two")

    @app.on_response
    async def response_one(request, response):
        order.append("response_one")

    @app.on_response
    async def response_two(request, response):
        order.append("response_two")

    @app.get("/")
    async def handler(request):
        order.append("handler")
        return text("ok")

    app.test_client.get("/")
    assert order == [
        "request_one",
        "request_two",
        "handler",
        "response_two",
        "response_one",
    ]


def test_higher_priority_runs_earlier_for_requests_and_responses(app: Sanic) -> None:
    order: list[str] = []

    @app.on_request(priority=1)
    async def request_low(request):
        order.append("request_low")

    @app.middleware("request", priority=5)
    async def request_high(request):
        order.append("request_high")

    @app.on_request
    async def request_default(request):
        order.append("request_default")

    @app.on_response(priority=2)
    async def response_mid(request, response):
        order.append("response_mid")

    @app.middleware("response", priority=9)
    async def response_high(request, response):
        order.append("response_high")

    @app.on_response
    async def response_default(request, response):
        order.append("response_default")

    @app.get("/")
    async def handler(request):
        order.append("handler")
        return text("ok")

    app.test_client.get("/")
    assert order == [
        "request_high",
        "request_low",
        "request_default",
        "handler",
        "response_high",
        "response_mid",
        "response_default",
    ]


def test_middleware_registered_as_a_plain_call(app: Sanic) -> None:
    async def tag(request, response):
        response.headers["x-plain"] = "yes"

    app.register_middleware(tag, "response")

    @app.get("/")
    async def handler(request):
        return text("ok")

    _, response = app.test_client.get("/")
    assert response.headers["x-plain"] == "yes"


def test_invalid_middleware_location_is_a_clear_error(app: Sanic) -> None:
    with pytest.raises(Exception, match="Invalid middleware location"):
        app.register_middleware(lambda request: None, "sideways")


def test_named_middleware_applies_only_to_the_named_routes(app: Sanic) -> None:
    async def tag(request, response):
        response.headers["x-named"] = "yes"

    @app.get("/tagged", name="tagged")
    async def tagged(request):
        return text("ok")

    @app.get("/plain", name="plain")
    async def plain(request):
        return text("ok")

    app.register_named_middleware(tag, [f"{app.name}.tagged"], "response")

    _, response = app.test_client.get("/tagged")
    assert response.headers["x-named"] == "yes"
    _, response = app.test_client.get("/plain")
    assert "x-named" not in response.headers


def test_middleware_added_to_the_deque_by_an_extension_runs(app: Sanic) -> None:
    """sanic-testing and extensions reach for ``app.request_middleware``."""
    order: list[str] = []

    @app.on_request
    async def registered(request):
        order.append("registered")

    async def first(request):
        order.append("first")

    app.request_middleware.appendleft(first)

    @app.get("/")
    async def handler(request):
        return text("ok")

    app.test_client.get("/")
    assert order == ["first", "registered"]


def test_middleware_added_by_a_before_server_start_listener_runs(app: Sanic) -> None:
    @app.before_server_start
    async def install(app_, loop):
        @app_.on_response
        async def late(request, response):
            response.headers["x-late"] = "yes"

    @app.get("/")
    async def handler(request):
        return text("ok")

    _, response = app.test_client.get("/")
    assert response.headers["x-late"] == "yes"


def test_with_no_middleware_the_request_path_does_no_middleware_work(
    app: Sanic,
) -> None:
    """No middleware: the compiled chains are empty and the runner is never called."""

    async def forbidden(*args, **kwargs):
        raise AssertionError("middleware machinery ran with no middleware registered")

    app._run_request_middleware = forbidden  # type: ignore[method-assign]
    app._run_response_middleware = forbidden  # type: ignore[method-assign]

    @app.get("/")
    async def handler(request):
        return text("fast")

    _, response = app.test_client.get("/")
    assert response.status == 200
    assert response.text == "fast"
    route = app.router.routes[0]
    assert route.request_middleware == () and route.response_middleware == ()


def test_mixed_priorities_across_app_blueprint_and_group_set_the_order(
    app: Sanic,
) -> None:
    """Priority first (higher earlier), then definition order: forwards for
    request middleware, backwards for response middleware, wherever the
    middleware was declared (app, blueprint, group)."""
    from sanic import Blueprint

    order: list[str] = []

    def request_mw(label: str):
        async def middleware(request):
            order.append(label)

        return middleware

    def response_mw(label: str):
        async def middleware(request, response):
            order.append(label)

        return middleware

    bp = Blueprint("inner", url_prefix="/bp")
    other = Blueprint("other", url_prefix="/other")
    group = Blueprint.group(bp, url_prefix="/group")

    @bp.get("/")
    async def handler(request):
        order.append("handler")
        return text("ok")

    @other.get("/")
    async def other_handler(request):
        order.append("other handler")
        return text("ok")

    app.on_request(request_mw("app request p0"))
    app.on_request(request_mw("app request p3"), priority=3)
    bp.on_request(request_mw("bp request p5"), priority=5)
    bp.on_request(request_mw("bp request p0"))
    group.on_request(request_mw("group request p3"), priority=3)
    group.on_request(request_mw("group request p0"))

    app.on_response(response_mw("app response p0"))
    app.on_response(response_mw("app response p2"), priority=2)
    bp.on_response(response_mw("bp response p0"))
    bp.on_response(response_mw("bp response p9"), priority=9)
    group.on_response(response_mw("group response p2"), priority=2)

    app.blueprint(group)
    app.blueprint(other)

    _, response = app.test_client.get("/group/bp")
    assert response.status == 200
    assert order == [
        "bp request p5",
        "app request p3",
        "group request p3",
        "app request p0",
        "bp request p0",
        "group request p0",
        "handler",
        "bp response p9",
        "group response p2",
        "app response p2",
        "bp response p0",
        "app response p0",
    ]

    # The other blueprint, outside the group, gets the app's middleware only.
    order.clear()
    app.test_client.get("/other")
    assert order == [
        "app request p3",
        "app request p0",
        "other handler",
        "app response p2",
        "app response p0",
    ]


def test_middleware_that_suspends_continues_the_chain_in_order(app: Sanic) -> None:
    """A middleware that awaits hands the rest of the cycle to the connection
    task: the remaining middleware, the handler and the response middleware all
    still run, in order."""
    import asyncio

    order: list[str] = []

    @app.on_request
    async def first(request):
        order.append("request 1")

    @app.on_request
    async def sleeper(request):
        await asyncio.sleep(0.01)
        order.append("request 2 (suspended)")

    @app.on_request
    def third(request):
        order.append("request 3")

    @app.on_response
    async def response_first(request, response):
        order.append("response 2")
        response.headers["x-last"] = "2"

    @app.on_response
    async def response_sleeper(request, response):
        await asyncio.sleep(0.01)
        order.append("response 1 (suspended)")
        return text("replaced after suspending")

    @app.get("/")
    async def handler(request):
        order.append("handler")
        return text("ok")

    _, response = app.test_client.get("/")
    assert response.text == "replaced after suspending"
    assert response.headers["x-last"] == "2"
    assert order == [
        "request 1",
        "request 2 (suspended)",
        "request 3",
        "handler",
        "response 1 (suspended)",
        "response 2",
    ]


def test_request_middleware_that_suspends_may_still_answer(app: Sanic) -> None:
    import asyncio

    @app.on_request
    async def gate(request):
        await asyncio.sleep(0.01)
        return text("gated", status=403)

    @app.get("/")
    async def handler(request):
        return text("never")

    _, response = app.test_client.get("/")
    assert response.status == 403
    assert response.text == "gated"
