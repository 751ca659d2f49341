"""``app.url_for`` and ``request.url_for``.

Behaviour from https://sanic.dev/en/guide/basics/routing.html#generating-a-url
and https://sanic.dev/en/guide/basics/headers.html (host header and dynamic URL
construction).
"""

import uuid
from datetime import date

import pytest

from sanic import Sanic, redirect, text
from sanic.exceptions import URLBuildError


@pytest.fixture
def posts(app: Sanic) -> Sanic:
    @app.route("/posts/<post_id>")
    async def post_handler(request, post_id):
        return text(post_id)

    return app


# ---- path and query ---------------------------------------------------------


def test_path_parameters_fill_the_path(posts):
    assert posts.url_for("post_handler", post_id=5) == "/posts/5"


def test_other_keyword_arguments_become_the_query_string(posts):
    url = posts.url_for("post_handler", post_id=5, arg_one="one", arg_two="two")
    assert url == "/posts/5?arg_one=one&arg_two=two"


def test_a_list_gives_one_query_key_per_value(posts):
    url = posts.url_for("post_handler", post_id=5, arg_one=["one", "two"])
    assert url == "/posts/5?arg_one=one&arg_one=two"


def test_query_values_are_url_encoded(posts):
    url = posts.url_for("post_handler", post_id=5, q="a b&c")
    assert url == "/posts/5?q=a+b%26c"


def test_the_root_route(app):
    @app.get("/")
    async def index(request):
        return text("")

    assert app.url_for("index") == "/"
    assert app.url_for("index", page=2) == "/?page=2"


def test_url_for_inside_a_handler_for_a_redirect(posts):
    @posts.route("/")
    async def index(request):
        return redirect(posts.url_for("post_handler", post_id=5))

    _, response = posts.test_client.get("/", follow_redirects=False)
    assert response.status == 302
    assert response.headers["location"] == "/posts/5"
    _, response = posts.test_client.get("/")
    assert response.text == "5"


# ---- special keyword arguments ---------------------------------------------------


def test_anchor(posts):
    url = posts.url_for("post_handler", post_id=5, arg_one="one", _anchor="anchor")
    assert url == "/posts/5?arg_one=one#anchor"


def test_external_uses_server_name(posts):
    posts.config.SERVER_NAME = "server"
    url = posts.url_for("post_handler", post_id=5, arg_one="one", _external=True)
    assert url == "http://server/posts/5?arg_one=one"


def test_external_without_a_server_is_the_same_as_not_external(posts):
    url = posts.url_for("post_handler", post_id=5, arg_one="one", _external=True)
    assert url == "/posts/5?arg_one=one"


def test_scheme_with_external(posts):
    posts.config.SERVER_NAME = "server"
    url = posts.url_for(
        "post_handler", post_id=5, arg_one="one", _scheme="https", _external=True
    )
    assert url == "https://server/posts/5?arg_one=one"


def test_scheme_without_external_is_an_error(posts):
    with pytest.raises(ValueError, match="_external must be True"):
        posts.url_for("post_handler", post_id=5, _scheme="http")


def test_all_special_arguments_at_once(posts):
    posts.config.SERVER_NAME = "server"
    url = posts.url_for(
        "post_handler",
        post_id=5,
        arg_one=["one", "two"],
        arg_two=2,
        _anchor="anchor",
        _scheme="http",
        _external=True,
        _server="another_server:8888",
    )
    assert (
        url
        == "http://another_server:8888/posts/5?arg_one=one&arg_one=two&arg_two=2#anchor"
    )


def test_server_name_with_a_scheme_gives_the_default_scheme(posts):
    posts.config.SERVER_NAME = "https://example.com"
    assert (
        posts.url_for("post_handler", post_id=5, _external=True)
        == "https://example.com/posts/5"
    )
    assert (
        posts.url_for("post_handler", post_id=5, _external=True, _scheme="wss")
        == "wss://example.com/posts/5"
    )


def test_server_name_with_a_path_prefixes_external_urls(posts):
    posts.config.SERVER_NAME = "example.com/api/"
    assert (
        posts.url_for("post_handler", post_id=5, _external=True)
        == "http://example.com/api/posts/5"
    )
    assert posts.url_for("post_handler", post_id=5) == "/posts/5"


def test_method_is_accepted_and_not_put_in_the_query(posts):
    assert posts.url_for("post_handler", post_id=5, _method="GET") == "/posts/5"


def test_external_url_of_a_route_with_a_host_uses_that_host(app):
    app.config.SERVER_NAME = "example.com"

    @app.get("/external", host="bp.example.com")
    async def external(request):
        return text("")

    assert app.url_for("external", _external=True) == "http://bp.example.com/external"
    assert app.url_for("external") == "/external"


# ---- names ---------------------------------------------------------------------------


def test_a_custom_route_name(app):
    @app.get("/get", name="get_handler")
    def handler(request):
        return text("OK")

    assert app.url_for("get_handler", foo="bar") == "/get?foo=bar"


def test_the_name_with_the_app_prefix(posts):
    assert posts.url_for(f"{posts.name}.post_handler", post_id=1) == "/posts/1"


def test_blueprint_qualified_name(app):
    # Blueprint routes are named "{app}.{blueprint}.{handler}"; url_for takes
    # the name without the app prefix.
    async def handler(request):
        return text("")

    app.add_route(handler, "/bp/item", name="bp_name.handler")
    assert app.url_for("bp_name.handler") == "/bp/item"
    assert app.url_for(f"{app.name}.bp_name.handler") == "/bp/item"


def test_a_blueprint_route_by_blueprint_and_handler_name(app):
    from sanic.blueprints import Blueprint

    bp = Blueprint("bp_name", url_prefix="/bp")

    @bp.get("/item/<item_id:int>")
    async def handler(request, item_id):
        return text(request.url_for("bp_name.handler", item_id=item_id + 1))

    app.blueprint(bp)
    assert app.url_for("bp_name.handler", item_id=1) == "/bp/item/1"
    _, response = app.test_client.get("/bp/item/1", headers={"Host": "example.com"})
    assert response.text == "http://example.com/bp/item/2"


def test_unknown_name_is_a_url_build_error(posts):
    with pytest.raises(URLBuildError, match="nope"):
        posts.url_for("nope")


# ---- typed parameters --------------------------------------------------------------


def test_typed_parameters_accept_values_of_their_type(app):
    @app.get("/t/<ident:int>/<when:ymd>/<key:uuid>/<ratio:float>")
    async def typed(request, ident, when, key, ratio):
        return text("")

    key = uuid.UUID(int=7)
    url = app.url_for("typed", ident=3, when=date(2024, 1, 31), key=key, ratio=1.5)
    assert url == f"/t/3/2024-01-31/{key}/1.5"


@pytest.mark.parametrize(
    "params",
    [
        {"ident": "abc", "key": uuid.UUID(int=1)},
        {"ident": 1.5, "key": uuid.UUID(int=1)},
        {"ident": 1, "key": "not-a-uuid"},
    ],
)
def test_a_value_of_the_wrong_type_is_a_url_build_error(app, params):
    @app.get("/t/<ident:int>/<key:uuid>")
    async def typed(request, ident, key):
        return text("")

    with pytest.raises(URLBuildError):
        app.url_for("typed", **params)


def test_a_missing_parameter_is_a_url_build_error(posts):
    with pytest.raises(URLBuildError, match="post_id"):
        posts.url_for("post_handler", arg_one="one")


def test_a_str_parameter_cannot_hold_a_slash(posts):
    with pytest.raises(URLBuildError):
        posts.url_for("post_handler", post_id="a/b")


def test_ext_parameters(app):
    @app.get("/img/<file:ext=jpg|png>")
    async def image(request, file, ext):
        return text("")

    assert app.url_for("image", file="cat", ext="png") == "/img/cat.png"
    with pytest.raises(URLBuildError):
        app.url_for("image", file="cat", ext="gif")


# ---- encoding --------------------------------------------------------------------


def test_parameter_values_are_percent_encoded(posts):
    assert posts.url_for("post_handler", post_id="a b") == "/posts/a%20b"
    assert posts.url_for("post_handler", post_id="100%") == "/posts/100%25"
    assert posts.url_for("post_handler", post_id="café") == "/posts/caf%C3%A9"


def test_path_parameters_keep_their_slashes(app):
    @app.get("/files/<rest:path>", unquote=True)
    async def files(request, rest):
        return text(rest)

    url = app.url_for("files", rest="a b/c")
    assert url == "/files/a%20b/c"
    _, response = app.test_client.get(url)
    assert response.text == "a b/c"


def test_non_ascii_static_segments_are_encoded(app):
    @app.get("/café")
    async def cafe(request):
        return text("ok")

    url = app.url_for("cafe")
    assert url == "/caf%C3%A9"
    _, response = app.test_client.get(url)
    assert response.text == "ok"


def test_the_anchor_is_encoded(posts):
    assert posts.url_for("post_handler", post_id=1, _anchor="a b") == "/posts/1#a%20b"


# ---- request.url_for -----------------------------------------------------------


def test_request_url_for_uses_the_request_scheme_and_host(app):
    @app.get("/user/<uid:int>")
    async def user(request, uid):
        return text(request.url_for("user", uid=3, tab="x"))

    _, response = app.test_client.get("/user/1", headers={"Host": "example.com"})
    assert response.text == "http://example.com/user/3?tab=x"


def test_request_url_for_prefers_server_name(app):
    app.config.SERVER_NAME = "https://example.com"

    @app.route("/hosts", name="foo")
    async def handler(request):
        return text(request.url_for("foo"))

    _, response = app.test_client.get("/hosts")
    assert response.text == "https://example.com/hosts"


def test_request_url_for_uses_the_effective_host_from_a_trusted_proxy(app):
    app.config.FORWARDED_SECRET = "secret"

    @app.get("/here")
    async def here(request):
        return text(request.url_for("here"))

    _, response = app.test_client.get(
        "/here",
        headers={
            "Forwarded": "for=1.2.3.4;proto=https;host=public.example;secret=secret"
        },
    )
    assert response.text == "https://public.example/here"
