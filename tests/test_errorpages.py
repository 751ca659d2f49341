"""Error pages end to end: the format each client gets, and what each mode shows.

Follows https://sanic.dev/en/guide/best-practices/exceptions.html ("Built-in
error handling", "Fallback handler", "Contextual exceptions"). "auto" follows
the rules of Sanic PRs #2162 and #2668: the client's Accept header decides;
where it has no preference, the handler's own format (read from its source),
else JSON for a JSON request, else text.
"""

from __future__ import annotations

import pytest

from sanic import Sanic
from sanic.errorpages import HTMLRenderer, handler_format
from sanic.exceptions import NotFound, SanicException, ServerError
from sanic.handlers import ErrorHandler
from sanic.response import JSONResponse, empty, html, json, text

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
CURL = "*/*"
JSON_CLIENT = "application/json"
SECRET = "secret internal detail"


def _fail() -> None:
    raise ValueError(SECRET)


@pytest.fixture
def failing_app(app: Sanic) -> Sanic:
    """An app whose handler fails with an unexpected (non-Sanic) exception."""

    @app.route("/fail", methods=["GET", "POST"])
    async def fail(request):
        _fail()

    return app


def _get(app: Sanic, accept: str, debug: bool, path: str = "/fail"):
    _, response = app.test_client.get(path, headers={"Accept": accept}, debug=debug)
    return response


def _assert_no_leak(body: str) -> None:
    assert SECRET not in body
    assert "Traceback" not in body
    assert "ValueError" not in body
    assert "_fail" not in body
    assert __file__ not in body


# ---- the acceptance matrix: browser, JSON client, curl; production and debug ----


def test_browser_gets_html_page_without_traceback_in_production(failing_app):
    response = _get(failing_app, BROWSER, debug=False)
    assert response.status == 500
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert response.text.startswith("<!DOCTYPE html>")
    assert "<h1>⚠️ 500 — Internal Server Error</h1>" in response.text
    assert "cannot complete your request" in response.text
    _assert_no_leak(response.text)


def test_browser_gets_html_page_with_traceback_in_debug(failing_app):
    response = _get(failing_app, BROWSER, debug=True)
    assert response.status == 500
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert response.text.startswith("<!DOCTYPE html>")
    assert "Traceback (most recent call last)" in response.text
    assert f"ValueError: {SECRET}" in response.text
    assert "in _fail" in response.text
    assert "raise ValueError(SECRET)" in response.text


def test_json_client_gets_json_without_traceback_in_production(failing_app):
    response = _get(failing_app, JSON_CLIENT, debug=False)
    assert response.status == 500
    assert response.headers["content-type"] == "application/json"
    assert response.json == {
        "description": "Internal Server Error",
        "status": 500,
        "message": "The server encountered an internal error and cannot "
        "complete your request.",
    }
    _assert_no_leak(response.text)


def test_json_client_gets_json_with_traceback_in_debug(failing_app):
    _, response = failing_app.test_client.get(
        "/fail?name=world", headers={"Accept": JSON_CLIENT}, debug=True
    )
    body = response.json
    assert response.headers["content-type"] == "application/json"
    assert list(body) == [
        "description",
        "status",
        "message",
        "path",
        "args",
        "exceptions",
    ]
    assert body["message"] == SECRET
    assert body["path"] == "/fail"
    assert body["args"] == {"name": ["world"]}
    (chain,) = body["exceptions"]
    assert chain["type"] == "ValueError"
    assert chain["exception"] == SECRET
    innermost = chain["frames"][-1]
    assert set(innermost) == {"file", "line", "name", "src"}
    assert innermost["file"] == __file__
    assert innermost["name"] == "_fail"
    assert innermost["src"] == "raise ValueError(SECRET)"


def test_json_body_request_gets_json(failing_app):
    _, response = failing_app.test_client.post(
        "/fail", json={"a": 1}, headers={"Accept": CURL}
    )
    assert response.headers["content-type"] == "application/json"
    assert response.json["status"] == 500
    _assert_no_leak(response.text)


def test_curl_gets_text_without_traceback_in_production(failing_app):
    response = _get(failing_app, CURL, debug=False)
    assert response.status == 500
    assert response.headers["content-type"] == "text/plain; charset=utf-8"
    assert response.text == (
        "⚠️ 500 — Internal Server Error\n"
        "==============================\n"
        "The server encountered an internal error and cannot complete your "
        "request.\n"
    )


def test_curl_gets_text_with_traceback_in_debug(failing_app):
    response = _get(failing_app, CURL, debug=True)
    assert response.headers["content-type"] == "text/plain; charset=utf-8"
    lines = response.text.splitlines()
    assert lines[:3] == [
        "⚠️ 500 — Internal Server Error",
        "==============================",
        SECRET,
    ]
    assert f"ValueError: {SECRET} while handling path /fail" in lines
    assert f"Traceback of {failing_app.name} (most recent call last):" in lines
    assert f"  ValueError: {SECRET}" in lines
    frame = lines.index(
        f"    File {__file__}, line {_fail.__code__.co_firstlineno + 1}, in _fail"
    )
    assert lines[frame + 1] == "    raise ValueError(SECRET)"


@pytest.mark.parametrize("accept", [BROWSER, JSON_CLIENT, CURL])
def test_sanic_exception_message_is_shown_in_production(app, accept):
    @app.get("/")
    async def handler(request):
        raise ServerError("That time when that thing broke that other thing?")

    response = _get(app, accept, debug=False, path="/")
    assert "That time when that thing broke that other thing?" in response.text
    assert "Traceback" not in response.text


# ---- how "auto" picks the format ------------------------------------------------


def test_browser_gets_html_even_from_a_json_handler(app):
    @app.get("/")
    async def handler(request):
        if request.args.get("fail"):
            raise NotFound("no such thing")
        return json({"ok": True})

    response = _get(app, BROWSER, debug=False, path="/?fail=1")
    assert response.headers["content-type"].startswith("text/html")


def test_curl_gets_json_from_a_handler_that_returns_json(app):
    @app.get("/")
    async def handler(request):
        if request.args.get("fail"):
            raise NotFound("no such thing")
        return json({"ok": True})

    response = _get(app, CURL, debug=False, path="/?fail=1")
    assert response.headers["content-type"] == "application/json"
    assert response.json["message"] == "no such thing"


def test_curl_gets_html_from_a_handler_that_returns_html(app):
    @app.get("/")
    async def handler(request):
        if request.args.get("fail"):
            raise NotFound("no such thing")
        return html("<p>ok</p>")

    # An HTML handler's errors in html for a client that accepts anything.
    response = _get(app, CURL, debug=False, path="/?fail=1")
    assert response.headers["content-type"].startswith("text/html")


def test_json_client_gets_json_from_a_handler_that_returns_text(app):
    @app.get("/")
    async def handler(request):
        if request.args.get("fail"):
            raise NotFound("no such thing")
        return text("ok")

    response = _get(app, JSON_CLIENT, debug=False, path="/?fail=1")
    assert response.headers["content-type"] == "application/json"


def test_accept_that_allows_no_format_gets_the_base_renderer(app):
    @app.get("/")
    async def handler(request):
        raise NotFound("no such thing")

    response = _get(app, "image/png", debug=False, path="/")
    assert response.status == 404
    assert response.headers["content-type"] == "text/plain; charset=utf-8"


def test_base_renderer_is_configurable(app):
    app.error_handler = ErrorHandler(base=HTMLRenderer)

    @app.get("/")
    async def handler(request):
        raise NotFound("no such thing")

    response = _get(app, "image/png", debug=False, path="/")
    assert response.headers["content-type"] == "text/html; charset=utf-8"


def test_malformed_accept_header_still_gets_an_error_page(app):
    @app.get("/")
    async def handler(request):
        raise NotFound("no such thing")

    response = _get(app, ";;;", debug=False, path="/")
    assert response.status == 404
    assert "no such thing" in response.text


@pytest.mark.parametrize(
    ("accept", "content_type"),
    [
        (BROWSER, "text/html; charset=utf-8"),
        (JSON_CLIENT, "application/json"),
        (CURL, "text/plain; charset=utf-8"),
    ],
)
def test_unrouted_404_follows_the_client(app, accept, content_type):
    @app.get("/")
    async def handler(request):
        return text("ok")

    response = _get(app, accept, debug=False, path="/nowhere")
    assert response.status == 404
    assert response.headers["content-type"] == content_type


def test_route_error_format_wins_over_the_handler_source(app):
    @app.get("/", error_format="text")
    async def handler(request):
        if request.args.get("fail"):
            raise NotFound("no such thing")
        return json({"ok": True})

    response = _get(app, JSON_CLIENT, debug=False, path="/?fail=1")
    assert response.headers["content-type"] == "text/plain; charset=utf-8"


def test_route_error_format_auto_is_the_default(app):
    @app.get("/", error_format="auto")
    async def handler(request):
        raise NotFound("no such thing")

    assert (
        _get(app, BROWSER, False, "/").headers["content-type"].startswith("text/html")
    )
    assert _get(app, CURL, False, "/").headers["content-type"].startswith("text/plain")


@pytest.mark.parametrize(
    ("fallback", "content_type"),
    [
        ("json", "application/json"),
        ("html", "text/html; charset=utf-8"),
        ("text", "text/plain; charset=utf-8"),
    ],
)
def test_fallback_error_format_applies_to_every_client(app, fallback, content_type):
    app.config.FALLBACK_ERROR_FORMAT = fallback

    @app.get("/")
    async def handler(request):
        raise NotFound("no such thing")

    for accept in (BROWSER, JSON_CLIENT, CURL):
        response = _get(app, accept, debug=False, path="/")
        assert response.headers["content-type"] == content_type


def test_handler_format_is_read_from_the_returns_in_the_source():
    async def as_json(request):
        return json({})

    def as_json_response(request):
        return JSONResponse({})

    async def as_text(request):
        if request:
            return text("a")
        return text("b")

    async def mixed(request):
        if request:
            return json({})
        return text("b")

    async def unknown(request):
        return empty()

    assert handler_format(as_json) == "json"
    assert handler_format(as_json_response) == "json"
    assert handler_format(as_text) == "text"
    assert handler_format(mixed) is None
    assert handler_format(unknown) is None
    assert handler_format(len) is None


# ---- what the pages carry: context, extra, headers -------------------------------


class TeapotError(SanicException):
    """The docs' example: a message built from ``extra``."""

    status_code = 418

    @property
    def message(self) -> str:
        return f"Sorry {self.extra['name']}, I cannot make you coffee"


@pytest.fixture
def teapot_app(app: Sanic) -> Sanic:
    @app.get("/")
    async def handler(request):
        raise TeapotError(extra={"name": "Adam"}, context={"foo": "bar"})

    return app


def test_context_is_shown_and_extra_hidden_in_production_json(teapot_app):
    response = _get(teapot_app, JSON_CLIENT, debug=False, path="/")
    assert response.status == 418
    assert response.json == {
        "description": "I'm a Teapot",
        "status": 418,
        "message": "Sorry Adam, I cannot make you coffee",
        "context": {"foo": "bar"},
    }


def test_context_and_extra_are_shown_in_debug_json(teapot_app):
    body = _get(teapot_app, JSON_CLIENT, debug=True, path="/").json
    assert body["context"] == {"foo": "bar"}
    assert body["extra"] == {"name": "Adam"}
    assert body["exceptions"][-1]["type"] == "TeapotError"
    assert body["exceptions"][-1]["exception"] == (
        "Sorry Adam, I cannot make you coffee"
    )


@pytest.mark.parametrize("accept", [BROWSER, CURL])
def test_context_is_shown_and_extra_hidden_in_production_pages(teapot_app, accept):
    response = _get(teapot_app, accept, debug=False, path="/")
    assert "Sorry Adam, I cannot make you coffee" in response.text
    assert "foo" in response.text and "bar" in response.text
    assert "Extra" not in response.text
    assert "Traceback" not in response.text


@pytest.mark.parametrize("accept", [BROWSER, CURL])
def test_extra_is_shown_in_debug_pages(teapot_app, accept):
    response = _get(teapot_app, accept, debug=True, path="/")
    assert "Extra" in response.text
    assert "name" in response.text and "Adam" in response.text


@pytest.mark.parametrize("debug", [False, True])
@pytest.mark.parametrize("accept", [BROWSER, JSON_CLIENT, CURL])
def test_exception_headers_reach_the_response(app, accept, debug):
    @app.get("/")
    async def handler(request):
        raise SanicException("blah blah", status_code=400, headers={"X-Foo": "bar"})

    response = _get(app, accept, debug=debug, path="/")
    assert response.status == 400
    assert response.headers["x-foo"] == "bar"


def test_html_page_escapes_the_message(app):
    @app.get("/")
    async def handler(request):
        raise SanicException("<script>alert(1)</script>", status_code=400)

    response = _get(app, BROWSER, debug=False, path="/")
    assert "<script>" not in response.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in response.text


def test_json_page_survives_values_json_cannot_encode(app):
    @app.get("/")
    async def handler(request):
        raise SanicException("odd", status_code=400, context={"when": object})

    response = _get(app, JSON_CLIENT, debug=False, path="/")
    assert response.status == 400
    assert response.json["context"]["when"] == str(object)


def test_debug_json_lists_the_cause_before_the_exception(app):
    @app.get("/")
    async def handler(request):
        try:
            _fail()
        except ValueError as error:
            raise ServerError("wrapped") from error

    body = _get(app, JSON_CLIENT, debug=True, path="/").json
    assert [chain["type"] for chain in body["exceptions"]] == [
        "ValueError",
        "ServerError",
    ]
