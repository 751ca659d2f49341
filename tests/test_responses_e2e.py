"""Responses as a client receives them, through the test client."""

import json as stdlib_json

from sanic.response import (
    HTTPResponse,
    JSONResponse,
    empty,
    html,
    json,
    raw,
    redirect,
    text,
)


def test_text_html_raw_and_empty(app):
    @app.get("/text")
    async def t(request):
        return text("hi", status=201, headers={"X-One": "1"})

    @app.get("/html")
    async def h(request):
        return html("<b>hi</b>")

    @app.get("/raw")
    async def r(request):
        return raw(b"\x00\x01")

    @app.get("/empty")
    async def e(request):
        return empty()

    _, response = app.test_client.get("/text")
    assert (response.status, response.text) == (201, "hi")
    assert response.headers["content-type"] == "text/plain; charset=utf-8"
    assert response.headers["x-one"] == "1"
    _, response = app.test_client.get("/html")
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert response.text == "<b>hi</b>"
    _, response = app.test_client.get("/raw")
    assert response.headers["content-type"] == "application/octet-stream"
    assert response.content == b"\x00\x01"
    _, response = app.test_client.get("/empty")
    assert response.status == 204
    assert response.content == b""
    assert "content-length" not in response.headers


def test_html_accepts_objects_with_dunder_html(app):
    class Page:
        def __html__(self):
            return "<p>page</p>"

    @app.get("/")
    async def handler(request):
        return html(Page())

    assert app.test_client.get("/")[1].text == "<p>page</p>"


def test_json_default_and_per_call_dumps(app):
    @app.get("/default")
    async def default(request):
        return json({"a": [1, 2]})

    @app.get("/indent")
    async def indent(request):
        return json({"a": 1}, indent=4)

    @app.get("/custom")
    async def custom(request):
        return json({"a": 1}, dumps=lambda o: "custom!")

    assert app.test_client.get("/default")[1].text == '{"a":[1,2]}'
    assert app.test_client.get("/indent")[1].text == stdlib_json.dumps(
        {"a": 1}, indent=4
    )
    assert app.test_client.get("/custom")[1].text == "custom!"


def test_json_response_raw_body_can_change_after_creation(app):
    @app.get("/")
    async def handler(request):
        response = json({"step": 1})
        assert isinstance(response, JSONResponse)
        response.raw_body = {"step": 2}
        return response

    assert app.test_client.get("/")[1].json == {"step": 2}


def test_http_response_with_status_headers_and_content_type(app):
    @app.get("/")
    async def handler(request):
        return HTTPResponse(
            "body", status=202, headers={"X-A": "b"}, content_type="text/csv"
        )

    _, response = app.test_client.get("/")
    assert response.status == 202
    assert response.headers["content-type"] == "text/csv"
    assert response.headers["x-a"] == "b"
    assert response.text == "body"


def test_multi_valued_response_headers(app):
    @app.get("/")
    async def handler(request):
        response = text("x")
        response.headers.add("X-Multi", "1")
        response.headers.add("X-Multi", "2")
        return response

    _, response = app.test_client.get("/")
    assert response.headers.get_list("x-multi") == ["1", "2"]


def test_redirect(app):
    @app.get("/old")
    async def old(request):
        return redirect("/new place?q=1")

    @app.get("/new place")
    async def new(request):
        return text("arrived")

    _, response = app.test_client.get("/old", follow_redirects=False)
    assert response.status == 302
    assert response.headers["location"] == "/new%20place?q=1"
    _, response = app.test_client.get("/old")
    assert response.text == "arrived"


def test_response_cookies_with_attributes(app):
    @app.get("/")
    async def handler(request):
        response = text("cookies")
        response.add_cookie(
            "session",
            "abc",
            httponly=True,
            max_age=60,
            samesite="Strict",
            domain="example.com",
        )
        response.add_cookie("pref", "dark", secure=False)
        response.delete_cookie("old")
        return response

    _, response = app.test_client.get("/")
    set_cookies = response.headers.get_list("set-cookie")
    session = next(c for c in set_cookies if c.startswith("session="))
    assert "HttpOnly" in session and "Max-Age=60" in session
    assert "SameSite=Strict" in session and "Domain=example.com" in session
    assert "Secure" in session
    pref = next(c for c in set_cookies if c.startswith("pref="))
    assert "Secure" not in pref
    old = next(c for c in set_cookies if c.startswith("old="))
    assert "Max-Age=0" in old


def test_host_prefixed_cookie(app):
    @app.get("/")
    async def handler(request):
        response = text("x")
        response.add_cookie("token", "t", host_prefix=True)
        return response

    _, response = app.test_client.get("/")
    assert response.headers["set-cookie"].startswith("__Host-token=t")


def test_invalid_cookie_name_is_a_500_not_a_broken_response(app):
    @app.get("/")
    async def handler(request):
        response = text("x")
        response.add_cookie("bad name;", "v")
        return response

    _, response = app.test_client.get("/")
    assert response.status == 500
    assert "set-cookie" not in response.headers


def test_test_client_response_attributes(app):
    @app.get("/")
    async def handler(request):
        response = json({"ok": True})
        response.add_cookie("c", "v", secure=False)
        return response

    request, response = app.test_client.get("/")
    assert request.path == "/"
    assert response.status == response.status_code == 200
    assert response.body == response.content == b'{"ok":true}'
    assert response.text == '{"ok":true}'
    assert response.json == {"ok": True}
    assert response.headers["content-type"] == "application/json"
    assert response.cookies["c"] == "v"
    assert app.test_client.get("/", gather_request=False).status == 200
