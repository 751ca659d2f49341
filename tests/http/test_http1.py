"""The HTTP/1.1 connection core with plain bytes: no sockets, no event loop.

`Http` talks to its protocol through a handful of methods; a recording stand-in
is enough to drive it.
"""

import pytest

from sanic.http import Http, Stage
from sanic.models.server_types import ConnInfo
from sanic.response import text


class FakeTransport:
    def get_extra_info(self, name, default=None):
        return {"sockname": ("127.0.0.1", 8000), "peername": ("127.0.0.1", 5000)}.get(
            name, default
        )


class RecordingProtocol:
    """Answers every dispatched request at once, like a handler that never awaits."""

    def __init__(self, app, answer=True):
        self.app = app
        self.transport = FakeTransport()
        self.conn_info = ConnInfo(self.transport)
        self.written = []
        self.dispatched = []
        self.closed = False
        self.paused = False
        self._closing = False
        self.answer = answer
        self.transport.write = self.written.append

    def dispatch(self, request):
        self.dispatched.append(request)
        if self.answer:
            request.stream.write_response(text(f"{request.method} {request.path}"))

    def request_finished(self, request, response):
        pass

    def write(self, data):
        self.written.append(data)

    def close(self):
        self.closed = True
        self._closing = True

    def pause_reading(self):
        self.paused = True

    def resume_reading(self):
        self.paused = False


@pytest.fixture
def routed_app(app):
    @app.route("/a", methods=["GET", "POST"])
    async def a(request):
        return text("a")

    app.finalize()
    return app


def make(app, **kwargs):
    protocol = RecordingProtocol(app, **kwargs)
    http = Http(protocol)
    return http, protocol


def test_a_request_split_across_many_feeds_is_parsed_once_complete(routed_app):
    http, protocol = make(routed_app)
    raw = b"POST /a?x=1 HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\nhello"
    for i in range(len(raw)):
        http.feed(raw[i : i + 1])
    (request,) = protocol.dispatched
    assert request.method == "POST"
    assert request.path == "/a"
    assert request.query_string == "x=1"
    assert request.body == b"hello"
    assert request.headers["host"] == "h"
    assert protocol.written[0].startswith(b"HTTP/1.1 200 OK\r\n")


def test_pipelined_requests_wait_for_the_one_in_progress(routed_app):
    http, protocol = make(routed_app, answer=False)
    http.feed(b"GET /a HTTP/1.1\r\n\r\nPOST /a HTTP/1.1\r\nContent-Length: 0\r\n\r\n")
    assert [r.method for r in protocol.dispatched] == ["GET"]
    assert http.stage is Stage.HANDLER
    http.write_response(text("first"))
    assert [r.method for r in protocol.dispatched] == ["GET", "POST"]
    http.write_response(text("second"))
    assert http.stage is Stage.IDLE
    assert protocol.written[0].endswith(b"first")
    assert protocol.written[1].endswith(b"second")


def test_many_pipelined_requests_pause_reading(routed_app):
    http, protocol = make(routed_app, answer=False)
    http.feed(b"GET /a HTTP/1.1\r\n\r\n" * 40)
    assert protocol.paused
    while http.request is not None:
        http.write_response(text("x"))
    assert not protocol.paused
    assert len(protocol.written) == 40


def test_malformed_input_answers_400_and_closes(routed_app):
    http, protocol = make(routed_app)
    http.feed(b"\x00\x01\x02 nonsense\r\n\r\n")
    assert protocol.dispatched == []
    assert protocol.written[0].startswith(b"HTTP/1.1 400 Bad Request\r\n")
    assert protocol.closed
    http.feed(b"GET /a HTTP/1.1\r\n\r\n")  # nothing more is read after a failure
    assert protocol.dispatched == []


def test_unknown_route_is_dispatched_with_its_error(routed_app):
    http, protocol = make(routed_app, answer=False)
    http.feed(b"GET /missing HTTP/1.1\r\n\r\n")
    (request,) = protocol.dispatched
    assert request.route is None
    assert request._route_error.status_code == 404


def test_wrong_method_is_dispatched_with_405(routed_app):
    http, protocol = make(routed_app, answer=False)
    http.feed(b"DELETE /a HTTP/1.1\r\n\r\n")
    (request,) = protocol.dispatched
    assert request._route_error.status_code == 405
    assert "GET" in request._route_error.headers["Allow"]


def test_content_length_over_the_limit_fails_before_the_body(routed_app):
    routed_app.config.REQUEST_MAX_SIZE = 10
    http, protocol = make(routed_app)
    http.feed(b"POST /a HTTP/1.1\r\nContent-Length: 11\r\n\r\n")
    assert protocol.written[0].startswith(b"HTTP/1.1 413 ")
    assert protocol.closed


def test_http10_request_gets_an_http10_response_and_close(routed_app):
    http, protocol = make(routed_app)
    http.feed(b"GET /a HTTP/1.0\r\n\r\n")
    assert protocol.written[0].startswith(b"HTTP/1.0 200 OK\r\n")
    assert b"connection: close" in protocol.written[0]
    assert protocol.closed


def test_head_response_has_length_but_no_body(routed_app):
    http, protocol = make(routed_app)
    http.feed(b"HEAD /a HTTP/1.1\r\n\r\n")
    head = protocol.written[0]
    assert head.endswith(b"\r\n\r\n")
    assert b"content-length: 7\r\n" in head  # len("HEAD /a")


def test_head_and_a_large_body_in_one_packet_are_not_a_head_too_large(routed_app):
    """Bytes after the end of the head are body, not head: a 200 KiB upload that
    arrives in the same read as its head is accepted."""
    http, protocol = make(routed_app)
    body = b"x" * 200_000
    http.feed(b"POST /a HTTP/1.1\r\nContent-Length: 200000\r\n\r\n" + body)
    (request,) = protocol.dispatched
    assert request.body == body
    assert protocol.written[0].startswith(b"HTTP/1.1 200 OK\r\n")


def test_a_head_over_the_limit_split_across_packets_is_still_caught(routed_app):
    routed_app.config.REQUEST_MAX_HEADER_SIZE = 1024
    http, protocol = make(routed_app)
    http.feed(b"GET /a HTTP/1.1\r\nX-One: " + b"a" * 700 + b"\r\n")
    http.feed(b"X-Two: " + b"b" * 700 + b"\r\n\r\n")
    assert protocol.dispatched == []
    assert protocol.written[0].startswith(b"HTTP/1.1 431 ")
    assert protocol.closed
