"""The floor: the fastest honest HTTP/1.1 server on uvloop + httptools.

A bare ``asyncio.Protocol`` that does only what any real server must do:
parse each request with ``httptools.HttpRequestParser`` (URL, headers as a list
of ``(name, value)`` pairs, body chunks), route it by path, build the response
(status line, content-type, content-length, body) and write it in one call.
No framework, no tasks, no request objects, no middleware, no logging.

Usage: ``python benchmarks/floor.py --host 127.0.0.1 --port 8000``.
Prints ``ready`` once listening; exits cleanly on SIGINT/SIGTERM.
"""

from __future__ import annotations

import argparse
import asyncio
import signal
from collections.abc import Callable

import httptools
import orjson
import uvloop

TEXT = b"text/plain; charset=utf-8"
JSON = b"application/json"
OCTET = b"application/octet-stream"

OK = b"200 OK"
BAD_REQUEST = b"400 Bad Request"
NOT_FOUND = b"404 Not Found"
NOT_ALLOWED = b"405 Method Not Allowed"

Reply = tuple[bytes, bytes, bytes]  # status, content-type, body
Handler = Callable[["FloorProtocol"], Reply]


def plaintext(proto: FloorProtocol) -> Reply:
    """``GET /plaintext``."""
    return OK, TEXT, b"Hello, World!"


def json_view(proto: FloorProtocol) -> Reply:
    """``GET /json``: serialised per request, as a real handler would."""
    return OK, JSON, orjson.dumps({"message": "Hello, World!"})


def echo(proto: FloorProtocol) -> Reply:
    """``POST /echo``: the request body back."""
    return OK, OCTET, b"".join(proto.body)


def user(proto: FloorProtocol, raw_id: bytes) -> Reply:
    """``GET /user/<id:int>``: 404 unless the segment is an integer."""
    digits = raw_id[1:] if raw_id[:1] == b"-" else raw_id
    if not digits.isdigit():  # bytes.isdigit() is ASCII-only
        return NOT_FOUND, TEXT, b"Not Found"
    return OK, JSON, orjson.dumps({"id": int(raw_id)})


ROUTES: dict[bytes, tuple[bytes, Handler]] = {
    b"/plaintext": (b"GET", plaintext),
    b"/json": (b"GET", json_view),
    b"/echo": (b"POST", echo),
}


class FloorProtocol(asyncio.Protocol):
    """One connection: parse, route, answer, honour keep-alive."""

    __slots__ = ("transport", "parser", "url", "headers", "body")

    def __init__(self) -> None:
        self.transport: asyncio.Transport | None = None
        self.parser = httptools.HttpRequestParser(self)
        self.url = b""
        self.headers: list[tuple[bytes, bytes]] = []
        self.body: list[bytes] = []

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def connection_lost(self, exc: Exception | None) -> None:
        self.transport = None

    def data_received(self, data: bytes) -> None:
        try:
            self.parser.feed_data(data)
        except httptools.HttpParserError:  # includes upgrades and callback errors
            self.respond(BAD_REQUEST, TEXT, b"Bad Request", keep_alive=False)

    # httptools callbacks
    def on_message_begin(self) -> None:
        self.url = b""
        self.headers = []
        self.body = []

    def on_url(self, url: bytes) -> None:
        self.url += url

    def on_header(self, name: bytes, value: bytes) -> None:
        self.headers.append((name, value))

    def on_body(self, body: bytes) -> None:
        self.body.append(body)

    def on_message_complete(self) -> None:
        url = self.url
        query = url.find(b"?")
        path = url if query < 0 else url[:query]
        method = self.parser.get_method()
        route = ROUTES.get(path)
        if route is not None:
            if method == route[0]:
                status, ctype, body = route[1](self)
            else:
                status, ctype, body = NOT_ALLOWED, TEXT, b"Method Not Allowed"
        elif path.startswith(b"/user/") and path.count(b"/") == 2:
            if method == b"GET":
                status, ctype, body = user(self, path[6:])
            else:
                status, ctype, body = NOT_ALLOWED, TEXT, b"Method Not Allowed"
        else:
            status, ctype, body = NOT_FOUND, TEXT, b"Not Found"
        self.respond(status, ctype, body, self.parser.should_keep_alive())

    def respond(
        self, status: bytes, ctype: bytes, body: bytes, keep_alive: bool
    ) -> None:
        """Write the whole response in one call; close unless keep-alive."""
        transport = self.transport
        if transport is None or transport.is_closing():
            return
        transport.write(
            b"HTTP/1.1 %s\r\ncontent-type: %s\r\ncontent-length: %d\r\n%s\r\n%s"
            % (
                status,
                ctype,
                len(body),
                b"" if keep_alive else b"connection: close\r\n",
                body,
            )
        )
        if not keep_alive:
            transport.close()


async def serve(host: str, port: int) -> None:
    """Listen until SIGINT/SIGTERM, printing ``ready`` once bound."""
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    server = await loop.create_server(
        FloorProtocol, host, port, backlog=1024, reuse_address=True
    )
    print("ready", flush=True)
    try:
        await stop.wait()
    finally:
        server.close()


def main(argv: list[str] | None = None) -> None:
    """Parse ``--host``/``--port`` and serve."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    args = parser.parse_args(argv)
    uvloop.run(serve(args.host, args.port))


if __name__ == "__main__":
    main()
