"""The Request object handlers receive.

Nothing is parsed before a handler asks for it: headers stay a list of raw
byte pairs until ``request.headers`` is read, and the query string, cookies,
form, JSON, Accept and credentials are each parsed on first access.
"""

from __future__ import annotations

import uuid
from collections import deque
from contextvars import ContextVar
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any, Generic, TypeVar
from urllib.parse import parse_qs, parse_qsl, urlunparse

from httptools import parse_url
from httptools.parser.errors import HttpParserInvalidURLError

# A module, not its names: sanic.cookies.request imports this package, so it
# may still be loading when this module is.
import sanic.cookies.request as request_cookies
from sanic.application.urls import build_request_url
from sanic.compat import Header
from sanic.constants import (
    CACHEABLE_HTTP_METHODS,
    DEFAULT_HTTP_CONTENT_TYPE,
    IDEMPOTENT_HTTP_METHODS,
    SAFE_HTTP_METHODS,
)
from sanic.exceptions import BadRequest, BadURL, ServerError
from sanic.headers import (
    AcceptList,
    parse_accept,
    parse_credentials,
    parse_forwarded,
    parse_host,
    parse_xforwarded,
)
from sanic.models.http_types import Credentials
from sanic.request.form import File, parse_form
from sanic.request.parameters import RequestParameters

if TYPE_CHECKING:
    from sanic.app import Sanic
    from sanic.response import BaseHTTPResponse

sanic_type = TypeVar("sanic_type")
ctx_type = TypeVar("ctx_type")

_current: ContextVar[Request] = ContextVar("request")


def _decode(value: bytes) -> str:
    return value.decode("utf-8", "surrogateescape")


class Request(Generic[sanic_type, ctx_type]):
    """An HTTP request, as the handler sees it."""

    # A plain class (no __slots__): instance attributes are stored inline, and
    # everything a request may never use is a class default, set per instance
    # only when a request actually uses it.
    _loads: Any = None
    _body_queue: deque | None = None
    _body_waiter: Any = None
    _body_buffered = 0  # bytes queued for a streaming handler, not yet read
    _expect_continue = False  # send 100 Continue at the first read of the body
    _ctx: Any = None
    _id: Any = None
    _cookies: Any = None
    _route_error: Exception | None = None
    _keep_alive = True
    _access_start = 0.0  # loop.time() at dispatch, stamped only when access logs are on
    body = b""
    stream: Any = None
    conn_info: Any = None
    route: Any = None
    match_info: dict[str, Any] = {}
    head: bytes = b""
    stream_id: int = 0
    responded: bool = False
    parsed_accept: AcceptList | None = None
    parsed_args: dict[tuple, RequestParameters] | None = None
    parsed_not_grouped_args: dict[tuple, list] | None = None
    parsed_credentials: Credentials | None = None
    parsed_files: RequestParameters | None = None
    parsed_form: RequestParameters | None = None
    parsed_forwarded: dict | None = None
    parsed_json: Any = None

    def __init__(
        self,
        url_bytes: bytes,
        headers: Header | list[tuple[bytes, bytes]],
        version: str,
        method: str,
        transport: Any,
        app: Sanic,
        head: bytes = b"",
        stream_id: int = 0,
    ) -> None:
        self.raw_url = url_bytes
        self._headers = headers
        self.version = version
        self.method = method
        self.transport = transport
        self.app = app
        # Read for every request: instance attributes are the fast lookups.
        self._route_error = None
        self._keep_alive = True
        self.responded = False
        if head:
            self.head = head
        if stream_id:
            self.stream_id = stream_id
        # The HTTP/1.1 server builds its requests without calling the class
        # (Http.on_headers_complete): a field added here is added there too.
        self._path, self._query = split_target(url_bytes)

    @staticmethod
    def _parse_url(url_bytes: bytes) -> tuple[bytes, bytes, bytes]:
        if url_bytes == b"*":
            return b"*", b"", b""
        try:
            parsed = parse_url(url_bytes)
        except HttpParserInvalidURLError:
            raise BadURL(f"Bad Request: invalid URL {url_bytes[:100]!r}") from None
        return parsed.path or b"/", b"?", parsed.query or b""

    def __repr__(self) -> str:
        return f"<{self.__class__.__name__}: {self.method} {self.path}>"

    # ---- the current request ---------------------------------------------------

    @classmethod
    def get_current(cls) -> Request:
        """The request being handled in this task; ServerError outside of one."""
        try:
            return _current.get()
        except LookupError:
            raise ServerError("No current request") from None

    @classmethod
    def generate_id(cls, *_: Any) -> uuid.UUID | str | int:
        return uuid.uuid4()

    @staticmethod
    def make_context() -> Any:
        return SimpleNamespace()

    @property
    def ctx(self) -> Any:
        ctx = self._ctx
        if ctx is None:
            ctx = self._ctx = self.make_context()
        return ctx

    @ctx.setter
    def ctx(self, value: Any) -> None:
        self._ctx = value

    @property
    def id(self) -> uuid.UUID | str | int:
        if self._id is None:
            header = self.app.config.REQUEST_ID_HEADER
            value = self.headers.getone(header, None) if header else None
            if value is None:
                self._id = self.generate_id(self)
            else:
                try:
                    self._id = uuid.UUID(value)
                except ValueError:
                    self._id = int(value) if value.isdigit() else value
        return self._id

    # ---- the request line ------------------------------------------------------

    @property
    def path(self) -> str:
        return self._path

    @property
    def query_string(self) -> str:
        return self._query.decode("utf-8", "replace") if self._query else ""

    @property
    def headers(self) -> Header:
        headers = self._headers
        if type(headers) is list:
            headers = self._headers = Header(
                [(_decode(name), _decode(value)) for name, value in headers]
            )
        return headers  # type: ignore[return-value]

    @headers.setter
    def headers(self, value: Header) -> None:
        self._headers = value

    def _parse_query(
        self, cache_name: str, parse: Any, key: tuple[bool, bool, str, str]
    ) -> Any:
        """Parse the query string once per set of parsing options."""
        cache = getattr(self, cache_name)
        if cache is None:
            cache = {}
            setattr(self, cache_name, cache)
        if key not in cache:
            keep_blank_values, strict_parsing, encoding, errors = key
            try:
                cache[key] = parse(
                    self.query_string,
                    keep_blank_values=keep_blank_values,
                    strict_parsing=strict_parsing,
                    encoding=encoding,
                    errors=errors,
                )
            except ValueError as exc:
                raise BadRequest(f"Bad Request: invalid query string ({exc})") from None
        return cache[key]

    def get_args(
        self,
        keep_blank_values: bool = False,
        strict_parsing: bool = False,
        encoding: str = "utf-8",
        errors: str = "replace",
    ) -> RequestParameters:
        """The query string as a RequestParameters (values are lists)."""
        key = (keep_blank_values, strict_parsing, encoding, errors)
        return self._parse_query(
            "parsed_args", lambda *a, **kw: RequestParameters(parse_qs(*a, **kw)), key
        )

    args = property(get_args)

    def get_query_args(
        self,
        keep_blank_values: bool = False,
        strict_parsing: bool = False,
        encoding: str = "utf-8",
        errors: str = "replace",
    ) -> list[tuple[str, str]]:
        """The query string as an ordered list of (name, value) pairs."""
        key = (keep_blank_values, strict_parsing, encoding, errors)
        return self._parse_query("parsed_not_grouped_args", parse_qsl, key)

    query_args = property(get_query_args)

    # ---- the body --------------------------------------------------------------

    @property
    def content_type(self) -> str:
        return self.headers.getone("content-type", DEFAULT_HTTP_CONTENT_TYPE)

    @property
    def json(self) -> Any:
        if self.parsed_json is None:
            self.load_json()
        return self.parsed_json

    def load_json(self, loads: Any = None) -> Any:
        if not self.body:
            return None
        loads = loads or self.app._loads
        try:
            self.parsed_json = loads(self.body)
        except Exception:
            raise BadRequest("Failed when parsing body as json") from None
        return self.parsed_json

    def get_form(self, keep_blank_values: bool = False) -> RequestParameters:
        if self.parsed_form is None:
            self.parsed_form, self.parsed_files = parse_form(
                self.content_type, self.body, keep_blank_values=keep_blank_values
            )
        return self.parsed_form

    @property
    def form(self) -> RequestParameters:
        return self.get_form()

    @property
    def files(self) -> RequestParameters:
        if self.parsed_files is None:
            self.get_form()
        return self.parsed_files  # type: ignore[return-value]

    # Streaming request bodies (routes with stream=True): the connection feeds
    # chunks in; the handler reads them with ``await request.stream.read()``.

    def _init_body_stream(self) -> None:
        self._body_queue = deque()

    def _feed_body(self, item: bytes | Exception | None) -> None:
        queue = self._body_queue
        if queue is None:
            return
        queue.append(item)
        waiter = self._body_waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    async def _read_chunk(self) -> bytes | None:
        queue = self._body_queue
        if queue is None:
            body, self.body = self.body, b""
            return body or None
        protocol = self.stream.protocol
        if self._expect_continue:
            self._expect_continue = False
            protocol.write(b"HTTP/1.1 100 Continue\r\n\r\n")
        while not queue:
            self._body_waiter = protocol.loop.create_future()
            protocol.resume_reading()
            await self._body_waiter
            self._body_waiter = None
        item = queue.popleft()
        if item.__class__ is bytes:
            self._body_buffered -= len(item)
            if self._body_buffered <= self.stream.request_buffer_size:
                protocol.resume_reading()
            return item
        if isinstance(item, Exception):
            queue.appendleft(item)
            raise item
        if item is None:
            queue.appendleft(None)
        return item

    async def receive_body(self) -> None:
        """Read a streamed body to its end into ``request.body``."""
        if self._body_queue is None:
            return
        parts = []
        while True:
            chunk = await self._read_chunk()
            if chunk is None:
                break
            parts.append(chunk)
        self.body = b"".join(parts)
        self._body_queue = None

    # ---- cookies, auth, negotiation --------------------------------------------

    @property
    def cookies(self) -> request_cookies.CookieRequestParameters:
        if self._cookies is None:
            self._cookies = request_cookies.CookieRequestParameters(
                request_cookies.parse_cookie(self.headers.getone("cookie", ""))
            )
        return self._cookies

    @property
    def accept(self) -> AcceptList:
        if self.parsed_accept is None:
            self.parsed_accept = parse_accept(self.headers.getone("accept", None))
        return self.parsed_accept

    @property
    def credentials(self) -> Credentials | None:
        if self.parsed_credentials is None:
            header = self.headers.getone("authorization", None)
            if header:
                prefix, token = parse_credentials(header)
                self.parsed_credentials = Credentials(prefix, token)
        return self.parsed_credentials

    @property
    def token(self) -> str | None:
        """The token of an ``Authorization: Bearer|Token <token>`` header."""
        header = self.headers.getone("authorization", None)
        if header is None:
            return None
        return parse_credentials(header)[1]

    # ---- properties of the method ----------------------------------------------

    @property
    def is_safe(self) -> bool:
        return self.method in SAFE_HTTP_METHODS

    @property
    def is_idempotent(self) -> bool:
        return self.method in IDEMPOTENT_HTTP_METHODS

    @property
    def is_cacheable(self) -> bool:
        return self.method in CACHEABLE_HTTP_METHODS

    # ---- routing ---------------------------------------------------------------

    @property
    def endpoint(self) -> str | None:
        return self.name

    @property
    def name(self) -> str | None:
        return self.route.name if self.route is not None else None

    @property
    def uri_template(self) -> str | None:
        return f"/{self.route.path}" if self.route is not None else None

    def url_for(self, view_name: str, **kwargs: Any) -> str:
        """The external URL of a route, on this request's scheme, server name
        and server port (a trusted proxy's, where there is one).

        ``config.SERVER_NAME``, when set, is used instead of the host. Clients
        control the Host header: use ``app.url_for`` where that matters.
        """
        return build_request_url(self, view_name, **kwargs)

    # ---- the connection and the network ----------------------------------------

    @property
    def protocol(self) -> Any:
        return self.stream.protocol if self.stream is not None else None

    @property
    def ip(self) -> str:
        return self.conn_info.client_ip if self.conn_info else ""

    @property
    def port(self) -> int:
        return self.conn_info.client_port if self.conn_info else 0

    @property
    def socket(self) -> tuple[str, int]:
        return (self.ip, self.port)

    @property
    def forwarded(self) -> dict[str, Any]:
        """Proxy information from Forwarded or X-Forwarded-* headers, if trusted."""
        if self.parsed_forwarded is None:
            config = self.app.config
            self.parsed_forwarded = (
                parse_forwarded(self.headers, config)
                or parse_xforwarded(self.headers, config)
                or {}
            )
        return self.parsed_forwarded

    @property
    def remote_addr(self) -> str:
        """The client's address as a trusted proxy reports it, else ""."""
        return str(self.forwarded.get("for", ""))

    @property
    def client_ip(self) -> str:
        """The client's address: a trusted proxy's ``for``, else the peer's."""
        return self.remote_addr or self.ip

    @property
    def scheme(self) -> str:
        """``config.SERVER_NAME`` when it is a full URL, else a trusted proxy's
        proto, else the connection's own (http/https). A websocket upgrade
        turns http into ws and https into wss, whichever source gave it."""
        server_name = self.app.config.get("SERVER_NAME") or ""
        if "://" in server_name:
            scheme = server_name.split("://", 1)[0].lower()
        else:
            scheme = str(self.forwarded.get("proto") or "")
        if not scheme:
            ssl = self.conn_info is not None and self.conn_info.ssl
            scheme = "https" if ssl else "http"
        if scheme in ("http", "https"):
            if self.headers.getone("upgrade", "").lower() == "websocket":
                scheme = "ws" if scheme == "http" else "wss"
        return scheme

    @property
    def host(self) -> str:
        """The effective host ("name" or "name:port"): ``config.SERVER_NAME``
        when set, else a trusted proxy's, else the Host header's."""
        server_name = self.app.config.get("SERVER_NAME") or ""
        if server_name:
            return server_name.split("//", 1)[-1].split("/", 1)[0]
        return str(self.forwarded.get("host") or self.headers.getone("host", ""))

    @property
    def server_name(self) -> str:
        """The host name of ``request.host``, without its port."""
        return str(parse_host(self.host)[0] or "")

    @property
    def server_port(self) -> int:
        """A trusted proxy's port, else the port in ``request.host``, else the
        default port of ``request.scheme`` (80 or 443). Only a request that
        names no host at all falls back to the port of the local socket."""
        port = self.forwarded.get("port") or parse_host(self.host)[1]
        if port:
            return int(port)
        if not self.host and self.conn_info is not None:
            if self.conn_info.server_port:
                return int(self.conn_info.server_port)
        return 443 if self.scheme in ("https", "wss") else 80

    @property
    def server_path(self) -> str:
        return str(self.forwarded.get("path") or self.path)

    @property
    def url(self) -> str:
        return urlunparse(
            (self.scheme, self.host, self.path, None, self.query_string, None)
        )

    # ---- responding ------------------------------------------------------------

    async def respond(
        self,
        response: BaseHTTPResponse | None = None,
        *,
        status: int = 200,
        headers: Any = None,
        content_type: str | None = None,
    ) -> BaseHTTPResponse:
        """Start the response from inside the handler, e.g. to stream its body."""
        from sanic.response import HTTPResponse

        if self.responded:
            raise ServerError("Second respond call is not allowed.")
        if response is None:
            response = HTTPResponse(
                status=status, headers=headers, content_type=content_type
            )
        response = await self.app._run_response_middleware(self, response)
        self.responded = True
        return self.stream.respond(response)


__all__ = ["File", "Request", "RequestParameters"]


def split_target(url_bytes: bytes) -> tuple[str, bytes]:
    """A request target's path (decoded) and query string (raw bytes).

    35 is "#": an int membership test, because ``b"#" in`` costs a caught
    TypeError inside CPython. Absolute-form targets, ``*`` and fragments go through httptools' URL
    parser; BadURL for what it refuses and for a path that is not UTF-8.
    """
    if url_bytes[:1] != b"/" or 35 in url_bytes:  # 35 is "#"
        path, _, query = Request._parse_url(url_bytes)
    else:
        path, _, query = url_bytes.partition(b"?")
    try:
        return path.decode(), query
    except UnicodeDecodeError:
        raise BadURL("Bad Request: the URL path is not valid UTF-8") from None
