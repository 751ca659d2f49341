"""Streaming over real sockets: request bodies read as they arrive, backpressure
(REQUEST_BUFFER_SIZE), Expect: 100-continue, and streamed responses."""

from __future__ import annotations

import asyncio
import socket
import time

import httpx

from sanic import Sanic
from sanic.response import ResponseStream, stream, text
from sanic.views import HTTPMethodView
from sanic.views import stream as stream_decorator
from tests.server_thread import connect, read_until_closed, serve_in_thread


def _recv_until(sock: socket.socket, marker: bytes, limit: float = 5.0) -> bytes:
    data = b""
    deadline = time.monotonic() + limit
    while marker not in data:
        sock.settimeout(max(deadline - time.monotonic(), 0.01))
        chunk = sock.recv(65536)
        if not chunk:
            break
        data += chunk
    return data


def _still_answers(port: int) -> None:
    response = httpx.get(f"http://127.0.0.1:{port}/alive", timeout=5)
    assert response.status_code == 200 and response.text == "alive"


def _alive_route(app: Sanic) -> None:
    @app.get("/alive")
    async def alive(request):
        return text("alive")


# ---- request bodies -----------------------------------------------------------


def test_a_stream_route_reads_the_body_while_the_client_is_still_sending(
    app: Sanic,
) -> None:
    """Each chunk is echoed back before the client sends the next one."""

    @app.post("/echo", stream=True)
    async def echo(request):
        response = await request.respond(content_type="text/plain")
        while True:
            chunk = await request.stream.read()
            if chunk is None:
                break
            await response.send(b"<" + chunk + b">")
        await response.eof()

    _alive_route(app)
    with serve_in_thread(app, check_still_answers=True) as port:
        sock = connect(port)
        sock.sendall(
            b"POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
        )
        for word in (b"one", b"two", b"three"):
            sock.sendall(b"%x\r\n%s\r\n" % (len(word), word))
            # The echo comes back while the request body is still open.
            assert b"<" + word + b">" in _recv_until(sock, b"<" + word + b">")
        sock.sendall(b"0\r\n\r\n")
        tail = _recv_until(sock, b"0\r\n\r\n")
        assert tail.endswith(b"0\r\n\r\n")
        sock.close()
        _still_answers(port)


def test_async_for_over_request_stream_and_content_length_body(app: Sanic) -> None:
    @app.post("/count", stream=True)
    async def count(request):
        chunks = []
        async for chunk in request.stream:
            chunks.append(chunk)
        return text(f"{len(b''.join(chunks))} bytes")

    with serve_in_thread(app, check_still_answers=True) as port:
        body = b"x" * 300_000
        response = httpx.post(f"http://127.0.0.1:{port}/count", content=body, timeout=5)
        assert response.text == "300000 bytes"


def test_add_route_and_view_stream_decorator_stream_too(app: Sanic) -> None:
    async def handler(request):
        parts = [chunk async for chunk in request.stream]
        return text(str(sum(map(len, parts))))

    app.add_route(handler, "/added", methods=["POST"], stream=True)

    class Upload(HTTPMethodView):
        @stream_decorator
        async def post(self, request):
            assert request.body == b""  # nothing buffered: it is a stream
            parts = [chunk async for chunk in request.stream]
            return text(f"view {sum(map(len, parts))}")

    app.add_route(Upload.as_view(), "/view")
    with serve_in_thread(app, check_still_answers=True) as port:
        base = f"http://127.0.0.1:{port}"
        assert httpx.post(f"{base}/added", content=b"a" * 1000, timeout=5).text == (
            "1000"
        )
        assert httpx.post(f"{base}/view", content=b"b" * 10, timeout=5).text == (
            "view 10"
        )


def test_a_chunked_stream_body_over_request_max_size_gets_413(app: Sanic) -> None:
    app.config.REQUEST_MAX_SIZE = 1000

    @app.post("/upload", stream=True)
    async def upload(request):
        async for _ in request.stream:
            pass
        return text("never")

    _alive_route(app)
    with serve_in_thread(app, check_still_answers=True) as port:
        sock = connect(port)
        sock.sendall(
            b"POST /upload HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
        )
        for _ in range(5):
            sock.sendall(b"190\r\n" + b"z" * 400 + b"\r\n")
        reply = read_until_closed(sock)
        sock.close()
        assert reply.startswith(b"HTTP/1.1 413")
        _still_answers(port)


def test_reading_pauses_while_the_handler_does_not_consume_the_buffer(
    app: Sanic,
) -> None:
    """A client sending 32 MB to a handler that has not started reading is held
    back after about REQUEST_BUFFER_SIZE plus the kernel's socket buffers;
    then the handler reads everything."""
    app.config.REQUEST_BUFFER_SIZE = 16 * 1024
    app.config.REQUEST_MAX_SIZE = 64 * 1024 * 1024
    total = 32 * 1024 * 1024
    start_reading = asyncio.Event()
    loops: list[asyncio.AbstractEventLoop] = []

    @app.post("/slow", stream=True)
    async def slow(request):
        loops.append(asyncio.get_running_loop())
        await start_reading.wait()
        size = 0
        async for chunk in request.stream:
            size += len(chunk)
        return text(str(size))

    with serve_in_thread(app, check_still_answers=True) as port:
        sock = connect(port)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 64 * 1024)
        sock.sendall(
            b"POST /slow HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n\r\n" % total
        )
        sock.setblocking(False)
        block = b"q" * 65536
        sent = 0
        deadline = time.monotonic() + 1.0
        while sent < total and time.monotonic() < deadline:
            try:
                sent += sock.send(block[: min(len(block), total - sent)])
            except BlockingIOError:
                time.sleep(0.01)
        assert sent < total // 2, f"the server read {sent} bytes it had no room for"
        loops[0].call_soon_threadsafe(start_reading.set)
        sock.setblocking(True)
        sock.settimeout(10)
        while sent < total:
            sent += sock.send(block[: min(len(block), total - sent)])
        reply = _recv_until(sock, str(total).encode(), limit=10)
        sock.close()
        assert reply.startswith(b"HTTP/1.1 200")
        assert reply.endswith(str(total).encode())


# ---- Expect: 100-continue -----------------------------------------------------


def test_100_continue_for_a_stream_route_waits_for_the_first_read(app: Sanic) -> None:
    @app.post("/later", stream=True)
    async def later(request):
        await asyncio.sleep(0.3)
        body = b"".join([chunk async for chunk in request.stream])
        return text(body.decode())

    with serve_in_thread(app, check_still_answers=True) as port:
        sock = connect(port)
        sock.sendall(
            b"POST /later HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n"
            b"Expect: 100-continue\r\n\r\n"
        )
        sock.settimeout(0.15)
        try:
            early = sock.recv(100)
        except TimeoutError:
            early = b""
        assert early == b""  # nothing before the handler asks for the body
        interim = _recv_until(sock, b"\r\n\r\n")
        assert interim == b"HTTP/1.1 100 Continue\r\n\r\n"
        sock.sendall(b"hello")
        reply = _recv_until(sock, b"hello")
        sock.close()
        assert reply.startswith(b"HTTP/1.1 200") and reply.endswith(b"hello")


def test_no_100_continue_when_the_route_ignores_the_body(app: Sanic) -> None:
    @app.get("/")
    async def index(request):
        return text("no body needed")

    with serve_in_thread(app, check_still_answers=True) as port:
        sock = connect(port)
        sock.sendall(
            b"GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n"
            b"Expect: 100-continue\r\n\r\n"
        )
        reply = read_until_closed(sock)  # answered, then closed: body never sent
        sock.close()
        assert reply.startswith(b"HTTP/1.1 200")
        assert b"100 Continue" not in reply
        assert reply.endswith(b"no body needed")


def test_no_100_continue_for_a_404_or_a_body_over_the_limit(app: Sanic) -> None:
    app.config.REQUEST_MAX_SIZE = 100

    @app.post("/upload")
    async def upload(request):
        return text("ok")

    with serve_in_thread(app, check_still_answers=True) as port:
        for path, length, status in (
            (b"/nowhere", 5, b"404"),
            (b"/upload", 101, b"413"),
        ):
            sock = connect(port)
            sock.sendall(
                b"POST %s HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n"
                b"Expect: 100-continue\r\n\r\n" % (path, length)
            )
            reply = _recv_until(sock, b"\r\n\r\n")
            sock.close()
            assert reply.startswith(b"HTTP/1.1 " + status), reply


# ---- streamed responses -------------------------------------------------------


def test_respond_send_eof_uses_chunked_transfer_without_a_length(app: Sanic) -> None:
    @app.get("/chunks")
    async def chunks(request):
        response = await request.respond(content_type="text/csv")
        await response.send("a,b\n")
        await asyncio.sleep(0.01)
        await response.send(b"1,2\n")
        await response.eof()

    with serve_in_thread(app, check_still_answers=True) as port:
        sock = connect(port)
        sock.sendall(b"GET /chunks HTTP/1.1\r\nHost: x\r\n\r\n")
        reply = _recv_until(sock, b"0\r\n\r\n")
        sock.close()
        head, _, body = reply.partition(b"\r\n\r\n")
        assert b"transfer-encoding: chunked" in head.lower()
        assert b"content-type: text/csv" in head.lower()
        assert body == b"4\r\na,b\n\r\n4\r\n1,2\n\r\n0\r\n\r\n"


def test_a_streamed_response_with_a_length_is_sent_as_is(app: Sanic) -> None:
    @app.get("/sized")
    async def sized(request):
        response = await request.respond(headers={"content-length": "6"})
        await response.send("abc")
        await response.send("def")
        await response.eof()

    with serve_in_thread(app, check_still_answers=True) as port:
        for _ in range(2):  # and the connection stays usable
            response = httpx.get(f"http://127.0.0.1:{port}/sized", timeout=5)
            assert response.text == "abcdef"
            assert response.headers["content-length"] == "6"
            assert "transfer-encoding" not in response.headers


def test_http10_streamed_response_ends_with_the_connection(app: Sanic) -> None:
    @app.get("/old")
    async def old(request):
        response = await request.respond()
        await response.send("x")
        await response.send("y")
        await response.eof()

    with serve_in_thread(app, check_still_answers=True) as port:
        sock = connect(port)
        sock.sendall(b"GET /old HTTP/1.0\r\n\r\n")
        reply = read_until_closed(sock)
        sock.close()
        head, _, body = reply.partition(b"\r\n\r\n")
        assert b"chunked" not in head.lower()
        assert body == b"xy"


def test_response_stream_and_the_old_stream_function(app: Sanic) -> None:
    async def numbers(response):
        for number in range(3):
            await response.write(f"{number};")
            await asyncio.sleep(0)

    @app.get("/class")
    async def as_class(request):
        return ResponseStream(numbers, headers={"x-kind": "class"})

    @app.get("/function")
    async def as_function(request):
        return stream(numbers, content_type="text/x-numbers", status=202)

    with serve_in_thread(app, check_still_answers=True) as port:
        base = f"http://127.0.0.1:{port}"
        first = httpx.get(f"{base}/class", timeout=5)
        assert first.text == "0;1;2;" and first.headers["x-kind"] == "class"
        second = httpx.get(f"{base}/function", timeout=5)
        assert second.status_code == 202 and second.text == "0;1;2;"
        assert second.headers["content-type"] == "text/x-numbers"


def test_a_response_stream_without_a_length_is_sent_chunked(app: Sanic) -> None:
    async def numbers(response):
        await response.write("0;")
        await response.write("1;")

    @app.get("/class")
    async def as_class(request):
        return ResponseStream(numbers)

    with serve_in_thread(app, check_still_answers=True) as port:
        response = httpx.get(f"http://127.0.0.1:{port}/class", timeout=5)
        assert response.text == "0;1;"
        assert response.headers["transfer-encoding"] == "chunked"


def test_a_streaming_handler_whose_client_leaves_mid_response_is_cancelled(
    app: Sanic,
) -> None:
    from sanic.exceptions import RequestCancelled

    outcome: list[str] = []

    @app.get("/forever")
    async def forever(request):
        response = await request.respond()
        try:
            while True:
                await response.send(b"x" * 65536)
                await asyncio.sleep(0.001)
        except (RequestCancelled, ConnectionError) as exc:
            outcome.append(type(exc).__name__)
            raise

    _alive_route(app)
    with serve_in_thread(app, check_still_answers=True) as port:
        sock = connect(port)
        sock.sendall(b"GET /forever HTTP/1.1\r\nHost: x\r\n\r\n")
        _recv_until(sock, b"xxxx")
        sock.close()
        deadline = time.monotonic() + 5
        while not outcome and time.monotonic() < deadline:
            time.sleep(0.02)
        assert outcome  # the handler stopped: no endless writing to nobody
        _still_answers(port)
