"""Response objects and the helpers that build them."""

from sanic.response.convenience import (
    empty,
    file,
    file_stream,
    html,
    json,
    raw,
    redirect,
    stream,
    text,
    validate_file,
)
from sanic.response.types import (
    BaseHTTPResponse,
    FileResponse,
    FileStreamResponse,
    HTTPResponse,
    JSONResponse,
    ResponseStream,
    json_dumps,
)

__all__ = [
    "BaseHTTPResponse",
    "FileResponse",
    "FileStreamResponse",
    "HTTPResponse",
    "JSONResponse",
    "ResponseStream",
    "empty",
    "file",
    "file_stream",
    "html",
    "json",
    "json_dumps",
    "raw",
    "redirect",
    "stream",
    "text",
    "validate_file",
]
