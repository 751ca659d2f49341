"""The HTTP/1.1 side of one connection: httptools in, response bytes out.

`Http` owns the parser state, the limits, pipelining order, and the response
channel of the request being handled (``request.stream``). It knows nothing of
asyncio: bytes go out through ``transport.write`` (any object with a write
method), flow control through the protocol's ``drain`` / ``pause_reading`` /
``resume_reading``, and requests that are ready go to ``protocol.dispatch``.
That keeps it testable with plain bytes and a recording stand-in.
"""

from __future__ import annotations

import asyncio
from collections import deque
from itertools import chain
from typing import TYPE_CHECKING, Any

from httptools import (
    HttpParserCallbackError,
    HttpParserError,
    HttpParserUpgrade,
    HttpRequestParser,
)

from sanic.exceptions import (
    BadRequest,
    ExpectationFailed,
    PayloadTooLarge,
    SanicException,
    ServerError,
    URITooLong,
)
from sanic.http.constants import Stage
from sanic.http.encode import (
    _LENGTHS,
    _PREFIXES,
    CHUNKED_END,
    body_prefix,
    encode_chunk,
    encode_head,
    encode_response,
    length_end,
)
from sanic.log import error_logger
from sanic.request.types import split_target

if TYPE_CHECKING:
    from sanic.request import Request
    from sanic.response import BaseHTTPResponse

_IDLE = Stage.IDLE
_REQUEST = Stage.REQUEST
_HANDLER = Stage.HANDLER
_RESPONSE = Stage.RESPONSE
_FAILED = Stage.FAILED

# What happens to the body of the message being read.
_BUFFER = "buffer"  # kept for request.body
_STREAM = "stream"  # handed to a stream=True handler as it arrives
_IGNORE = "ignore"  # dropped: the route does not read bodies
_EARLY = "early"  # dropped: answered at its head, without 100 Continue

# Requests parsed ahead of the one being handled before reading pauses.
MAX_PIPELINED = 16
# Body chunks queued for a streaming handler before reading pauses, whatever
# their size (REQUEST_BUFFER_SIZE bounds their bytes).
MAX_QUEUED_CHUNKS = 256
_METHODS: dict[bytes, str] = {}
# Lengths of the header names the connection itself needs:
# content-length, expect, connection, transfer-encoding.
_SPECIAL_NAME_LENGTHS = frozenset({14, 6, 10, 17})


def _request_init() -> Any:
    from sanic.request import Request

    return Request.__init__


def _method_name(method: bytes) -> str:
    name = method.decode("ascii", "replace")
    if len(_METHODS) < 64:
        _METHODS[method] = name
    return name


_CONTINUE = b"HTTP/1.1 100 Continue\r\n\r\n"
_new = object.__new__


class RequestStream:
    """What ``request.stream`` offers a handler, on a socket (`Http`) or ASGI.

    Subclasses have ``request`` (the request being read) and ``_head_sent``.
    """

    __slots__ = ()

    request: Any
    _head_sent: bool

    async def read(self) -> bytes | None:
        """The next chunk of the request body, or None at its end."""
        request = self.request
        if request is None:
            return None
        return await request._read_chunk()

    async def __aiter__(self) -> Any:
        while True:
            chunk = await self.read()
            if chunk is None:
                return
            yield chunk

    @property
    def responded(self) -> bool:
        return self._head_sent


class Http(RequestStream):
    """HTTP/1.1 connection state, one per connection, reused across requests."""

    __slots__ = (
        "protocol",
        "app",
        "parser",
        "stage",
        "request",
        "response",
        "_parsing",
        "_url",
        "_headers",
        "_body_parts",
        "_body_size",
        "_expect",
        "_unparsed_head",
        "_packet_len",
        "incomplete_head_limit",
        "_connection_header",
        "_body_mode",
        "_pending",
        "_failed",
        "_closed_input",
        "_head_sent",
        "_chunked",
        "request_max_size",
        "request_buffer_size",
        "keep_alive",
        "header_max_size",
        "request_class",
        "conn_info",
        "transport",
        "_router_get",
        "_static_routes",
        "_fast_requests",
        "_notify_finished",
        "served",
        "_has_hosts",
        "_has_stream_routes",
        "_upgrade_tail",
        "__weakref__",
    )

    def __init__(self, protocol: Any) -> None:
        self.protocol = protocol
        app = protocol.app
        self.app = app
        config = app.config
        self.request_max_size: int = config.REQUEST_MAX_SIZE
        self.request_buffer_size: int = config.REQUEST_BUFFER_SIZE
        self.keep_alive = bool(config.KEEP_ALIVE)  # False: one request per connection
        self.header_max_size: int = config.REQUEST_MAX_HEADER_SIZE
        # Allows for a few pipelined heads in one read as well as one large one.
        self.incomplete_head_limit = max(4 * self.header_max_size, 65536)
        self.request_class = app.request_class
        self.conn_info = protocol.conn_info
        self.transport = protocol.transport
        self._router_get = app.router.get
        # Static routes by path, then method: the router keeps this dict object
        # for its lifetime and empties it when routes change.
        self._static_routes = app.router._static
        # Requests built without calling the class, unless its __init__ is custom.
        self._fast_requests = self.request_class.__init__ is _request_init()
        # The protocol hears of each finished request only if it logs them.
        self._notify_finished = (
            protocol.request_finished
            if getattr(protocol, "access_log", False)
            else None
        )
        self.served = 0  # requests answered in full on this connection
        self._has_hosts = bool(getattr(app.router, "has_hosts", False))
        self._has_stream_routes = app._has_stream_routes
        self.parser = HttpRequestParser(self)
        self.stage = _IDLE
        self.request: Request | None = None  # the request being handled
        self.response: BaseHTTPResponse | None = None
        self._parsing: Request | None = None  # the request being read
        self._pending: deque[Request] = deque()
        self._failed: SanicException | None = None
        self._closed_input = False
        self._head_sent = False
        self._chunked = False
        # What is known of the message being read; reset as each part completes.
        self._url = b""
        self._headers: list[tuple[bytes, bytes]] = []
        self._expect: bytes | None = None
        self._unparsed_head = 0
        self._packet_len = 0
        self._connection_header = False
        self._body_mode = _BUFFER
        self._body_parts: list[bytes] | None = None
        self._body_size = 0
        self._upgrade_tail = b""  # bytes after an Upgrade request's head

    # ---- bytes in -------------------------------------------------------------

    def feed(self, data: bytes) -> None:
        """Parse received bytes; ready requests go to ``protocol.dispatch``."""
        if self._closed_input:
            return
        self._packet_len = len(data)
        try:
            self.parser.feed_data(data)
        except Exception as exc:
            self.feed_error(exc, data)
            return
        if self._url:
            # A head is still incomplete after this packet: bound its growth.
            self.count_head_bytes(len(data))

    def feed_error(self, exc: Exception, data: bytes = b"") -> None:
        """What the parser raised while reading: answer it, or stop reading."""
        if isinstance(exc, HttpParserUpgrade):
            # HTTP ends with this request. A websocket route switches
            # protocols (the bytes after the head are its first frames); any
            # other answer closes the connection after it.
            self._stop_reading()
            offset = exc.args[0] if exc.args and isinstance(exc.args[0], int) else 0
            tail = data[offset:] if data and offset else b""
            websocket = getattr(self.protocol, "_websocket", None)
            if websocket is not None:  # upgraded while the head was parsed
                if tail:
                    websocket.data_received(tail)
                return
            self._upgrade_tail = tail
            if self.request is None and not self._pending:
                self.stage = _FAILED
                self.protocol.close()
        elif isinstance(exc, HttpParserCallbackError):
            cause = exc.__context__
            if cause is not None and not isinstance(cause, Exception):
                # SystemExit, KeyboardInterrupt: the process's to handle, not a
                # 500. Raised from this read callback, uvloop would log it as a
                # transport error and carry on; raised from a loop callback it
                # ends the loop, as it does from an async handler.
                self.stage = _FAILED
                self.protocol.close()
                asyncio.get_running_loop().call_soon(_reraise, cause)
                return
            if isinstance(cause, SanicException):
                self._fail(cause)
            else:
                error_logger.error(
                    "Error while parsing a request", exc_info=cause or exc
                )
                self._fail(ServerError("Internal error while reading the request"))
        elif isinstance(exc, HttpParserError):
            message = str(exc) or "malformed request"
            self._fail(BadRequest(f"Bad Request: {message}"))
        else:
            raise exc

    # Parser callbacks. There is no on_message_begin: the head state is reset as
    # soon as a head is complete, and the body state when the message is.
    #
    # Sizes are checked once per head, not per header: a head is no larger than
    # the packets that left it incomplete (``_unparsed_head``) plus the packet
    # that completes it, so only when that bound is over the limit are exact
    # sizes needed (on_headers_complete). A head still incomplete at the end of
    # a packet is checked after that packet (count_head_bytes). Memory stays
    # bounded either way: by the packet, and by ``incomplete_head_limit``.

    def on_url(self, url: bytes) -> None:
        if self._url:  # the URL arrived in pieces
            url = self._url + url
        self._url = url

    def on_header(self, name: bytes, value: bytes) -> None:
        self._headers.append((name, value))
        if len(name) in _SPECIAL_NAME_LENGTHS:
            self._special_header(name.lower(), value)

    def current_stage(self) -> Stage:
        """``stage``, except that IDLE reads as REQUEST while a request arrives.

        The request path does not record that transition (it costs every
        request); the timeout sweeper and shutdown ask for it here.
        """
        stage = self.stage
        if stage is _IDLE and (self._url or self._headers or self._parsing is not None):
            return _REQUEST
        return stage

    def _check_head_size(self) -> None:
        """Raise if the URL or the head being read is over the size limit."""
        if len(self._url) > self.header_max_size:
            raise URITooLong("Request URI exceeds the size limit")
        if self.head_size() > self.header_max_size:
            raise _HeadTooLarge("Request header exceeds the size limit")

    def head_size(self) -> int:
        """Bytes of URL, header names and values of the head being read."""
        return len(self._url) + sum(map(len, chain.from_iterable(self._headers)))

    def count_head_bytes(self, size: int) -> None:
        """Bound the bytes of packets after which a head is still incomplete.

        httptools keeps a URL or header value that is still arriving to itself,
        so without this a client could stream one endless value into memory.
        """
        self._unparsed_head += size
        if self._unparsed_head > self.incomplete_head_limit:
            self._fail(_HeadTooLarge("Request header exceeds the size limit"))
        elif self._unparsed_head > self.header_max_size:
            try:
                self._check_head_size()
            except SanicException as exc:
                self._fail(exc)

    def _special_header(self, name: bytes, value: bytes) -> None:
        if name == b"content-length":
            try:
                length = int(value)
            except ValueError:
                raise BadRequest("Bad Request: invalid Content-Length") from None
            if length > self.request_max_size:
                raise PayloadTooLarge("Request body exceeds the size limit")
        elif name == b"expect":
            self._expect = value
        elif name == b"connection":
            self._connection_header = True
        elif name == b"transfer-encoding" and value.strip().lower() != b"chunked":
            # Only chunked is understood; a list ("gzip, chunked") or another
            # coding is a smuggling shape (RFC 9112 6.1), refused outright.
            raise BadRequest("Bad Request: unsupported Transfer-Encoding")

    def on_headers_complete(self) -> None:
        if self._unparsed_head + self._packet_len > self.header_max_size:
            self._check_head_size()  # see the note above on_url
        self._unparsed_head = 0
        parser = self.parser
        raw_method = parser.get_method()
        method = _METHODS.get(raw_method) or _method_name(raw_method)
        keep_alive = parser.should_keep_alive()
        if keep_alive and not self._connection_header:
            # Kept alive with no Connection header: only HTTP/1.1 does that, and
            # the parser's version string is costly to build.
            version = "1.1"
        else:
            version = parser.get_http_version()
            self._connection_header = False
        url = self._url
        # The head is consumed: ready for the next one.
        self._url = b""
        headers = self._headers
        self._headers = []
        if self._fast_requests:
            # Request(...) as Request.__init__ sets it up, without calling the
            # class: a class call with a Python __init__ costs as much as all
            # of this (see Request.__init__ for what each field is).
            request = _new(self.request_class)
            request.raw_url = url
            request._headers = headers
            request.version = version
            request.method = method
            request.transport = self.transport
            request.app = self.app
            request.stream = self
            request.conn_info = self.conn_info
            request._route_error = None
            request._keep_alive = keep_alive and self.keep_alive
            request.responded = False
            if 63 in url or 35 in url or url[:1] != b"/":  # "?", "#", not a path
                path, request._query = split_target(url)
            else:
                try:
                    path = url.decode()
                except UnicodeDecodeError:
                    path, request._query = split_target(url)  # raises BadURL
                request._query = b""
            request._path = path
        else:
            request = self.request_class(
                url, headers, version, method, self.transport, self.app
            )
            request.stream = self
            request.conn_info = self.conn_info
            if not (keep_alive and self.keep_alive):
                request._keep_alive = False
            path = request._path
        self._parsing = request
        methods = self._static_routes.get(path)
        route = methods.get(method) if methods is not None else None
        if route is not None:  # a static path: the router's first lookup, inlined
            request.route = route
            request.match_info = {}
        else:
            try:
                route, _handler, request.match_info = self._router_get(
                    path,
                    method,
                    request.headers.getone("host", None) if self._has_hosts else None,
                )
            except SanicException as exc:
                request._route_error = exc
                if self._expect is not None:
                    self._expect = None
                    self._answer_early(request)
                return
            request.route = route
        if self._expect is not None:
            self._check_expect(request)
        if self._has_stream_routes and route.extra.stream:
            if request._route_error is None:
                self._body_mode = _STREAM
                request._init_body_stream()
                self._dispatch(request)

    def _check_expect(self, request: Request) -> None:
        expect = self._expect
        self._expect = None
        if expect is None:
            return
        length = request.headers.get("content-length")
        if length is not None and int(length) == 0:
            return
        if expect.lower() == b"100-continue":
            # Answered only when the body will be read: a streaming handler's
            # first read sends it; a route that ignores bodies never does, and
            # the connection closes after its response (the client may never
            # send the body it announced).
            if request._route_error is None:
                extra = request.route.extra  # type: ignore[union-attr]
                if extra.stream:
                    request._expect_continue = True
                elif extra.ignore_body:
                    self._answer_early(request)
                else:
                    self.protocol.write(_CONTINUE)
            else:
                self._answer_early(request)
        else:
            request._route_error = ExpectationFailed(
                f"Unknown Expect: {expect.decode('latin-1')}"
            )
            request._keep_alive = False

    def _answer_early(self, request: Request) -> None:
        """Answer at its head a request whose client awaits 100 Continue before
        sending a body that will not be read; then close, discarding the body
        if it comes after all."""
        request._keep_alive = False
        self._body_mode = _EARLY
        self._dispatch(request)

    def on_body(self, body: bytes) -> None:
        size = self._body_size + len(body)
        self._body_size = size
        if size > self.request_max_size:
            raise PayloadTooLarge("Request body exceeds the size limit")
        mode = self._body_mode
        if mode is _BUFFER:
            parts = self._body_parts
            if parts is not None:
                parts.append(body)
                return
            route = self._parsing.route  # type: ignore[union-attr]
            if route is not None and route.extra.ignore_body:
                # Decided at the first chunk, so bodiless requests pay nothing.
                self._body_mode = _IGNORE
            else:
                self._body_parts = [body]
        elif mode is _STREAM:
            request: Any = self._parsing
            request._feed_body(body)
            request._body_buffered += len(body)
            if (
                request._body_buffered > self.request_buffer_size
                or len(request._body_queue) >= MAX_QUEUED_CHUNKS
            ):
                # The handler reads slower than the client sends: stop reading
                # until it has consumed what is buffered (see _read_chunk).
                self.protocol.pause_reading()
        # _IGNORE: the route does not read bodies (GET and friends by default).

    def on_message_complete(self) -> None:
        request = self._parsing
        if request is None:
            return
        self._parsing = None
        parts = self._body_parts
        if parts is not None:
            request.body = parts[0] if len(parts) == 1 else b"".join(parts)
            self._body_parts = None
            self._body_size = 0
        elif self._body_mode is not _BUFFER:
            self._body_size = 0
            mode = self._body_mode
            self._body_mode = _BUFFER
            if mode is _STREAM:
                request._feed_body(None)
                return
            if mode is _EARLY:
                return  # dispatched already
        if self.request is None and not self._pending:
            self.request = request
            self.stage = _HANDLER
            self.protocol.dispatch(request)
        else:
            self._dispatch(request)

    # ---- dispatch and pipelining ---------------------------------------------

    def _dispatch(self, request: Request) -> None:
        if self.request is None and not self._pending:
            self._start(request)
        else:
            self._pending.append(request)
            if len(self._pending) >= MAX_PIPELINED:
                self.protocol.pause_reading()

    def _start(self, request: Request) -> None:
        self.request = request
        self.stage = _HANDLER
        self.protocol.dispatch(request)

    def _finish(self, request: Request, response: Any) -> None:
        """``request`` has been answered in full with ``response``."""
        self.request = None
        self.response = None
        if self._head_sent:
            self._head_sent = self._chunked = False
        self.served += 1
        if self._notify_finished is not None:
            self._notify_finished(request, response)
        self._next_request(request)

    def _next_request(self, request: Request) -> None:
        """After ``request``: close, start a queued request, or wait for one."""
        if not request._keep_alive:
            self.stage = _FAILED
            self._close()
        elif self._pending:
            if len(self._pending) == MAX_PIPELINED:
                self.protocol.resume_reading()
            self._start(self._pending.popleft())
        elif self._failed is not None:
            self._send_failure()
        else:
            self.stage = _IDLE

    def _stop_reading(self) -> None:
        self._closed_input = True
        if self.request is not None:
            self.request._keep_alive = False
        if self._parsing is not None:
            self._parsing._keep_alive = False
        for pending in self._pending:
            pending._keep_alive = False

    def _fail(self, error: SanicException) -> None:
        """The input is unusable: answer ``error`` in turn and close."""
        self._closed_input = True
        request = self._parsing
        self._parsing = None
        if request is not None and request._body_queue is not None:
            request._feed_body(error)
            request._keep_alive = False
            return
        if request is not None and request._route_error is None:
            # Headers were read: answer through the app so handlers and formats apply.
            request._route_error = error
            request._keep_alive = False
            self._dispatch(request)
            return
        # Requests read before the bad bytes are answered first; then the error.
        self._failed = error
        if self.request is None and not self._pending:
            self._send_failure()

    def _send_failure(self) -> None:
        error = self._failed or BadRequest("Bad Request")
        self._failed = None
        self.stage = _FAILED
        body = f"{error.status_code} — {error.message}\n".encode()
        head = encode_head(
            _PlainError(error.status_code),
            keep_alive=False,
            content_length=len(body),
        )
        self.protocol.write(head + body)
        self._close()

    def take_upgrade_tail(self) -> bytes:
        """Bytes read past an Upgrade request's head, for the new protocol."""
        tail, self._upgrade_tail = self._upgrade_tail, b""
        return tail

    def _close(self) -> None:
        """Close; if reading stopped mid-message, let the client's bytes drain
        first so that what was written reaches it (see ``close_unread``)."""
        unread = self._closed_input or self._parsing is not None
        if unread and hasattr(self.protocol, "close_unread"):
            self.protocol.close_unread()
        else:
            self.protocol.close()

    # ---- bytes out: the response channel (request.stream) ---------------------

    def respond(self, response: BaseHTTPResponse) -> BaseHTTPResponse:
        """Bind ``response`` to this request's stream; nothing is written yet."""
        if self.response is not None and self.response is not response:
            raise ServerError("Second respond call is not allowed.")
        self.response = response
        response.stream = self
        return response

    def write_response(self, response: BaseHTTPResponse) -> None:
        """Write a complete response in one go and finish the request."""
        request = self.request
        if request is None:
            return
        body = response.body
        # (Tests that jump to a short block: a comparison followed by a long
        # jump is not specialized by CPython 3.11.)
        if (
            response._headers is not None
            or response._cookies is not None
            or body.__class__ is not bytes
            or not request._keep_alive
            or request.version == "1.0"
            or request.method == "HEAD"
        ):
            self._write_encoded(request, response)
            return
        # The common case, encode_response inlined: a cached head up to the
        # content-length value, the length and the end of the head, the body.
        prefix = _PREFIXES.get((response.status, response.content_type))
        if prefix is None:
            prefix = body_prefix(response.status, response.content_type)
            if prefix is None:  # a status without a body
                self._write_encoded(request, response)
                return
        size = len(body)
        length = _LENGTHS.get(size) or length_end(size)
        if not self.protocol._closing:
            self.transport.write(b"".join((prefix, length, body)))
        # _finish, inlined for a complete response on a kept-alive connection.
        self.request = None
        self.response = None
        self.served += 1
        if self._notify_finished is not None:
            self._notify_finished(request, response)
        if self._pending or self._failed is not None:
            self._next_request(request)
        else:
            self.stage = _IDLE

    def _write_encoded(self, request: Request, response: BaseHTTPResponse) -> None:
        """``write_response`` for any response: headers, cookies, HEAD, HTTP/1.0."""
        data = encode_response(
            response,
            request._keep_alive,
            request.method == "HEAD",
            request.version == "1.0",
        )
        if not self.protocol._closing:
            self.transport.write(data)
        self.request = None
        self.response = None
        self.served += 1
        if self._notify_finished is not None:
            self._notify_finished(request, response)
        if request._keep_alive and not self._pending and self._failed is None:
            self.stage = _IDLE
        else:
            self._next_request(request)

    async def send(self, data: bytes | None, end_stream: bool | None = None) -> None:
        """Send (part of) the response body; the head goes with the first call."""
        request = self.request
        response = self.response
        if request is None or response is None:
            raise ServerError("Response already sent")
        if data is None:
            data = b""
        if end_stream is None:
            end_stream = not data
        head_only = request.method == "HEAD"
        if not self._head_sent:
            self._head_sent = True
            if end_stream:
                body = data or response.body or b""
                response.body = body
                self.protocol.write(
                    encode_response(
                        response,
                        request._keep_alive,
                        head_only,
                        request.version == "1.0",
                    )
                )
                self._finish(request, response)
                return
            http10 = request.version == "1.0"
            if http10:
                # No chunked encoding in HTTP/1.0: the end of the body is the close.
                request._keep_alive = False
            # A length the handler set is honoured (no chunking), else chunked.
            self._chunked = not http10 and not (
                response._headers is not None and "content-length" in response._headers
            )
            self.stage = _RESPONSE
            head = encode_head(
                response,
                keep_alive=request._keep_alive,
                http10=http10,
                content_length=None,
                chunked=self._chunked,
            )
            if head_only:
                self.protocol.write(head)
            elif self._chunked:
                self.protocol.write(head + encode_chunk(data))
            else:
                self.protocol.write(head + data)
        elif data and not head_only:
            self.protocol.write(encode_chunk(data) if self._chunked else data)
        if end_stream:
            if self._chunked and not head_only:
                self.protocol.write(CHUNKED_END)
            response.stream = None
            self._finish(request, response)
            return
        await self.protocol.drain()

    def connection_lost(self) -> None:
        """The peer went away: wake a handler waiting for body data."""
        request = self._parsing
        if request is not None and request._body_queue is not None:
            request._feed_body(BadRequest("Connection lost while reading the body"))

    # ---- file bodies (sanic.response.file_body) --------------------------------

    async def send_file(
        self, fileobj: Any, offset: int, count: int, chunk_size: int = 262144
    ) -> int:
        """Send ``count`` bytes of ``fileobj`` from ``offset`` as the response
        body (after the head, sent first if it was not), not reading them into
        memory: ``os.sendfile`` on a plain socket, ``chunk_size`` reads under
        TLS. Returns the bytes sent; fewer than ``count`` (the file shrank, or
        the client left) and the connection closes after this response."""
        from sanic.response import file_body

        request = self.request
        if request is None or self.response is None:
            raise ServerError("Response already sent")
        if not self._head_sent:
            await self.send(b"", False)
        if request.method == "HEAD" or count <= 0:
            return 0
        protocol = self.protocol
        if not self._chunked and file_body.can_zero_copy(self.transport, fileobj):
            sent = await file_body.send_zero_copy(protocol, fileobj, offset, count)
        else:
            sent = await file_body.send_by_reads(
                protocol,
                fileobj,
                offset,
                count,
                chunk_size,
                encode_chunk if self._chunked else None,
            )
        if sent < count:
            request._keep_alive = False
        return sent


class HoldingHttp(Http):
    """Http for protocols that override ``http_request_handler``: while
    ``holding``, a complete response is kept instead of written, so the hook
    can change it before the protocol writes it."""

    __slots__ = ("holding", "held", "streamed")

    def __init__(self, protocol: Any) -> None:
        super().__init__(protocol)
        self.holding = False
        self.held: BaseHTTPResponse | None = None
        self.streamed: BaseHTTPResponse | None = None  # by request.respond()

    def respond(self, response: BaseHTTPResponse) -> BaseHTTPResponse:
        self.streamed = response
        return super().respond(response)

    def write_response(self, response: BaseHTTPResponse) -> None:
        if self.holding and self.request is not None:
            self.held = response
            return
        super().write_response(response)


class _HeadTooLarge(SanicException):
    """The head outgrew REQUEST_MAX_HEADER_SIZE: 431 Request Header Fields Too Large."""

    status_code = 431
    quiet = True


class _PlainError:
    """What encode_head needs to write a bare error head."""

    __slots__ = ("status",)
    _headers = None
    _cookies = None
    content_type = "text/plain; charset=utf-8"

    def __init__(self, status: int) -> None:
        self.status = status


def _reraise(exc: BaseException) -> None:
    raise exc
