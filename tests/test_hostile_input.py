"""Hostile and ambiguous requests: each gets a 400-class answer and the
connection closed, never a 500, a hang or a crash (request smuggling shapes,
bare LF, obs-fold, bad names, NUL bytes, absurd methods)."""

from __future__ import annotations

import pytest

from sanic import Sanic
from sanic.response import text
from tests.server_thread import connect, read_until_closed, serve_in_thread

HEAD = b"POST /a HTTP/1.1\r\nHost: x\r\n"

SHAPES = {
    "content_length_and_transfer_encoding": HEAD
    + b"Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
    "transfer_encoding_and_content_length": HEAD
    + b"Transfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n0\r\n\r\n",
    "conflicting_content_lengths": HEAD
    + b"Content-Length: 5\r\nContent-Length: 6\r\n\r\nhello!",
    "repeated_content_length": HEAD
    + b"Content-Length: 5\r\nContent-Length: 5\r\n\r\nhello",
    "content_length_list": HEAD + b"Content-Length: 5, 5\r\n\r\nhello",
    "content_length_with_sign": HEAD + b"Content-Length: +5\r\n\r\nhello",
    "negative_content_length": HEAD + b"Content-Length: -1\r\n\r\n",
    "hex_content_length": HEAD + b"Content-Length: 0x5\r\n\r\nhello",
    "content_length_with_inner_space": HEAD + b"Content-Length: 1 2\r\n\r\nhello",
    "transfer_encoding_gzip": HEAD + b"Transfer-Encoding: gzip\r\n\r\nhello",
    "transfer_encoding_list": HEAD
    + b"Transfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n",
    "transfer_encoding_twice": HEAD
    + b"Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
    "transfer_encoding_unknown": HEAD + b"Transfer-Encoding: xchunked\r\n\r\n0\r\n\r\n",
    "chunk_size_not_hex": HEAD
    + b"Transfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n",
    "chunk_size_overflow": HEAD
    + b"Transfer-Encoding: chunked\r\n\r\nffffffffffffffffff\r\nhello\r\n0\r\n\r\n",
    "bare_lf_line_endings": b"GET /a HTTP/1.1\nHost: x\n\n",
    "bare_lf_in_one_header": b"GET /a HTTP/1.1\r\nHost: x\nX: y\r\n\r\n",
    "obs_fold": b"GET /a HTTP/1.1\r\nHost: x\r\nX-A: one\r\n two\r\n\r\n",
    "space_in_header_name": b"GET /a HTTP/1.1\r\nHost: x\r\nX A: y\r\n\r\n",
    "space_before_colon": b"GET /a HTTP/1.1\r\nHost: x\r\nX-A : y\r\n\r\n",
    "nul_in_header_value": b"GET /a HTTP/1.1\r\nHost: x\r\nX-A: a\x00b\r\n\r\n",
    "nul_in_header_name": b"GET /a HTTP/1.1\r\nHost: x\r\nX\x00A: y\r\n\r\n",
    "bare_cr_in_value": b"GET /a HTTP/1.1\r\nHost: x\r\nX-A: a\rb\r\n\r\n",
    "absurd_method": b"FOOBARBAZ /a HTTP/1.1\r\nHost: x\r\n\r\n",
    "lowercase_method": b"get /a HTTP/1.1\r\nHost: x\r\n\r\n",
    "very_long_method": b"A" * 100 + b" /a HTTP/1.1\r\nHost: x\r\n\r\n",
}


@pytest.fixture
def hostile_app(app: Sanic) -> Sanic:
    @app.route("/a", methods=["GET", "POST"])
    async def a(request):
        return text(f"read {len(request.body)} bytes")

    return app


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_hostile_request_gets_a_4xx_and_the_connection_closed(
    hostile_app: Sanic, shape: str
) -> None:
    with (
        serve_in_thread(hostile_app, check_still_answers=True) as port,
        connect(port) as sock,
    ):
        # A valid request follows: it must not be answered (no smuggling).
        sock.sendall(SHAPES[shape] + b"GET /a HTTP/1.1\r\nHost: x\r\n\r\n")
        data = read_until_closed(sock)
    status = int(data[9:12])
    assert 400 <= status < 500, data[:200]
    assert data.count(b"HTTP/1.1 ") == 1, data  # one answer, then closed


@pytest.mark.parametrize(
    "value", [b"chunked", b"Chunked", b"chunked "], ids=["lower", "mixed_case", "ows"]
)
def test_plain_chunked_transfer_encoding_is_accepted(
    hostile_app: Sanic, value: bytes
) -> None:
    """Transfer codings are case-insensitive and OWS is trimmed (RFC 9112)."""
    with (
        serve_in_thread(hostile_app, check_still_answers=True) as port,
        connect(port) as sock,
    ):
        sock.sendall(
            HEAD
            + b"Transfer-Encoding: "
            + value
            + b"\r\nConnection: close\r\n\r\n5\r\nhello\r\n0\r\n\r\n"
        )
        data = read_until_closed(sock)
    assert data.startswith(b"HTTP/1.1 200 ")
    assert data.endswith(b"read 5 bytes")
