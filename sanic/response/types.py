"""Response objects: what a handler returns and the server serializes.

The server reads ``status``, ``body`` (bytes), ``content_type``, ``_headers`` and
``_cookies``. The last two stay None until used, so the common response costs no
multidict and no cookie jar.
"""

from __future__ import annotations

import json as stdlib_json
from collections.abc import Awaitable, Callable, Iterator, Mapping
from datetime import datetime
from typing import Any

import orjson

from sanic.compat import Header
from sanic.cookies.response import Cookie, CookieJar
from sanic.exceptions import SanicException, ServerError
from sanic.helpers import _default, has_message_body

__all__ = [
    "BaseHTTPResponse",
    "FileResponse",
    "FileStreamResponse",
    "HTTPResponse",
    "JSONResponse",
    "ResponseStream",
    "json_dumps",
]

# ---- JSON encoding -------------------------------------------------------------

_orjson_dumps = orjson.dumps
_OrjsonError = orjson.JSONEncodeError


def _orjson_options(kwargs: dict[str, Any]) -> tuple[int, Any] | None:
    """Translate json.dumps keywords to orjson (option, default); None if impossible."""
    option = 0
    default = None
    indent = kwargs.get("indent")
    for key, value in kwargs.items():
        if key == "indent":
            if value is None:
                continue
            if value == 2 and not isinstance(value, bool):
                option |= orjson.OPT_INDENT_2
            else:
                return None
        elif key == "sort_keys":
            if value:
                option |= orjson.OPT_SORT_KEYS
        elif key == "default":
            default = value
        elif key == "option":
            option |= value
        elif key == "ensure_ascii":
            if value:
                return None
        elif key == "separators":
            if value is None or (indent is None and tuple(value) == (",", ":")):
                continue
            return None
        else:
            return None
    return option, default


def _stdlib_encode(obj: Any, kwargs: dict[str, Any]) -> bytes:
    """The stdlib fallback, compact and UTF-8 like orjson unless told otherwise."""
    if kwargs.get("indent") is None:
        kwargs = {"separators": (",", ":"), **kwargs}
    kwargs = {"ensure_ascii": False, **kwargs}
    return stdlib_json.dumps(obj, **kwargs).encode()


def _default_encode(obj: Any, kwargs: dict[str, Any]) -> bytes:
    """orjson when the keywords allow it, else the stdlib with the same keywords.

    orjson refuses some things the stdlib accepts (non-str dict keys, integers
    over 64 bits); those fall back to the stdlib too.
    """
    if not kwargs:
        try:
            return _orjson_dumps(obj)
        except _OrjsonError:
            return _stdlib_encode(obj, kwargs)
    translated = _orjson_options(kwargs)
    if translated is None:
        return _stdlib_encode(obj, kwargs)
    option, default = translated
    try:
        return _orjson_dumps(obj, default=default, option=option or None)
    except _OrjsonError:
        if "option" in kwargs:
            raise
        return _stdlib_encode(obj, kwargs)


def json_dumps(obj: Any, **kwargs: Any) -> str:
    """Sanic's default JSON encoder: a compact JSON ``str``.

    Accepts the ``json.dumps`` keywords (``indent``, ``sort_keys``, ``default``...).
    """
    return _default_encode(obj, kwargs).decode()


def _encode_json(obj: Any, dumps: Callable[..., Any], kwargs: dict[str, Any]) -> bytes:
    if dumps is json_dumps:
        return _default_encode(obj, kwargs)
    out = dumps(obj, **kwargs)
    if out.__class__ is bytes:
        return out
    if isinstance(out, str):
        return out.encode()
    return bytes(out)


# ---- bodies and streams -------------------------------------------------------


def _encode_body(body: Any) -> bytes:
    if body is None:
        return b""
    if isinstance(body, str):
        return body.encode()
    if isinstance(body, (bytes, bytearray, memoryview)):
        return bytes(body)
    encode = getattr(body, "encode", None)
    if encode is not None:
        return encode()
    raise TypeError(
        f"Response body must be str, bytes or None, not {type(body).__name__}"
    )


class _EndedStream:
    """Stands in for the stream once the response ended: eof() again is a no-op."""

    __slots__ = ()

    async def send(self, data: bytes, end_stream: bool | None = None) -> None:
        if data:
            raise ServerError(
                "Response stream was ended, no more response data is allowed to be sent."
            )


_ENDED = _EndedStream()


class BaseHTTPResponse:
    """What every response shares: status, headers, cookies and the send channel."""

    __slots__ = ("status", "body", "content_type", "_headers", "_cookies", "stream")

    # The JSON encoder used when none is given per call. ``Sanic(dumps=...)`` sets
    # it on this class; read it through the class so a function is not bound.
    _dumps: Callable[..., str | bytes] = staticmethod(json_dumps)

    def __init__(self) -> None:
        self.status = 200
        self.body: bytes | None = None
        self.content_type: str | None = None
        self._headers: Header | None = None
        self._cookies: CookieJar | None = None
        self.stream: Any = None

    def __repr__(self) -> str:
        return f"<{self.__class__.__name__}: {self.status} {self.content_type}>"

    # ---- headers and cookies, created on first use ----------------------------

    @property
    def headers(self) -> Header:
        headers = self._headers
        if headers is None:
            headers = self._headers = Header()
        return headers

    @headers.setter
    def headers(self, value: Mapping[str, Any] | None) -> None:
        if value is None or isinstance(value, Header):
            self._headers = value
        else:
            self._headers = Header(value)

    @property
    def cookies(self) -> CookieJar:
        """The response's cookie jar; each cookie becomes a ``Set-Cookie`` header."""
        jar = self._cookies
        if jar is None:
            jar = self._cookies = CookieJar(self._headers)
        return jar

    def add_cookie(
        self,
        key: str,
        value: str,
        *,
        path: str = "/",
        domain: str | None = None,
        secure: bool = True,
        max_age: int | None = None,
        expires: datetime | None = None,
        httponly: bool = False,
        samesite: str | None = "Lax",
        partitioned: bool = False,
        comment: str | None = None,
        host_prefix: bool = False,
        secure_prefix: bool = False,
    ) -> Cookie:
        """Set a cookie on the response; see ``CookieJar.add_cookie``."""
        return self.cookies.add_cookie(
            key,
            value,
            path=path,
            domain=domain,
            secure=secure,
            max_age=max_age,
            expires=expires,
            httponly=httponly,
            samesite=samesite,
            partitioned=partitioned,
            comment=comment,
            host_prefix=host_prefix,
            secure_prefix=secure_prefix,
        )

    def delete_cookie(
        self,
        key: str,
        *,
        path: str = "/",
        domain: str | None = None,
        host_prefix: bool = False,
        secure_prefix: bool = False,
    ) -> None:
        """Tell the browser to drop a cookie (an empty cookie with Max-Age=0)."""
        self.cookies.delete_cookie(
            key,
            path=path,
            domain=domain,
            host_prefix=host_prefix,
            secure_prefix=secure_prefix,
        )

    @property
    def processed_headers(self) -> Iterator[tuple[bytes, bytes]]:
        """All response headers as (name, value) bytes, with content-type and cookies.

        The server does not use this; it is for tools that want the full list.
        """
        return self._processed_headers()

    def _processed_headers(self) -> Iterator[tuple[bytes, bytes]]:
        has_type = False
        if self._headers:
            for name, value in self._headers.items():
                has_type = has_type or name.lower() == "content-type"
                yield name.encode("latin-1"), str(value).encode()
        if self.content_type and not has_type and has_message_body(self.status):
            yield b"content-type", self.content_type.encode()
        if self._cookies is not None:
            for value in self._cookies.header_values():
                yield b"set-cookie", value.encode()

    # ---- sending ----------------------------------------------------------------

    async def send(
        self, data: str | bytes | None = None, end_stream: bool | None = None
    ) -> None:
        """Send (part of) the body. With no arguments, end the response.

        ``end_stream`` defaults to True only when ``data`` is None, so an empty
        ``write("")`` does not end a stream.
        """
        stream = self.stream
        if stream is None:
            raise SanicException(
                "No stream is connected to the response object instance."
            )
        if end_stream is None:
            end_stream = data is None
        if data is None:
            data = b""
        elif data.__class__ is not bytes:
            data = data.encode() if isinstance(data, str) else bytes(data)
        await stream.send(data, end_stream=end_stream)
        if end_stream:
            self.stream = _ENDED

    async def eof(self) -> None:
        """End the response."""
        await self.send(None, True)


class HTTPResponse(BaseHTTPResponse):
    """A complete response. A str body is encoded as UTF-8 once, here."""

    __slots__ = ()

    def __init__(
        self,
        body: str | bytes | None = None,
        status: int = 200,
        headers: Mapping[str, Any] | None = None,
        content_type: str | None = None,
    ) -> None:
        self.body = body if body.__class__ is bytes else _encode_body(body)
        self.status = status
        self.content_type = content_type
        self._headers = Header(headers) if headers else None
        self._cookies = None
        self.stream = None


class JSONResponse(HTTPResponse):
    """A JSON response that remembers the Python object it encodes.

    ``raw_body`` is that object; assigning it (or calling ``set_body``, ``append``,
    ``extend``, ``update``, ``pop``) re-encodes ``body``.
    """

    __slots__ = ("_raw_body", "_raw_encoded", "_use_dumps", "_use_dumps_kwargs")

    def __init__(
        self,
        body: Any = None,
        status: int = 200,
        headers: Mapping[str, Any] | None = None,
        content_type: str | None = "application/json",
        dumps: Callable[..., str | bytes] | None = None,
        **kwargs: Any,
    ) -> None:
        if dumps is None:
            dumps = self.__class__._dumps
        self._use_dumps = dumps
        self._use_dumps_kwargs = kwargs
        self._raw_body = body
        self.body = self._raw_encoded = _encode_json(body, dumps, kwargs)
        self.status = status
        self.content_type = content_type
        self._headers = Header(headers) if headers else None
        self._cookies = None
        self.stream = None

    def _set(
        self, body: Any, dumps: Callable[..., Any], kwargs: dict[str, Any]
    ) -> None:
        self.body = self._raw_encoded = _encode_json(body, dumps, kwargs)
        self._raw_body = body

    @property
    def raw_body(self) -> Any:
        """The Python object behind ``body``.

        Not available once ``body`` was assigned directly. Mutating the object in
        place does not change ``body``: use the methods, or assign ``raw_body``.
        """
        # Identity, not equality: any direct assignment to body replaces the object.
        if self.body is not self._raw_encoded:
            raise SanicException(
                "Cannot get raw_body after the body was set directly; "
                "use set_body() or assign raw_body instead."
            )
        return self._raw_body

    @raw_body.setter
    def raw_body(self, value: Any) -> None:
        self._set(value, self._use_dumps, self._use_dumps_kwargs)

    def set_body(
        self,
        body: Any,
        dumps: Callable[..., str | bytes] | None = None,
        **dumps_kwargs: Any,
    ) -> None:
        """Encode ``body`` with ``dumps`` (default: the one given at creation)."""
        if dumps is None:
            self._set(body, self._use_dumps, dumps_kwargs or self._use_dumps_kwargs)
        else:
            self._set(body, dumps, dumps_kwargs)

    def _raw_of(self, kind: type, action: str) -> Any:
        raw = self.raw_body
        if not isinstance(raw, kind):
            raise SanicException(
                f"Cannot {action} a JSON body of type {type(raw).__name__}; "
                f"it must be a {kind.__name__}."
            )
        return raw

    def append(self, value: Any) -> None:
        """Append to a list body."""
        raw = self._raw_of(list, "append to")
        raw.append(value)
        self.raw_body = raw

    def extend(self, value: Any) -> None:
        """Extend a list body."""
        raw = self._raw_of(list, "extend")
        raw.extend(value)
        self.raw_body = raw

    def update(self, *args: Any, **kwargs: Any) -> None:
        """Update a dict body, like ``dict.update``."""
        raw = self._raw_of(dict, "update")
        raw.update(*args, **kwargs)
        self.raw_body = raw

    def pop(self, key: Any, default: Any = _default) -> Any:
        """Pop a key from a dict body, or an index from a list body."""
        raw = self.raw_body
        if isinstance(raw, dict):
            value = raw.pop(key) if default is _default else raw.pop(key, default)
        elif isinstance(raw, list):
            if default is not _default:
                raise SanicException(
                    "Cannot pop from a list body with a default value."
                )
            value = raw.pop(key)
        else:
            raise SanicException(
                f"Cannot pop from a JSON body of type {type(raw).__name__}; "
                "it must be a dict or a list."
            )
        self.raw_body = raw
        return value


def _fill(
    response: Any,
    body: bytes | None,
    status: int,
    headers: Mapping[str, Any] | None,
    content_type: str | None,
) -> Any:
    """Set the fields every response has, on one made without its constructor."""
    response.body = body
    response.status = status
    response.content_type = content_type
    response._headers = Header(headers) if headers else None
    response._cookies = None
    response.stream = None
    return response


class ResponseStream(BaseHTTPResponse):
    """A response whose body ``streaming_fn(response)`` writes piece by piece.

    The server sends the head, calls ``streaming_fn`` and then ends the response.
    """

    __slots__ = ("streaming_fn",)

    def __init__(
        self,
        streaming_fn: Callable[[ResponseStream], Awaitable[None]],
        status: int = 200,
        headers: Mapping[str, Any] | None = None,
        content_type: str | None = "text/plain; charset=utf-8",
    ) -> None:
        self.streaming_fn = streaming_fn
        _fill(self, None, status, headers, content_type)

    async def write(self, data: str | bytes) -> None:
        """Send a piece of the body."""
        await self.send(data, False)


# ---- files ------------------------------------------------------------------------


# The smallest piece the server reads a file in when it cannot use sendfile.
MIN_SERVER_CHUNK = 64 * 1024


class FileResponse(HTTPResponse):
    """A file's bytes, read whole (``file()`` for small files).

    ``file_path`` is the file's absolute path when the body is the whole file
    (not a range, not a 304), else None: an ASGI server offering
    ``http.response.pathsend`` is given the path instead of the bytes.
    """

    __slots__ = ("file_path",)

    def __init__(
        self,
        body: bytes | None = None,
        status: int = 200,
        headers: Mapping[str, Any] | None = None,
        content_type: str | None = None,
        file_path: str | None = None,
    ) -> None:
        super().__init__(body, status, headers, content_type)
        self.file_path = file_path


class FileStreamResponse(ResponseStream, HTTPResponse):
    """A body of ``count`` bytes of an open file from ``offset``, sent by the
    server without reading it into memory (``file()`` for large files,
    ``file_stream()``, large static files).

    It is a ``ResponseStream`` (the server streams it) and an ``HTTPResponse``
    (what ``file()`` is documented to return); ``body`` stays None. The file
    is closed once sent, or when the response is dropped unsent.
    ``file_path`` is as for ``FileResponse``.
    """

    __slots__ = ("file_path", "fileobj", "offset", "count", "chunk_size")

    def __init__(
        self,
        fileobj: Any,
        offset: int,
        count: int,
        status: int = 200,
        headers: Mapping[str, Any] | None = None,
        content_type: str | None = None,
        chunk_size: int = 262144,
        file_path: str | None = None,
    ) -> None:
        _fill(self, None, status, headers, content_type)
        self.headers["Content-Length"] = str(count)
        self.streaming_fn = _send_file_body
        self.fileobj = fileobj
        self.offset = offset
        self.count = count
        self.chunk_size = chunk_size
        self.file_path = file_path


async def _send_file_body(response: ResponseStream) -> None:
    """The streaming function of a ``FileStreamResponse``."""
    assert isinstance(response, FileStreamResponse)
    await send_file_body(
        response, response.fileobj, response.offset, response.count, response.chunk_size
    )


async def send_file_body(
    response: ResponseStream, fileobj: Any, offset: int, count: int, chunk_size: int
) -> None:
    """Send ``count`` bytes of ``fileobj`` from ``offset`` as the body of
    ``response`` (a stream the server has bound), then close the file.

    The server's HTTP/1.1 connections send it zero-copy where they can; any
    other channel (ASGI, a test stand-in) gets ``chunk_size`` pieces.
    """
    try:
        stream = response.stream
        send_file = getattr(stream, "send_file", None)
        if send_file is not None:
            # Reads there happen only under TLS; pieces of a few KiB (Sanic's
            # default chunk_size) would cost a thread hop each.
            await send_file(fileobj, offset, count, max(chunk_size, MIN_SERVER_CHUNK))
            return
        request = getattr(stream, "request", None)
        if request is not None and getattr(request, "method", None) == "HEAD":
            return
        from sanic.response.file_body import read_chunks

        sent = 0
        async for chunk in read_chunks(fileobj, offset, count, chunk_size):
            await response.write(chunk)
            sent += len(chunk)
        if sent < count and request is not None:
            # Shorter than its Content-Length: the connection must not be reused.
            request._keep_alive = False
    finally:
        fileobj.close()
