"""The exception classes: statuses, quietness, and the documented properties.

https://sanic.dev/en/guide/best-practices/exceptions.html and
https://sanic.dev/api/sanic.exceptions.html
"""

from __future__ import annotations

import asyncio
from types import SimpleNamespace

import pytest

import sanic
from sanic import exceptions as exc
from sanic.response import text


@pytest.mark.parametrize(
    ("name", "status", "base"),
    [
        ("SanicException", 500, Exception),
        ("HTTPException", 500, exc.SanicException),
        ("BadRequest", 400, exc.HTTPException),
        ("InvalidUsage", 400, exc.HTTPException),
        ("BadURL", 400, exc.BadRequest),
        ("HeaderNotFound", 400, exc.BadRequest),
        ("InvalidHeader", 400, exc.BadRequest),
        ("Unauthorized", 401, exc.HTTPException),
        ("Forbidden", 403, exc.HTTPException),
        ("NotFound", 404, exc.HTTPException),
        ("FileNotFound", 404, exc.NotFound),
        ("MethodNotAllowed", 405, exc.HTTPException),
        ("MethodNotSupported", 405, exc.HTTPException),
        ("RequestTimeout", 408, exc.HTTPException),
        ("PayloadTooLarge", 413, exc.HTTPException),
        ("URITooLong", 414, exc.HTTPException),
        ("RangeNotSatisfiable", 416, exc.HTTPException),
        ("ContentRangeError", 416, exc.HTTPException),
        ("InvalidRangeType", 416, exc.RangeNotSatisfiable),
        ("ExpectationFailed", 417, exc.HTTPException),
        ("HeaderExpectationFailed", 417, exc.HTTPException),
        ("ServerError", 500, exc.HTTPException),
        ("InternalServerError", 500, exc.HTTPException),
        ("URLBuildError", 500, exc.SanicException),
        ("ServiceUnavailable", 503, exc.HTTPException),
        ("LoadFileException", 500, exc.SanicException),
        ("PyFileError", 500, exc.SanicException),
        ("InvalidSignal", 500, exc.SanicException),
        ("WebsocketClosed", 500, exc.SanicException),
    ],
)
def test_every_documented_exception_has_its_status(name, status, base):
    cls = getattr(exc, name)
    assert issubclass(cls, base)
    assert cls.status_code == status


@pytest.mark.parametrize(
    ("alias", "target"),
    [
        ("InvalidUsage", "BadRequest"),
        ("MethodNotSupported", "MethodNotAllowed"),
        ("InternalServerError", "ServerError"),
        ("ContentRangeError", "RangeNotSatisfiable"),
        ("HeaderExpectationFailed", "ExpectationFailed"),
    ],
)
def test_aliases_are_the_same_class(alias, target):
    assert getattr(exc, alias) is getattr(exc, target)


@pytest.mark.parametrize(
    "cls",
    [
        exc.BadRequest,
        exc.Unauthorized,
        exc.Forbidden,
        exc.NotFound,
        exc.MethodNotAllowed,
        exc.RequestTimeout,
        exc.PayloadTooLarge,
        exc.RangeNotSatisfiable,
        exc.ExpectationFailed,
        exc.ServiceUnavailable,
        exc.WebsocketClosed,
    ],
)
def test_expected_outcomes_are_quiet(cls):
    assert cls.quiet is True


@pytest.mark.parametrize("cls", [exc.SanicException, exc.ServerError])
def test_server_errors_are_not_quiet(cls):
    assert not cls().quiet


def test_request_cancelled_is_a_quiet_cancelled_error():
    assert issubclass(exc.RequestCancelled, asyncio.CancelledError)
    assert not issubclass(exc.RequestCancelled, Exception)
    assert exc.RequestCancelled.quiet is True


def test_server_killed_is_not_an_http_error():
    assert issubclass(exc.ServerKilled, Exception)
    assert not issubclass(exc.ServerKilled, exc.SanicException)


def test_common_exceptions_import_from_sanic():
    for name in (
        "BadRequest",
        "NotFound",
        "Forbidden",
        "Unauthorized",
        "ServerError",
        "InternalServerError",
        "SanicException",
        "MethodNotAllowed",
        "FileNotFound",
        "RangeNotSatisfiable",
        "HeaderNotFound",
        "InvalidHeader",
        "ExpectationFailed",
        "ServiceUnavailable",
    ):
        assert getattr(sanic, name) is getattr(exc, name)


# ---- SanicException's arguments and class variables --------------------------------


def test_sanic_exception_is_a_500_by_default():
    error = exc.SanicException("Something went wrong.")
    assert error.status_code == 500
    assert error.message == str(error) == "Something went wrong."


def test_status_code_argument():
    assert exc.SanicException("x", status_code=501).status_code == 501
    assert exc.SanicException("x", 501).status_code == 501


def test_message_defaults_to_the_status_phrase():
    assert exc.NotFound().message == "Not Found"
    assert exc.SanicException(status_code=503).message == "Service Unavailable"


def test_bytes_message_is_decoded():
    assert exc.BadRequest(b"caf\xc3\xa9").message == "café"


def test_message_as_a_class_variable():
    class CustomError(exc.SanicException):
        message = "Something bad happened"

    assert str(CustomError()) == "Something bad happened"
    override = CustomError("Override the default message with something else")
    assert override.message == "Override the default message with something else"


def test_status_code_as_a_class_variable_and_override():
    class TeapotError(exc.SanicException):
        status_code = 418
        message = "Sorry, I cannot brew coffee"

    assert TeapotError().status_code == 418
    assert TeapotError(status_code=400).status_code == 400


def test_quiet_as_a_class_variable_and_argument():
    class SilentError(exc.SanicException):
        message = "Something happened, but not shown in logs"
        quiet = True

    assert SilentError().quiet is True
    assert exc.InvalidUsage("blah blah", quiet=True).quiet is True
    assert exc.NotFound("loud", quiet=False).quiet is False


def test_headers_as_a_class_variable_and_argument():
    class MyException(exc.SanicException):
        headers = {"X-Foo": "bar"}

    assert MyException().headers == {"X-Foo": "bar"}
    assert exc.InvalidUsage("blah blah", headers={"X-Foo": "bar"}).headers == {
        "X-Foo": "bar"
    }
    merged = MyException(headers={"X-Other": "1"})
    assert merged.headers == {"X-Foo": "bar", "X-Other": "1"}
    assert MyException.headers == {"X-Foo": "bar"}


def test_context_and_extra_are_kept():
    error = exc.BadRequest("bad", context={"field": "name"}, extra={"user": 1})
    assert error.context == {"field": "name"}
    assert error.extra == {"user": 1}


def test_message_as_a_property_built_from_extra():
    class TeapotError(exc.SanicException):
        status_code = 418

        @property
        def message(self):
            return f"Sorry {self.extra['name']}, I cannot make you coffee"

    error = TeapotError(extra={"name": "Adam"})
    assert error.message == str(error) == "Sorry Adam, I cannot make you coffee"


def test_sanic_exception_response_end_to_end(app):
    @app.route("/youshallnotpass")
    async def no_no(request):
        raise exc.SanicException("Something went wrong.", status_code=501)

    _, response = app.test_client.get("/youshallnotpass")
    assert response.status == 501
    assert "Something went wrong." in response.text


# ---- exceptions that build their own headers ----------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "header"),
    [
        (
            {"scheme": "Basic", "realm": "Restricted Area"},
            'Basic realm="Restricted Area"',
        ),
        (
            {
                "scheme": "Digest",
                "realm": "Restricted Area",
                "qop": "auth, auth-int",
                "algorithm": "MD5",
                "nonce": "abcdef",
                "opaque": "zyxwvu",
            },
            'Digest realm="Restricted Area", qop="auth, auth-int", '
            'algorithm="MD5", nonce="abcdef", opaque="zyxwvu"',
        ),
        ({"scheme": "Bearer"}, "Bearer"),
        (
            {"scheme": "Bearer", "realm": "Restricted Area"},
            'Bearer realm="Restricted Area"',
        ),
    ],
)
def test_unauthorized_builds_www_authenticate(kwargs, header):
    error = exc.Unauthorized("Auth required.", **kwargs)
    assert error.status_code == 401
    assert error.headers["WWW-Authenticate"] == header


def test_unauthorized_scheme_is_the_second_positional_argument():
    error = exc.Unauthorized("Auth required.", "Basic", realm="Restricted Area")
    assert error.headers["WWW-Authenticate"] == 'Basic realm="Restricted Area"'
    assert error.status_code == 401


def test_unauthorized_without_scheme_has_no_challenge():
    assert "WWW-Authenticate" not in exc.Unauthorized("Auth required.").headers


def test_method_not_allowed_lists_allowed_methods():
    error = exc.MethodNotAllowed("nope", "DELETE", ["GET", "POST"])
    assert error.status_code == 405
    assert error.method == "DELETE"
    assert error.headers["Allow"] == "GET, POST"


def test_wrong_method_answers_405_with_allow(app):
    @app.route("/", methods=["GET", "POST"])
    async def handler(request):
        return text("ok")

    _, response = app.test_client.delete("/")
    assert response.status == 405
    assert set(response.headers["allow"].replace(" ", "").split(",")) >= {
        "GET",
        "POST",
    }


def test_range_not_satisfiable_names_the_total():
    error = exc.RangeNotSatisfiable("bad range", SimpleNamespace(total=1234))
    assert error.headers["Content-Range"] == "bytes */1234"


def test_file_not_found_keeps_path_and_url():
    error = exc.FileNotFound("gone", "/srv/a.txt", "/static/a.txt")
    assert (error.status_code, error.path, error.relative_url) == (
        404,
        "/srv/a.txt",
        "/static/a.txt",
    )


def test_py_file_error_names_the_file():
    assert "settings.py" in exc.PyFileError("settings.py").message


def test_websocket_closed_has_a_default_message():
    assert exc.WebsocketClosed().message == "Client has closed the websocket connection"
