"""Blueprints, as documented at https://sanic.dev/en/guide/best-practices/blueprints.html
and https://sanic.dev/en/guide/advanced/versioning.html."""

import asyncio
import uuid

import pytest

from sanic import Sanic
from sanic.blueprints import Blueprint
from sanic.exceptions import NotFound, SanicException, ServerError
from sanic.response import json, text


def uris(app):
    return sorted(route.uri for route in app.router.routes)


@pytest.fixture
def other_app():
    application = Sanic(f"other_{uuid.uuid4().hex[:12]}")
    yield application
    Sanic.unregister_app(application)


# ---- creating and registering ------------------------------------------------------


def test_blueprint_routes_are_served_by_the_app(app):
    bp = Blueprint("my_blueprint")

    @bp.route("/")
    async def bp_root(request):
        return json({"my": "blueprint"})

    app.blueprint(bp)

    _, response = app.test_client.get("/")
    assert response.json == {"my": "blueprint"}
    assert app.blueprints == {"my_blueprint": bp}


def test_blueprint_may_be_registered_before_routes_are_added(app):
    bp = Blueprint("late")
    app.blueprint(bp)

    @bp.route("/")
    async def bp_root(request):
        return text("added after registration")

    _, response = app.test_client.get("/")
    assert response.text == "added after registration"


@pytest.mark.parametrize("name", ["", "1bp", "has space", "dotted.name", None])
def test_blueprint_name_is_validated_like_an_app_name(name):
    with pytest.raises(SanicException):
        Blueprint(name)


def test_blueprint_has_its_own_ctx():
    bp = Blueprint("bp")
    bp.ctx.db = "connection"
    assert bp.ctx.db == "connection"
    assert Blueprint("other").ctx is not bp.ctx


@pytest.mark.parametrize(
    "method", ["get", "post", "put", "patch", "delete", "head", "options"]
)
def test_method_decorators_register_that_method(app, method):
    bp = Blueprint("bp")

    @getattr(bp, method)("/thing")
    async def handler(request):
        return text("ok")

    app.blueprint(bp)
    (route,) = app.router.routes
    assert route.methods == {method.upper()}


def test_get_route_ignores_the_body_and_post_route_reads_it(app):
    bp = Blueprint("bp")

    @bp.get("/g")
    async def g(request):
        return text("")

    @bp.post("/p")
    async def p(request):
        return text("")

    app.blueprint(bp)
    ignore = {route.uri: route.extra.ignore_body for route in app.router.routes}
    assert ignore == {"/g": True, "/p": False}


def test_add_route_registers_a_function(app):
    bp = Blueprint("bp", url_prefix="/bp")

    async def handler(request):
        return text(request.method)

    bp.add_route(handler, "/thing", methods=["GET", "POST"])
    app.blueprint(bp)

    _, response = app.test_client.post("/bp/thing")
    assert response.text == "POST"


def test_route_ctx_kwargs_reach_the_route(app):
    bp = Blueprint("bp")

    @bp.get("/", ctx_label="tagged")
    async def handler(request):
        return text(request.route.ctx.label)

    app.blueprint(bp)
    _, response = app.test_client.get("/")
    assert response.text == "tagged"


def test_registering_a_list_registers_each_blueprint(app):
    first, second = Blueprint("first", url_prefix="/a"), Blueprint("second")
    first.add_route(lambda _: text("a"), "/", name="a")
    second.add_route(lambda _: text("b"), "/b", name="b")

    app.blueprint([first, second])

    assert uris(app) == ["/a", "/b"]


# ---- url prefixes, slashes, versions, hosts -----------------------------------------


def test_url_prefix_is_prepended_to_routes(app):
    bp = Blueprint("bp", url_prefix="/api")

    @bp.get("/users")
    async def users(request):
        return text("users")

    app.blueprint(bp)
    _, response = app.test_client.get("/api/users")
    assert response.text == "users"


def test_root_route_of_a_prefixed_blueprint_is_the_prefix(app):
    bp = Blueprint("bp", url_prefix="/api")

    @bp.get("/")
    async def index(request):
        return text("index")

    app.blueprint(bp)

    assert uris(app) == ["/api"]
    assert app.url_for("bp.index") == "/api"
    _, response = app.test_client.get("/api/")
    assert response.text == "index"  # slashes are not strict


def test_strict_slashes_keep_the_trailing_slash_of_the_root_route(app):
    # https://github.com/sanic-org/sanic/issues/2514
    bp = Blueprint("bp", url_prefix="/foo/", strict_slashes=True)

    @bp.get("/")
    async def index(request):
        return text("index")

    app.blueprint(bp)

    assert uris(app) == ["/foo/"]
    _, response = app.test_client.get("/foo")
    assert response.status == 404


def test_strict_slashes_given_at_registration_match_the_blueprint_setting(app):
    bp = Blueprint("bp")
    bp.add_route(lambda _: text("index"), "/", name="index")

    app.blueprint(bp, url_prefix="/foo/", strict_slashes=True)

    assert uris(app) == ["/foo/"]


def test_route_strict_slashes_override_the_blueprint(app):
    bp = Blueprint("bp", strict_slashes=True)
    bp.add_route(lambda _: text("loose"), "/loose", strict_slashes=False)
    bp.add_route(lambda _: text("strict"), "/strict")

    app.blueprint(bp)

    strict = {route.uri: route.strict for route in app.router.routes}
    assert strict == {"/loose": False, "/strict": True}


def test_registration_url_prefix_replaces_the_blueprint_prefix(app):
    bp = Blueprint("bp", url_prefix="/default")
    bp.add_route(lambda _: text("x"), "/thing", name="thing")

    app.blueprint(bp, url_prefix="/custom")

    assert uris(app) == ["/custom/thing"]


def test_blueprint_version_prefixes_its_routes(app):
    bp = Blueprint("test", url_prefix="/foo", version=1)

    @bp.route("/html")
    def handle_request(request):
        return text("v1")

    app.blueprint(bp)
    _, response = app.test_client.get("/v1/foo/html")
    assert response.text == "v1"


def test_blueprints_with_the_same_prefix_and_different_versions(app):
    auth1 = Blueprint("auth1", url_prefix="/auth", version=1)
    auth2 = Blueprint("auth2", url_prefix="/auth", version=2)
    auth1.add_route(lambda _: text("1"), "/", name="index")
    auth2.add_route(lambda _: text("2"), "/", name="index")

    app.blueprint(auth1)
    app.blueprint(auth2)

    assert uris(app) == ["/v1/auth", "/v2/auth"]


def test_route_version_overrides_the_blueprint_version(app):
    bp = Blueprint("bp", version=1)
    bp.add_route(lambda _: text("x"), "/a", name="a")
    bp.add_route(lambda _: text("x"), "/b", name="b", version=3)

    app.blueprint(bp)

    assert uris(app) == ["/v1/a", "/v3/b"]


def test_registration_version_applies_when_the_blueprint_has_none(app):
    unversioned = Blueprint("unversioned")
    versioned = Blueprint("versioned", version=1)
    unversioned.add_route(lambda _: text("x"), "/u", name="u")
    versioned.add_route(lambda _: text("x"), "/v", name="v")

    app.blueprint(unversioned, version=2)
    app.blueprint(versioned, version=2)

    assert uris(app) == ["/v1/v", "/v2/u"]


def test_version_prefix_precedence_route_then_blueprint_then_registration(app):
    bp = Blueprint("bp", version=1, version_prefix="/bp/v")
    bp.add_route(lambda _: text("x"), "/a", name="a")
    bp.add_route(lambda _: text("x"), "/b", name="b", version_prefix="/route/v")
    plain = Blueprint("plain", version=1)
    plain.add_route(lambda _: text("x"), "/c", name="c")

    app.blueprint(bp, version_prefix="/reg/v")
    app.blueprint(plain, version_prefix="/reg/v")

    assert uris(app) == ["/bp/v1/a", "/reg/v1/c", "/route/v1/b"]


def test_blueprint_host_restricts_its_routes(app):
    bp = Blueprint("bp", host="example.com")

    @bp.get("/")
    async def index(request):
        return text("example")

    app.blueprint(bp)

    _, response = app.test_client.get("/", headers={"Host": "example.com"})
    assert response.text == "example"
    _, response = app.test_client.get("/", headers={"Host": "other.com"})
    assert response.status == 404


def test_route_host_overrides_the_blueprint_host(app):
    bp = Blueprint("bp", host="example.com")
    bp.add_route(lambda _: text("x"), "/", name="index", host="other.com")

    app.blueprint(bp)

    (route,) = app.router.routes
    assert route.requirements == {"host": "other.com"}


# ---- names and url_for ---------------------------------------------------------------


def test_route_names_are_app_blueprint_handler(app):
    bp = Blueprint("bp", url_prefix="/bp")

    @bp.get("/<item>")
    async def show(request, item):
        return text(request.name)

    app.blueprint(bp)

    assert app.url_for("bp.show", item="x") == "/bp/x"
    _, response = app.test_client.get("/bp/x")
    assert response.text == f"{app.name}.bp.show"


def test_custom_route_name_is_prefixed_with_the_blueprint_name(app):
    bp = Blueprint("bp")
    bp.add_route(lambda _: text("x"), "/thing", name="custom")

    app.blueprint(bp)

    assert [route.name for route in app.router.routes] == [f"{app.name}.bp.custom"]
    assert app.url_for("bp.custom") == "/thing"


# ---- middleware ----------------------------------------------------------------------


def _two_blueprints(app):
    """bp (prefix /bp) and other (prefix /other), each with a route echoing ctx."""
    bp = Blueprint("bp", url_prefix="/bp")
    other = Blueprint("other", url_prefix="/other")

    async def echo(request):
        return text(getattr(request.ctx, "seen", "none"))

    bp.add_route(echo, "/", name="echo")
    other.add_route(echo, "/", name="echo")
    return bp, other


def test_blueprint_middleware_applies_only_to_its_routes(app):
    bp, other = _two_blueprints(app)

    @bp.middleware
    async def mark(request):
        request.ctx.seen = "bp"

    app.blueprint(bp)
    app.blueprint(other)

    assert app.test_client.get("/bp")[1].text == "bp"
    assert app.test_client.get("/other")[1].text == "none"


def test_blueprint_request_middleware_can_halt_the_request(app):
    bp, _ = _two_blueprints(app)

    @bp.middleware("request")
    async def halt_request(request):
        return text("I halted the request")

    app.blueprint(bp)
    assert app.test_client.get("/bp")[1].text == "I halted the request"


def test_blueprint_response_middleware_can_replace_the_response(app):
    bp, other = _two_blueprints(app)

    @bp.middleware("response")
    async def halt_response(request, response):
        return text("I halted the response")

    app.blueprint(bp)
    app.blueprint(other)

    assert app.test_client.get("/bp")[1].text == "I halted the response"
    assert app.test_client.get("/other")[1].text == "none"


def test_blueprint_middleware_plain_call_and_shorthands(app):
    bp, _ = _two_blueprints(app)
    calls = []

    def by_call(request):
        calls.append("call")

    bp.middleware(by_call, "request")

    @bp.on_request
    def shorthand(request):
        calls.append("on_request")

    @bp.on_response
    def after(request, response):
        calls.append("on_response")

    app.blueprint(bp)
    app.test_client.get("/bp")
    assert calls == ["call", "on_request", "on_response"]


def test_blueprint_middleware_priority_orders_execution(app):
    bp, _ = _two_blueprints(app)
    order = []

    @bp.on_request
    def low(request):
        order.append("low")

    @bp.on_request(priority=99)
    def high(request):
        order.append("high")

    app.blueprint(bp)
    app.test_client.get("/bp")
    assert order == ["high", "low"]


def test_app_middleware_also_runs_for_blueprint_routes(app):
    bp, _ = _two_blueprints(app)
    order = []

    @app.on_request
    def app_level(request):
        order.append("app")

    @bp.on_request
    def bp_level(request):
        order.append("bp")

    app.blueprint(bp)
    app.test_client.get("/bp")
    assert sorted(order) == ["app", "bp"]


def test_blueprint_middleware_covers_routes_added_after_registration(app):
    bp = Blueprint("bp")

    @bp.on_request
    async def mark(request):
        request.ctx.seen = "bp"

    app.blueprint(bp)

    @bp.get("/late")
    async def late(request):
        return text(request.ctx.seen)

    assert app.test_client.get("/late")[1].text == "bp"


def test_invalid_middleware_location_is_rejected():
    bp = Blueprint("bp")
    with pytest.raises(SanicException):
        bp.middleware(lambda request: None, "sideways")


# ---- exceptions ------------------------------------------------------------------------


class Teapot(SanicException):
    status_code = 418


def test_blueprint_exception_handler_applies_only_to_its_routes(app):
    bp = Blueprint("bp", url_prefix="/bp")

    @bp.get("/")
    async def bp_route(request):
        raise Teapot("from bp")

    @app.get("/app")
    async def app_route(request):
        raise Teapot("from app")

    @bp.exception(Teapot)
    def handle(request, exception):
        return text("handled by bp", status=200)

    app.blueprint(bp)

    assert app.test_client.get("/bp")[1].text == "handled by bp"
    assert app.test_client.get("/app")[1].status == 418


def test_app_exception_handler_still_catches_the_rest(app):
    bp = Blueprint("bp", url_prefix="/bp")

    @bp.get("/")
    async def bp_route(request):
        raise ServerError("bp error")

    @app.get("/app")
    async def app_route(request):
        raise Teapot("app error")

    @bp.exception(ServerError)
    def bp_handler(request, exception):
        return text("bp handler")

    @app.exception(Teapot)
    def app_handler(request, exception):
        return text("app handler")

    app.blueprint(bp)

    assert app.test_client.get("/bp")[1].text == "bp handler"
    assert app.test_client.get("/app")[1].text == "app handler"


def test_blueprint_exception_accepts_several_exceptions(app):
    bp = Blueprint("bp")

    @bp.get("/<kind>")
    async def fail(request, kind):
        raise {"teapot": Teapot, "missing": NotFound}[kind]("boom")

    @bp.exception([Teapot, NotFound])
    def handle(request, exception):
        return text(type(exception).__name__)

    app.blueprint(bp)
    assert app.test_client.get("/teapot")[1].text == "Teapot"
    assert app.test_client.get("/missing")[1].text == "NotFound"


# ---- listeners and signals -------------------------------------------------------------


def test_blueprint_listeners_run_on_the_app(app):
    bp = Blueprint("bp")
    events = []

    @bp.listener("before_server_start")
    async def before_server_start(app, loop):
        events.append("before_server_start")

    @bp.listener("after_server_stop")
    async def after_server_stop(app, loop):
        events.append("after_server_stop")

    @bp.after_server_start
    async def after_start(app):
        events.append("after_server_start")

    @bp.before_server_stop(priority=1)
    async def before_stop(app):
        events.append("before_server_stop")

    app.blueprint(bp)
    app.test_client.get("/")
    assert events == [
        "before_server_start",
        "after_server_start",
        "before_server_stop",
        "after_server_stop",
    ]


def test_listener_plain_call_is_registered(app):
    bp = Blueprint("bp")
    seen = []
    bp.listener(lambda app: seen.append(app.name), "before_server_start")
    app.blueprint(bp)
    app.test_client.get("/")
    assert seen == [app.name]


def test_unknown_listener_event_is_rejected_when_recorded():
    bp = Blueprint("bp")
    with pytest.raises(SanicException):
        bp.listener(lambda app: None, "before_lunch")


def test_listeners_run_once_when_a_blueprint_is_mounted_twice(app):
    bp = Blueprint("bp")
    bp.add_route(lambda _: text("x"), "/", name="index")
    starts = []
    bp.before_server_start(lambda app: starts.append(1))

    app.blueprint(bp, url_prefix="/one")
    app.blueprint(bp, url_prefix="/two")
    app.test_client.get("/one")
    assert starts == [1]


def test_blueprint_signal_runs_when_the_app_dispatches(app):
    bp = Blueprint("bp")
    received = []

    @bp.signal("foo.bar.baz")
    async def bp_signal(**context):
        received.append(context)

    app.blueprint(bp)

    async def main():
        await app.dispatch("foo.bar.baz", context={"hello": "world"}, inline=True)

    asyncio.run(main())
    assert received == [{"hello": "world"}]


def test_blueprint_dispatch_runs_only_the_blueprint_signals(app):
    bp = Blueprint("bp")
    counts = {"app": 0, "bp": 0}

    @app.signal("foo.bar.baz")
    def app_signal():
        counts["app"] += 1

    @bp.signal("foo.bar.baz")
    def bp_signal():
        counts["bp"] += 1

    app.blueprint(bp)

    async def main():
        await app.dispatch("foo.bar.baz", inline=True)
        assert counts == {"app": 1, "bp": 1}
        await bp.dispatch("foo.bar.baz", inline=True)
        assert counts == {"app": 1, "bp": 2}

    asyncio.run(main())


# ---- copying -------------------------------------------------------------------------------


def test_copy_registers_alongside_the_original(app):
    v1 = Blueprint("Version1", version=1)

    @v1.route("/something")
    def something(request):
        return text(request.name)

    v2 = v1.copy("Version2", version=2)

    app.blueprint(v1)
    app.blueprint(v2)

    assert uris(app) == ["/v1/something", "/v2/something"]
    assert app.test_client.get("/v2/something")[1].text == (
        f"{app.name}.Version2.something"
    )


def test_copy_keeps_values_not_overridden(app):
    bp = Blueprint("bp", url_prefix="/bp", version=1, strict_slashes=True)
    bp.add_route(lambda _: text("x"), "/", name="index")

    copied = bp.copy("copied", url_prefix="/copied")

    assert (copied.version, copied.strict_slashes) == (1, True)
    app.blueprint(bp)
    app.blueprint(copied)
    assert uris(app) == ["/v1/bp/", "/v1/copied/"]


def test_copy_carries_middleware_and_exception_handlers(app):
    bp = Blueprint("bp", url_prefix="/bp")

    @bp.get("/")
    async def index(request):
        raise Teapot(request.ctx.seen)

    @bp.on_request
    def mark(request):
        request.ctx.seen = "marked"

    @bp.exception(Teapot)
    def handle(request, exception):
        return text(f"handled {exception}")

    app.blueprint(bp.copy("copied", url_prefix="/copied"))

    assert app.test_client.get("/copied")[1].text == "handled marked"


def test_copy_of_a_registered_blueprint_is_registered_on_its_apps(app):
    bp = Blueprint("bp", url_prefix="/bp")
    bp.add_route(lambda _: text("x"), "/", name="index")
    app.blueprint(bp)

    copied = bp.copy("copied", url_prefix="/copied")
    not_registered = bp.copy("quiet", url_prefix="/quiet", with_registration=False)

    assert app.blueprints["copied"] is copied
    assert "quiet" not in app.blueprints
    assert not not_registered.registered
    assert uris(app) == ["/bp", "/copied"]


def test_copy_ctx_only_when_asked():
    bp = Blueprint("bp")
    bp.ctx.value = 1

    assert not hasattr(bp.copy("fresh").ctx, "value")
    with_ctx = bp.copy("kept", with_ctx=True)
    assert with_ctx.ctx.value == 1
    assert with_ctx.ctx is not bp.ctx


# ---- registration rules ------------------------------------------------------------------


def test_two_blueprints_with_the_same_name_are_rejected(app):
    app.blueprint(Blueprint("auth", url_prefix="/a"))
    with pytest.raises(SanicException, match="auth"):
        app.blueprint(Blueprint("auth", url_prefix="/b"))


def test_the_same_blueprint_may_be_mounted_at_several_prefixes(app):
    bp = Blueprint("bp")

    @bp.get("/")
    async def index(request):
        return text(request.path)

    app.blueprint(bp, url_prefix="/one")
    app.blueprint(bp, url_prefix="/two")

    assert app.test_client.get("/two")[1].text == "/two"
    assert uris(app) == ["/one", "/two"]


def test_a_blueprint_works_on_two_apps(app, other_app):
    bp = Blueprint("shared", url_prefix="/shared")
    calls = []

    @bp.get("/")
    async def index(request):
        return text(request.app.name)

    @bp.on_request
    def mark(request):
        calls.append(request.app.name)

    app.blueprint(bp)
    other_app.blueprint(bp)

    assert app.test_client.get("/shared")[1].text == app.name
    assert other_app.test_client.get("/shared")[1].text == other_app.name
    assert calls == [app.name, other_app.name]
    assert bp.apps == {app, other_app}


def test_apps_of_an_unregistered_blueprint_is_an_error():
    bp = Blueprint("bp")
    assert not bp.registered
    with pytest.raises(SanicException):
        _ = bp.apps


# ---- websockets and static files (served by later features) --------------------------


class _RecordingApp(Sanic):
    """An app whose websocket() and static() record how they were called."""

    def websocket(self, uri, **kwargs):
        return lambda handler: self.ctx.calls.append(("websocket", uri, kwargs))

    def static(self, uri, file_or_directory, **kwargs):
        self.ctx.calls.append(("static", uri, file_or_directory, kwargs))


@pytest.fixture
def recording_app():
    application = _RecordingApp(f"rec_{uuid.uuid4().hex[:12]}")
    application.ctx.calls = []
    yield application
    Sanic.unregister_app(application)


def test_websocket_routes_are_replayed_with_combined_options(recording_app):
    bp = Blueprint("bp", url_prefix="/bp", version=1)

    @bp.websocket("/feed", subprotocols=["chat"])
    async def feed(request, ws): ...

    bp.add_websocket_route(feed, "/other", name="other")
    recording_app.blueprint(bp)

    app_name = recording_app.name
    (_, uri, kwargs), (_, other_uri, other) = recording_app.ctx.calls
    assert (uri, kwargs["version"], kwargs["subprotocols"]) == ("/bp/feed", 1, ["chat"])
    assert kwargs["name"] == f"{app_name}.bp.feed"
    assert (other_uri, other["name"]) == ("/bp/other", f"{app_name}.bp.other")


def test_static_files_are_replayed_under_the_prefix(recording_app):
    bp = Blueprint("bp", url_prefix="/bp")
    bp.static("/web/path", "/folder/to/serve", name="uploads", index="index.html")

    recording_app.blueprint(bp)

    ((kind, uri, folder, kwargs),) = recording_app.ctx.calls
    assert (kind, uri, folder) == ("static", "/bp/web/path", "/folder/to/serve")
    assert kwargs["name"] == f"{recording_app.name}.bp.uploads"
    assert kwargs["index"] == "index.html"


class _NoWebsocketApp(Sanic):
    websocket = None  # type: ignore[assignment]


def test_registration_fails_clearly_when_the_app_cannot_serve_websockets():
    app = _NoWebsocketApp(f"nows_{uuid.uuid4().hex[:12]}")
    bp = Blueprint("bp")
    bp.add_websocket_route(lambda request, ws: None, "/ws", name="ws")
    try:
        with pytest.raises(SanicException, match="websocket"):
            app.blueprint(bp)
    finally:
        Sanic.unregister_app(app)
