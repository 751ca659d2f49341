"""Exceptions in handlers become responses with their status."""

import pytest

from sanic import exceptions as exc
from sanic.response import text


@pytest.mark.parametrize(
    "exception,status",
    [
        (exc.BadRequest, 400),
        (exc.Unauthorized, 401),
        (exc.Forbidden, 403),
        (exc.NotFound, 404),
        (exc.MethodNotAllowed, 405),
        (exc.RequestTimeout, 408),
        (exc.PayloadTooLarge, 413),
        (exc.URITooLong, 414),
        (exc.RangeNotSatisfiable, 416),
        (exc.ExpectationFailed, 417),
        (exc.ServerError, 500),
        (exc.InternalServerError, 500),
        (exc.ServiceUnavailable, 503),
        (exc.HeaderNotFound, 400),
        (exc.InvalidHeader, 400),
        (exc.FileNotFound, 404),
    ],
)
def test_exception_in_handler_becomes_its_status(app, exception, status):
    @app.get("/")
    async def handler(request):
        raise exception("described")

    _, response = app.test_client.get("/")
    assert response.status == status
    assert "described" in response.text


def test_sanic_exception_with_custom_status(app):
    @app.get("/")
    async def handler(request):
        raise exc.SanicException("Something went wrong.", status_code=501)

    _, response = app.test_client.get("/")
    assert response.status == 501
    assert "Something went wrong." in response.text


def test_exception_headers_are_sent(app):
    @app.get("/")
    async def handler(request):
        raise exc.Unauthorized(
            "Auth required.", scheme="Basic", realm="Restricted Area"
        )

    _, response = app.test_client.get("/")
    assert response.status == 401
    assert response.headers["www-authenticate"] == 'Basic realm="Restricted Area"'


def test_unexpected_exception_is_500_without_traceback_in_production(app):
    @app.get("/")
    async def handler(request):
        raise ValueError("secret internal detail")

    for accept in ("*/*", "application/json", "text/html"):
        _, response = app.test_client.get("/", headers={"Accept": accept})
        assert response.status == 500
        assert "secret internal detail" not in response.text
        assert "Traceback" not in response.text
        assert "ValueError" not in response.text


def test_unexpected_exception_shows_traceback_in_debug(app):
    @app.get("/")
    async def handler(request):
        raise ValueError("visible in debug")

    _, response = app.test_client.get("/", debug=True)
    assert response.status == 500
    assert "visible in debug" in response.text
    assert "Traceback" in response.text


def test_error_format_follows_accept_header(app):
    @app.get("/")
    async def handler(request):
        raise exc.NotFound("nothing")

    _, as_json = app.test_client.get("/", headers={"Accept": "application/json"})
    assert as_json.headers["content-type"] == "application/json"
    assert as_json.json == {
        "description": "Not Found",
        "status": 404,
        "message": "nothing",
    }

    _, as_html = app.test_client.get("/", headers={"Accept": "text/html"})
    assert as_html.headers["content-type"].startswith("text/html")
    assert "nothing" in as_html.text

    _, as_text = app.test_client.get("/", headers={"Accept": "*/*"})
    assert as_text.headers["content-type"].startswith("text/plain")
    assert as_text.text.startswith("⚠️ 404 — Not Found")


def test_route_error_format_wins(app):
    @app.get("/", error_format="json")
    async def handler(request):
        raise exc.BadRequest("bad")

    _, response = app.test_client.get("/", headers={"Accept": "text/html"})
    assert response.json["message"] == "bad"


def test_exception_handler_by_class_hierarchy(app):
    @app.exception(exc.NotFound)
    async def not_found(request, exception):
        return text("custom 404", status=404)

    @app.get("/")
    async def handler(request):
        raise exc.FileNotFound("gone")

    _, response = app.test_client.get("/")
    assert response.status == 404
    assert response.text == "custom 404"
    _, response = app.test_client.get("/no-route")
    assert response.text == "custom 404"


def test_handler_returning_non_response_is_500(app):
    @app.get("/")
    async def handler(request):
        return {"not": "a response"}

    _, response = app.test_client.get("/")
    assert response.status == 500


def test_sync_handler_works(app):
    @app.get("/")
    def handler(request):
        return text("sync")

    assert app.test_client.get("/")[1].text == "sync"
