"""The ASGI lifespan: the server listeners, their order, and what never runs."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import pytest

from sanic import Sanic, text
from sanic.testing import LifespanError
from tests.asgi.support import call, http_scope, lifespan


def test_lifespan_runs_the_server_listeners_in_order(app: Sanic) -> None:
    order: list[str] = []

    @app.before_server_start
    async def before_start(app_, loop):
        order.append("before_server_start")

    @app.after_server_start
    async def after_start(app_):
        order.append("after_server_start")

    @app.before_server_stop
    async def before_stop(app_):
        order.append("before_server_stop")

    @app.after_server_stop
    async def after_stop(app_):
        order.append("after_server_stop")

    @app.signal("server.init.after")
    async def init_after(**_: Any):
        order.append("signal server.init.after")

    @app.get("/")
    async def handler(request):
        order.append("request")
        return text("ok")

    async def main() -> list[dict[str, Any]]:
        async with lifespan(app) as sent:
            assert app.state.asgi and app.state.is_running
            await call(app, http_scope())
        return sent

    sent = asyncio.run(main())
    assert [m["type"] for m in sent] == [
        "lifespan.startup.complete",
        "lifespan.shutdown.complete",
    ]
    assert order == [
        "before_server_start",
        "after_server_start",
        "signal server.init.after",
        "request",
        "before_server_stop",
        "after_server_stop",
    ]
    assert not app.state.is_running


def test_routes_added_by_a_startup_listener_are_served(app: Sanic) -> None:
    @app.before_server_start
    async def add_route(app_):
        @app_.get("/late")
        async def late(request):
            return text("late route")

    async def main() -> bytes:
        async with lifespan(app):
            return (await call(app, http_scope("/late"))).content

    assert asyncio.run(main()) == b"late route"


def test_process_listeners_do_not_run_and_warn_once(
    app: Sanic, caplog: pytest.LogCaptureFixture
) -> None:
    ran: list[str] = []

    @app.main_process_start
    async def main_start(app_):
        ran.append("main_process_start")

    @app.reload_process_start
    async def reload_start(app_):
        ran.append("reload_process_start")

    @app.before_server_start
    async def before(app_):
        ran.append("before_server_start")

    async def main() -> None:
        for _ in range(2):  # two lifespans (two test-client requests, say)
            async with lifespan(app):
                pass

    with caplog.at_level(logging.WARNING, logger="sanic.root"):
        asyncio.run(main())
    assert ran == ["before_server_start", "before_server_start"]
    warnings = [
        r.getMessage() for r in caplog.records if "will not run" in r.getMessage()
    ]
    assert len(warnings) == 1
    assert "main_process_start" in warnings[0]
    assert "reload_process_start" in warnings[0]


def test_no_process_listener_no_warning(
    app: Sanic, caplog: pytest.LogCaptureFixture
) -> None:
    async def main() -> None:
        async with lifespan(app):
            pass

    with caplog.at_level(logging.WARNING, logger="sanic.root"):
        asyncio.run(main())
    assert not [r for r in caplog.records if "will not run" in r.getMessage()]


def _drive_startup(app: Sanic) -> list[dict[str, Any]]:
    async def main() -> list[dict[str, Any]]:
        inbox: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        sent: list[dict[str, Any]] = []

        async def send(message: dict[str, Any]) -> None:
            sent.append(message)

        inbox.put_nowait({"type": "lifespan.startup"})
        await asyncio.wait_for(app({"type": "lifespan"}, inbox.get, send), 5)
        return sent

    return asyncio.run(main())


def test_a_failing_startup_listener_is_reported_as_startup_failed(
    app: Sanic,
) -> None:
    @app.before_server_start
    async def broken(app_):
        raise RuntimeError("database unreachable")

    sent = _drive_startup(app)
    assert sent == [
        {
            "type": "lifespan.startup.failed",
            "message": "RuntimeError: database unreachable",
        }
    ]


def test_a_failing_shutdown_listener_is_reported_as_shutdown_failed(
    app: Sanic,
) -> None:
    @app.after_server_stop
    async def broken(app_):
        raise RuntimeError("could not flush")

    async def main() -> list[dict[str, Any]]:
        inbox: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        sent: list[dict[str, Any]] = []

        async def send(message: dict[str, Any]) -> None:
            sent.append(message)

        inbox.put_nowait({"type": "lifespan.startup"})
        inbox.put_nowait({"type": "lifespan.shutdown"})
        await asyncio.wait_for(app({"type": "lifespan"}, inbox.get, send), 5)
        return sent

    assert asyncio.run(main()) == [
        {"type": "lifespan.startup.complete"},
        {
            "type": "lifespan.shutdown.failed",
            "message": "RuntimeError: could not flush",
        },
    ]


def test_the_asgi_client_surfaces_a_startup_failure(app: Sanic) -> None:
    @app.after_server_start
    async def broken(app_):
        raise ValueError("bad config")

    @app.get("/")
    async def handler(request):
        return text("unreachable")

    with pytest.raises(LifespanError, match="ValueError: bad config"):
        app.asgi_client.get("/")


def test_the_asgi_client_runs_listeners_around_each_request(app: Sanic) -> None:
    order: list[str] = []

    @app.before_server_start
    async def start(app_):
        order.append("start")

    @app.after_server_stop
    async def stop(app_):
        order.append("stop")

    @app.get("/")
    async def handler(request):
        order.append("request")
        return text("ok")

    app.asgi_client.get("/")
    app.asgi_client.get("/")
    assert order == ["start", "request", "stop"] * 2


PROCESS_LISTENERS = (
    "main_process_start",
    "main_process_ready",
    "main_process_stop",
    "reload_process_start",
    "reload_process_stop",
)


def test_no_process_listener_runs_through_a_whole_lifespan(
    app: Sanic, caplog: pytest.LogCaptureFixture
) -> None:
    """Startup and shutdown both: none of the five process listeners runs,
    and the one warning names each of them."""
    ran: list[str] = []
    for event in PROCESS_LISTENERS:

        async def listener(app_: Sanic, event: str = event) -> None:
            ran.append(event)

        app.register_listener(listener, event)

    @app.get("/")
    async def handler(request):
        return text("ok")

    async def main() -> int:
        async with lifespan(app):
            return (await call(app, http_scope())).status

    with caplog.at_level(logging.WARNING, logger="sanic.root"):
        assert asyncio.run(main()) == 200
    assert ran == []
    warnings = [
        r.getMessage() for r in caplog.records if "will not run" in r.getMessage()
    ]
    assert len(warnings) == 1
    for event in PROCESS_LISTENERS:
        assert event in warnings[0]
