"""Sanic: a from-scratch, drop-in implementation of the Sanic web framework."""

from typing import TYPE_CHECKING

from sanic.__version__ import __version__
from sanic.app import Sanic
from sanic.blueprints import Blueprint
from sanic.config import Config
from sanic.constants import HTTPMethod
from sanic.exceptions import (
    BadRequest,
    ExpectationFailed,
    FileNotFound,
    Forbidden,
    HeaderNotFound,
    InternalServerError,
    InvalidHeader,
    MethodNotAllowed,
    NotFound,
    RangeNotSatisfiable,
    SanicException,
    ServerError,
    ServiceUnavailable,
    Unauthorized,
)
from sanic.request import Request
from sanic.response import (
    HTTPResponse,
    empty,
    file,
    html,
    json,
    raw,
    redirect,
    text,
)

__all__ = [
    "BadRequest",
    "Blueprint",
    "Config",
    "ExpectationFailed",
    "FileNotFound",
    "Forbidden",
    "HTTPMethod",
    "HTTPResponse",
    "HeaderNotFound",
    "InternalServerError",
    "InvalidHeader",
    "MethodNotAllowed",
    "NotFound",
    "RangeNotSatisfiable",
    "Request",
    "Sanic",
    "SanicException",
    "ServerError",
    "ServiceUnavailable",
    "Unauthorized",
    "Websocket",
    "__version__",
    "empty",
    "enable_auto_reload",
    "file",
    "html",
    "json",
    "raw",
    "redirect",
    "text",
]

if TYPE_CHECKING:  # type checkers see the names loaded lazily below
    from sanic.server.websockets.impl import WebsocketImplProtocol as Websocket
    from sanic.worker.reloader import enable_auto_reload


def __getattr__(name: str) -> object:
    # The seed's auto-reload helper, imported only when asked for.
    if name == "enable_auto_reload":
        from sanic.worker.reloader import enable_auto_reload

        return enable_auto_reload
    if name == "Websocket":  # the websockets package loads only when used
        from sanic.server.websockets.impl import WebsocketImplProtocol

        return WebsocketImplProtocol
    raise AttributeError(f"module 'sanic' has no attribute {name!r}")
