"""The router: registration, parameter types, resolution order, hosts, errors."""

from __future__ import annotations

import time
import uuid
from datetime import date
from types import SimpleNamespace

import pytest

from sanic.exceptions import MethodNotAllowed, NotFound, SanicException, URLBuildError
from sanic.router import Route, Router


def handler(request, **kwargs):
    return None


def other(request, **kwargs):
    return None


def make(*routes, **common) -> Router:
    """A router with ``(uri, methods)`` or ``(uri, methods, kwargs)`` routes."""
    router = Router()
    for entry in routes:
        uri, methods, *rest = entry
        options = {**common, **(rest[0] if rest else {})}
        router.add(uri, methods, options.pop("handler", handler), **options)
    router.finalize()
    return router


def resolve(router: Router, path: str, method: str = "GET", host=None):
    route, found_handler, params = router.get(path, method, host)
    assert found_handler is route.handler
    return route, params


def name_of(router: Router, path: str, method: str = "GET", host=None) -> str:
    return resolve(router, path, method, host)[0].name


def assert_not_found(router: Router, path: str, method: str = "GET", host=None):
    with pytest.raises(NotFound) as info:
        router.get(path, method, host)
    assert str(info.value) == f"Requested URL {path} not found"


# ---- resolution basics ------------------------------------------------------


def test_get_returns_route_handler_and_params():
    router = make(("/user/<id:int>", ["GET"], {"handler": other}))
    route, found, params = router.get("/user/7", "GET", None)
    assert isinstance(route, Route)
    assert found is other
    assert params == {"id": 7}


def test_static_route_resolves():
    router = make(("/hello/world", ["GET"], {"name": "hello"}))
    route, params = resolve(router, "/hello/world")
    assert route.name == "hello"
    assert params == {}


def test_root_route_resolves():
    router = make(("/", ["GET"], {"name": "root"}), ("/a", ["GET"], {"name": "a"}))
    assert name_of(router, "/") == "root"
    assert name_of(router, "/a") == "a"


def test_unknown_path_raises_404_with_message():
    router = make(("/a", ["GET"]), ("/b/<id:int>", ["GET"]))
    assert_not_found(router, "/nope")
    assert_not_found(router, "/b/x")
    assert_not_found(router, "/b/1/extra")


def test_405_lists_allowed_methods():
    router = make(("/item", ["GET", "POST"]), ("/thing/<id:int>", ["PUT"]))
    with pytest.raises(MethodNotAllowed) as info:
        router.get("/item", "DELETE", None)
    assert str(info.value) == "Method DELETE not allowed for URL /item"
    assert info.value.status_code == 405
    assert set(info.value.allowed_methods) == {"GET", "HEAD", "POST"}
    assert info.value.headers["Allow"] == "GET, HEAD, POST"
    with pytest.raises(MethodNotAllowed) as info:
        router.get("/thing/3", "GET", None)
    assert set(info.value.allowed_methods) == {"PUT"}


def test_head_falls_back_to_get():
    router = make(("/page", ["GET"], {"name": "page"}), ("/p/<id:int>", ["GET"]))
    assert name_of(router, "/page", "HEAD") == "page"
    route, params = resolve(router, "/p/3", "HEAD")
    assert params == {"id": 3}


def test_explicit_head_route_wins_over_get():
    router = make(
        ("/page", ["GET"], {"name": "get"}),
        ("/page", ["HEAD"], {"name": "head", "handler": other}),
    )
    assert name_of(router, "/page", "HEAD") == "head"
    assert name_of(router, "/page", "GET") == "get"


def test_method_mismatch_on_static_path_falls_through_to_dynamic_route():
    router = make(
        ("/about", ["GET"], {"name": "about"}),
        ("/<page>", ["POST"], {"name": "page"}),
    )
    assert name_of(router, "/about", "POST") == "page"
    with pytest.raises(MethodNotAllowed) as info:
        router.get("/about", "PUT", None)
    assert set(info.value.allowed_methods) == {"GET", "HEAD", "POST"}


# ---- trailing slashes -------------------------------------------------------


def test_static_route_resolves_with_trailing_slash_when_not_strict():
    router = make(("/a", ["GET"], {"name": "a"}))
    assert name_of(router, "/a") == "a"
    assert name_of(router, "/a/") == "a"


def test_route_declared_with_trailing_slash_resolves_without_when_not_strict():
    router = make(("/a/", ["GET"], {"name": "a"}))
    assert name_of(router, "/a/") == "a"
    assert name_of(router, "/a") == "a"


def test_strict_slashes_match_the_exact_path_only():
    router = make(
        ("/a", ["GET"], {"strict_slashes": True}),
        ("/b/", ["GET"], {"strict_slashes": True}),
        ("/c/<id:int>", ["GET"], {"strict_slashes": True}),
    )
    resolve(router, "/a")
    resolve(router, "/b/")
    resolve(router, "/c/1")
    assert_not_found(router, "/a/")
    assert_not_found(router, "/b")
    assert_not_found(router, "/c/1/")


def test_dynamic_route_resolves_with_trailing_slash_when_not_strict():
    router = make(("/user/<id:int>", ["GET"]))
    assert resolve(router, "/user/5/")[1] == {"id": 5}


def test_exact_slash_route_wins_over_slash_alternate():
    router = make(
        ("/a", ["GET"], {"name": "plain"}),
        ("/a/", ["GET"], {"name": "slash", "strict_slashes": True}),
    )
    assert name_of(router, "/a") == "plain"
    assert name_of(router, "/a/") == "slash"


# ---- parameter types --------------------------------------------------------


def test_str_parameter_matches_one_non_empty_segment():
    router = make(("/a/<name>", ["GET"]), ("/b/<name:str>", ["GET"]))
    assert resolve(router, "/a/Bob")[1] == {"name": "Bob"}
    assert resolve(router, "/b/Python%203")[1] == {"name": "Python%203"}
    assert_not_found(router, "/b/x/y")
    # "/b/" is "/b" plus an empty segment: str needs at least one character
    assert_not_found(router, "/b//")


def test_strorempty_parameter_matches_an_empty_segment():
    router = make(("/a/<name:strorempty>", ["GET"], {"strict_slashes": True}))
    assert resolve(router, "/a/Bob")[1] == {"name": "Bob"}
    assert resolve(router, "/a/")[1] == {"name": ""}


def test_int_parameter_is_converted():
    router = make(("/n/<value:int>", ["GET"]))
    assert resolve(router, "/n/10")[1] == {"value": 10}
    assert resolve(router, "/n/-10")[1] == {"value": -10}
    for path in ("/n/1.5", "/n/0x1f", "/n/abc", "/n/-", "/n/%31"):
        assert_not_found(router, path)


def test_float_parameter_is_converted():
    router = make(("/n/<value:float>", ["GET"]))
    for text, value in (("10", 10.0), ("-10", -10.0), ("1.5", 1.5), (".5", 0.5)):
        params = resolve(router, f"/n/{text}")[1]
        assert params == {"value": value} and isinstance(params["value"], float)
    assert_not_found(router, "/n/1e5")
    assert_not_found(router, "/n/abc")


def test_alpha_parameter_matches_letters_only():
    router = make(("/a/<word:alpha>", ["GET"]))
    assert resolve(router, "/a/Python")[1] == {"word": "Python"}
    assert_not_found(router, "/a/py3")
    assert_not_found(router, "/a/two%20words")


def test_slug_parameter_matches_lowercase_words_joined_by_hyphens():
    router = make(("/a/<article:slug>", ["GET"]))
    assert resolve(router, "/a/sanic-framework")[1] == {"article": "sanic-framework"}
    for path in ("/a/Sanic", "/a/sanic--framework", "/a/-sanic", "/a/sanic_fw"):
        assert_not_found(router, path)


def test_path_parameter_spans_slashes():
    router = make(("/static/<rest:path>", ["GET"]))
    assert resolve(router, "/static/hello.txt")[1] == {"rest": "hello.txt"}
    assert resolve(router, "/static/a/b/c.txt")[1] == {"rest": "a/b/c.txt"}
    assert_not_found(router, "/static/")


def test_path_parameter_followed_by_a_static_segment():
    router = make(
        ("/files/<rest:path>", ["GET"], {"name": "file"}),
        ("/files/<rest:path>/edit", ["GET"], {"name": "edit"}),
    )
    route, params = resolve(router, "/files/a/b/edit")
    assert (route.name, params) == ("edit", {"rest": "a/b"})
    route, params = resolve(router, "/files/a/b/view")
    assert (route.name, params) == ("file", {"rest": "a/b/view"})


def test_ymd_parameter_is_converted_to_a_date():
    router = make(("/day/<when:ymd>", ["GET"]))
    assert resolve(router, "/day/2021-03-28")[1] == {"when": date(2021, 3, 28)}
    assert_not_found(router, "/day/2021-3-28")


def test_value_matching_the_pattern_but_failing_the_cast_does_not_match():
    router = make(("/day/<when:ymd>", ["GET"]))
    assert_not_found(router, "/day/2021-02-30")  # matches the regex, not a date


def test_cast_failure_falls_through_to_the_next_candidate():
    router = make(
        ("/day/<when:ymd>", ["GET"], {"name": "date"}),
        ("/day/<text>", ["GET"], {"name": "text"}),
    )
    assert name_of(router, "/day/2021-02-28") == "date"
    assert resolve(router, "/day/2021-02-30")[1] == {"text": "2021-02-30"}


def test_uuid_parameter_is_converted():
    router = make(("/u/<ident:uuid>", ["GET"]))
    value = "123e4567-e89b-12d3-a456-426614174000"
    assert resolve(router, f"/u/{value}")[1] == {"ident": uuid.UUID(value)}
    assert_not_found(router, "/u/123e4567")


def test_ext_parameter_passes_file_name_and_extension():
    router = make(("/f/<file:ext>", ["GET"]))
    assert resolve(router, "/f/page.txt")[1] == {"file": "page", "ext": "txt"}
    assert_not_found(router, "/f/page")
    assert_not_found(router, "/f/.txt")


def test_ext_parameter_restricts_the_extensions():
    router = make(
        ("/one/<file:ext=jpg>", ["GET"]),
        ("/many/<file:ext=jpg|png|gif|svg>", ["GET"]),
    )
    assert resolve(router, "/one/cat.jpg")[1] == {"file": "cat", "ext": "jpg"}
    assert_not_found(router, "/one/cat.png")
    assert resolve(router, "/many/cat.svg")[1] == {"file": "cat", "ext": "svg"}
    assert_not_found(router, "/many/cat.txt")


def test_ext_parameter_with_a_typed_file_name():
    router = make(
        ("/a/<file=int:ext>", ["GET"]),
        ("/b/<file:int:ext=jpg|png>", ["GET"]),
        ("/c/<file=float:ext=tar.gz>", ["GET"]),
    )
    assert resolve(router, "/a/123.txt")[1] == {"file": 123, "ext": "txt"}
    assert resolve(router, "/b/123.png")[1] == {"file": 123, "ext": "png"}
    assert resolve(router, "/c/3.14.tar.gz")[1] == {"file": 3.14, "ext": "tar.gz"}
    assert_not_found(router, "/a/cat.txt")
    assert_not_found(router, "/b/123.gif")


def test_regex_parameter_matches_the_whole_segment():
    router = make(("/r/<code:[a-z]{3}>", ["GET"]), ("/t/<name:[a-z]{3}.txt>", ["GET"]))
    assert resolve(router, "/r/abc")[1] == {"code": "abc"}
    assert_not_found(router, "/r/abcd")
    assert_not_found(router, "/r/ab")
    assert resolve(router, "/t/abc.txt")[1] == {"name": "abc.txt"}


def test_regex_parameter_with_anchors():
    router = make(("/r/<code:^[a-z]{3}$>", ["GET"]))
    assert resolve(router, "/r/abc")[1] == {"code": "abc"}
    assert_not_found(router, "/r/abcd")


def test_regex_parameter_with_one_group_passes_the_group():
    router = make(
        ("/a/<name:([a-z]{3}).txt>", ["GET"]),
        ("/b/<name:(?P<name>[a-z]{3}).(?:txt)>", ["GET"]),
    )
    assert resolve(router, "/a/abc.txt")[1] == {"name": "abc"}
    assert resolve(router, "/b/abc.txt")[1] == {"name": "abc"}


def test_parameter_inside_a_segment_with_literal_text():
    router = make(("/report-<year:int>.pdf", ["GET"]))
    assert resolve(router, "/report-2024.pdf")[1] == {"year": 2024}
    assert_not_found(router, "/report-x.pdf")


def test_register_pattern_adds_a_custom_type():
    router = Router()
    router.register_pattern("two_letters", str.upper, r"^[a-z]{2}$")
    router.add("/lang/<code:two_letters>", ["GET"], handler)
    assert resolve(router, "/lang/en")[1] == {"code": "EN"}
    assert_not_found(router, "/lang/eng")
    assert router.routes[0].params["code"].label == "two_letters"


def test_route_params_describe_each_parameter():
    router = make(("/u/<id:int>/<name>", ["GET"]))
    route = router.routes[0]
    assert route.labels == ("id", "name")
    info = route.params["id"]
    assert (info.name, info.raw_path, info.label, info.cast) == (
        "id",
        "<id:int>",
        "int",
        int,
    )
    assert info.pattern.fullmatch("-12") and not info.pattern.fullmatch("1.2")
    assert route.params["name"].label == "str"
    assert route.static is False and route.regex is False


# ---- resolution order -------------------------------------------------------


def test_static_segment_beats_a_parameter():
    router = make(
        ("/user/<name>", ["GET"], {"name": "param"}),
        ("/user/me", ["GET"], {"name": "static"}),
        ("/user/<name>/posts", ["GET"], {"name": "param_posts"}),
        ("/user/me/posts", ["GET"], {"name": "static_posts"}),
    )
    assert name_of(router, "/user/me") == "static"
    assert name_of(router, "/user/you") == "param"
    assert name_of(router, "/user/me/posts") == "static_posts"
    assert name_of(router, "/user/you/posts") == "param_posts"


def test_typed_parameter_beats_str():
    router = make(
        ("/item/<name:str>", ["GET"], {"name": "str"}),
        ("/item/<ident:int>", ["GET"], {"name": "int"}),
    )
    assert resolve(router, "/item/42")[1] == {"ident": 42}
    assert resolve(router, "/item/abc")[1] == {"name": "abc"}


def test_path_parameter_is_tried_last():
    router = make(
        ("/<rest:path>", ["GET"], {"name": "path"}),
        ("/<name>", ["GET"], {"name": "str"}),
        ("/<name>/<ident:int>", ["GET"], {"name": "two"}),
    )
    assert name_of(router, "/x") == "str"
    assert name_of(router, "/x/1") == "two"
    assert resolve(router, "/x/y")[1] == {"rest": "x/y"}


def test_backtracks_when_a_later_segment_fails():
    router = make(
        ("/a/<ident:int>/view", ["GET"], {"name": "int_view"}),
        ("/a/<name>/edit", ["GET"], {"name": "str_edit"}),
        ("/a/static/<ident:int>", ["GET"], {"name": "static_int"}),
        ("/a/<name>/<ident:int>", ["GET"], {"name": "str_int"}),
    )
    assert name_of(router, "/a/1/view") == "int_view"
    # "1" matches int first; /edit only exists under <name>: backtrack
    assert resolve(router, "/a/1/edit")[1] == {"name": "1"}
    # "static" matches the static segment first; "x" fails int: backtrack
    assert name_of(router, "/a/static/5") == "static_int"
    assert_not_found(router, "/a/static/x")


# ---- encoding ---------------------------------------------------------------


def test_parameters_stay_percent_encoded_without_unquote():
    router = make(("/q/<text>", ["GET"]))
    assert resolve(router, "/q/caf%C3%A9")[1] == {"text": "caf%C3%A9"}


def test_unquote_decodes_parameter_values():
    router = make(
        ("/q/<text>", ["GET"], {"unquote": True}),
        ("/w/<word:alpha>", ["GET"], {"unquote": True}),
        ("/p/<rest:path>", ["GET"], {"unquote": True}),
    )
    assert resolve(router, "/q/caf%C3%A9")[1] == {"text": "café"}
    assert resolve(router, "/q/a%2Fb")[1] == {"text": "a/b"}
    assert resolve(router, "/w/%41bc")[1] == {"word": "Abc"}
    assert resolve(router, "/p/a%20b/c")[1] == {"rest": "a b/c"}


def test_non_ascii_static_path_matches_the_percent_encoded_request():
    router = make(("/café", ["GET"], {"name": "cafe"}))
    assert name_of(router, "/caf%C3%A9") == "cafe"
    assert name_of(router, "/caf%c3%a9") == "cafe"


def test_non_ascii_segment_before_a_parameter_matches_the_encoded_request():
    router = make(("/café/<ident:int>", ["GET"]))
    assert resolve(router, "/caf%C3%A9/3")[1] == {"ident": 3}


# ---- hosts ------------------------------------------------------------------


def test_host_route_matches_only_its_host():
    router = make(("/", ["GET"], {"host": "example.com"}))
    assert resolve(router, "/", host="example.com")[0].requirements == {
        "host": "example.com"
    }
    assert_not_found(router, "/", host="other.com")
    assert_not_found(router, "/", host=None)


def test_host_match_ignores_the_port_and_case():
    router = make(("/", ["GET"], {"host": "example.com"}))
    resolve(router, "/", host="Example.COM:8000")


def test_host_route_takes_precedence_over_a_hostless_route():
    router = make(
        ("/", ["GET"], {"name": "any"}),
        ("/", ["GET"], {"name": "host", "host": "example.com", "handler": other}),
        ("/u/<ident:int>", ["GET"], {"name": "u_any"}),
        ("/u/<ident:int>", ["GET"], {"name": "u_host", "host": "example.com"}),
    )
    assert name_of(router, "/", host="example.com") == "host"
    assert name_of(router, "/", host="other.com") == "any"
    assert name_of(router, "/", host=None) == "any"
    assert name_of(router, "/u/1", host="example.com") == "u_host"
    assert name_of(router, "/u/1", host="other.com") == "u_any"


def test_several_hosts_return_one_route_each():
    router = Router()
    routes = router.add("/", ["GET"], handler, host=["a.com", "b.com"])
    assert isinstance(routes, list) and len(routes) == 2
    assert [r.requirements for r in routes] == [{"host": "a.com"}, {"host": "b.com"}]
    assert all(r.extra.hosts == ["a.com", "b.com"] for r in routes)
    assert resolve(router, "/", host="a.com")[0] is routes[0]
    assert resolve(router, "/", host="b.com")[0] is routes[1]
    assert_not_found(router, "/", host="c.com")


# ---- registration errors ----------------------------------------------------


@pytest.mark.parametrize(
    "uri",
    ["/a/<x:integer>", "/a/<x:[a-z>", "/a/<x:(unclosed>", "/a/<x", "/a/<1x>"],
)
def test_invalid_route_raises_at_registration_naming_the_path(uri):
    router = Router()
    with pytest.raises(SanicException) as info:
        router.add(uri, ["GET"], handler)
    assert uri in str(info.value)


def test_unknown_parameter_type_raises_at_registration():
    with pytest.raises(SanicException, match="Unknown parameter type 'integer'"):
        Router().add("/a/<x:integer>", ["GET"], handler)


@pytest.mark.parametrize("spec", ["(ab", "[a-z", "a{2,1}"])
def test_invalid_regex_raises_at_registration(spec):
    uri = f"/a/<x:{spec}>"
    with pytest.raises(SanicException, match="Invalid regex pattern") as info:
        Router().add(uri, ["GET"], handler)
    assert uri in str(info.value)


def test_duplicate_parameter_name_raises_at_registration():
    with pytest.raises(SanicException, match=r"Duplicate parameter name 'x'.*/a/<x>"):
        Router().add("/a/<x>/<x:int>", ["GET"], handler)


def test_duplicate_route_raises_at_registration():
    router = Router()
    router.add("/a/<ident:int>", ["GET", "POST"], handler)
    with pytest.raises(SanicException) as info:
        router.add("/a/<other:int>", ["POST"], other)
    assert "/a/<other:int>" in str(info.value) and "POST" in str(info.value)


def test_same_path_for_another_method_or_host_is_not_a_duplicate():
    router = Router()
    router.add("/a", ["GET"], handler, name="get")
    router.add("/a", ["POST"], other, name="post")
    router.add("/a", ["GET"], other, host="example.com", name="host")
    assert name_of(router, "/a", "POST") == "post"
    assert name_of(router, "/a", host="example.com") == "host"


def test_overwrite_replaces_the_existing_route():
    router = Router()
    router.add("/a", ["GET"], handler, name="old")
    router.add("/a", ["GET"], other, name="new", overwrite=True)
    assert name_of(router, "/a") == "new"
    assert [r.name for r in router.routes] == ["new"]


# ---- the Route object -------------------------------------------------------


def test_route_attributes():
    router = Router()
    route = router.add("/user/<id:int>/", ["get", "post"], handler, strict_slashes=True)
    assert route.router is router
    assert route.handler is handler
    assert route.name == "handler"  # defaults to the handler's name
    assert route.methods == frozenset({"GET", "POST"})
    assert route.path == "user/<id:int>/"
    assert route.uri == "/user/<id:int>/"
    assert route.segments == ("user", "<id:int>", "")
    assert route.strict is True and route.unquote is False
    assert route.requirements == {}
    assert route.static is False
    assert router.add("/", ["GET"], handler, name="root").path == ""


def test_route_name_is_kept_as_given():
    route = Router().add("/", ["GET"], handler, name="myapp.index")
    assert route.name == "myapp.index"


def test_ctx_keyword_arguments_go_to_route_ctx():
    route = Router().add("/", ["GET"], handler, ctx_label="x", ctx_limit=3)
    assert isinstance(route.ctx, SimpleNamespace)
    assert (route.ctx.label, route.ctx.limit) == ("x", 3)


def test_route_extra_holds_the_route_options():
    route = Router().add(
        "/",
        ["GET"],
        handler,
        stream=True,
        ignore_body=True,
        static=True,
        error_format="json",
        websocket=True,
        subprotocols=["chat"],
    )
    extra = route.extra
    assert (extra.stream, extra.ignore_body, extra.static) == (True, True, True)
    assert (extra.error_format, extra.websocket, extra.hosts) == ("json", True, None)
    assert extra.subprotocols == ["chat"]
    assert not hasattr(route.ctx, "stream")


def test_version_prefixes_the_path():
    router = Router()
    assert router.add("/text", ["GET"], handler, version=1).path == "v1/text"
    route = router.add("/t", ["GET"], handler, version=2, version_prefix="/api/v")
    assert route.uri == "/api/v2/t"
    assert name_of(router, "/api/v2/t") == "handler"


def test_build_path_fills_the_parameters():
    router = Router()
    route = router.add(
        "/u/<ident:int>/<when:ymd>/<key:uuid>/<rest:path>", ["GET"], handler
    )
    key = uuid.UUID(int=1)
    built = route.build_path(
        {"ident": 5, "when": date(2024, 1, 2), "key": key, "rest": "a/b"}
    )
    assert built == f"/u/5/2024-01-02/{key}/a/b"
    assert resolve(router, built)[1]["ident"] == 5


def test_build_path_with_an_ext_parameter():
    route = Router().add("/img/<file:ext=jpg|png>", ["GET"], handler)
    assert route.build_path({"file": "cat", "ext": "png"}) == "/img/cat.png"
    with pytest.raises(URLBuildError, match="ext"):
        route.build_path({"file": "cat", "ext": "gif"})


def test_build_path_rejects_a_value_of_the_wrong_type():
    route = Router().add("/u/<ident:int>", ["GET"], handler)
    with pytest.raises(URLBuildError, match="ident"):
        route.build_path({"ident": "abc"})


def test_build_path_requires_every_parameter():
    route = Router().add("/u/<ident:int>/<name>", ["GET"], handler)
    with pytest.raises(URLBuildError, match="name"):
        route.build_path({"ident": 1})


# ---- introspection ----------------------------------------------------------


def test_route_tables_group_routes_by_kind():
    router = make(
        ("/static", ["GET"], {"name": "s"}),
        ("/static", ["POST"], {"name": "s_post"}),
        ("/dyn/<ident:int>", ["GET"], {"name": "d"}),
        ("/re/<code:[a-z]{2}>", ["GET"], {"name": "r"}),
    )
    assert [r.name for r in router.routes] == ["s", "s_post", "d", "r"]
    assert set(router.routes_all) == {
        ("static",),
        ("dyn", "<ident:int>"),
        ("re", "<code:[a-z]{2}>"),
    }
    assert [r.name for r in router.routes_static[("static",)]] == ["s", "s_post"]
    assert list(router.routes_dynamic) == [("dyn", "<ident:int>")]
    assert list(router.routes_regex) == [("re", "<code:[a-z]{2}>")]
    assert router.name_index["d"].uri == "/dyn/<ident:int>"


def test_find_route_by_view_name_accepts_full_and_short_names():
    router = make(
        ("/", ["GET"], {"name": "myapp.index"}),
        ("/bp", ["GET"], {"name": "myapp.bp.index"}),
    )
    assert router.find_route_by_view_name("myapp.index").uri == "/"
    assert router.find_route_by_view_name("bp.index").uri == "/bp"
    assert router.find_route_by_view_name("missing") is None


def test_find_route_by_view_name_refuses_an_ambiguous_short_name():
    router = make(
        ("/a", ["GET"], {"name": "one.index"}),
        ("/b", ["GET"], {"name": "two.index"}),
    )
    assert router.find_route_by_view_name("index") is None
    assert router.find_route_by_view_name("one.index").uri == "/a"


def test_router_ctx_is_a_namespace():
    router = Router()
    router.ctx.app = "app"
    assert router.ctx.app == "app"


def test_reset_removes_all_routes():
    router = make(("/a", ["GET"], {"name": "a"}), ("/b/<x:int>", ["GET"]))
    router.reset()
    assert router.routes == () and router.routes_all == {} and router.name_index == {}
    assert_not_found(router, "/a")
    assert_not_found(router, "/b/1")


# ---- compilation --------------------------------------------------------------


def test_adding_a_route_after_finalize_is_resolved():
    router = make(("/a", ["GET"]))
    router.add("/b", ["GET"], handler, name="b")
    router.add("/c/<x:int>", ["GET"], handler, name="c")
    assert name_of(router, "/b") == "b"
    assert name_of(router, "/c/1") == "c"


def test_finalize_is_idempotent():
    router = make(("/a", ["GET"], {"name": "a"}), ("/b/<x:int>", ["GET"]))
    router.finalize()
    router.finalize()
    assert name_of(router, "/a") == "a"
    assert resolve(router, "/b/2")[1] == {"x": 2}


# ---- cost -------------------------------------------------------------------


def _router_with(count: int) -> Router:
    router = Router()
    for index in range(count // 2):
        router.add(f"/s/{index}/page", ["GET"], handler, name=f"s{index}")
        router.add(f"/d/{index}/<x:int>/<y>", ["GET"], handler, name=f"d{index}")
    router.finalize()
    return router


def _best_time(router: Router, path: str, rounds: int = 2000) -> float:
    get = router.get
    best = float("inf")
    for _ in range(7):
        start = time.perf_counter()
        for _ in range(rounds):
            get(path, "GET", None)
        best = min(best, time.perf_counter() - start)
    return best


@pytest.fixture(scope="module")
def sized_routers() -> tuple[Router, Router]:
    return _router_with(10), _router_with(10_000)


def test_static_lookup_is_a_single_table_hit_whatever_the_route_count(
    sized_routers, monkeypatch
):
    small, large = sized_routers
    # The static table is consulted directly: the slow path is never entered.
    monkeypatch.setattr(large, "_resolve", lambda *args: pytest.fail("slow path"))
    assert name_of(large, "/s/2500/page") == "s2500"
    monkeypatch.undo()
    assert _best_time(large, "/s/2500/page") < 3 * _best_time(small, "/s/2/page")


def test_dynamic_lookup_cost_does_not_grow_with_the_route_count(sized_routers):
    small, large = sized_routers
    assert resolve(large, "/d/2500/1/x")[1] == {"x": 1, "y": "x"}
    slow = _best_time(large, "/d/2500/1/x", 500)
    assert slow < 3 * _best_time(small, "/d/2/1/x", 500)


def test_dynamic_resolution_cache_returns_fresh_params_each_time():
    router = Router()
    router.add("/user/<uid:int>", ["GET"], lambda r, uid: None, name="user")
    router.finalize()
    _, _, first = router.get("/user/5", "GET")
    first["uid"] = "mutated"
    _, _, second = router.get("/user/5", "GET")
    assert second == {"uid": 5}


def test_dynamic_resolution_cache_is_bounded_and_reset_on_change():
    from sanic.router import ROUTE_CACHE_SIZE

    router = Router()
    router.add("/item/<n:int>", ["GET"], lambda r, n: None, name="item")
    router.finalize()
    for n in range(ROUTE_CACHE_SIZE * 3):
        router.get(f"/item/{n}", "GET")
    assert len(router._cache) <= ROUTE_CACHE_SIZE
    router.add("/item/<n:int>/detail", ["GET"], lambda r, n: None, name="detail")
    route, _, params = router.get("/item/7/detail", "GET")
    assert route.name == "detail" and params == {"n": 7}
    assert router.get("/item/7", "GET")[2] == {"n": 7}


def test_dynamic_resolution_cache_respects_methods():
    router = Router()
    router.add("/thing/<n:int>", ["GET"], lambda r, n: None, name="get_thing")
    router.add("/thing/<n:int>", ["POST"], lambda r, n: None, name="post_thing")
    router.finalize()
    assert router.get("/thing/1", "GET")[0].name == "get_thing"
    assert router.get("/thing/1", "POST")[0].name == "post_thing"
    assert router.get("/thing/1", "GET")[0].name == "get_thing"
