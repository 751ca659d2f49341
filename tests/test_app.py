"""The application object: registry, names, ctx, config, route registration."""

import pytest

from sanic import Sanic
from sanic.config import Config
from sanic.exceptions import SanicException
from sanic.response import text


def test_get_app_returns_the_app_registered_under_its_name(app):
    assert Sanic.get_app(app.name) is app


def test_get_app_without_name_returns_the_only_app(app):
    saved = dict(Sanic._app_registry)
    Sanic._app_registry.clear()
    Sanic._app_registry[app.name] = app
    try:
        assert Sanic.get_app() is app
    finally:
        Sanic._app_registry.clear()
        Sanic._app_registry.update(saved)


def test_get_app_without_name_and_several_apps_is_a_clear_error(app):
    other = Sanic(app.name + "_other")
    try:
        with pytest.raises(SanicException, match="Multiple Sanic apps found"):
            Sanic.get_app()
    finally:
        Sanic.unregister_app(other)


def test_get_app_with_unknown_name_is_a_clear_error():
    with pytest.raises(SanicException, match='"nope-nothing" not found'):
        Sanic.get_app("nope-nothing")


def test_get_app_force_create_makes_the_app():
    created = Sanic.get_app("forced_app_x", force_create=True)
    try:
        assert isinstance(created, Sanic) and created.name == "forced_app_x"
    finally:
        Sanic.unregister_app(created)


def test_duplicate_app_name_is_rejected(app):
    with pytest.raises(SanicException, match="already in use"):
        Sanic(app.name)


@pytest.mark.parametrize("name", ["", "1abc", "has space", "dot.ted", "slash/x"])
def test_invalid_app_name_is_rejected(name):
    with pytest.raises(SanicException, match="invalid"):
        Sanic(name)


def test_app_ctx_is_a_namespace_and_can_be_given(app):
    app.ctx.db = "conn"
    assert app.ctx.db == "conn"

    class Ctx:
        pass

    ctx = Ctx()
    other = Sanic(app.name + "_ctx", ctx=ctx)
    try:
        assert other.ctx is ctx
    finally:
        Sanic.unregister_app(other)


def test_app_config_is_attribute_and_item_access(app):
    assert isinstance(app.config, Config)
    app.config.MY_SETTING = 5
    assert app.config["MY_SETTING"] == 5
    assert app.config.REQUEST_MAX_SIZE == 100_000_000


def test_app_debug_is_read_only(app):
    assert app.debug is False
    with pytest.raises(AttributeError):
        app.debug = True


def test_app_debug_reflects_the_run_mode(app):
    @app.get("/")
    async def handler(request):
        return text(str(request.app.debug))

    _, response = app.test_client.get("/", debug=True)
    assert response.text == "True"
    _, response = app.test_client.get("/")
    assert response.text == "False"


def test_app_has_no_is_running_or_is_stopping(app):
    """Removed in Sanic 23.x: the state lives on ``app.state``."""
    assert not hasattr(app, "is_running")
    assert not hasattr(app, "is_stopping")
    assert app.state.is_running is False


def test_same_path_and_method_twice_is_an_error_at_registration(app):
    @app.get("/dup")
    async def first(request):
        return text("1")

    with pytest.raises(Exception, match="/dup"):

        @app.get("/dup")
        async def second(request):
            return text("2")


def test_route_names_are_prefixed_with_the_app_name(app):
    @app.get("/x", name="custom")
    async def handler(request):
        return text("x")

    @app.get("/y")
    async def plain(request):
        return text("y")

    names = {route.name for route in app.router.routes}
    assert f"{app.name}.custom" in names
    assert f"{app.name}.plain" in names


def test_route_decorator_returns_the_handler(app):
    async def handler(request):
        return text("x")

    assert app.get("/r")(handler) is handler


def test_invalid_method_is_rejected(app):
    with pytest.raises(SanicException, match="Invalid HTTP method"):
        app.route("/x", methods=["FETCH"])(lambda request: None)


def test_invalid_error_format_is_rejected(app):
    with pytest.raises(SanicException, match="error_format"):
        app.get("/x", error_format="xml")(lambda request: None)


def test_route_extra_holds_per_route_flags(app):
    @app.post("/s", stream=True, error_format="json")
    async def streamed(request):
        return text("x")

    @app.get("/g")
    async def getter(request):
        return text("x")

    routes = {route.name.split(".")[-1]: route for route in app.router.routes}
    assert routes["streamed"].extra.stream is True
    assert routes["streamed"].extra.error_format == "json"
    assert routes["getter"].extra.ignore_body is True
    assert routes["getter"].extra.websocket is False


def test_typed_app_generics_are_subscriptable():
    from types import SimpleNamespace

    typed = Sanic[Config, SimpleNamespace]
    assert typed is not None


def test_url_for_builds_paths_with_params_and_query(app):
    @app.get("/user/<user_id:int>")
    async def user(request, user_id):
        return text("x")

    assert app.url_for("user", user_id=5) == "/user/5"
    assert app.url_for("user", user_id=5, q="a b", _anchor="top") == "/user/5?q=a+b#top"
    app.config.SERVER_NAME = "example.com"
    assert app.url_for("user", user_id=5, _external=True) == "http://example.com/user/5"


def test_app_logger_is_sanics_root_logger() -> None:
    # The seed's deployment examples call app.logger.info(...).
    import sanic.log

    assert Sanic("with_logger").logger is sanic.log.logger
