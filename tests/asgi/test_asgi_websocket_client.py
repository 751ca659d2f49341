"""app.asgi_client.websocket: a websocket conversation through the ASGI interface."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from websockets.exceptions import (
    ConnectionClosedError,
    ConnectionClosedOK,
    InvalidStatus,
)

from sanic import Sanic, Websocket, text
from sanic.exceptions import Forbidden


def run(coro: Any) -> Any:
    return asyncio.run(asyncio.wait_for(coro, 10))


def test_the_request_path_query_headers_and_subprotocol_reach_the_handler(
    app: Sanic,
) -> None:
    @app.websocket("/room/<name>", subprotocols=["v2", "v1"])
    async def room(request: Any, ws: Websocket, name: str) -> None:
        await ws.send(
            f"{name} {request.args.get('who')} {request.headers['x-team']} "
            f"{ws.subprotocol} {request.ip} {request.scheme}"
        )

    async def talk() -> tuple[Any, Any, Any]:
        client = app.asgi_client.websocket(
            "/room/blue?who=ann", subprotocols=["v1", "v2"], headers={"X-Team": "red"}
        )
        async with client as ws:
            return await ws.recv(), ws.subprotocol, ws.server_request

    message, subprotocol, request = run(talk())
    assert message == "blue ann red v2 127.0.0.1 ws"
    assert subprotocol == "v2"
    assert request.path == "/room/blue"


def test_a_refused_upgrade_raises_invalid_status_with_the_apps_answer(
    app: Sanic,
) -> None:
    @app.on_request
    async def guard(request: Any) -> None:
        raise Forbidden("no token here")

    @app.websocket("/ws")
    async def handler(request: Any, ws: Websocket) -> None:
        raise AssertionError("never upgraded")

    async def talk() -> InvalidStatus:
        with pytest.raises(InvalidStatus) as info:
            async with app.asgi_client.websocket("/ws"):
                pass
        return info.value

    error = run(talk())
    assert error.response.status_code == 403
    assert b"no token here" in error.response.body


def test_a_path_with_no_websocket_route_is_closed_unaccepted_403(app: Sanic) -> None:
    @app.get("/page")
    async def page(request: Any) -> Any:
        return text("a page")

    async def talk() -> int:
        with pytest.raises(InvalidStatus) as info:
            async with app.asgi_client.websocket("/page"):
                pass
        return info.value.response.status_code

    assert run(talk()) == 403


def test_plain_http_to_a_websocket_route_gets_426_over_asgi(app: Sanic) -> None:
    @app.websocket("/ws")
    async def handler(request: Any, ws: Websocket) -> None:
        raise AssertionError("never upgraded")

    _, response = app.asgi_client.get("/ws")
    assert response.status == 426
    assert response.headers["upgrade"].lower() == "websocket"


def test_the_close_code_and_reason_come_from_the_app(app: Sanic) -> None:
    @app.websocket("/ws")
    async def handler(request: Any, ws: Websocket) -> None:
        await ws.send("last words")
        await ws.close(4001, "policy")

    async def talk() -> tuple[list[Any], Any, Any]:
        async with app.asgi_client.websocket("/ws") as ws:
            received = [message async for message in ws]  # 4001 is an error
        return received, ws.close_code, ws.close_reason

    with pytest.raises(ConnectionClosedError) as info:
        run(talk())
    assert info.value.rcvd is not None
    assert (info.value.rcvd.code, info.value.rcvd.reason) == (4001, "policy")


def test_iteration_ends_on_a_normal_close_and_send_after_it_raises(app: Sanic) -> None:
    @app.websocket("/ws")
    async def handler(request: Any, ws: Websocket) -> None:
        await ws.send("one")
        await ws.send(b"two")

    async def talk() -> tuple[list[Any], Any]:
        async with app.asgi_client.websocket("/ws") as ws:
            received = [message async for message in ws]
            with pytest.raises(ConnectionClosedOK):
                await ws.send("too late")
        return received, ws.close_code

    assert run(talk()) == (["one", b"two"], 1000)


def test_each_conversation_runs_inside_the_servers_listeners(app: Sanic) -> None:
    events: list[str] = []

    @app.before_server_start
    async def starting(app: Any) -> None:
        events.append("start")

    @app.after_server_stop
    async def stopped(app: Any) -> None:
        events.append("stop")

    @app.websocket("/ws")
    async def handler(request: Any, ws: Websocket) -> None:
        events.append("handler")
        await ws.send("hi")

    async def talk() -> None:
        async with app.asgi_client.websocket("/ws") as ws:
            assert await ws.recv() == "hi"
            events.append("client")

    run(talk())
    assert events == ["start", "handler", "client", "stop"]


def test_a_handler_that_never_ends_after_the_client_left_is_reported(
    app: Sanic, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sanic.websocket_testing as module

    monkeypatch.setattr(module, "_CLOSE_WAIT", 0.2)

    @app.websocket("/ws")
    async def stuck(request: Any, ws: Websocket) -> None:
        await asyncio.sleep(30)  # ignores the client's close

    async def talk() -> None:
        async with app.asgi_client.websocket("/ws"):
            pass

    with pytest.raises(RuntimeError, match="did not end within 0.2 s"):
        run(talk())


@pytest.mark.parametrize("client", ["test_client", "asgi_client"])
def test_both_test_clients_hold_the_same_conversation(app: Sanic, client: str) -> None:
    @app.websocket("/ws/<room>", subprotocols=["chat"])
    async def echo(request: Any, ws: Websocket, room: str) -> None:
        async for message in ws:
            await ws.send(f"{room}:{message}")

    async def talk() -> tuple[list[Any], Any, Any, Any]:
        conversation = getattr(app, client).websocket(
            "/ws/blue?x=1", subprotocols=["chat"], headers={"X-Who": "ann"}
        )
        async with conversation as ws:
            replies = []
            for word in ("one", "two"):
                await ws.send(word)
                replies.append(await ws.recv())
            request = ws.server_request
            subprotocol = ws.subprotocol
        return replies, subprotocol, request, ws.close_code

    replies, subprotocol, request, code = run(talk())
    assert replies == ["blue:one", "blue:two"]
    assert subprotocol == "chat"
    assert (request.path, request.args.get("x"), request.headers["x-who"]) == (
        "/ws/blue",
        "1",
        "ann",
    )
    assert code == 1000
