"""Cancellation: the server's own ends a request silently; a CancelledError
raised by handler code is an error like any other."""

from __future__ import annotations

import asyncio
import socket
import time

from sanic import Sanic
from sanic.response import text
from tests.server_thread import serve_in_thread


def test_cancelled_error_raised_by_handler_code_reaches_the_error_handler(
    app: Sanic,
) -> None:
    @app.exception(asyncio.CancelledError)
    async def on_cancel(request, exception):
        return text("handled a cancellation", status=499)

    @app.get("/")
    async def handler(request):
        async def inner():
            await asyncio.sleep(3600)

        task = asyncio.ensure_future(inner())
        await asyncio.sleep(0)
        task.cancel()
        await task  # raises CancelledError in this handler

    _, response = app.test_client.get("/")
    assert response.status == 499
    assert response.text == "handled a cancellation"


def test_client_going_away_cancels_the_handler_with_request_cancelled(
    app: Sanic,
) -> None:
    seen: list[str] = []

    @app.get("/")
    async def handler(request):
        try:
            await asyncio.sleep(3600)
        except asyncio.CancelledError:
            seen.append("cancelled")
            raise
        return text("never")

    @app.exception(Exception)
    async def any_error(request, exception):
        seen.append(f"error handler {exception!r}")
        return text("no", status=500)

    with serve_in_thread(app) as port:
        client = socket.create_connection(("127.0.0.1", port), timeout=5)
        client.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        time.sleep(0.2)
        client.close()
        deadline = time.monotonic() + 5
        while not seen and time.monotonic() < deadline:
            time.sleep(0.02)
        time.sleep(0.1)
    assert seen == ["cancelled"]


def test_the_handler_itself_sees_request_cancelled_when_the_client_leaves(
    app: Sanic,
) -> None:
    from sanic.exceptions import RequestCancelled

    seen: list[str] = []
    cleaned = asyncio.Event()

    @app.get("/")
    async def handler(request):
        try:
            await asyncio.sleep(3600)
        except RequestCancelled:
            seen.append("RequestCancelled")
            raise
        finally:
            cleaned.set()
        return text("never")

    @app.get("/alive")
    async def alive(request):
        return text("yes")

    with serve_in_thread(app) as port:
        client = socket.create_connection(("127.0.0.1", port), timeout=5)
        client.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        time.sleep(0.2)
        client.close()
        deadline = time.monotonic() + 5
        while not seen and time.monotonic() < deadline:
            time.sleep(0.02)
        # The server goes on answering.
        other = socket.create_connection(("127.0.0.1", port), timeout=5)
        other.sendall(b"GET /alive HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        reply = b""
        while chunk := other.recv(4096):
            reply += chunk
        other.close()
    assert seen == ["RequestCancelled"]
    assert cleaned.is_set()
    assert reply.startswith(b"HTTP/1.1 200") and reply.endswith(b"yes")
