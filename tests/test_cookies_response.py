"""Set-Cookie: the Cookie object, the jar, and cookies on responses (docs examples)."""

from datetime import datetime, timedelta, timezone

import pytest

from sanic.cookies.response import Cookie, CookieJar
from sanic.exceptions import ServerError
from sanic.http.encode import encode_response
from sanic.response import json, text


def set_cookies(response) -> list[str]:
    """The Set-Cookie header values the server writes for ``response``."""
    head = encode_response(response, keep_alive=True).split(b"\r\n\r\n")[0]
    return [
        line.split(b": ", 1)[1].decode()
        for line in head.split(b"\r\n")
        if line.lower().startswith(b"set-cookie: ")
    ]


# ---- the docs' examples ---------------------------------------------------------------


def test_docs_add_cookie_example():
    response = text("There's a cookie up in this response")
    response.add_cookie(
        "test",
        "It worked!",
        domain=".yummy-yummy-cookie.com",
        httponly=True,
    )
    assert set_cookies(response) == [
        'test="It worked!"; Path=/; Domain=.yummy-yummy-cookie.com; '
        "SameSite=Lax; Secure; HttpOnly"
    ]


def test_docs_legacy_dict_example():
    response = text("There's a cookie up in this response")
    response.cookies["test"] = "It worked!"
    response.cookies["test"]["domain"] = ".gotta-go-fast.com"
    response.cookies["test"]["httponly"] = True
    assert set_cookies(response) == [
        'test="It worked!"; Path=/; Domain=.gotta-go-fast.com; '
        "SameSite=Lax; Secure; HttpOnly"
    ]
    assert response.cookies["test"].value == "It worked!"


def test_docs_delete_cookie_example():
    response = text("Time to eat some cookies muahaha")
    response.delete_cookie("eat_me")
    response.add_cookie("fast_bake", "Be quick!", max_age=5)
    assert set_cookies(response) == [
        'eat_me=""; Path=/; Max-Age=0',
        'fast_bake="Be quick!"; Path=/; Max-Age=5; SameSite=Lax; Secure',
    ]


def test_docs_legacy_delete_example():
    response = text("Time to eat some cookies muahaha")
    # This cookie will be set to expire in 0 seconds
    del response.cookies["kill_me"]
    # This cookie will self destruct in 5 seconds
    response.cookies["short_life"] = "Glad to be here"
    response.cookies["short_life"]["max-age"] = 5
    del response.cookies["favorite_color"]
    # This cookie will remain unchanged
    response.cookies["favorite_color"] = "blue"
    response.cookies["favorite_color"] = "pink"
    del response.cookies["favorite_color"]
    assert set_cookies(response) == [
        'kill_me=""; Path=/; Max-Age=0',
        'short_life="Glad to be here"; Path=/; Max-Age=5; SameSite=Lax; Secure',
    ]


# ---- rendering -----------------------------------------------------------------------------


def test_defaults_are_path_root_lax_and_secure():
    assert str(Cookie("k", "v")) == "k=v; Path=/; SameSite=Lax; Secure"


def test_every_attribute_renders():
    expires = datetime(2030, 1, 2, 3, 4, 5, tzinfo=timezone.utc)
    cookie = Cookie(
        "k",
        "v",
        path="/app",
        domain="example.com",
        max_age=60,
        expires=expires,
        httponly=True,
        samesite="strict",
        partitioned=True,
        comment="a note",
    )
    assert str(cookie) == (
        'k=v; Path=/app; Comment="a note"; Domain=example.com; Max-Age=60; '
        "Expires=Wed, 02 Jan 2030 03:04:05 GMT; SameSite=Strict; Secure; "
        "HttpOnly; Partitioned"
    )


def test_insecure_cookie_without_samesite_or_path():
    cookie = Cookie("k", "v", secure=False, samesite=None, path=None)
    assert str(cookie) == "k=v"


def test_expires_is_converted_to_gmt():
    plus_two = timezone(timedelta(hours=2))
    aware = Cookie("k", "v", expires=datetime(2030, 6, 1, 14, 0, 0, tzinfo=plus_two))
    naive = Cookie("k", "v", expires=datetime(2030, 6, 1, 12, 0, 0))
    assert "Expires=Sat, 01 Jun 2030 12:00:00 GMT" in str(aware)
    assert "Expires=Sat, 01 Jun 2030 12:00:00 GMT" in str(naive)


def test_expires_must_be_a_datetime():
    with pytest.raises(TypeError, match="datetime"):
        Cookie("k", "v", expires="tomorrow")


@pytest.mark.parametrize(
    "value, rendered",
    [
        ("simple", "simple"),
        ("a.b-c_d~e!f", "a.b-c_d~e!f"),
        ("", '""'),
        ("two words", '"two words"'),
        ('say "hi"', '"say \\"hi\\""'),
        ("back\\slash", '"back\\\\slash"'),
        ("a;b,c", '"a;b,c"'),
        ("line\r\nbreak", '"line\\015\\012break"'),
    ],
)
def test_values_are_quoted_when_needed(value, rendered):
    assert str(Cookie("k", value)).startswith(f"k={rendered};")


def test_samesite_is_normalized_and_validated():
    assert Cookie("k", "v", samesite="none").samesite == "None"
    assert "SameSite=Strict" in str(Cookie("k", "v", samesite="STRICT"))
    with pytest.raises(ValueError, match="samesite"):
        Cookie("k", "v", samesite="sometimes")
    cookie = Cookie("k", "v")
    with pytest.raises(ValueError):
        cookie["samesite"] = "bogus"


def test_max_age_must_be_an_integer():
    assert Cookie("k", "v", max_age="30").max_age == 30
    for bad in ("soon", 1.5, True):
        with pytest.raises(ValueError, match="max-age"):
            Cookie("k", "v", max_age=bad)


def test_encode():
    assert Cookie("k", "é").encode("utf-8") == str(Cookie("k", "é")).encode("utf-8")


# ---- names -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["", "bad name", "a;b", "a=b", "a,b", 'q"', "a:b", "tab\t", "é"]
)
def test_illegal_names_are_rejected(name):
    with pytest.raises(KeyError, match="illegal characters"):
        Cookie(name, "v")


@pytest.mark.parametrize("name", ["expires", "Path", "max-age", "domain", "HttpOnly"])
def test_reserved_names_are_rejected(name):
    with pytest.raises(KeyError, match="reserved"):
        Cookie(name, "v")


def test_attribute_values_cannot_inject_attributes():
    with pytest.raises(ValueError):
        Cookie("k", "v", domain="a.com; HttpOnly")
    with pytest.raises(ValueError):
        Cookie("k", "v", path="/\r\nX-Evil: 1")


# ---- prefixes and partitioned ------------------------------------------------------------


def test_host_prefix():
    cookie = Cookie("session", "v", host_prefix=True)
    assert cookie.key == "__Host-session"
    assert str(cookie) == "__Host-session=v; Path=/; SameSite=Lax; Secure"


def test_secure_prefix():
    cookie = Cookie("id", "v", secure_prefix=True, domain="example.com")
    assert str(cookie).startswith("__Secure-id=v;")
    assert "Secure" in str(cookie).split("; ")


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"secure": False}, "secure"),
        ({"path": "/app"}, "path"),
        ({"domain": "example.com"}, "domain"),
    ],
)
def test_host_prefix_rules(kwargs, match):
    with pytest.raises(ServerError, match=match):
        Cookie("k", "v", host_prefix=True, **kwargs)


def test_host_prefix_rules_hold_after_creation():
    cookie = Cookie("k", "v", host_prefix=True)
    with pytest.raises(ServerError):
        cookie.path = "/other"
    with pytest.raises(ServerError):
        cookie["domain"] = "example.com"
    with pytest.raises(ServerError):
        cookie.secure = False


def test_secure_prefix_requires_secure():
    with pytest.raises(ServerError, match="secure"):
        Cookie("k", "v", secure_prefix=True, secure=False)


def test_partitioned_requires_secure():
    assert str(Cookie("k", "v", partitioned=True)).endswith("; Secure; Partitioned")
    with pytest.raises(ServerError, match="partitioned"):
        Cookie("k", "v", partitioned=True, secure=False)


# ---- legacy mapping access on a Cookie ---------------------------------------------------


def test_cookie_item_access_reads_and_writes_attributes():
    cookie = Cookie("k", "v")
    cookie["max-age"] = 10
    cookie["expires"] = datetime(2030, 1, 1, tzinfo=timezone.utc)
    cookie["comment"] = "hi"
    cookie["secure"] = False
    assert cookie["max-age"] == 10 and cookie.max_age == 10
    assert cookie["path"] == "/"
    assert "max-age" in cookie and "httponly" not in cookie
    assert cookie.get("domain", "none") == "none"
    del cookie["max-age"]
    assert "Max-Age" not in str(cookie)
    assert "Secure" not in str(cookie).split("; ")
    with pytest.raises(KeyError, match="Unknown cookie property"):
        cookie["flavour"] = "chocolate"


# ---- the jar ---------------------------------------------------------------------------------


def test_jar_add_get_has():
    jar = CookieJar(None)
    cookie = jar.add_cookie("k", "v", path="/app", domain="example.com")
    assert isinstance(cookie, Cookie)
    assert jar.get_cookie("k", path="/app", domain="example.com") is cookie
    assert jar.has_cookie("k", path="/app", domain="example.com")
    assert not jar.has_cookie("k")
    assert jar.get_cookie("k") is None


def test_jar_get_with_prefixes():
    jar = CookieJar(None)
    host = jar.add_cookie("k", "1", host_prefix=True)
    secure = jar.add_cookie("k", "2", secure_prefix=True)
    assert jar.get_cookie("k", host_prefix=True) is host
    assert jar.get_cookie("k", secure_prefix=True) is secure
    assert jar.get_cookie("k") is None
    assert jar.header_values() == [
        "__Host-k=1; Path=/; SameSite=Lax; Secure",
        "__Secure-k=2; Path=/; SameSite=Lax; Secure",
    ]


def test_same_name_path_and_domain_replaces():
    jar = CookieJar(None)
    jar.add_cookie("k", "old")
    jar.add_cookie("k", "new")
    jar.add_cookie("k", "other-path", path="/x")
    assert jar.header_values() == [
        "k=new; Path=/; SameSite=Lax; Secure",
        "k=other-path; Path=/x; SameSite=Lax; Secure",
    ]
    assert [c.value for c in jar.cookies] == ["new", "other-path"]


def test_changes_after_adding_are_serialized():
    response = text("x")
    cookie = response.add_cookie("k", "v")
    cookie.value = "changed"
    cookie.httponly = True
    assert set_cookies(response) == [
        "k=changed; Path=/; SameSite=Lax; Secure; HttpOnly"
    ]


def test_delete_cookie_replaces_a_cookie_set_on_this_response():
    response = text("x")
    response.add_cookie("k", "v", domain="example.com")
    response.delete_cookie("k", domain="example.com")
    assert set_cookies(response) == ['k=""; Path=/; Domain=example.com; Max-Age=0']


def test_delete_cookie_with_prefix_stays_secure():
    response = text("x")
    response.delete_cookie("k", host_prefix=True)
    response.delete_cookie("s", secure_prefix=True, path="/a")
    assert set_cookies(response) == [
        '__Host-k=""; Path=/; Max-Age=0; Secure',
        '__Secure-s=""; Path=/a; Max-Age=0; Secure',
    ]


def test_jar_legacy_mapping():
    jar = CookieJar(None)
    jar["a"] = "1"
    jar.add_cookie("b", "2", path="/b")
    assert "a" in jar and "b" in jar and "c" not in jar
    assert list(jar) == ["a", "b"] == jar.keys()
    assert len(jar) == 2
    assert jar["b"].path == "/b"
    assert jar.get("c") is None
    assert [key for key, _ in jar.items()] == ["a", "b"]
    with pytest.raises(KeyError):
        jar["c"]


# ---- on responses ---------------------------------------------------------------------------


def test_no_cookie_jar_until_used():
    response = json({"a": 1})
    assert response._cookies is None
    assert set_cookies(response) == []
    assert response.cookies is response.cookies
    assert isinstance(response._cookies, CookieJar)


def test_several_cookies_are_several_headers():
    response = json({"a": 1})
    response.add_cookie("one", "1")
    response.add_cookie("two", "2", secure=False, samesite=None)
    response.headers["X-A"] = "a"
    assert set_cookies(response) == [
        "one=1; Path=/; SameSite=Lax; Secure",
        "two=2; Path=/",
    ]


def test_cookies_through_the_server(app):
    @app.get("/cookie")
    async def handler(request):
        response = text("There's a cookie up in this response")
        response.add_cookie("test", "It worked!", httponly=True)
        response.delete_cookie("gone")
        return response

    _, response = app.test_client.get("/cookie")
    assert response.headers.get_list("set-cookie") == [
        'test="It worked!"; Path=/; SameSite=Lax; Secure; HttpOnly',
        'gone=""; Path=/; Max-Age=0',
    ]
