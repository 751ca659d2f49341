"""HTTP/1.1 on the wire: raw sockets against a real server."""

import asyncio
import socket
import time

import pytest

from sanic.response import json, raw, text
from tests.server_thread import (
    connect,
    read_rejection,
    read_responses,
    read_until_closed,
    serve_in_thread,
)


@pytest.fixture
def wire_app(app):
    @app.get("/")
    async def index(request):
        return text("hello")

    @app.get("/slow/<delay:float>")
    async def slow(request, delay: float):
        await asyncio.sleep(delay)
        return text(f"slow {delay}")

    @app.get("/n/<n:int>")
    async def number(request, n: int):
        return text(str(n))

    @app.post("/echo")
    async def echo(request):
        return raw(request.body)

    @app.post("/size")
    async def size(request):
        return json({"size": len(request.body)})

    return app


def test_keep_alive_serves_several_requests_on_one_connection(wire_app):
    with (
        serve_in_thread(wire_app, check_still_answers=True) as port,
        connect(port) as sock,
    ):
        for _ in range(3):
            sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
            (response,) = read_responses(sock, 1)
            assert response.startswith(b"HTTP/1.1 200 OK\r\n")
            assert response.endswith(b"\r\n\r\nhello")
            assert b"connection: close" not in response.lower()


def test_pipelined_requests_are_answered_in_order(wire_app):
    with (
        serve_in_thread(wire_app, check_still_answers=True) as port,
        connect(port) as sock,
    ):
        sock.sendall(
            b"GET /slow/0.2 HTTP/1.1\r\nHost: x\r\n\r\n"
            b"GET /n/2 HTTP/1.1\r\nHost: x\r\n\r\n"
            b"GET /slow/0.05 HTTP/1.1\r\nHost: x\r\n\r\n"
            b"GET /n/4 HTTP/1.1\r\nHost: x\r\n\r\n"
        )
        responses = read_responses(sock, 4)
        bodies = [r.split(b"\r\n\r\n", 1)[1] for r in responses]
        assert bodies == [b"slow 0.2", b"2", b"slow 0.05", b"4"]


def test_http10_without_keep_alive_closes_after_the_response(wire_app):
    with (
        serve_in_thread(wire_app, check_still_answers=True) as port,
        connect(port) as sock,
    ):
        sock.sendall(b"GET / HTTP/1.0\r\n\r\n")
        data = read_until_closed(sock)
        assert data.startswith(b"HTTP/1.0 200 OK\r\n")
        assert data.endswith(b"hello")
        assert b"connection: close" in data.lower()


def test_http10_with_keep_alive_stays_open(wire_app):
    with (
        serve_in_thread(wire_app, check_still_answers=True) as port,
        connect(port) as sock,
    ):
        for _ in range(2):
            sock.sendall(b"GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
            (response,) = read_responses(sock, 1)
            assert b"connection: keep-alive" in response.lower()
            assert response.endswith(b"hello")


def test_connection_close_is_honoured(wire_app):
    with (
        serve_in_thread(wire_app, check_still_answers=True) as port,
        connect(port) as sock,
    ):
        sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        data = read_until_closed(sock)
        assert data.startswith(b"HTTP/1.1 200 OK")
        assert b"connection: close" in data.lower()
        assert data.endswith(b"hello")


def test_chunked_request_body_is_reassembled(wire_app):
    with (
        serve_in_thread(wire_app, check_still_answers=True) as port,
        connect(port) as sock,
    ):
        sock.sendall(
            b"POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
            b"5\r\nhello\r\n"
        )
        sock.sendall(b"6\r\n world\r\n0\r\n\r\n")
        (response,) = read_responses(sock, 1)
        assert response.startswith(b"HTTP/1.1 200 OK")
        assert b"content-length: 11\r\n" in response
        assert response.endswith(b"hello world")


def test_malformed_request_line_gets_400_and_the_connection_closes(wire_app):
    with (
        serve_in_thread(wire_app, check_still_answers=True) as port,
        connect(port) as sock,
    ):
        sock.sendall(b"THIS IS NOT HTTP\r\n\r\n")
        data = read_until_closed(sock)
        assert data.startswith(b"HTTP/1.1 400 Bad Request\r\n")
        assert b"connection: close" in data.lower()


def test_garbage_after_a_valid_request_answers_it_then_400(wire_app):
    with (
        serve_in_thread(wire_app, check_still_answers=True) as port,
        connect(port) as sock,
    ):
        sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n\x00\x01garbage\r\n\r\n")
        data = read_until_closed(sock)
        first, _, rest = data.partition(b"hello")
        assert first.startswith(b"HTTP/1.1 200 OK")
        assert rest.startswith(b"HTTP/1.1 400 Bad Request")


def test_responses_carry_content_length(wire_app):
    with (
        serve_in_thread(wire_app, check_still_answers=True) as port,
        connect(port) as sock,
    ):
        sock.sendall(b"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n\r\nabcd")
        (response,) = read_responses(sock, 1)
        assert b"content-length: 4\r\n" in response
        assert b"content-type: application/octet-stream\r\n" in response


def test_head_request_for_get_route_has_no_body(wire_app):
    with (
        serve_in_thread(wire_app, check_still_answers=True) as port,
        connect(port) as sock,
    ):
        sock.sendall(
            b"HEAD / HTTP/1.1\r\nHost: x\r\n\r\nGET /n/7 HTTP/1.1\r\nHost: x\r\n\r\n"
        )
        sock.settimeout(2)
        data = b""
        while b"\r\n\r\n7" not in data:
            chunk = sock.recv(65536)
            if not chunk:
                break
            data += chunk
        head_response, _, second = data.partition(b"\r\n\r\n")
        assert head_response.startswith(b"HTTP/1.1 200 OK")
        assert b"content-length: 5" in head_response
        # The next response starts right after the head: no body was sent.
        assert second.startswith(b"HTTP/1.1 200 OK")


def test_expect_100_continue_gets_an_interim_response(wire_app):
    with (
        serve_in_thread(wire_app, check_still_answers=True) as port,
        connect(port) as sock,
    ):
        sock.sendall(
            b"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n"
            b"Expect: 100-continue\r\n\r\n"
        )
        interim = sock.recv(1024)
        assert interim == b"HTTP/1.1 100 Continue\r\n\r\n"
        sock.sendall(b"abc")
        (response,) = read_responses(sock, 1)
        assert response.endswith(b"abc")


def test_oversized_header_gets_431_and_closes(wire_app):
    wire_app.config.REQUEST_MAX_HEADER_SIZE = 1024
    with (
        serve_in_thread(wire_app, check_still_answers=True) as port,
        connect(port) as sock,
    ):
        sock.sendall(
            b"GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 4096 + b"\r\n\r\n"
        )
        data = read_until_closed(sock)
        assert data.startswith(b"HTTP/1.1 431 ")


def test_body_over_request_max_size_gets_413(wire_app):
    wire_app.config.REQUEST_MAX_SIZE = 100
    with (
        serve_in_thread(wire_app, check_still_answers=True) as port,
        connect(port) as sock,
    ):
        sock.sendall(b"POST /size HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n")
        data = read_until_closed(sock)
        assert data.startswith(b"HTTP/1.1 413 ")
        assert b"connection: close" in data.lower()


def test_chunked_body_over_request_max_size_gets_413(wire_app):
    wire_app.config.REQUEST_MAX_SIZE = 100
    with (
        serve_in_thread(wire_app, check_still_answers=True) as port,
        connect(port) as sock,
    ):
        sock.sendall(
            b"POST /size HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
        )
        try:
            for _ in range(10):
                sock.sendall(b"20\r\n" + b"x" * 32 + b"\r\n")
        except OSError:
            pass  # the server may already have closed
        # A lingering close: the 413 arrives although the client kept sending.
        data = read_until_closed(sock)
        assert data.startswith(b"HTTP/1.1 413 ")


def test_unknown_route_is_404_and_keeps_the_connection(wire_app):
    with (
        serve_in_thread(wire_app, check_still_answers=True) as port,
        connect(port) as sock,
    ):
        sock.sendall(
            b"GET /missing HTTP/1.1\r\nHost: x\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n"
        )
        first, second = read_responses(sock, 2)
        assert first.startswith(b"HTTP/1.1 404 Not Found")
        assert second.endswith(b"hello")


def test_client_disconnect_mid_request_does_not_break_the_server(wire_app):
    with serve_in_thread(wire_app, check_still_answers=True) as port:
        sock = connect(port)
        sock.sendall(b"GET /slow/0.3 HTTP/1.1\r\nHost: x\r\n\r\n")
        sock.close()
        sock = connect(port)
        sock.sendall(b"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc")
        sock.close()
        with connect(port) as again:
            again.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
            (response,) = read_responses(again, 1)
            assert response.endswith(b"hello")


def test_idle_keep_alive_connection_is_closed_after_the_timeout(wire_app):
    wire_app.config.KEEP_ALIVE_TIMEOUT = 0.3
    with (
        serve_in_thread(wire_app, check_still_answers=True) as port,
        connect(port) as sock,
    ):
        sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        read_responses(sock, 1)
        sock.settimeout(3)
        assert sock.recv(10) == b""


def test_slow_request_head_gets_408(wire_app):
    wire_app.config.REQUEST_TIMEOUT = 0.3
    with (
        serve_in_thread(wire_app, check_still_answers=True) as port,
        connect(port) as sock,
    ):
        sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n")
        data = read_until_closed(sock)
        assert data.startswith(b"HTTP/1.1 408 ")


def test_slow_handler_gets_503_after_response_timeout(wire_app):
    wire_app.config.RESPONSE_TIMEOUT = 0.3
    with (
        serve_in_thread(wire_app, check_still_answers=True) as port,
        connect(port) as sock,
    ):
        sock.sendall(b"GET /slow/5 HTTP/1.1\r\nHost: x\r\n\r\n")
        data = read_until_closed(sock)
        assert data.startswith(b"HTTP/1.1 503 Service Unavailable")


def test_many_connections_are_served_concurrently(wire_app):
    with serve_in_thread(wire_app, check_still_answers=True) as port:
        socks = [connect(port) for _ in range(20)]
        try:
            for sock in socks:
                sock.sendall(b"GET /slow/0.2 HTTP/1.1\r\nHost: x\r\n\r\n")
            for sock in socks:
                (response,) = read_responses(sock, 1)
                assert response.endswith(b"slow 0.2")
        finally:
            for sock in socks:
                sock.close()


def test_header_injection_in_response_is_refused(app):
    @app.get("/")
    async def handler(request):
        return text("x", headers={"X-Evil": "a\r\nSet-Cookie: stolen=1"})

    with serve_in_thread(app) as port, connect(port) as sock:
        sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        (response,) = read_responses(sock, 1)
        assert response.startswith(b"HTTP/1.1 500 ")
        assert b"stolen" not in response.split(b"\r\n\r\n")[0]


def test_upgrade_request_to_a_plain_route_is_answered_then_closed(wire_app):
    with (
        serve_in_thread(wire_app, check_still_answers=True) as port,
        connect(port) as sock,
    ):
        sock.sendall(
            b"GET / HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\n"
            b"Upgrade: websocket\r\n\r\n"
        )
        (response,) = read_responses(sock, 1)
        assert response.startswith(b"HTTP/1.1 200 OK")
        assert response.endswith(b"hello")
        sock.settimeout(2)
        assert sock.recv(10) == b""  # the server closed it (no keep-alive wait)


def test_head_growing_past_the_limit_across_packets_gets_431(wire_app):
    wire_app.config.REQUEST_MAX_HEADER_SIZE = 2048
    with (
        serve_in_thread(wire_app, check_still_answers=True) as port,
        connect(port) as sock,
    ):
        sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n")
        try:
            for i in range(40):  # the head never ends: 40 packets of ~100 bytes
                sock.sendall(b"X-Slow-%d: %s\r\n" % (i, b"v" * 90))
                time.sleep(0.005)
        except OSError:
            pass  # the server may already have closed
        data = read_rejection(sock)
        assert data is None or data.startswith(b"HTTP/1.1 431 ")


def test_many_small_headers_in_one_packet_over_the_limit_get_431(wire_app):
    wire_app.config.REQUEST_MAX_HEADER_SIZE = 1024
    with (
        serve_in_thread(wire_app, check_still_answers=True) as port,
        connect(port) as sock,
    ):
        headers = b"".join(b"X-H%d: %s\r\n" % (i, b"v" * 20) for i in range(100))
        sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n" + headers + b"\r\n")
        data = read_until_closed(sock)
        assert data.startswith(b"HTTP/1.1 431 ")


def test_endless_header_value_is_cut_off(wire_app):
    wire_app.config.REQUEST_MAX_HEADER_SIZE = 1024
    with (
        serve_in_thread(wire_app, check_still_answers=True) as port,
        connect(port) as sock,
    ):
        sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\nX-Endless: ")
        try:  # one value that never ends, well past the incomplete-head bound
            for _ in range(16):
                sock.sendall(b"v" * 16384)
        except OSError:
            pass  # closed by the server: what this test wants
        data = read_rejection(sock)
        assert data is None or data.startswith(b"HTTP/1.1 431 ")


def test_overlong_request_line_gets_414_and_closes(wire_app):
    wire_app.config.REQUEST_MAX_HEADER_SIZE = 1024
    with (
        serve_in_thread(wire_app, check_still_answers=True) as port,
        connect(port) as sock,
    ):
        sock.sendall(b"GET /" + b"a" * 2048 + b" HTTP/1.1\r\nHost: x\r\n\r\n")
        data = read_until_closed(sock)
        assert data.startswith(b"HTTP/1.1 414 ")


def test_413_reaches_a_client_that_keeps_sending_a_large_body(wire_app):
    """Without a lingering close the unread upload makes the kernel reset the
    connection, and the client may never see the 413."""
    wire_app.config.REQUEST_MAX_SIZE = 1000
    with (
        serve_in_thread(wire_app, check_still_answers=True) as port,
        connect(port) as sock,
    ):
        sock.sendall(
            b"POST /size HTTP/1.1\r\nHost: x\r\nContent-Length: 5000000\r\n\r\n"
        )
        try:
            for _ in range(64):
                sock.sendall(b"x" * 65536)
        except OSError:
            pass
        sock.shutdown(socket.SHUT_WR)
        data = read_until_closed(sock)
        assert b"HTTP/1.1 413 " in data


def test_keep_alive_false_in_config_closes_after_each_response(app):
    from sanic.response import text
    from tests.server_thread import connect, read_until_closed, serve_in_thread

    app.config.KEEP_ALIVE = False

    @app.get("/")
    async def index(request):
        return text("once")

    with serve_in_thread(app) as port:
        sock = connect(port)
        sock.sendall(
            b"GET / HTTP/1.1\r\nHost: x\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n"
        )
        reply = read_until_closed(sock)
        sock.close()
    assert reply.count(b"HTTP/1.1 200") == 1
    assert b"connection: close" in reply.lower()


def test_graceful_tcp_close_timeout_bounds_the_lingering_close(wire_app):
    """After a 413 the server drains what a client still sends, so that the
    response is not lost to a reset; a client that never stops is cut off
    after GRACEFUL_TCP_CLOSE_TIMEOUT."""
    wire_app.config.REQUEST_MAX_SIZE = 1000
    wire_app.config.GRACEFUL_TCP_CLOSE_TIMEOUT = 0.5
    with (
        serve_in_thread(wire_app, check_still_answers=True) as port,
        connect(port) as sock,
    ):
        sock.sendall(
            b"POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
        )
        sock.setblocking(False)
        received = b""
        started = time.monotonic()
        ended = None
        while time.monotonic() - started < 5:
            try:
                sock.send(b"400\r\n" + b"z" * 1024 + b"\r\n")
            except BlockingIOError:
                pass
            except OSError:
                ended = time.monotonic() - started
                break
            try:
                chunk = sock.recv(65536)
                if chunk == b"" and received:
                    pass  # our side still sends: the server reads and discards
                received += chunk
            except BlockingIOError:
                pass
            except OSError:
                ended = time.monotonic() - started
                break
            time.sleep(0.01)
        assert received.startswith(b"HTTP/1.1 413")
        assert ended is not None, "the server never cut off the endless sender"
        assert 0.4 <= ended < 2.5
