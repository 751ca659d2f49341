"""The opening handshake: a routed HTTP request becomes a websocket.

`websockets.server.ServerProtocol.accept` checks the request (method, HTTP
version, Connection/Upgrade, Sec-WebSocket-Key and -Version, subprotocols);
a request it refuses is answered through the app's error handling with the
status it chose (426 for a plain HTTP request, 400 for a bad key or version).
"""

from __future__ import annotations

from typing import Any, Sequence

from websockets.datastructures import Headers
from websockets.http11 import Request as WsRequest
from websockets.protocol import State
from websockets.server import ServerProtocol
from websockets.typing import Subprotocol

from sanic.exceptions import SanicException
from sanic.server.websockets.impl import WebsocketImplProtocol


class WebsocketHandshakeError(SanicException):
    """The client's opening handshake was refused (status chosen by websockets)."""

    quiet = True


def _number(value: Any) -> float | None:
    return float(value) if value else None


def accept_websocket(
    request: Any, subprotocols: Sequence[str] | None = None
) -> WebsocketImplProtocol:
    """Answer ``request`` with 101 Switching Protocols and return the websocket.

    Raises `WebsocketHandshakeError` (a 4xx) when the handshake is invalid.
    """
    stream = request.stream
    protocol = getattr(stream, "protocol", None)
    if protocol is None or not hasattr(protocol, "attach_websocket"):
        # Not a connection that can switch protocols (an ASGI http scope).
        raise WebsocketHandshakeError(
            "Upgrade Required: this route speaks websocket",
            status_code=426,
            headers={"Upgrade": "websocket"},
        )
    config = request.app.config
    # The request was parsed by the HTTP layer: one ServerProtocol checks and
    # negotiates the handshake, a second one, opened with its outcome, speaks
    # the frames (a ServerProtocol otherwise expects to parse the request).
    handshake = ServerProtocol(
        subprotocols=[Subprotocol(p) for p in subprotocols] if subprotocols else None
    )
    # Checked here, not by websockets: its accept() checks them from 17.0
    # only, and Python 3.10 gets 16.x.
    if request.method != "GET":
        raise WebsocketHandshakeError(
            "Failed to open a WebSocket connection: "
            f"unsupported HTTP method: {request.method}.",
            status_code=405,
            headers={"Allow": "GET"},
        )
    if request.version != "1.1":
        raise WebsocketHandshakeError(
            "Failed to open a WebSocket connection: "
            f"unsupported HTTP version: HTTP/{request.version}.",
            status_code=505,
        )
    headers = Headers(list(request.headers.items()))
    ws_request = WsRequest(path=request.raw_url.decode("latin-1"), headers=headers)
    response = handshake.accept(ws_request)
    if response.status_code != 101:
        extra = {
            name: value
            for name, value in response.headers.raw_items()
            if name.lower() in ("upgrade", "allow", "sec-websocket-version")
        }
        if response.status_code == 400 and "Sec-WebSocket-Version" in str(
            handshake.handshake_exc
        ):
            extra["Sec-WebSocket-Version"] = "13"
        text = response.body.decode("utf-8", "replace").strip().splitlines()
        raise WebsocketHandshakeError(
            text[0] if text else response.reason_phrase,
            status_code=response.status_code,
            headers=extra,
        )
    protocol.write(response.serialize())
    request.responded = True  # no HTTP response follows this one
    max_size = config.WEBSOCKET_MAX_SIZE
    ws_proto = ServerProtocol(
        state=State.OPEN, max_size=int(max_size) if max_size else None
    )
    ws_proto.subprotocol = handshake.subprotocol
    ws_proto.extensions = handshake.extensions  # none: no compression offered
    ws = WebsocketImplProtocol(
        ws_proto,
        protocol,
        ping_interval=_number(config.WEBSOCKET_PING_INTERVAL),
        ping_timeout=_number(config.WEBSOCKET_PING_TIMEOUT),
    )
    protocol.attach_websocket(ws)
    return ws
