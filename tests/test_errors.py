"""Exceptions in handlers become responses with their status."""

import uuid
from asyncio import CancelledError

import pytest

from sanic import Sanic
from sanic import exceptions as exc
from sanic.handlers import ErrorHandler
from sanic.response import json, text


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


# ---- handlers: app.exception and ErrorHandler.add ---------------------------------
# https://sanic.dev/en/guide/best-practices/exceptions.html#handling


def test_exception_decorator_takes_several_exceptions(app):
    @app.exception(exc.NotFound, exc.Forbidden)
    async def handler(request, exception):
        return text(f"handled {exception.status_code}", status=exception.status_code)

    @app.get("/forbidden")
    async def forbidden(request):
        raise exc.Forbidden("no")

    assert app.test_client.get("/forbidden")[1].text == "handled 403"
    assert app.test_client.get("/missing")[1].text == "handled 404"


def test_closest_class_in_the_hierarchy_wins(app):
    @app.exception(Exception)
    async def catch_anything(request, exception):
        return text("anything", status=500)

    @app.exception(exc.NotFound)
    async def not_found(request, exception):
        return text("not found", status=404)

    @app.get("/file")
    async def file_missing(request):
        raise exc.FileNotFound("gone")

    @app.get("/value")
    async def value_error(request):
        raise ValueError("bad")

    assert app.test_client.get("/file")[1].text == "not found"
    assert app.test_client.get("/value")[1].text == "anything"


def test_error_handler_add_registers_a_handler(app):
    async def server_error_handler(request, exception):
        return text("Oops, server error", status=500)

    app.error_handler.add(Exception, server_error_handler)

    @app.get("/")
    async def handler(request):
        raise RuntimeError("boom")

    _, response = app.test_client.get("/")
    assert (response.status, response.text) == (500, "Oops, server error")


def test_route_scoped_handler_applies_to_its_routes_only(app):
    """Blueprints register their handlers with the names of their routes."""

    async def scoped(request, exception):
        return text("scoped", status=404)

    @app.get("/inside", name="inside_route")
    async def inside(request):
        raise exc.NotFound("x")

    @app.get("/outside")
    async def outside(request):
        raise exc.NotFound("x")

    app.error_handler.add(
        exc.NotFound, scoped, route_names=[f"{app.name}.inside_route"]
    )

    assert app.test_client.get("/inside")[1].text == "scoped"
    assert app.test_client.get("/outside")[1].text != "scoped"


def test_route_scoped_handler_wins_over_app_handler_for_the_same_class(app):
    async def scoped(request, exception):
        return text("scoped", status=404)

    @app.exception(exc.NotFound)
    async def app_wide(request, exception):
        return text("app-wide", status=404)

    @app.get("/inside", name="inside_route")
    async def inside(request):
        raise exc.NotFound("x")

    app.error_handler.add(
        exc.NotFound, scoped, route_names=[f"{app.name}.inside_route"]
    )

    assert app.test_client.get("/inside")[1].text == "scoped"
    assert app.test_client.get("/missing")[1].text == "app-wide"


def test_closer_app_handler_wins_over_a_broader_route_scoped_one(app):
    async def scoped(request, exception):
        return text("scoped catch-all", status=500)

    @app.exception(exc.NotFound)
    async def app_wide(request, exception):
        return text("app-wide not found", status=404)

    @app.get("/inside", name="inside_route")
    async def inside(request):
        raise exc.NotFound("x")

    app.error_handler.add(Exception, scoped, route_names=[f"{app.name}.inside_route"])

    assert app.test_client.get("/inside")[1].text == "app-wide not found"


def test_duplicate_handler_for_the_same_exception_is_refused(app):
    @app.exception(exc.NotFound)
    async def first(request, exception): ...

    with pytest.raises(exc.ServerError, match="NotFound"):

        @app.exception(exc.NotFound)
        async def second(request, exception): ...

    # The same exception for some routes only is another scope.
    app.error_handler.add(exc.NotFound, first, route_names=["some.route"])
    with pytest.raises(exc.ServerError, match="some.route"):
        app.error_handler.add(exc.NotFound, first, route_names=["some.route"])


def test_handler_for_a_base_exception_such_as_cancelled_error():
    handler = ErrorHandler()

    def on_cancel(request, exception): ...

    handler.add(CancelledError, on_cancel)
    assert handler.lookup(exc.RequestCancelled()) is on_cancel
    assert handler.lookup(ValueError()) is None


@pytest.mark.parametrize("sync", [False, True])
def test_failing_exception_handler_gives_a_500_page(app, sync):
    def broken_sync(request, exception):
        raise RuntimeError("handler bug")

    async def broken_async(request, exception):
        raise RuntimeError("handler bug")

    app.error_handler.add(exc.NotFound, broken_sync if sync else broken_async)

    _, response = app.test_client.get("/missing")
    assert response.status == 500
    assert "handler bug" not in response.text


# ---- a custom ErrorHandler ----------------------------------------------------------
# https://sanic.dev/en/guide/best-practices/exceptions.html#custom-error-handling


class CustomErrorHandler(ErrorHandler):
    def default(self, request, exception):
        """handles errors that have no error handlers assigned"""
        status_code = getattr(exception, "status_code", 500)
        return json({"error": str(exception), "foo": "bar"}, status=status_code)


def test_custom_error_handler_given_to_the_app():
    app = Sanic(f"test_{uuid.uuid4().hex[:12]}", error_handler=CustomErrorHandler())
    try:

        @app.get("/")
        async def handler(request):
            raise exc.Forbidden("not you")

        _, response = app.test_client.get("/")
        assert response.status == 403
        assert response.json == {"error": "not you", "foo": "bar"}
    finally:
        Sanic.unregister_app(app)


def test_custom_error_handler_assigned_after_creation(app):
    app.error_handler = CustomErrorHandler()
    _, response = app.test_client.get("/missing")
    assert response.status == 404
    assert response.json["foo"] == "bar"


def test_custom_error_handler_can_fall_back_to_the_default(app):
    class Tagging(ErrorHandler):
        def default(self, request, exception):
            response = super().default(request, exception)
            response.headers["X-Handled-By"] = "Tagging"
            return response

    app.error_handler = Tagging()
    _, response = app.test_client.get("/missing", headers={"Accept": "*/*"})
    assert response.status == 404
    assert response.headers["x-handled-by"] == "Tagging"
    assert response.text.startswith("⚠️ 404 — Not Found")


# ---- logging: quiet and NOISY_EXCEPTIONS ---------------------------------------------
# https://sanic.dev/en/guide/best-practices/exceptions.html#quiet


def _error_logs(caplog):
    return [
        record
        for record in caplog.records
        if record.name == "sanic.error"
        and record.getMessage().startswith("Exception occurred while handling uri")
    ]


def _raise_on_get(app, exception):
    @app.get("/")
    async def handler(request):
        raise exception


def test_unexpected_exception_is_logged_with_its_traceback(app, caplog):
    _raise_on_get(app, ValueError("logged"))
    app.test_client.get("/")
    (record,) = _error_logs(caplog)
    assert record.levelname == "ERROR"
    assert record.exc_info[1].args == ("logged",)


def test_quiet_exception_is_not_logged(app, caplog):
    _raise_on_get(app, exc.NotFound("quiet by default"))
    app.test_client.get("/")
    assert _error_logs(caplog) == []


def test_quiet_argument_silences_a_loud_exception(app, caplog):
    _raise_on_get(app, exc.ServerError("hush", quiet=True))
    app.test_client.get("/")
    assert _error_logs(caplog) == []


def test_quiet_false_argument_logs_a_quiet_exception(app, caplog):
    _raise_on_get(app, exc.NotFound("loud", quiet=False))
    app.test_client.get("/")
    assert len(_error_logs(caplog)) == 1


def test_noisy_exceptions_logs_quiet_exceptions(app, caplog):
    app.config.NOISY_EXCEPTIONS = True
    _raise_on_get(app, exc.NotFound("noisy"))
    app.test_client.get("/")
    (record,) = _error_logs(caplog)
    assert record.exc_info[1].message == "noisy"


def test_handled_exception_is_not_logged(app, caplog):
    @app.exception(ValueError)
    async def handled(request, exception):
        return text("fine", status=400)

    _raise_on_get(app, ValueError("handled"))
    app.test_client.get("/")
    assert _error_logs(caplog) == []
