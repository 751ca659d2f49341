"""Conveniences added in Sanic 22.12 - 25.12, through real apps.

Release notes: https://sanic.dev/en/guide/release-notes/ (v23.3: header
properties, DELETE bodies; v23.6: typed generics, ``make_context``, lazy
``request.ctx``; v25.12: ``add_task`` returns the task). Custom request and
context: https://sanic.dev/en/guide/basics/app.html#customization and
https://sanic.dev/en/guide/basics/request.html#custom-request-context.
"""

import asyncio
import uuid
from dataclasses import dataclass
from types import SimpleNamespace

import pytest

from sanic import Request, Sanic, json, text
from sanic.config import Config


@pytest.fixture
def make_app():
    """Apps built with constructor options, each with a unique name."""
    created = []

    def factory(label, **kwargs):
        application = Sanic(f"{label}_{uuid.uuid4().hex[:8]}", **kwargs)
        created.append(application)
        return application

    yield factory
    for application in created:
        Sanic.unregister_app(application)


# ---- any header as a property (v23.3) ----------------------------------------------


def test_any_header_is_readable_as_a_property(app):
    @app.get("/")
    async def handler(request):
        headers = request.headers
        return json(
            {
                "host": headers.host,
                "user_agent": headers.user_agent,
                "x_request_id": headers.x_request_id,
                "missing": headers.x_not_sent,
            }
        )

    _, response = app.test_client.get(
        "/", headers={"User-Agent": "curl/7.88.1", "X-Request-ID": "123ABC"}
    )
    assert response.json["host"].startswith("127.0.0.1:")
    assert response.json["user_agent"] == "curl/7.88.1"
    assert response.json["x_request_id"] == "123ABC"
    assert response.json["missing"] == ""


def test_a_repeated_header_property_joins_all_values(app):
    @app.get("/")
    async def handler(request):
        return text(request.headers.example_field)

    _, response = app.test_client.get(
        "/", headers=[("Example-Field", "Foo, Bar"), ("Example-Field", "Baz")]
    )
    assert response.text == "Foo, Bar,Baz"


def test_a_trailing_underscore_in_a_header_property_is_ignored(app):
    @app.get("/")
    async def handler(request):
        return text(request.headers.from_)

    _, response = app.test_client.get("/", headers={"From": "me@example.com"})
    assert response.text == "me@example.com"


# ---- DELETE bodies (v23.3) ------------------------------------------------------------


def test_a_delete_body_is_read_by_default(app):
    @app.delete("/item")
    async def handler(request):
        return json({"body": request.body.decode(), "json": request.json})

    _, response = app.test_client.delete("/item", content=b'{"id": 7}')
    assert response.json == {"body": '{"id": 7}', "json": {"id": 7}}


# ---- custom request class and context -------------------------------------------------


@dataclass
class CustomContext:
    user_id: str | None = None


class CustomRequest(Request):
    """The documented example: __init__ may already read headers and ctx."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.ctx.user_id = self.headers.get("X-User-ID")

    @staticmethod
    def make_context() -> CustomContext:
        return CustomContext()


def test_custom_request_class_and_make_context(make_app):
    app = make_app("custom_request", request_class=CustomRequest)

    @app.get("/")
    async def handler(request):
        return json(
            {
                "class": type(request).__name__,
                "ctx": type(request.ctx).__name__,
                "user_id": request.ctx.user_id,
            }
        )

    _, response = app.test_client.get("/", headers={"X-User-ID": "42"})
    assert response.json == {
        "class": "CustomRequest",
        "ctx": "CustomContext",
        "user_id": "42",
    }


def test_request_ctx_is_made_only_when_used(make_app):
    made = []

    class CountingRequest(Request):
        @staticmethod
        def make_context() -> SimpleNamespace:
            made.append(1)
            return SimpleNamespace()

    app = make_app("lazy_ctx", request_class=CountingRequest)

    @app.get("/unused")
    async def unused(request):
        return text("")

    @app.get("/used")
    async def used(request):
        request.ctx.a = 1
        request.ctx.b = request.ctx.a + 1
        return text(str(request.ctx.b))

    app.test_client.get("/unused")
    assert made == []
    _, response = app.test_client.get("/used")
    assert response.text == "2"
    assert made == [1]


def test_custom_app_context_object(make_app):
    class MyContext:
        greeting = "hello"

    ctx = MyContext()
    app = make_app("custom_ctx", ctx=ctx)
    assert app.ctx is ctx

    @app.get("/")
    async def handler(request):
        return text(request.app.ctx.greeting)

    assert app.test_client.get("/")[1].text == "hello"


# ---- typed generics (v23.6) ---------------------------------------------------------


class CustomConfig(Config):
    FOO = "bar"


class Foo:
    pass


class RequestContext:
    foo: Foo


class TypedRequest(Request[Sanic[CustomConfig, Foo], RequestContext]):
    @staticmethod
    def make_context() -> RequestContext:
        ctx = RequestContext()
        ctx.foo = Foo()
        return ctx


def test_typed_app_and_request_generics(make_app):
    app = make_app(
        "typed_app", config=CustomConfig(), ctx=Foo(), request_class=TypedRequest
    )
    assert isinstance(app, Sanic)

    @app.get("/")
    async def handler(request: TypedRequest):
        return json(
            {
                "request": type(request).__name__,
                "config": request.app.config.FOO,
                "app_ctx": type(request.app.ctx).__name__,
                "request_ctx": type(request.ctx.foo).__name__,
            }
        )

    _, response = app.test_client.get("/")
    assert response.json == {
        "request": "TypedRequest",
        "config": "bar",
        "app_ctx": "Foo",
        "request_ctx": "Foo",
    }


def test_generic_aliases_are_usable_in_annotations():
    default_app = Sanic[Config, SimpleNamespace]
    default_request = Request[default_app, SimpleNamespace]

    def listener(app: Sanic[CustomConfig, Foo], request: default_request) -> None:
        pass

    assert listener.__annotations__["request"] is default_request
    assert default_request.__origin__ is Request
    assert default_app.__origin__ is Sanic


# ---- add_task returns the task (v25.12) ------------------------------------------------


def test_add_task_returns_the_task(app):
    async def compute() -> int:
        await asyncio.sleep(0)
        return 42

    @app.get("/")
    async def handler(request):
        task = request.app.add_task(compute())
        return text(f"{type(task).__name__} {await task}")

    assert app.test_client.get("/")[1].text == "Task 42"
