from sanic.server.async_server import AsyncioServer
from sanic.server.loop import try_use_uvloop
from sanic.server.protocols.http_protocol import HttpProtocol
from sanic.server.runners import serve

__all__ = ["AsyncioServer", "HttpProtocol", "serve", "try_use_uvloop"]
