"""An app with websocket routes, for an ASGI server process (uvicorn)."""

from __future__ import annotations

from typing import Any

from sanic import Sanic, text
from sanic.exceptions import Forbidden

app = Sanic("asgi_websockets")


@app.get("/")
async def index(request: Any) -> Any:
    return text("ok")


@app.on_request
async def guard(request: Any) -> None:
    if request.args.get("deny"):
        raise Forbidden("denied")


@app.websocket("/echo", subprotocols=["chat"])
async def echo(request: Any, ws: Any) -> None:
    await ws.send(f"subprotocol={ws.subprotocol}")
    async for msg in ws:
        await ws.send(msg)


@app.websocket("/boom")
async def boom(request: Any, ws: Any) -> None:
    await ws.recv()
    raise ValueError("boom")
