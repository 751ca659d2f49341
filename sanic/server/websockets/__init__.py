"""Websockets on the sans-IO protocol of the ``websockets`` package."""

from sanic.server.websockets.impl import WebsocketImplProtocol

__all__ = ("WebsocketImplProtocol",)
