"""One exception hierarchy; each class knows its status code and whether it is quiet.

A quiet exception is an expected outcome (a 404, a bad request) and is not logged
with a traceback.
"""

from __future__ import annotations

from asyncio import CancelledError
from collections.abc import Mapping, Sequence
from typing import Any

from sanic.helpers import _CLIENT_GONE, STATUS_CODES

# Why the server cancels a handler's task (the CancelledError's message).
CLIENT_GONE = _CLIENT_GONE
RESPONSE_TIMED_OUT = "Request cancelled: the response timed out"


class RequestCancelled(CancelledError):
    """The client went away while its request was being handled."""

    quiet = True


class ServerKilled(Exception):
    """The server was killed rather than shut down gracefully."""


class SanicException(Exception):
    """The base of every exception that becomes an HTTP response.

    ``context`` is shown to clients in the error page; ``extra`` only in debug mode.
    """

    status_code: int = 500
    quiet: bool | None = False
    headers: dict[str, str] = {}
    message: str = ""

    def __init__(
        self,
        message: str | bytes | None = None,
        status_code: int | None = None,
        *,
        quiet: bool | None = None,
        context: dict[str, Any] | None = None,
        extra: dict[str, Any] | None = None,
        headers: Mapping[str, Any] | None = None,
    ) -> None:
        self.context = context
        self.extra = extra
        # Unless given, each comes from the class (or from a subclass that set
        # it on the instance before calling this).
        self.status_code = status_code or self.status_code or 500
        self.quiet = quiet if quiet is not None else self.quiet
        self.headers = {**self.headers, **(headers or {})}
        if isinstance(message, bytes):
            message = message.decode("utf-8", "replace")
        if isinstance(getattr(self.__class__, "message", None), property):
            # A subclass computing its message (from ``extra``, say) keeps it.
            message = self.message
        else:
            if message is None:
                message = self.message or _phrase(self.status_code)
            self.message = message
        super().__init__(message)


def _phrase(status: int) -> str:
    phrase = STATUS_CODES.get(status)
    return phrase.decode("latin-1") if phrase else ""


class HTTPException(SanicException):
    """A base for the exceptions that map directly onto an HTTP status."""


class NotFound(HTTPException):
    """404 Not Found."""

    status_code = 404
    quiet = True


class BadRequest(HTTPException):
    """400 Bad Request."""

    status_code = 400
    quiet = True


InvalidUsage = BadRequest


class BadURL(BadRequest):
    """400: the URL could not be parsed."""


class MethodNotAllowed(HTTPException):
    """405 Method Not Allowed, with an ``Allow`` header listing the allowed methods."""

    status_code = 405
    quiet = True

    def __init__(
        self,
        message: str | bytes | None = None,
        method: str = "",
        allowed_methods: Sequence[str] | None = None,
        *,
        quiet: bool | None = None,
        context: dict[str, Any] | None = None,
        extra: dict[str, Any] | None = None,
        headers: Mapping[str, Any] | None = None,
    ) -> None:
        allow = dict(headers or {})
        if allowed_methods:
            allow["Allow"] = ", ".join(sorted(allowed_methods))
        super().__init__(
            message, quiet=quiet, context=context, extra=extra, headers=allow
        )
        self.method = method
        self.allowed_methods = allowed_methods


MethodNotSupported = MethodNotAllowed


class ServerError(HTTPException):
    """500 Internal Server Error."""

    status_code = 500


InternalServerError = ServerError


class ServiceUnavailable(HTTPException):
    """503 Service Unavailable."""

    status_code = 503
    quiet = True


class URLBuildError(HTTPException):
    """``url_for`` could not build a URL from the arguments given."""

    status_code = 500


class FileNotFound(NotFound):
    """404: a file to serve does not exist."""

    def __init__(
        self,
        message: str | bytes | None = None,
        path: Any = None,
        relative_url: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(message, **kwargs)
        self.path = path
        self.relative_url = relative_url


class RequestTimeout(HTTPException):
    """408: the client did not send its request in time."""

    status_code = 408
    quiet = True


class PayloadTooLarge(HTTPException):
    """413: the request body is larger than REQUEST_MAX_SIZE."""

    status_code = 413
    quiet = True


class URITooLong(HTTPException):
    """414: the request target is too long."""

    status_code = 414
    quiet = True


class HeaderNotFound(BadRequest):
    """400: a required header is missing."""


class InvalidHeader(BadRequest):
    """400: a header could not be parsed."""


class RangeNotSatisfiable(HTTPException):
    """416, with ``Content-Range: bytes */<total>``."""

    status_code = 416
    quiet = True

    def __init__(
        self,
        message: str | bytes | None = None,
        content_range: Any = None,
        **kwargs: Any,
    ) -> None:
        headers = dict(kwargs.pop("headers", None) or {})
        if content_range is not None and not headers:
            total = getattr(content_range, "total", content_range)
            headers = {"Content-Range": f"bytes */{total}"}
        super().__init__(message, headers=headers, **kwargs)


ContentRangeError = RangeNotSatisfiable


class InvalidRangeType(RangeNotSatisfiable):
    """416: the Range header uses a unit other than bytes."""


class ExpectationFailed(HTTPException):
    """417: an ``Expect`` header the server cannot meet."""

    status_code = 417
    quiet = True


HeaderExpectationFailed = ExpectationFailed


class Forbidden(HTTPException):
    """403 Forbidden."""

    status_code = 403
    quiet = True


class Unauthorized(HTTPException):
    """401, with a ``WWW-Authenticate`` challenge built from ``scheme`` and kwargs.

    ``Unauthorized("Auth required.", scheme="Basic", realm="Restricted Area")``
    answers ``WWW-Authenticate: Basic realm="Restricted Area"``; with
    ``scheme="Bearer"`` alone, just ``Bearer``.
    """

    status_code = 401
    quiet = True

    def __init__(
        self,
        message: str | bytes | None = None,
        scheme: str | None = None,
        *,
        quiet: bool | None = None,
        context: dict[str, Any] | None = None,
        extra: dict[str, Any] | None = None,
        headers: Mapping[str, Any] | None = None,
        **challenges: Any,
    ) -> None:
        all_headers = dict(headers or {})
        if scheme:
            params = ", ".join(f'{key}="{value}"' for key, value in challenges.items())
            all_headers["WWW-Authenticate"] = f"{scheme} {params}".rstrip()
        super().__init__(
            message, quiet=quiet, context=context, extra=extra, headers=all_headers
        )


class LoadFileException(SanicException):
    """A configuration file could not be loaded."""


class PyFileError(SanicException):
    """A Python configuration file failed while it was being executed."""

    def __init__(
        self, file: str, status_code: int | None = None, **kwargs: Any
    ) -> None:
        super().__init__(f"could not execute config file {file}", status_code, **kwargs)


class InvalidSignal(SanicException):
    """A signal name is malformed or uses a reserved namespace."""


class WebsocketClosed(SanicException):
    """The websocket peer closed the connection."""

    quiet = True
    message = "Client has closed the websocket connection"


class SanicIsADirectoryError(SanicException):
    """A directory was requested where a file was expected."""
