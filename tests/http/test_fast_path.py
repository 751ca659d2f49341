"""The shortcuts the HTTP/1.1 core takes for the common request, with plain bytes.

Requests are built without calling the request class, static routes are looked
up inline, heads are size-checked once per head, and plain responses are
encoded inline: each shortcut must give what the general path gives.
"""

import pytest

from sanic.http import Stage
from sanic.request import Request
from sanic.response import text
from tests.http.test_http1 import make


@pytest.fixture
def routed_app(app):
    @app.get("/a")
    async def a(request):
        return text("a")

    app.finalize()
    return app


def test_a_static_route_added_after_the_first_request_is_found(routed_app):
    http, protocol = make(routed_app, answer=False)
    http.feed(b"GET /a HTTP/1.1\r\n\r\n")
    http.write_response(text("first"))

    @routed_app.get("/b")
    async def b(request):
        return text("b")

    http.feed(b"GET /b HTTP/1.1\r\n\r\n")
    request = protocol.dispatched[-1]
    assert request._route_error is None
    assert request.route.path.strip("/") == "b"


def test_a_removed_static_route_is_not_served_from_the_inlined_lookup(routed_app):
    http, protocol = make(routed_app, answer=False)
    routed_app.router.reset()
    http.feed(b"GET /a HTTP/1.1\r\n\r\n")
    (request,) = protocol.dispatched
    assert request.route is None
    assert request._route_error.status_code == 404


def test_request_built_by_the_server_matches_one_built_by_the_class(routed_app):
    http, protocol = make(routed_app, answer=False)
    http.feed(b"GET /a?x=1&y=2 HTTP/1.1\r\nHost: example.com\r\n\r\n")
    (served,) = protocol.dispatched
    built = Request(
        b"/a?x=1&y=2",
        [(b"Host", b"example.com")],
        "1.1",
        "GET",
        protocol.transport,
        routed_app,
    )
    assert type(served) is Request
    for name in ("path", "query_string", "version", "method", "raw_url", "url"):
        assert getattr(served, name) == getattr(built, name), name
    assert served.args == built.args
    assert served.headers == built.headers
    assert served.stream is http
    assert served.conn_info is protocol.conn_info


def test_a_custom_request_class_with_its_own_init_is_called(app):
    calls = []

    class Custom(Request):
        def __init__(self, *args, **kwargs):
            calls.append(args[0])
            super().__init__(*args, **kwargs)

    app.request_class = Custom

    @app.get("/a")
    async def a(request):
        return text("a")

    app.finalize()
    http, protocol = make(app)
    http.feed(b"GET /a HTTP/1.1\r\n\r\n")
    assert calls == [b"/a"]
    assert type(protocol.dispatched[0]) is Custom
    assert protocol.written[0].endswith(b"GET /a")


@pytest.mark.parametrize(
    "target", [b"/\xff", b"/\xff?x=1", b"http://h/\xff"], ids=["path", "query", "abs"]
)
def test_a_path_that_is_not_utf8_is_a_400(routed_app, target):
    http, protocol = make(routed_app)
    http.feed(b"GET " + target + b" HTTP/1.1\r\n\r\n")
    assert protocol.dispatched == []
    assert protocol.written[0].startswith(b"HTTP/1.1 400 ")


def test_a_url_over_the_limit_in_one_packet_is_a_414(routed_app):
    routed_app.config.REQUEST_MAX_HEADER_SIZE = 1024
    http, protocol = make(routed_app)
    http.feed(b"GET /" + b"a" * 2000 + b" HTTP/1.1\r\n\r\n")
    assert protocol.dispatched == []
    assert protocol.written[0].startswith(b"HTTP/1.1 414 ")


def test_an_unfinished_head_over_the_limit_is_a_431_before_it_ends(routed_app):
    routed_app.config.REQUEST_MAX_HEADER_SIZE = 1024
    http, protocol = make(routed_app)
    http.feed(b"GET /a HTTP/1.1\r\nX-One: " + b"a" * 2000 + b"\r\nX-Two: b")
    assert protocol.written[0].startswith(b"HTTP/1.1 431 ")
    assert protocol.closed


def test_a_stage_reads_request_while_a_request_arrives(routed_app):
    http, protocol = make(routed_app, answer=False)
    assert http.current_stage() is Stage.IDLE
    http.feed(b"GET /a HTTP/1.1\r\n")
    assert http.current_stage() is Stage.REQUEST
    http.feed(b"\r\n")
    assert http.current_stage() is Stage.HANDLER
    http.write_response(text("x"))
    assert http.current_stage() is Stage.IDLE
    assert http.served == 1


@pytest.mark.parametrize(
    "make_response, expected",
    [
        (lambda: text("hi"), b"content-length: 2\r\n\r\nhi"),
        (lambda: text("hi", status=204), b"HTTP/1.1 204 No Content\r\n\r\n"),
        (lambda: text("hi", headers={"x-a": "1"}), b"x-a: 1\r\n"),
    ],
    ids=["plain", "no-body-status", "with-headers"],
)
def test_inlined_encoding_gives_what_the_general_encoder_gives(
    routed_app, make_response, expected
):
    http, protocol = make(routed_app, answer=False)
    http.feed(b"GET /a HTTP/1.1\r\n\r\n")
    http.write_response(make_response())
    assert expected in protocol.written[0]
