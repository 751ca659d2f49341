"""The server protocol for apps with websocket routes.

Every `HttpProtocol` connection can switch to a websocket (the upgrade is
handled by the route, see ``sanic.server.websockets``); this class keeps
Sanic's import path and names for code that picks or subclasses it.
"""

from __future__ import annotations

from typing import Any, Sequence

from sanic.server.protocols.http_protocol import HttpProtocol
from sanic.server.websockets.impl import WebsocketImplProtocol


class WebSocketProtocol(HttpProtocol):
    """`HttpProtocol`, with the websocket of an upgraded connection at hand."""

    __slots__ = ()

    @property
    def websocket(self) -> WebsocketImplProtocol | None:
        """The websocket this connection became, if it did."""
        return self._websocket  # type: ignore[no-any-return]

    async def websocket_handshake(
        self, request: Any, subprotocols: Sequence[str] | None = None
    ) -> WebsocketImplProtocol:
        """Answer ``request`` with 101 Switching Protocols; the websocket."""
        from sanic.server.websockets.handshake import accept_websocket

        return accept_websocket(request, subprotocols)
