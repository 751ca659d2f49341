"""Class-based views, as documented at
https://sanic.dev/en/guide/advanced/class-based-views.html and
https://sanic.dev/api/sanic.views.html."""

from functools import wraps

import pytest

from sanic.blueprints import Blueprint
from sanic.response import json, redirect, text
from sanic.views import HTTPMethodView, stream


class SimpleView(HTTPMethodView):
    def get(self, request):
        return text("I am get method")

    # You can also use async syntax
    async def post(self, request):
        return text("I am post method")

    def put(self, request):
        return text("I am put method")

    def patch(self, request):
        return text("I am patch method")

    def delete(self, request):
        return text("I am delete method")


@pytest.mark.parametrize("method", ["get", "post", "put", "patch", "delete"])
def test_each_http_method_calls_the_method_of_that_name(app, method):
    app.add_route(SimpleView.as_view(), "/")

    _, response = getattr(app.test_client, method)("/")

    assert response.text == f"I am {method} method"


def test_a_method_the_view_lacks_answers_405(app):
    class GetOnly(HTTPMethodView):
        def get(self, request):
            return text("get")

    app.add_route(GetOnly.as_view(), "/")

    _, response = app.test_client.post("/")
    assert response.status == 405
    assert "POST" not in response.headers["allow"]


def test_head_request_is_answered_by_get(app):
    class GetOnly(HTTPMethodView):
        def get(self, request):
            return text("get")

    app.add_route(GetOnly.as_view(), "/")

    _, response = app.test_client.head("/")
    assert response.status == 200


def test_dispatch_answers_405_when_the_route_allows_more_than_the_view(app):
    class GetOnly(HTTPMethodView):
        def get(self, request):
            return text("get")

    app.route("/", methods=["GET", "POST"])(GetOnly.as_view())

    _, response = app.test_client.post("/")
    assert response.status == 405


def test_path_parameters_reach_the_method(app):
    class NameView(HTTPMethodView):
        def get(self, request, name):
            return text(f"Hello {name}")

    app.add_route(NameView.as_view(), "/<name>")

    assert app.test_client.get("/world")[1].text == "Hello world"


def _header_decorator(value):
    def decorator(handler):
        @wraps(handler)
        async def wrapped(request, *args, **kwargs):
            response = handler(request, *args, **kwargs)
            if hasattr(response, "__await__"):
                response = await response
            response.headers["x-decorated"] = value
            return response

        return wrapped

    return decorator


def test_decorators_attribute_applies_to_every_method(app):
    class ViewWithDecorator(HTTPMethodView):
        decorators = [_header_decorator("yes")]

        def get(self, request, name):
            return text("Hello I have a decorator")

        def post(self, request, name):
            return text("Hello I also have a decorator")

    app.add_route(ViewWithDecorator.as_view(), "/<name>")

    assert app.test_client.get("/x")[1].headers["x-decorated"] == "yes"
    assert app.test_client.post("/x")[1].headers["x-decorated"] == "yes"


def test_decorators_apply_in_order_the_first_innermost(app):
    class Layered(HTTPMethodView):
        decorators = [_header_decorator("inner"), _header_decorator("outer")]

        def get(self, request):
            return text("")

    app.add_route(Layered.as_view(), "/")

    assert app.test_client.get("/")[1].headers["x-decorated"] == "outer"


def test_decorators_may_wrap_individual_methods(app):
    class ViewWithSomeDecorator(HTTPMethodView):
        @staticmethod
        @_header_decorator("static")
        def get(request, name):
            return text("Hello I have a decorator")

        def post(self, request, name):
            return text("Hello I do not have any decorators")

    app.add_route(ViewWithSomeDecorator.as_view(), "/<name>")

    assert app.test_client.get("/x")[1].headers["x-decorated"] == "static"
    assert "x-decorated" not in app.test_client.post("/x")[1].headers


def test_url_for_takes_the_class_name(app):
    @app.route("/")
    def index(request):
        return redirect(app.url_for("SpecialClassView"))

    class SpecialClassView(HTTPMethodView):
        def get(self, request):
            return text("Hello from the Special Class View!")

    app.add_route(SpecialClassView.as_view(), "/special_class_view")

    assert app.url_for("SpecialClassView") == "/special_class_view"
    _, response = app.test_client.get("/")
    assert response.text == "Hello from the Special Class View!"


def test_as_view_handler_carries_the_view_class():
    view = SimpleView.as_view()
    assert view.view_class is SimpleView
    assert view.__name__ == "SimpleView"


def test_as_view_arguments_construct_each_instance(app):
    class Greeting(HTTPMethodView):
        def __init__(self, greeting):
            self.greeting = greeting

        def get(self, request):
            return text(self.greeting)

    app.add_route(Greeting.as_view("hi there"), "/")

    assert app.test_client.get("/")[1].text == "hi there"


def test_attach_adds_the_view_to_an_app(app):
    class DummyView(HTTPMethodView):
        def get(self, request, my_param_here):
            return text(f"I am get method with {my_param_here}")

    DummyView.attach(app, "/<my_param_here>")

    assert app.test_client.get("/abc")[1].text == "I am get method with abc"


def test_view_attaches_itself_when_subclassed_with_attach(app):
    class DummyView(HTTPMethodView, attach=app, uri="/<my_param_here>"):
        def get(self, request, my_param_here):
            return text(f"I am get method with {my_param_here}")

    assert app.test_client.get("/abc")[1].text == "I am get method with abc"


def test_stream_method_makes_the_route_stream_its_body(app):
    class Upload(HTTPMethodView):
        @stream
        async def post(self, request):
            total = 0
            while (chunk := await request.stream.read()) is not None:
                total += len(chunk)
            return json({"total": total})

    app.add_route(Upload.as_view(), "/upload")

    (route,) = app.router.routes
    assert route.extra.stream is True
    _, response = app.test_client.post("/upload", content=b"x" * 100_000)
    assert response.json == {"total": 100_000}


def test_stream_decorator_marks_a_function():
    @stream
    async def handler(request): ...

    assert handler.is_stream is True


def test_view_on_a_blueprint(app):
    bp = Blueprint("bp", url_prefix="/bp")
    bp.add_route(SimpleView.as_view(), "/simple")
    app.blueprint(bp)

    assert app.url_for("bp.SimpleView") == "/bp/simple"
    assert app.test_client.put("/bp/simple")[1].text == "I am put method"
    assert {m for route in app.router.routes for m in route.methods} == {
        "GET",
        "POST",
        "PUT",
        "PATCH",
        "DELETE",
    }


def test_attach_adds_the_view_to_a_blueprint(app):
    bp = Blueprint("bp", url_prefix="/bp")

    class Attached(HTTPMethodView, attach=bp, uri="/attached"):
        async def get(self, request):
            return text(request.name)

    app.blueprint(bp)

    assert app.test_client.get("/bp/attached")[1].text == f"{app.name}.bp.Attached"
