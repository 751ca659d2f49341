"""Sanic: a from-scratch, drop-in implementation of the Sanic web framework."""

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
    "__version__",
    "empty",
    "file",
    "html",
    "json",
    "raw",
    "redirect",
    "text",
]
