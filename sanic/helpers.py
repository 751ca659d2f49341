"""Small shared helpers: status phrases, the `_default` sentinel, body rules."""

from __future__ import annotations

from asyncio import CancelledError
from http import HTTPStatus
from typing import Any

# The message of the server's cancellation when a client goes away (the same
# string as sanic.exceptions.CLIENT_GONE, which imports this module).
_CLIENT_GONE = "Request cancelled: the client went away"

STATUS_CODES: dict[int, bytes] = {
    status.value: status.phrase.encode("latin-1") for status in HTTPStatus
}
STATUS_CODES.setdefault(418, b"I'm a teapot")
STATUS_CODES.setdefault(425, b"Too Early")

# Precomputed status lines: one dict lookup per response.
_STATUS_LINES: dict[int, bytes] = {
    code: b"HTTP/1.1 %d %s\r\n" % (code, phrase)
    for code, phrase in STATUS_CODES.items()
}


def status_line(status: int) -> bytes:
    line = _STATUS_LINES.get(status)
    if line is None:
        line = b"HTTP/1.1 %d %s\r\n" % (status, STATUS_CODES.get(status, b"UNKNOWN"))
    return line


def has_message_body(status: int) -> bool:
    """RFC 9110: 1xx, 204 and 304 responses carry no body."""
    return status not in (204, 304) and not (100 <= status < 200)


def is_hop_by_hop_header(name: str) -> bool:
    return name.lower() in _HOP_BY_HOP


_HOP_BY_HOP = frozenset(
    {
        "connection",
        "keep-alive",
        "proxy-authenticate",
        "proxy-authorization",
        "te",
        "trailers",
        "transfer-encoding",
        "upgrade",
    }
)


class Default:
    """A marker for "argument not given", distinct from None."""

    def __repr__(self) -> str:
        return "<Default>"

    def __bool__(self) -> bool:
        return False

    def __str__(self) -> str:
        return "DEFAULT"

    def __reduce__(self) -> str:
        # Pickled (e.g. into a worker process) it comes back as the same sentinel.
        return "_default"


_default: Any = Default()


def json_content_type(content_type: str | None) -> bool:
    return bool(content_type) and "json" in content_type  # type: ignore[operator]


def as_request_cancelled(exc: BaseException) -> BaseException:
    """What a handler is thrown when its task is cancelled.

    The server cancels with the reason `_CLIENT_GONE` when the client went
    away: the handler sees that as what it is, a `RequestCancelled`.
    """
    if exc.__class__ is CancelledError and exc.args == (_CLIENT_GONE,):
        from sanic.exceptions import RequestCancelled

        return RequestCancelled(_CLIENT_GONE)
    return exc


class Resumed:
    """Awaits the rest of a coroutine that was started by hand.

    Handlers start synchronously (no task, no trip through the loop). One that
    suspends has already yielded ``first``, the future it waits on; awaiting
    ``Resumed(coro, first)`` in a task waits on that future and drives the rest
    of the coroutine, forwarding cancellation into it.
    """

    __slots__ = ("coro", "first")

    def __init__(self, coro: Any, first: Any) -> None:
        self.coro = coro
        self.first = first

    def __await__(self) -> Any:
        coro = self.coro
        value = self.first
        while True:
            try:
                yield value
            except BaseException as exc:  # cancellation and the like go inside
                try:
                    value = coro.throw(as_request_cancelled(exc))
                except StopIteration as stop:
                    return stop.value
                continue
            try:
                value = coro.send(None)
            except StopIteration as stop:
                return stop.value
