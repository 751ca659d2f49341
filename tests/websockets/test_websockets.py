"""Websocket routes, driven by the `websockets` client over a real connection."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from typing import Any

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed, InvalidStatus
from websockets.frames import Frame, Opcode

from sanic import Blueprint, Sanic, Websocket, text
from sanic.exceptions import Forbidden, WebsocketClosed
from tests.server_thread import read_until_closed, serve_in_thread

LIMIT = 10  # seconds any one client conversation may take


def run(coro: Any) -> Any:
    return asyncio.run(asyncio.wait_for(coro, LIMIT))


def url(port: int, path: str = "/ws") -> str:
    return f"ws://127.0.0.1:{port}{path}"


def wait_for(predicate: Any, limit: float = 5.0) -> None:
    deadline = time.monotonic() + limit
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        time.sleep(0.02)


def test_websocket_echoes_text_and_bytes(app: Sanic) -> None:
    @app.websocket("/ws")
    async def echo(request: Any, ws: Websocket) -> None:
        while True:
            message = await ws.recv()
            await ws.send(message)

    async def talk(port: int) -> list[Any]:
        async with connect(url(port)) as client:
            await client.send("hello")
            first = await client.recv()
            await client.send(b"\x00\x01binary")
            second = await client.recv()
            return [first, second]

    with serve_in_thread(app, check_still_answers=True) as port:
        assert run(talk(port)) == ["hello", b"\x00\x01binary"]


def test_iterating_a_websocket_ends_when_the_client_closes(app: Sanic) -> None:
    seen: list[Any] = []
    finished: list[bool] = []

    @app.websocket("/ws")
    async def feed(request: Any, ws: Websocket) -> None:
        async for msg in ws:  # the seed's iterable example (22.9)
            seen.append(msg)
            await ws.send(msg)
        finished.append(True)

    async def talk(port: int) -> tuple[list[Any], int | None]:
        async with connect(url(port)) as client:
            replies = []
            for word in ("one", "two", "three"):
                await client.send(word)
                replies.append(await client.recv())
        return replies, client.close_code

    with serve_in_thread(app, check_still_answers=True) as port:
        replies, code = run(talk(port))
        wait_for(lambda: finished)
    assert replies == ["one", "two", "three"]
    assert seen == ["one", "two", "three"]
    assert code == 1000


def test_recv_raises_websocket_closed_after_the_client_closes(app: Sanic) -> None:
    outcome: list[str] = []

    @app.websocket("/ws")
    async def handler(request: Any, ws: Websocket) -> None:
        await ws.recv()
        try:
            await ws.recv()
        except WebsocketClosed:
            outcome.append("closed")

    async def talk(port: int) -> None:
        async with connect(url(port)) as client:
            await client.send("only")

    with serve_in_thread(app) as port:
        run(talk(port))
        wait_for(lambda: outcome)
    assert outcome == ["closed"]


def test_fragmented_messages_are_reassembled(app: Sanic) -> None:
    @app.websocket("/ws")
    async def echo(request: Any, ws: Websocket) -> None:
        message = await ws.recv()
        await ws.send(f"{type(message).__name__}:{len(message)}:{message[:6]!r}")
        message = await ws.recv()
        await ws.send(f"{type(message).__name__}:{len(message)}")

    async def talk(port: int) -> list[Any]:
        async with connect(url(port)) as client:
            await client.send(["frag", "mented", "-" * 1000])  # one text message
            first = await client.recv()
            await client.send([b"a" * 100, b"b" * 100])  # one binary message
            return [first, await client.recv()]

    with serve_in_thread(app) as port:
        first, second = run(talk(port))
    assert first == "str:1010:'fragme'"
    assert second == "bytes:200"


def test_a_message_over_websocket_max_size_closes_with_1009(app: Sanic) -> None:
    app.config.WEBSOCKET_MAX_SIZE = 1024

    @app.websocket("/ws")
    async def echo(request: Any, ws: Websocket) -> None:
        async for msg in ws:
            await ws.send(msg)

    async def talk(port: int) -> tuple[Any, int | None]:
        async with connect(url(port)) as client:
            await client.send("x" * 1000)
            small = await client.recv()
            await client.send("y" * 2000)
            with pytest.raises(ConnectionClosed):
                await client.recv()
            return small, client.close_code

    with serve_in_thread(app, check_still_answers=True) as port:
        small, code = run(talk(port))
    assert small == "x" * 1000
    assert code == 1009


def test_a_client_that_stops_answering_pings_is_closed(app: Sanic) -> None:
    app.config.WEBSOCKET_PING_INTERVAL = 0.2
    app.config.WEBSOCKET_PING_TIMEOUT = 0.3
    ended: list[Any] = []

    @app.websocket("/ws")
    async def handler(request: Any, ws: Websocket) -> None:
        try:
            await ws.recv()
        except WebsocketClosed:
            ended.append(ws.close_code)

    with serve_in_thread(app, check_still_answers=True) as port:
        # A raw client: it completes the handshake, then never reads again, so
        # no pong goes back for the server's pings.
        sock = socket.create_connection(("127.0.0.1", port), timeout=5)
        try:
            sock.sendall(
                b"GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n"
                b"Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                b"Sec-WebSocket-Version: 13\r\n\r\n"
            )
            wait_for(lambda: ended, limit=5)
            data = read_until_closed(sock)
        finally:
            sock.close()
    assert data.startswith(b"HTTP/1.1 101 ")
    assert ended  # the handler's recv ended with WebsocketClosed
    # After the pings, a close frame with 1011 (0x03f3) and the reason.
    assert b"\x03\xf3keepalive ping timeout" in data


def test_a_subprotocol_both_sides_know_is_chosen(app: Sanic) -> None:
    @app.websocket("/ws", subprotocols=["chat.v2", "chat.v1"])
    async def handler(request: Any, ws: Websocket) -> None:
        await ws.send(str(ws.subprotocol))

    async def talk(port: int) -> tuple[Any, Any]:
        async with connect(url(port), subprotocols=["chat.v1", "chat.v2"]) as client:
            return client.subprotocol, await client.recv()

    with serve_in_thread(app) as port:
        assert run(talk(port)) == ("chat.v2", "chat.v2")


def test_a_handler_that_returns_closes_with_1000(app: Sanic) -> None:
    @app.websocket("/ws")
    async def handler(request: Any, ws: Websocket) -> None:
        await ws.send("bye")

    async def talk(port: int) -> tuple[Any, int | None]:
        async with connect(url(port)) as client:
            message = await client.recv()
            with pytest.raises(ConnectionClosed):
                await client.recv()
            return message, client.close_code

    with serve_in_thread(app, check_still_answers=True) as port:
        assert run(talk(port)) == ("bye", 1000)


def test_a_handler_that_raises_closes_with_1011_and_reaches_the_error_handler(
    app: Sanic,
) -> None:
    handled: list[str] = []
    signalled: list[str] = []
    order: list[str] = []

    @app.websocket("/ws")
    async def handler(request: Any, ws: Websocket) -> None:
        await ws.recv()
        raise ValueError("boom")

    @app.exception(ValueError)
    async def on_value_error(request: Any, exception: Exception) -> Any:
        handled.append(str(exception))
        return text("unused", status=500)

    @app.signal("websocket.handler.before")
    async def before(request: Any, websocket: Any) -> None:
        order.append("before")

    @app.signal("websocket.handler.exception")
    async def on_exception(request: Any, websocket: Any, exception: Exception) -> None:
        signalled.append(str(exception))

    async def talk(port: int) -> int | None:
        async with connect(url(port)) as client:
            await client.send("go")
            with pytest.raises(ConnectionClosed):
                await client.recv()
            return client.close_code

    with serve_in_thread(app, check_still_answers=True) as port:
        assert run(talk(port)) == 1011
    assert handled == ["boom"]
    assert signalled == ["boom"]
    assert order == ["before"]


def test_the_after_signal_runs_when_the_handler_returns(app: Sanic) -> None:
    events: list[str] = []

    @app.websocket("/ws")
    async def handler(request: Any, ws: Websocket) -> None:
        events.append("handler")

    @app.signal("websocket.handler.after")
    async def after(request: Any, websocket: Any) -> None:
        events.append("after")

    async def talk(port: int) -> None:
        async with connect(url(port)) as client:
            with pytest.raises(ConnectionClosed):
                await client.recv()

    with serve_in_thread(app) as port:
        run(talk(port))
    assert events == ["handler", "after"]


def test_request_middleware_runs_before_the_upgrade_and_can_refuse_it(
    app: Sanic,
) -> None:
    seen: list[str] = []

    @app.on_request
    async def guard(request: Any) -> Any:
        seen.append(request.path)
        if request.args.get("token") != "ok":
            raise Forbidden("no token")
        request.ctx.user = "alice"

    @app.websocket("/ws")
    async def handler(request: Any, ws: Websocket) -> None:
        await ws.send(request.ctx.user)

    async def refused(port: int) -> int:
        with pytest.raises(InvalidStatus) as info:
            async with connect(url(port, "/ws?token=bad")):
                pass
        return info.value.response.status_code

    async def accepted(port: int) -> Any:
        async with connect(url(port, "/ws?token=ok")) as client:
            return await client.recv()

    with serve_in_thread(app, check_still_answers=True) as port:
        assert run(refused(port)) == 403
        assert run(accepted(port)) == "alice"
    assert seen[:2] == ["/ws", "/ws"]


def test_a_middleware_response_refuses_the_upgrade(app: Sanic) -> None:
    @app.on_request
    async def deny(request: Any) -> Any:
        return text("go away", status=403)

    @app.websocket("/ws")
    async def handler(request: Any, ws: Websocket) -> None:
        raise AssertionError("never upgraded")

    async def refused(port: int) -> int:
        with pytest.raises(InvalidStatus) as info:
            async with connect(url(port)):
                pass
        return info.value.response.status_code

    with serve_in_thread(app, check_still_answers=True) as port:
        assert run(refused(port)) == 403


def _raw(port: int, request: bytes) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        sock.sendall(request)
        return read_until_closed(sock)


_GOOD_KEY = b"dGhlIHNhbXBsZSBub25jZQ=="


def _handshake(
    method: bytes = b"GET",
    key: bytes = _GOOD_KEY,
    version: bytes = b"13",
    upgrade: bool = True,
) -> bytes:
    head = method + b" /ws HTTP/1.1\r\nHost: x\r\n"
    if upgrade:
        head += b"Upgrade: websocket\r\nConnection: Upgrade\r\n"
    head += b"Sec-WebSocket-Key: " + key + b"\r\nSec-WebSocket-Version: "
    return head + version + b"\r\n\r\n"


@pytest.mark.parametrize(
    ("request_bytes", "status"),
    [
        (_handshake(version=b"8"), b"400"),
        (_handshake(key=b"not-base64!"), b"400"),
        (_handshake(key=b"c2hvcnQ="), b"400"),  # decodes to 5 bytes, not 16
        (_handshake(method=b"POST"), b"405"),
    ],
    ids=["wrong-version", "bad-key", "short-key", "not-get"],
)
def test_bad_handshakes_get_4xx_not_an_upgrade(
    app: Sanic, request_bytes: bytes, status: bytes
) -> None:
    @app.websocket("/ws")
    async def handler(request: Any, ws: Websocket) -> None:
        raise AssertionError("never upgraded")

    with serve_in_thread(app, check_still_answers=True) as port:
        reply = _raw(port, request_bytes)
    assert reply.startswith(b"HTTP/1.1 " + status), reply


def test_an_http10_upgrade_gets_505(app: Sanic) -> None:
    @app.websocket("/ws")
    async def handler(request: Any, ws: Websocket) -> None:
        raise AssertionError("never upgraded")

    with serve_in_thread(app, check_still_answers=True) as port:
        reply = _raw(port, _handshake().replace(b" HTTP/1.1\r\n", b" HTTP/1.0\r\n", 1))
    assert reply.split(b"\r\n", 1)[0].endswith(b" 505 HTTP Version Not Supported"), (
        reply
    )
    assert b"unsupported HTTP version: HTTP/1.0" in reply


def test_a_wrong_version_names_the_supported_one(app: Sanic) -> None:
    @app.websocket("/ws")
    async def handler(request: Any, ws: Websocket) -> None: ...

    with serve_in_thread(app) as port:
        reply = _raw(port, _handshake(version=b"8"))
    assert b"sec-websocket-version: 13" in reply.lower()


def test_plain_http_to_a_websocket_route_gets_426(app: Sanic) -> None:
    @app.websocket("/ws")
    async def handler(request: Any, ws: Websocket) -> None:
        raise AssertionError("never upgraded")

    with serve_in_thread(app, check_still_answers=True) as port:
        reply = _raw(port, b"GET /ws HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    head = reply.split(b"\r\n\r\n", 1)[0].lower()
    assert reply.startswith(b"HTTP/1.1 426 "), reply
    assert b"upgrade: websocket" in head


def test_shutdown_closes_open_websockets_with_1001(app: Sanic) -> None:
    opened = threading.Event()
    outcome: dict[str, Any] = {}

    @app.websocket("/ws")
    async def handler(request: Any, ws: Websocket) -> None:
        async for msg in ws:
            await ws.send(msg)
        outcome["handler"] = "ended"

    async def talk(port: int) -> None:
        async with connect(url(port)) as client:
            await client.send("hi")
            assert await client.recv() == "hi"
            opened.set()
            with pytest.raises(ConnectionClosed):
                await client.recv()
            outcome["code"] = client.close_code

    with serve_in_thread(app) as port:
        client = threading.Thread(target=lambda: run(talk(port)), daemon=True)
        client.start()
        assert opened.wait(LIMIT)
    # Leaving the block stopped the server gracefully.
    client.join(LIMIT)
    assert outcome == {"handler": "ended", "code": 1001}


def test_blueprint_websockets_are_served_under_the_prefix(app: Sanic) -> None:
    bp = Blueprint("chat", url_prefix="/chat")

    @bp.websocket("/room", subprotocols=["talk"])
    async def room(request: Any, ws: Websocket) -> None:
        await ws.send(f"{request.path} {ws.subprotocol}")

    async def other(request: Any, ws: Websocket) -> None:
        await ws.send("added")

    bp.add_websocket_route(other, "/other")
    app.blueprint(bp)

    async def talk(port: int) -> list[Any]:
        async with connect(url(port, "/chat/room"), subprotocols=["talk"]) as client:
            first = await client.recv()
        async with connect(url(port, "/chat/other")) as client:
            second = await client.recv()
        return [first, second]

    with serve_in_thread(app) as port:
        assert run(talk(port)) == ["/chat/room talk", "added"]
    assert app.url_for("chat.room") == "/chat/room"


def test_add_websocket_route_and_path_parameters(app: Sanic) -> None:
    async def feed(request: Any, ws: Websocket, room: str) -> None:
        await ws.send(f"room {room}")

    app.add_websocket_route(feed, "/feed/<room>")

    async def talk(port: int) -> Any:
        async with connect(url(port, "/feed/blue")) as client:
            return await client.recv()

    with serve_in_thread(app) as port:
        assert run(talk(port)) == "room blue"
    assert app.websocket_enabled


def test_recv_timeout_burst_and_ping(app: Sanic) -> None:
    results: dict[str, Any] = {}

    @app.websocket("/ws")
    async def handler(request: Any, ws: Websocket) -> None:
        results["timeout"] = await ws.recv(timeout=0.05)
        await ws.send("ready")
        await asyncio.sleep(0.3)  # the client sends three messages meanwhile
        results["burst"] = list(await ws.recv_burst())
        results["empty"] = list(await ws.recv_burst())
        pong = await ws.ping()
        await asyncio.wait_for(pong, 5)
        results["pong"] = True
        await ws.close(4000, "done here")

    async def talk(port: int) -> tuple[int | None, str | None]:
        async with connect(url(port)) as client:
            assert await client.recv() == "ready"
            for word in ("a", "b", "c"):
                await client.send(word)
            with pytest.raises(ConnectionClosed):
                await client.recv()
            return client.close_code, client.close_reason

    with serve_in_thread(app, check_still_answers=True) as port:
        assert run(talk(port)) == (4000, "done here")
    assert results == {
        "timeout": None,
        "burst": ["a", "b", "c"],
        "empty": [],
        "pong": True,
    }


def test_send_refuses_other_types(app: Sanic) -> None:
    errors: list[str] = []

    @app.websocket("/ws")
    async def handler(request: Any, ws: Websocket) -> None:
        try:
            await ws.send({"not": "a message"})  # type: ignore[arg-type]
        except TypeError as exc:
            errors.append(str(exc))
        await ws.send("still open")

    async def talk(port: int) -> Any:
        async with connect(url(port)) as client:
            return await client.recv()

    with serve_in_thread(app) as port:
        assert run(talk(port)) == "still open"
    assert errors and "dict" in errors[0]


def test_a_slow_reader_does_not_make_the_server_buffer_without_bound(
    app: Sanic,
) -> None:
    sent: list[int] = []

    @app.websocket("/ws")
    async def flood(request: Any, ws: Websocket) -> None:
        chunk = b"x" * 65536
        for index in range(2000):  # 128 MiB if nothing pushed back
            await ws.send(chunk)
            sent.append(index)

    with serve_in_thread(app) as port:
        sock = socket.create_connection(("127.0.0.1", port), timeout=5)
        try:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 65536)
            sock.sendall(_handshake())
            time.sleep(0.5)  # the client reads nothing meanwhile
            stalled_at = len(sent)
            time.sleep(0.3)
            assert len(sent) == stalled_at  # send() waits: no unbounded buffer
            assert stalled_at < 200
        finally:
            sock.close()


@pytest.mark.parametrize("middleware_waits", [False, True])
def test_frames_sent_with_the_handshake_are_not_lost(
    app: Sanic, middleware_waits: bool
) -> None:
    if middleware_waits:  # the upgrade happens after the head was parsed

        @app.on_request
        async def slow(request: Any) -> None:
            await asyncio.sleep(0.05)

    @app.websocket("/ws")
    async def echo(request: Any, ws: Websocket) -> None:
        await ws.send(f"echo {await ws.recv()}")

    early = Frame(Opcode.TEXT, b"early").serialize(mask=True, extensions=[])
    with serve_in_thread(app, check_still_answers=True) as port:
        # The handshake and the first frame in one packet.
        with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
            sock.sendall(_handshake() + early)
            data = b""
            deadline = time.monotonic() + 5
            while b"echo early" not in data and time.monotonic() < deadline:
                chunk = sock.recv(4096)
                if not chunk:
                    break
                data += chunk
    head, _, rest = data.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 101 ")
    assert b"echo early" in rest
