"""Reading request cookies: parse_cookie and CookieRequestParameters."""

from __future__ import annotations

import time

import pytest

from sanic.cookies.request import CookieRequestParameters, parse_cookie
from sanic.request.parameters import RequestParameters


def test_docs_example():
    # The example of the CookieRequestParameters API reference.
    raw = 'name1=value1; name2="value2"; name3=value3'
    cookies = parse_cookie(raw)
    assert cookies == {"name1": ["value1"], "name2": ["value2"], "name3": ["value3"]}
    request_cookies = CookieRequestParameters(cookies)
    assert request_cookies["name1"] == "value1"
    assert request_cookies.get("name1") == "value1"
    assert request_cookies.getlist("name1") == ["value1"]


def test_docs_guide_reading_a_cookie():
    cookies = CookieRequestParameters(parse_cookie("test=It worked!"))
    assert f"Test cookie: {cookies.get('test')}" == "Test cookie: It worked!"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("a=1; b=2", {"a": ["1"], "b": ["2"]}),
        ("a=1;b=2", {"a": ["1"], "b": ["2"]}),
        ("  a = 1 ;  b=2  ", {"a": ["1"], "b": ["2"]}),
        ("a=1; a=2; a=3", {"a": ["1", "2", "3"]}),
        ('a="quoted value"', {"a": ["quoted value"]}),
        ('a=""', {"a": [""]}),
        ("a=", {"a": [""]}),
        ("a=b=c", {"a": ["b=c"]}),
        ("noequals; a=1", {"a": ["1"]}),
        ("=nameless; a=1", {"a": ["1"]}),
        ("bad name=1; a=1", {"a": ["1"]}),
        ("b(ad)=1; a=1", {"a": ["1"]}),
        ("ünï=1; a=1", {"a": ["1"]}),
        ("a=1;;; ;b=2;", {"a": ["1"], "b": ["2"]}),
        ('a="\\"esc\\\\aped\\""', {"a": ['"esc\\aped"']}),
        ('a="\\012octal"', {"a": ["\noctal"]}),
        ('a="unbalanced', {"a": ['"unbalanced']}),
        (
            "__Host-sid=abc; __Secure-id=xyz",
            {"__Host-sid": ["abc"], "__Secure-id": ["xyz"]},
        ),
        ("", {}),
        (";;;", {}),
    ],
)
def test_parse_cookie(raw, expected):
    assert parse_cookie(raw) == expected


def test_parse_cookie_keeps_value_case_and_unicode():
    assert parse_cookie("Session=AbC; emoji=😀") == {
        "Session": ["AbC"],
        "emoji": ["😀"],
    }


def test_cookie_request_parameters_multiple_values():
    cookies = CookieRequestParameters(parse_cookie("a=1; b=2; a=3"))
    assert isinstance(cookies, RequestParameters)
    assert isinstance(cookies, dict)
    assert cookies.get("a") == "1"
    assert cookies["a"] == "1"
    assert cookies.getlist("a") == ["1", "3"]
    assert sorted(cookies) == ["a", "b"]
    assert "a" in cookies


def test_cookie_request_parameters_missing():
    cookies = CookieRequestParameters(parse_cookie("a=1"))
    assert cookies.get("missing") is None
    assert cookies.get("missing", "fallback") == "fallback"
    assert cookies.getlist("missing") is None
    assert cookies.getlist("missing", []) == []
    with pytest.raises(KeyError):
        cookies["missing"]  # noqa: B018


def test_cookie_request_parameters_prefixes():
    cookies = CookieRequestParameters(
        parse_cookie("sid=plain; __Host-sid=host; __Secure-sid=secure; __Host-sid=h2")
    )
    assert cookies.get("sid") == "plain"
    assert cookies.get("sid", host_prefix=True) == "host"
    assert cookies.get("sid", secure_prefix=True) == "secure"
    assert cookies.getlist("sid", host_prefix=True) == ["host", "h2"]
    assert cookies.getlist("sid", secure_prefix=True) == ["secure"]
    assert cookies.get("other", "d", host_prefix=True) == "d"
    assert cookies.getlist("other", [], secure_prefix=True) == []


def test_cookie_request_parameters_empty():
    cookies = CookieRequestParameters(parse_cookie(""))
    assert cookies == {}
    assert cookies.get("a") is None


def test_parse_cookie_hostile_input_is_linear():
    for raw in (
        "a=1; " * 100_000,
        ";" * 500_000,
        "x" * 1_000_000,
        'a="' + "\\" * 500_000 + '"',
        'a="' + "\\012" * 200_000 + '"',
    ):
        start = time.thread_time()
        parse_cookie(raw)
        assert time.thread_time() - start < 1.0
    assert len(parse_cookie("a=1; " * 10_000)["a"]) == 10_000
