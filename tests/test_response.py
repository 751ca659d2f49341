"""Response objects and the helpers that build them, down to the bytes on the wire."""

import asyncio
import json as stdlib_json
import os
from datetime import datetime, timedelta, timezone
from email.utils import formatdate, parsedate_to_datetime
from types import SimpleNamespace

import pytest

from sanic.compat import Header
from sanic.exceptions import SanicException, ServerError
from sanic.http.encode import encode_response
from sanic.response import (
    BaseHTTPResponse,
    HTTPResponse,
    JSONResponse,
    ResponseStream,
    empty,
    file,
    file_stream,
    html,
    json,
    json_dumps,
    raw,
    redirect,
    text,
    validate_file,
)


def run(coro):
    return asyncio.run(coro)


def wire(response) -> tuple[str, dict[str, list[str]], bytes]:
    """Serialize as the server does; return status line, headers, body."""
    data = encode_response(response, keep_alive=True)
    head, _, body = data.partition(b"\r\n\r\n")
    status, *lines = head.decode().split("\r\n")
    headers: dict[str, list[str]] = {}
    for line in lines:
        name, _, value = line.partition(": ")
        headers.setdefault(name.lower(), []).append(value)
    return status, headers, body


class FakeStream:
    """What the server connects as ``response.stream``."""

    def __init__(self):
        self.sent: list[tuple[bytes, bool]] = []

    async def send(self, data: bytes, end_stream: bool) -> None:
        self.sent.append((data, end_stream))


# ---- HTTPResponse ---------------------------------------------------------------


def test_bare_http_response_is_an_empty_200():
    response = HTTPResponse()
    assert (response.status, response.body, response.content_type) == (200, b"", None)
    status, headers, body = wire(response)
    assert status == "HTTP/1.1 200 OK"
    assert headers["content-length"] == ["0"]
    assert body == b""


def test_str_body_is_encoded_once_as_utf8():
    response = HTTPResponse("Hi 😎", status=201, content_type="text/plain")
    assert response.body == "Hi 😎".encode()
    assert response.status == 201
    _, headers, body = wire(response)
    assert body.decode() == "Hi 😎"
    assert headers["content-length"] == [str(len("Hi 😎".encode()))]


@pytest.mark.parametrize("body", [b"abc", bytearray(b"abc"), memoryview(b"abc")])
def test_bytes_like_bodies_become_bytes(body):
    response = HTTPResponse(body)
    assert response.body == b"abc" and type(response.body) is bytes


def test_unsupported_body_type_is_a_clear_error():
    with pytest.raises(TypeError, match="int"):
        HTTPResponse(123)


def test_headers_are_not_built_until_used():
    response = text("x")
    assert response._headers is None and response._cookies is None
    response.headers["X-Served-By"] = "sanic"
    assert isinstance(response._headers, Header)
    _, headers, _ = wire(response)
    assert headers["x-served-by"] == ["sanic"]


def test_given_headers_are_sent_and_copied():
    given = {"X-One": "1"}
    response = HTTPResponse("x", headers=given)
    given["X-Two"] = "2"
    assert "X-Two" not in response.headers
    assert response.headers["x-one"] == "1"  # case-insensitive


def test_headers_can_be_replaced():
    response = HTTPResponse("x")
    response.headers = {"X-A": "a"}
    assert isinstance(response.headers, Header)
    assert wire(response)[1]["x-a"] == ["a"]


def test_repr_shows_class_status_and_type():
    assert repr(text("x", status=404)) == (
        "<HTTPResponse: 404 text/plain; charset=utf-8>"
    )


def test_processed_headers_include_content_type_and_cookies():
    response = text("x", headers={"X-A": "a"})
    response.add_cookie("k", "v")
    pairs = list(response.processed_headers)
    assert (b"X-A", b"a") in pairs
    assert (b"content-type", b"text/plain; charset=utf-8") in pairs
    assert (b"set-cookie", b"k=v; Path=/; SameSite=Lax; Secure") in pairs


def test_processed_headers_respect_an_explicit_content_type_header():
    response = text("x", headers={"Content-Type": "text/csv"})
    names = [name.lower() for name, _ in response.processed_headers]
    assert names.count(b"content-type") == 1


# ---- text / html / raw / empty --------------------------------------------------


def test_text():
    response = text("Hi 😎")
    assert response.content_type == "text/plain; charset=utf-8"
    _, headers, body = wire(response)
    assert headers["content-type"] == ["text/plain; charset=utf-8"]
    assert body == "Hi 😎".encode()


def test_text_with_status_headers_and_type():
    response = text("x", status=418, headers={"X-A": "a"}, content_type="text/csv")
    status, headers, _ = wire(response)
    assert status.startswith("HTTP/1.1 418 ")
    assert headers["x-a"] == ["a"] and headers["content-type"] == ["text/csv"]


@pytest.mark.parametrize("body", [b"bytes", 1, None, {"a": 1}])
def test_text_rejects_non_str_naming_the_type(body):
    with pytest.raises(TypeError, match=type(body).__name__):
        text(body)


def test_html_from_str_and_bytes():
    page = '<!DOCTYPE html><html lang="en"><div>Hi 😎</div>'
    for body in (page, page.encode()):
        response = html(body)
        assert response.content_type == "text/html; charset=utf-8"
        assert response.body == page.encode()


def test_html_uses_dunder_html_then_repr_html():
    class Markup:
        def __html__(self):
            return "<b>markup</b>"

    class Notebook:
        def _repr_html_(self):
            return "<i>notebook</i>"

    assert html(Markup()).body == b"<b>markup</b>"
    assert html(Notebook(), status=201).body == b"<i>notebook</i>"


def test_raw_defaults_to_octet_stream():
    response = raw(b"\x00\x01")
    assert response.content_type == "application/octet-stream"
    assert response.body == b"\x00\x01"
    assert raw(b"x", content_type="image/png").content_type == "image/png"


def test_empty_is_204_with_nothing_on_the_wire():
    response = empty()
    assert response.status == 204 and response.body == b""
    data = encode_response(response, keep_alive=True)
    assert data == b"HTTP/1.1 204 No Content\r\n\r\n"


def test_empty_with_status_and_headers():
    response = empty(status=202, headers={"X-A": "a"})
    status, headers, body = wire(response)
    assert status == "HTTP/1.1 202 Accepted"
    assert headers["x-a"] == ["a"] and body == b""


# ---- redirect ---------------------------------------------------------------------


def test_redirect_is_302_with_location():
    response = redirect("/json")
    status, headers, _ = wire(response)
    assert status == "HTTP/1.1 302 Found"
    assert headers["location"] == ["/json"]
    assert response.content_type == "text/html; charset=utf-8"


def test_redirect_quotes_unsafe_characters_but_keeps_delimiters():
    response = redirect("https://ex.com/a b/é?x=1&y=[2]#top")
    assert response.headers["Location"] == ("https://ex.com/a%20b/%C3%A9?x=1&y=[2]#top")


def test_redirect_cannot_split_the_response():
    response = redirect("/x\r\nSet-Cookie: evil=1")
    assert "\r" not in response.headers["Location"]
    assert "set-cookie" not in wire(response)[1]


def test_redirect_keeps_headers_and_status_without_touching_the_callers_dict():
    given = {"X-A": "a"}
    response = redirect("/to", headers=given, status=301)
    assert response.status == 301
    assert response.headers["X-A"] == "a"
    assert given == {"X-A": "a"}


# ---- json -----------------------------------------------------------------------------


def test_json_is_compact_and_typed():
    response = json({"foo": "bar", "n": [1, 2]})
    assert isinstance(response, JSONResponse)
    assert response.body == b'{"foo":"bar","n":[1,2]}'
    _, headers, _ = wire(response)
    assert headers["content-type"] == ["application/json"]


def test_json_with_status_headers_and_content_type():
    response = json(
        {"message": "Hello world!"},
        headers={"X-Served-By": "sanic"},
        status=201,
        content_type="application/vnd.api+json",
    )
    status, headers, body = wire(response)
    assert status == "HTTP/1.1 201 Created"
    assert headers["x-served-by"] == ["sanic"]
    assert headers["content-type"] == ["application/vnd.api+json"]
    assert stdlib_json.loads(body) == {"message": "Hello world!"}


def test_json_non_ascii_is_valid_utf8_json():
    response = json({"name": "café 😎"})
    assert stdlib_json.loads(response.body.decode()) == {"name": "café 😎"}


def test_json_none_is_null():
    assert json(None).body == b"null"


def test_json_with_a_per_call_dumps_and_its_kwargs():
    response = json({"a": 1}, dumps=stdlib_json.dumps, indent=2)
    assert response.body == stdlib_json.dumps({"a": 1}, indent=2).encode()


def test_json_with_a_dumps_returning_bytes():
    response = json({"a": 1}, dumps=lambda obj: b"<custom>")
    assert response.body == b"<custom>"


@pytest.mark.parametrize(
    "kwargs",
    [
        {"indent": 2},
        {"indent": 4},
        {"sort_keys": True},
        {"sort_keys": True, "indent": 4},
        {"ensure_ascii": True},
        {"separators": (", ", ": ")},
    ],
)
def test_json_kwargs_with_the_default_encoder_match_the_stdlib(kwargs):
    body = {"b": [1, {"x": None}], "a": "é"}
    response = json(body, **kwargs)
    expected = stdlib_json.dumps(body, **{"ensure_ascii": False, **kwargs})
    if "indent" not in kwargs and "separators" not in kwargs:
        expected = stdlib_json.dumps(
            body, separators=(",", ":"), **{"ensure_ascii": False, **kwargs}
        )
    assert response.body.decode() == expected


def test_json_default_hook_is_used():
    class Point:
        def __init__(self, x):
            self.x = x

    response = json({"p": Point(3)}, default=lambda o: {"x": o.x})
    assert stdlib_json.loads(response.body) == {"p": {"x": 3}}


def test_json_handles_what_only_the_stdlib_can():
    assert stdlib_json.loads(json({1: "one"}).body) == {"1": "one"}
    big = 2**70
    assert stdlib_json.loads(json({"n": big}).body) == {"n": big}


def test_json_unserializable_is_an_error():
    with pytest.raises(TypeError):
        json({"x": object()})


def test_app_wide_dumps_is_used_when_none_is_given():
    calls = []

    def my_dumps(obj, **kwargs):
        calls.append(kwargs)
        return "<app-dumps>"

    saved = BaseHTTPResponse.__dict__["_dumps"]
    BaseHTTPResponse._dumps = my_dumps
    try:
        assert json({"a": 1}).body == b"<app-dumps>"
        assert JSONResponse({"a": 1}).body == b"<app-dumps>"
        assert json({"a": 1}, indent=1).body == b"<app-dumps>"
        assert calls == [{}, {}, {"indent": 1}]
        assert json({"a": 1}, dumps=stdlib_json.dumps).body == b'{"a": 1}'
    finally:
        BaseHTTPResponse._dumps = saved
    assert json({"a": 1}).body == b'{"a":1}'


def test_json_dumps_returns_compact_str():
    assert json_dumps({"a": [1, "é"]}) == '{"a":[1,"é"]}'
    assert json_dumps({"b": 1, "a": 2}, sort_keys=True) == '{"a":2,"b":1}'


# ---- JSONResponse mutation ------------------------------------------------------------


def test_raw_body_is_the_python_object_and_assigning_it_reencodes():
    response = json({"a": 1})
    assert response.raw_body == {"a": 1}
    response.raw_body = ["x"]
    assert response.body == b'["x"]'
    assert response.raw_body == ["x"]


def test_raw_body_reencodes_with_the_original_dumps_and_kwargs():
    response = json({"a": 1}, dumps=stdlib_json.dumps, indent=2)
    response.raw_body = {"b": 2}
    assert response.body == stdlib_json.dumps({"b": 2}, indent=2).encode()


def test_set_body_with_and_without_a_dumps():
    response = json({"a": 1})
    response.set_body({"b": 2})
    assert response.body == b'{"b":2}'
    response.set_body({"c": 3}, dumps=stdlib_json.dumps, indent=1)
    assert response.body == b'{\n "c": 3\n}'
    assert response.raw_body == {"c": 3}


def test_raw_body_is_unavailable_after_the_body_was_set_directly():
    response = json({"a": 1})
    response.body = b'{"other":true}'
    with pytest.raises(SanicException, match="raw_body"):
        _ = response.raw_body
    response.raw_body = {"again": 1}
    assert response.raw_body == {"again": 1} and response.body == b'{"again":1}'


def test_append_and_extend_a_list_body():
    response = json([1])
    response.append(2)
    response.extend([3, 4])
    assert response.body == b"[1,2,3,4]"
    assert response.raw_body == [1, 2, 3, 4]


def test_update_a_dict_body():
    response = json({"a": 1})
    response.update({"b": 2}, c=3)
    assert stdlib_json.loads(response.body) == {"a": 1, "b": 2, "c": 3}


def test_pop_from_dict_and_list_bodies():
    response = json({"a": 1, "b": 2})
    assert response.pop("a") == 1
    assert response.pop("zzz", "dflt") == "dflt"
    assert response.body == b'{"b":2}'
    with pytest.raises(KeyError):
        response.pop("missing")

    listed = json([1, 2, 3])
    assert listed.pop(0) == 1
    assert listed.pop(-1) == 3
    assert listed.body == b"[2]"


@pytest.mark.parametrize(
    "body, call",
    [
        ({"a": 1}, lambda r: r.append(1)),
        ({"a": 1}, lambda r: r.extend([1])),
        ([1], lambda r: r.update(a=1)),
        ("text", lambda r: r.pop(0)),
        ([1], lambda r: r.pop(0, None)),
    ],
)
def test_mutators_on_the_wrong_type_are_clear_errors(body, call):
    response = json(body)
    with pytest.raises(SanicException, match="Cannot"):
        call(response)
    assert response.raw_body == body


# ---- sending and streams ------------------------------------------------------------


def test_send_without_a_stream_is_a_clear_error():
    with pytest.raises(SanicException, match="No stream is connected"):
        run(text("x").send("data"))


def test_send_encodes_and_ends_only_when_told():
    response = HTTPResponse()
    stream = response.stream = FakeStream()

    async def go():
        await response.send("héllo")
        await response.send(b"")
        await response.send(b"!", end_stream=False)
        await response.send()

    run(go())
    assert stream.sent == [
        ("héllo".encode(), False),
        (b"", False),
        (b"!", False),
        (b"", True),
    ]


def test_eof_ends_and_a_second_eof_is_harmless_but_more_data_is_not():
    response = HTTPResponse()
    stream = response.stream = FakeStream()

    async def go():
        await response.send(b"a")
        await response.eof()
        await response.eof()
        with pytest.raises(ServerError, match="ended"):
            await response.send(b"late")

    run(go())
    assert stream.sent == [(b"a", False), (b"", True)]


def test_response_stream_writes_through_its_stream():
    async def streaming_fn(response):
        await response.write("foo")
        await response.write(b"bar")

    response = ResponseStream(streaming_fn, headers={"X-A": "a"})
    assert response.content_type == "text/plain; charset=utf-8"
    assert response.status == 200 and response.headers["X-A"] == "a"
    assert isinstance(response, BaseHTTPResponse)
    stream = response.stream = FakeStream()

    async def go():
        await response.streaming_fn(response)
        await response.eof()

    run(go())
    assert stream.sent == [(b"foo", False), (b"bar", False), (b"", True)]


def drain(response: ResponseStream) -> bytes:
    stream = response.stream = FakeStream()
    run(response.streaming_fn(response))
    assert all(not end for _, end in stream.sent)
    return b"".join(data for data, _ in stream.sent)


# ---- files -----------------------------------------------------------------------------


@pytest.fixture
def static_file(tmp_path):
    path = tmp_path / "hello.txt"
    path.write_bytes(b"0123456789" * 100)
    mtime = 1_700_000_000
    os.utime(path, (mtime, mtime))
    return path


def test_file_serves_content_type_and_caching_headers(static_file):
    response = run(file(static_file))
    status, headers, body = wire(response)
    assert status == "HTTP/1.1 200 OK"
    assert body == static_file.read_bytes()
    assert headers["content-type"] == ["text/plain; charset=UTF-8"]
    assert headers["last-modified"] == [formatdate(1_700_000_000, usegmt=True)]
    assert headers["cache-control"] == ["no-cache"]
    assert "content-disposition" not in headers


def test_file_accepts_a_str_path_and_guesses_mime(tmp_path):
    page = tmp_path / "index.html"
    page.write_text("<p>hi</p>")
    response = run(file(str(page)))
    assert response.content_type == "text/html; charset=UTF-8"
    assert response.body == b"<p>hi</p>"


def test_file_text_types_get_a_utf8_charset_unless_the_type_is_given(tmp_path):
    table = tmp_path / "table.csv"
    table.write_text("a,b\n")
    assert run(file(table)).content_type == "text/csv; charset=UTF-8"
    assert run(file_stream(table)).content_type == "text/csv; charset=UTF-8"
    assert run(file(table, mime_type="text/csv")).content_type == "text/csv"
    assert run(file(table, filename="t.png")).content_type == "image/png"


def test_file_unknown_extension_is_octet_stream(tmp_path):
    blob = tmp_path / "blob.unknownext"
    blob.write_bytes(b"\x00")
    assert run(file(blob)).content_type == "application/octet-stream"


def test_file_options(static_file):
    response = run(
        file(
            static_file,
            status=202,
            mime_type="application/x-custom",
            headers={"X-A": "a"},
            filename="report.csv",
            max_age=60,
        )
    )
    assert response.status == 202
    assert response.content_type == "application/x-custom"
    assert response.headers["X-A"] == "a"
    assert (
        response.headers["Content-Disposition"] == 'attachment; filename="report.csv"'
    )
    assert response.headers["Cache-Control"] == "public, max-age=60"
    expires = parsedate_to_datetime(response.headers["Expires"])
    assert expires > datetime.now(timezone.utc) + timedelta(seconds=50)


def test_file_filename_is_used_to_guess_mime(static_file):
    response = run(file(static_file, filename="data.json"))
    assert response.content_type == "application/json"


def test_file_non_ascii_filename_gets_rfc6266_form(static_file):
    response = run(file(static_file, filename='résumé "v2".pdf'))
    value = response.headers["Content-Disposition"]
    assert value.startswith('attachment; filename="r_sum_ _v2_.pdf"')
    assert "filename*=UTF-8''r%C3%A9sum%C3%A9%20%22v2%22.pdf" in value


def test_file_no_store_and_no_last_modified(static_file):
    response = run(file(static_file, no_store=True, last_modified=None))
    assert response.headers["Cache-Control"] == "no-store"
    assert "Last-Modified" not in response.headers


def test_file_explicit_last_modified(static_file):
    when = datetime(2020, 1, 2, 3, 4, 5, tzinfo=timezone.utc)
    response = run(file(static_file, last_modified=when))
    assert response.headers["Last-Modified"] == "Thu, 02 Jan 2020 03:04:05 GMT"


def test_file_answers_304_when_the_client_copy_is_current(static_file):
    since = formatdate(1_700_000_000, usegmt=True)
    response = run(
        file(static_file, request_headers=Header({"If-Modified-Since": since}))
    )
    status, headers, body = wire(response)
    assert status == "HTTP/1.1 304 Not Modified"
    assert body == b""
    assert headers["last-modified"] == [since]


def test_file_sends_the_body_when_the_client_copy_is_older(static_file):
    older = formatdate(1_600_000_000, usegmt=True)
    response = run(
        file(static_file, request_headers=Header({"If-Modified-Since": older}))
    )
    assert response.status == 200 and len(response.body) == 1000


def test_file_does_not_validate_when_told_not_to(static_file):
    since = formatdate(1_700_000_000, usegmt=True)
    headers = Header({"If-Modified-Since": since})
    response = run(
        file(static_file, request_headers=headers, validate_when_requested=False)
    )
    assert response.status == 200


def test_file_range_is_a_206_slice(static_file):
    part = SimpleNamespace(start=10, end=19, size=10, total=1000)
    response = run(file(static_file, _range=part))
    status, headers, body = wire(response)
    assert status == "HTTP/1.1 206 Partial Content"
    assert body == b"0123456789"
    assert headers["content-range"] == ["bytes 10-19/1000"]


def test_file_missing_raises(tmp_path):
    with pytest.raises(FileNotFoundError):
        run(file(tmp_path / "nope.txt"))


def test_validate_file():
    last = 1_700_000_000
    same = Header({"If-Modified-Since": formatdate(last, usegmt=True)})
    newer = Header({"If-Modified-Since": formatdate(last + 5, usegmt=True)})
    older = Header({"If-Modified-Since": formatdate(last - 5, usegmt=True)})
    assert run(validate_file(same, last)).status == 304
    assert run(validate_file(same, last + 0.9)).status == 304  # sub-second mtime
    assert run(validate_file(newer, last)).status == 304
    assert run(validate_file(older, last)) is None
    assert run(validate_file(Header(), last)) is None
    assert run(validate_file(Header({"If-Modified-Since": "garbage"}), last)) is None
    as_datetime = datetime.fromtimestamp(last, tz=timezone.utc)
    assert run(validate_file(same, as_datetime)).status == 304


def test_file_stream_streams_in_chunks(static_file):
    response = run(file_stream(static_file, chunk_size=300, headers={"X-A": "a"}))
    assert isinstance(response, ResponseStream)
    assert response.content_type == "text/plain; charset=UTF-8"
    assert response.headers["X-A"] == "a"
    stream = response.stream = FakeStream()
    run(response.streaming_fn(response))
    assert [len(data) for data, _ in stream.sent] == [300, 300, 300, 100]
    assert b"".join(data for data, _ in stream.sent) == static_file.read_bytes()


def test_file_stream_range_and_filename(static_file):
    part = SimpleNamespace(start=995, end=999, size=5, total=1000)
    response = run(
        file_stream(static_file, chunk_size=2, filename="x.bin", _range=part)
    )
    assert response.status == 206
    assert response.headers["Content-Range"] == "bytes 995-999/1000"
    assert response.headers["Content-Disposition"] == 'attachment; filename="x.bin"'
    assert drain(response) == b"56789"


def test_file_stream_missing_file_fails_before_streaming(tmp_path):
    with pytest.raises(FileNotFoundError):
        run(file_stream(tmp_path / "nope.bin"))


# ---- through the real server -------------------------------------------------------------


def test_responses_through_the_server(app):
    @app.get("/text")
    async def text_handler(request):
        return text("Hi 😎", headers={"X-A": "a"})

    @app.get("/json")
    async def json_handler(request):
        response = json({"foo": "bar"})
        response.update({"more": 1})
        return response

    @app.get("/redirect")
    async def redirect_handler(request):
        return redirect("/text")

    _, response = app.test_client.get("/text")
    assert response.status == 200 and response.text == "Hi 😎"
    assert response.headers["content-type"] == "text/plain; charset=utf-8"
    assert response.headers["x-a"] == "a"

    _, response = app.test_client.get("/json")
    assert response.json == {"foo": "bar", "more": 1}

    _, response = app.test_client.get("/redirect", follow_redirects=False)
    assert response.status == 302 and response.headers["location"] == "/text"
