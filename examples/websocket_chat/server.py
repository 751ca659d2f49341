"""A websocket chat: open http://127.0.0.1:8000/ in two browser tabs and talk.

``GET /`` serves ``static/index.html``; ``/static/`` serves the page's script
and style; ``/ws`` is the websocket every page connects to. Each text message
a client sends is broadcast, as JSON ``{"id": n, "text": "..."}``, to every
connected client, the sender included: the sender sees its message only once
the server has it.

Run it with ``python examples/websocket_chat/server.py [HOST] [PORT]``; without
arguments it reads ``HOST`` and ``PORT`` from the environment, defaulting to
127.0.0.1 and 8000.

The chat room lives in one process's memory, so the app runs a single worker:
clients connected to different workers would not hear each other.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import os
import sys
from pathlib import Path

from sanic import Request, Sanic, Websocket
from sanic.response import HTTPResponse, file

STATIC = Path(__file__).resolve().parent / "static"
MAX_MESSAGE = 1000  # characters kept from one chat message
SEND_TIMEOUT = 5.0  # a client that can't take a message within this is dropped

app = Sanic("WebsocketChat")
app.config.WEBSOCKET_MAX_SIZE = 16 * 1024  # frames larger than this close the socket
app.static("/static", STATIC, name="assets")

clients: set[Websocket] = set()
message_ids = itertools.count(1)


@app.get("/")
async def index(request: Request) -> HTTPResponse:
    return await file(STATIC / "index.html", mime_type="text/html; charset=utf-8")


@app.websocket("/ws")
async def chat(request: Request, ws: Websocket) -> None:
    clients.add(ws)
    try:
        async for message in ws:
            if isinstance(message, bytes):
                message = message.decode("utf-8", "replace")
            text = message.strip()[:MAX_MESSAGE]
            if text:
                await broadcast(json.dumps({"id": next(message_ids), "text": text}))
    finally:
        clients.discard(ws)


async def broadcast(payload: str) -> None:
    """Send ``payload`` to every client at once; drop those that fail."""
    targets = list(clients)
    results = await asyncio.gather(
        *(asyncio.wait_for(ws.send(payload), SEND_TIMEOUT) for ws in targets),
        return_exceptions=True,
    )
    for ws, result in zip(targets, results, strict=True):
        if isinstance(result, BaseException):
            clients.discard(ws)


def address(argv: list[str]) -> tuple[str, int]:
    """``[HOST] [PORT]`` from the command line, else ``HOST``/``PORT`` from the
    environment."""
    if len(argv) > 2:
        sys.exit("usage: python server.py [HOST] [PORT]")
    host = argv[0] if argv else os.environ.get("HOST", "127.0.0.1")
    port = argv[1] if len(argv) > 1 else os.environ.get("PORT", "8000")
    if not port.isdigit() or int(port) > 65535:
        sys.exit(f"error: the port must be a number from 0 to 65535, not {port!r}")
    return host, int(port)


if __name__ == "__main__":
    host, port = address(sys.argv[1:])
    app.run(host=host, port=port)
