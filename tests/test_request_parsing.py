"""Request body and credential parsing: form, multipart, files, Credentials."""

from __future__ import annotations

import time
from base64 import b64encode

import pytest

from sanic.exceptions import BadRequest
from sanic.models.http_types import Credentials
from sanic.request.form import (
    File,
    parse_form,
    parse_form_urlencoded,
    parse_multipart_form,
)
from sanic.request.parameters import RequestParameters


def assert_fast(func, *args, limit: float = 1.0):
    start = time.thread_time()
    result = func(*args)
    assert time.thread_time() - start < limit
    return result


def multipart(*parts: bytes, boundary: bytes = b"BOUNDARY", crlf=b"\r\n") -> bytes:
    """Assemble a multipart body from raw part bytes (headers, blank line, body)."""
    out = b""
    for part in parts:
        out += b"--" + boundary + crlf + part + crlf
    return out + b"--" + boundary + b"--" + crlf


def field(name: str, value: bytes, extra: bytes = b"") -> bytes:
    return b'Content-Disposition: form-data; name="%b"\r\n%b\r\n%b' % (
        name.encode(),
        extra,
        value,
    )


def upload(name: str, filename: str, body: bytes, ctype: bytes | None) -> bytes:
    head = b'Content-Disposition: form-data; name="%b"; filename="%b"\r\n' % (
        name.encode(),
        filename.encode(),
    )
    if ctype is not None:
        head += b"Content-Type: " + ctype + b"\r\n"
    return head + b"\r\n" + body


# ---------------------------------------------------------------------------
# RequestParameters


def test_request_parameters_get_and_getlist():
    params = RequestParameters({"a": ["1", "2"], "empty": []})
    assert params.get("a") == "1"
    assert params.getlist("a") == ["1", "2"]
    assert params["a"] == ["1", "2"]
    assert params.get("missing") is None
    assert params.get("missing", "x") == "x"
    assert params.getlist("missing") is None
    assert params.getlist("missing", []) == []
    assert params.get("empty", "d") == "d"  # never an IndexError
    assert isinstance(params, dict)


# ---------------------------------------------------------------------------
# application/x-www-form-urlencoded


def test_form_urlencoded():
    form = parse_form_urlencoded(b"a=1&b=hello+world&a=2&c=%E2%82%AC&empty=")
    assert form.getlist("a") == ["1", "2"]
    assert form.get("b") == "hello world"
    assert form.get("c") == "€"
    assert "empty" not in form


def test_form_urlencoded_keep_blank_values():
    form = parse_form_urlencoded(b"a=&b=1", keep_blank_values=True)
    assert form.get("a") == ""
    assert form.get("b") == "1"


def test_form_urlencoded_invalid_bytes_are_replaced():
    form = parse_form_urlencoded(b"a=%FF%FE&b=\xff")
    assert form.get("a") == "\ufffd\ufffd"
    assert form.get("b") == "\ufffd"


def test_form_urlencoded_other_charset_and_unknown_charset():
    assert parse_form_urlencoded(b"a=%E9", "latin-1").get("a") == "é"
    assert parse_form_urlencoded(b"a=%C3%A9", "no-such-codec").get("a") == "é"


# ---------------------------------------------------------------------------
# multipart/form-data


def test_multipart_fields_and_files():
    body = multipart(
        field("name", b"Sanic"),
        field("tag", b"fast"),
        upload("upload", "file.txt", b"line 1\r\nline 2\r\n", b"text/plain"),
        upload("image", "a.png", b"\x89PNG\r\n\x1a\n\x00", b"image/png"),
        field("tag", b"async"),
    )
    fields, files = parse_multipart_form(body, b"BOUNDARY")
    assert fields == {"name": ["Sanic"], "tag": ["fast", "async"]}
    assert fields.get("tag") == "fast"
    assert files.get("upload") == File(
        type="text/plain", body=b"line 1\r\nline 2\r\n", name="file.txt"
    )
    image = files.get("image")
    assert image.type == "image/png"
    assert image.body == b"\x89PNG\r\n\x1a\n\x00"
    assert image.name == "a.png"


def test_multipart_multiple_files_same_name_keep_order():
    body = multipart(
        upload("docs", "1.txt", b"one", b"text/plain"),
        upload("docs", "2.txt", b"two", b"text/plain"),
    )
    _, files = parse_multipart_form(body, b"BOUNDARY")
    assert [f.name for f in files.getlist("docs")] == ["1.txt", "2.txt"]
    assert [f.body for f in files.getlist("docs")] == [b"one", b"two"]


def test_multipart_preamble_and_epilogue_are_ignored():
    body = (
        b"This is the preamble.\r\n"
        + multipart(field("a", b"1"))
        + b"This is the epilogue.\r\n--BOUNDARY\r\n"
    )
    fields, files = parse_multipart_form(body, b"BOUNDARY")
    assert fields == {"a": ["1"]}
    assert files == {}


def test_multipart_lf_line_endings():
    body = (
        b"--B\n"
        b'Content-Disposition: form-data; name="a"\n\n'
        b"value\n"
        b"--B\n"
        b'Content-Disposition: form-data; name="f"; filename="x.bin"\n'
        b"Content-Type: application/octet-stream\n\n"
        b"data\n"
        b"--B--\n"
    )
    fields, files = parse_multipart_form(body, b"B")
    assert fields == {"a": ["value"]}
    assert files.get("f") == File("application/octet-stream", b"data", "x.bin")


def test_multipart_value_with_trailing_newline_is_preserved():
    body = multipart(field("a", b"ends with newline\n"), field("b", b"\r\n"))
    fields, _ = parse_multipart_form(body, b"BOUNDARY")
    assert fields.get("a") == "ends with newline\n"
    assert fields.get("b") == "\r\n"


def test_multipart_empty_values_and_empty_parts():
    body = (
        b"--BOUNDARY\r\n"
        b"\r\n"  # a part with no headers at all
        b"--BOUNDARY\r\n"
        + field("empty", b"")
        + b"\r\n--BOUNDARY\r\n"
        + upload("nofile", "", b"", b"application/octet-stream")
        + b"\r\n--BOUNDARY--\r\n"
    )
    fields, files = parse_multipart_form(body, b"BOUNDARY")
    assert fields == {"empty": [""]}
    # A file input left empty in a browser: filename="" and no content.
    assert files.get("nofile") == File("application/octet-stream", b"", "")


def test_multipart_missing_content_type_defaults_to_text_plain():
    body = multipart(upload("f", "notes", b"hello", None))
    _, files = parse_multipart_form(body, b"BOUNDARY")
    assert files.get("f") == File("text/plain", b"hello", "notes")


def test_multipart_field_charset():
    body = multipart(
        field(
            "latin",
            "café".encode("latin-1"),
            b"Content-Type: text/plain; charset=iso-8859-1\r\n",
        ),
        field("bad", b"\xff\xfe"),
        field("unknown", b"ok", b"Content-Type: text/plain; charset=nope\r\n"),
    )
    fields, _ = parse_multipart_form(body, b"BOUNDARY")
    assert fields.get("latin") == "café"
    assert fields.get("bad") == "\ufffd\ufffd"
    assert fields.get("unknown") == "ok"


def test_multipart_utf8_and_rfc5987_filenames():
    body = multipart(
        upload("a", "naïve.txt", b"1", b"text/plain"),
        b'Content-Disposition: form-data; name="b"; '
        b"filename*=UTF-8''%E2%82%AC.txt\r\n\r\n2",
        b'Content-Disposition: form-data; name="c"; filename="a%22b.txt"\r\n\r\n3',
    )
    _, files = parse_multipart_form(body, b"BOUNDARY")
    assert files.get("a").name == "naïve.txt"
    assert files.get("b").name == "€.txt"
    assert files.get("c").name == 'a"b.txt'


def test_multipart_header_names_are_case_insensitive():
    body = multipart(
        b'content-disposition: form-data; NAME="a"; FileName="f.txt"\r\n'
        b"CONTENT-TYPE: text/csv\r\n\r\nx,y"
    )
    _, files = parse_multipart_form(body, b"BOUNDARY")
    assert files.get("a") == File("text/csv", b"x,y", "f.txt")


def test_multipart_part_without_name_is_skipped():
    body = multipart(
        b"Content-Disposition: form-data\r\n\r\nanonymous",
        b"Content-Type: text/plain\r\n\r\nno disposition",
        field("kept", b"yes"),
    )
    fields, files = parse_multipart_form(body, b"BOUNDARY")
    assert fields == {"kept": ["yes"]}
    assert files == {}


def test_multipart_boundary_text_inside_content_is_not_a_delimiter():
    body = multipart(field("a", b"x\r\n--BOUNDARYnot really\r\ny"))
    fields, _ = parse_multipart_form(body, b"BOUNDARY")
    assert fields.get("a") == "x\r\n--BOUNDARYnot really\r\ny"


def test_multipart_transport_padding_after_delimiter():
    body = (
        b"--B  \r\n"
        b'Content-Disposition: form-data; name="a"\r\n\r\n1'
        b"\r\n--B\t\r\n"
        b'Content-Disposition: form-data; name="b"\r\n\r\n2'
        b"\r\n--B--"
    )
    fields, _ = parse_multipart_form(body, b"B")
    assert fields == {"a": ["1"], "b": ["2"]}


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"garbage without any boundary",
        b"--BOUNDARY",
        b"--BOUNDARY\r\n",
        b"--BOUNDARY--\r\n",
        b'--BOUNDARY\r\nContent-Disposition: form-data; name="a"',
        b'--BOUNDARY\r\nContent-Disposition: form-data; name="a"\r\n\r\nvalue',
        b"--BOUNDARY\r\nno colon header\r\n\r\nvalue\r\n--BOUNDARY--",
        b"--BOUNDARY\r\nContent-Disposition: ;;;\r\n\r\nv\r\n--BOUNDARY--",
        b'--BOUNDARY\r\nContent-Disposition: form-data; name="\xff\xfe"\r\n\r\nv',
        b"\r\n--BOUNDARY\r\n\r\n\r\n--BOUNDARY\r\n\r\n--BOUNDARY--",
    ],
)
def test_multipart_malformed_or_cut_off_never_crashes(body):
    fields, files = parse_multipart_form(body, b"BOUNDARY")
    assert isinstance(fields, RequestParameters)
    assert isinstance(files, RequestParameters)
    assert "a" not in fields  # a part cut off before its delimiter is dropped


def test_multipart_cut_off_keeps_complete_parts():
    complete = multipart(field("a", b"1"))[: -len(b"--BOUNDARY--\r\n")]
    body = (
        complete + b'--BOUNDARY\r\nContent-Disposition: form-data; name="b"\r\n\r\npart'
    )
    fields, _ = parse_multipart_form(body, b"BOUNDARY")
    assert fields == {"a": ["1"]}


def test_multipart_hostile_bodies_are_linear():
    boundary = b"B"
    cases = [
        # Many candidate delimiters that are not delimiters.
        b"--B\r\n" + b"\n--Bx" * 100_000,
        # Many tiny parts.
        b"--B\r\n"
        + b'Content-Disposition: form-data; name="a"\r\n\r\nv\r\n--B\r\n' * 20_000,
        # A huge part with no blank line after its headers.
        b"--B\r\n" + b"X-Header: " + b"a" * 1_000_000 + b"\r\n--B--",
        # A huge value.
        multipart(field("a", b"x" * 2_000_000), boundary=b"B"),
        # Transport padding that never ends its line.
        b"--B" + b" " * 1_000_000,
        b"\n--B" * 100_000,
    ]
    for body in cases:
        assert_fast(parse_multipart_form, body, boundary, limit=2.0)
    fields, _ = parse_multipart_form(cases[1], boundary)
    assert len(fields.getlist("a")) == 20_000


# ---------------------------------------------------------------------------
# parse_form


def test_parse_form_urlencoded_content_type():
    form, files = parse_form("application/x-www-form-urlencoded", b"a=1&b=2")
    assert form == {"a": ["1"], "b": ["2"]}
    assert files == {}


def test_parse_form_urlencoded_charset_and_blank_values():
    form, _ = parse_form(
        "application/x-www-form-urlencoded; charset=ISO-8859-1",
        b"a=%E9&b=",
        keep_blank_values=True,
    )
    assert form == {"a": ["é"], "b": [""]}


def test_parse_form_multipart():
    body = multipart(field("a", b"1"), upload("f", "x.txt", b"x", b"text/plain"))
    form, files = parse_form('multipart/form-data; boundary="BOUNDARY"', body)
    assert form == {"a": ["1"]}
    assert files.get("f") == File("text/plain", b"x", "x.txt")


def test_parse_form_multipart_without_boundary_is_empty():
    body = multipart(field("a", b"1"))
    assert parse_form("multipart/form-data", body) == ({}, {})


@pytest.mark.parametrize(
    "content_type",
    ["application/json", "text/plain", "", None, "garbage;;;"],
)
def test_parse_form_other_content_types_are_empty(content_type):
    form, files = parse_form(content_type, b"a=1&b=2")
    assert form == {} and files == {}
    assert isinstance(form, RequestParameters)
    assert isinstance(files, RequestParameters)


# ---------------------------------------------------------------------------
# Credentials


def basic(user_pass: str) -> str:
    return b64encode(user_pass.encode()).decode()


def test_credentials_basic():
    creds = Credentials("Basic", basic("user:pass"))
    assert creds.auth_type == "Basic"
    assert creds.token == "dXNlcjpwYXNz"
    assert creds.username == "user"
    assert creds.password == "pass"


def test_credentials_basic_password_with_colon_and_unicode():
    creds = Credentials("Basic", basic("jöhn:p:a:ss"))
    assert creds.username == "jöhn"
    assert creds.password == "p:a:ss"


def test_credentials_basic_empty_password():
    creds = Credentials("Basic", basic("user:"))
    assert (creds.username, creds.password) == ("user", "")


def test_credentials_bearer_has_no_username():
    creds = Credentials("Bearer", "abc.def")
    assert creds.token == "abc.def"
    assert creds.username is None
    assert creds.password is None


def test_credentials_no_scheme():
    creds = Credentials(None, "whatever")
    assert creds.username is None


@pytest.mark.parametrize(
    "token", ["!!!not base64!!!", "dXNlcjpwYXN", "ö", basic("no-colon"), "", None]
)
def test_credentials_bad_basic_token_is_bad_request(token):
    creds = Credentials("Basic", token)
    assert creds.token == token  # reading the raw token still works
    with pytest.raises(BadRequest) as exc:
        creds.username  # noqa: B018
    assert exc.value.status_code == 400
    assert "Basic" in str(exc.value)
    with pytest.raises(BadRequest):
        creds.password  # noqa: B018


def test_credentials_equality_and_repr():
    assert Credentials("Bearer", "x") == Credentials("Bearer", "x")
    assert Credentials("Bearer", "x") != Credentials("Bearer", "y")
    assert "Bearer" in repr(Credentials("Bearer", "x"))
