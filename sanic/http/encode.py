"""Turning a response object into HTTP/1.1 bytes, with no IO.

The common case (no custom headers, no cookies) is one bytes-format operation.
"""

from __future__ import annotations

from typing import Any

from sanic.exceptions import ServerError
from sanic.helpers import has_message_body, status_line

_CT_CACHE: dict[str, bytes] = {}
# Headers the server owns: a user value for these is replaced by the server's.
_SERVER_OWNED = frozenset({"content-length", "transfer-encoding", "connection"})


def _content_type_bytes(content_type: str) -> bytes:
    cached = _CT_CACHE.get(content_type)
    if cached is None:
        cached = _header_value(content_type)
        if len(_CT_CACHE) < 256:
            _CT_CACHE[content_type] = cached
    return cached


def _header_value(value: Any) -> bytes:
    text = value if isinstance(value, str) else str(value)
    if "\n" in text or "\r" in text:
        # A CR/LF in a header value would let a handler split the response.
        raise ServerError(f"Invalid header value {text!r}: it contains a line break")
    return text.encode("utf-8")


def _header_name(name: str) -> bytes:
    if not name or any(c in name for c in " \t\r\n:"):
        raise ServerError(f"Invalid header name {name!r}")
    return name.encode("latin-1")


def encode_head(
    response: Any,
    *,
    keep_alive: bool,
    http10: bool = False,
    content_length: int | None,
    chunked: bool = False,
) -> bytes:
    """The status line and headers; ``content_length`` None means not sent."""
    status = response.status
    parts: list[bytes] = [status_line(status)]
    if http10:
        parts[0] = b"HTTP/1.0" + parts[0][8:]
    headers = response._headers
    user_has_ct = False
    if headers:
        for name, value in headers.items():
            lower = name.lower()
            if lower in _SERVER_OWNED:
                if lower == "content-length" and content_length is None and not chunked:
                    parts.append(b"content-length: " + _header_value(value) + b"\r\n")
                continue
            if lower == "content-type":
                user_has_ct = True
            parts.append(_header_name(name) + b": " + _header_value(value) + b"\r\n")
    cookies = response._cookies
    if cookies is not None:
        for value in cookies.header_values():
            parts.append(b"set-cookie: " + _header_value(value) + b"\r\n")
    has_body = has_message_body(status)
    content_type = response.content_type
    if content_type and not user_has_ct and has_body:
        parts.append(b"content-type: " + _content_type_bytes(content_type) + b"\r\n")
    if has_body:
        if chunked:
            parts.append(b"transfer-encoding: chunked\r\n")
        elif content_length is not None:
            parts.append(b"content-length: %d\r\n" % content_length)
    if not keep_alive:
        parts.append(b"connection: close\r\n")
    elif http10:
        parts.append(b"connection: keep-alive\r\n")
    parts.append(b"\r\n")
    return b"".join(parts)


# (status, content type) -> the head up to the content-length value.
_PREFIXES: dict[tuple[int, str | None], bytes] = {}
_KEEP_ALIVE_END = b"\r\n\r\n"
_CLOSE_END = b"\r\nconnection: close\r\n\r\n"


def _prefix(status: int, content_type: str | None) -> bytes:
    key = (status, content_type)
    prefix = _PREFIXES.get(key)
    if prefix is None:
        prefix = status_line(status)
        if content_type:
            prefix += b"content-type: " + _content_type_bytes(content_type) + b"\r\n"
        prefix += b"content-length: "
        if len(_PREFIXES) < 1024:
            _PREFIXES[key] = prefix
    return prefix


def body_prefix(status: int, content_type: str | None) -> bytes | None:
    """The cached head of a response with a body, up to the content-length value;
    None for a status that has no body (those are never cached)."""
    if status in _NO_BODY_STATUSES:
        return None
    return _prefix(status, content_type)


# Content-length values with the end of the head: ``b"13\r\n\r\n"``. Joining
# cached pieces costs half of what ``b"%d" %`` formatting does.
_LENGTHS: dict[int, bytes] = {}


def length_end(size: int) -> bytes:
    """``b"<size>\r\n\r\n"``, cached for the first sizes seen (bounded)."""
    value = b"%d\r\n\r\n" % size
    if len(_LENGTHS) < 4096:
        _LENGTHS[size] = value
    return value


def encode_response(
    response: Any, keep_alive: bool, head_only: bool = False, http10: bool = False
) -> bytes:
    """A complete response: head and body, ready for one ``transport.write``."""
    body = response.body
    if body is None:
        body = b""
    status = response.status
    if response._headers is None and response._cookies is None and not http10:
        # The common case: status, type and length only.
        if status in _NO_BODY_STATUSES:
            return status_line(status) + (
                b"\r\n" if keep_alive else b"connection: close\r\n\r\n"
            )
        prefix = _PREFIXES.get((status, response.content_type))
        if prefix is None:
            prefix = _prefix(status, response.content_type)
        return b"%s%d%s%s" % (
            prefix,
            len(body),
            _KEEP_ALIVE_END if keep_alive else _CLOSE_END,
            b"" if head_only else body,
        )
    has_body = has_message_body(status)
    head = encode_head(
        response,
        keep_alive=keep_alive,
        http10=http10,
        content_length=len(body) if has_body else None,
    )
    if head_only or not has_body:
        return head
    return head + body


_NO_BODY_STATUSES = frozenset(
    [100, 101, 102, 103, 204, 304] + [code for code in range(100, 200)]
)


def encode_chunk(data: bytes) -> bytes:
    return b"%x\r\n%s\r\n" % (len(data), data) if data else b""


CHUNKED_END = b"0\r\n\r\n"
