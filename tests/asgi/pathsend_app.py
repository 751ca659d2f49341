"""A static-files app for the pathsend smoke test, served by a real ASGI server.

``PATHSEND_TEST_DIR`` is the directory served at ``/static``;
``PATHSEND_TEST_EVENTS`` names a file that gets, one per line, the type of
each ASGI message the app sends for an HTTP request (``app`` wraps the Sanic
app's ``send``). That is how the test tells a file sent by path
(``http.response.pathsend``) from one streamed as body messages: the client
gets the same bytes either way.
"""

from __future__ import annotations

import os
from typing import Any

from sanic import Sanic

sanic_app = Sanic("pathsend_smoke")
sanic_app.static(
    "/static",
    os.environ.get("PATHSEND_TEST_DIR", "."),
    stream_large_files=True,
    use_content_range=True,
)
EVENTS = os.environ.get("PATHSEND_TEST_EVENTS", "")


def _record(line: str) -> None:
    if EVENTS:
        with open(EVENTS, "a") as handle:
            handle.write(line + "\n")


async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    """The Sanic app, with each HTTP message it sends recorded."""
    if scope["type"] != "http":
        await sanic_app(scope, receive, send)
        return

    async def recording_send(message: dict[str, Any]) -> None:
        kind = message["type"]
        _record(f"{kind} {message['path']}" if kind.endswith("pathsend") else kind)
        await send(message)

    await sanic_app(scope, receive, recording_send)
