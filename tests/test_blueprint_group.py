"""Blueprint groups, as documented at
https://sanic.dev/en/guide/best-practices/blueprints.html#blueprint-groups and
https://sanic.dev/en/guide/advanced/versioning.html#per-blueprint-group."""

import pytest

from sanic.blueprint_group import BlueprintGroup
from sanic.blueprints import Blueprint
from sanic.exceptions import SanicException
from sanic.response import text


def uris(app):
    return sorted(route.uri for route in app.router.routes)


def _bp(name, url_prefix=None, uri="/", **kwargs):
    """A blueprint with one route answering its own name."""
    bp = Blueprint(name, url_prefix=url_prefix, **kwargs)

    async def handler(request, **params):
        return text(f"{name}:{getattr(request.ctx, 'seen', [])}")

    bp.add_route(handler, uri, name="handler")
    return bp


# ---- the list ------------------------------------------------------------------------


def test_group_is_a_list_of_blueprints():
    bp1, bp2, bp3, bp4 = (Blueprint(f"bp{i}") for i in range(1, 5))
    group = Blueprint.group(bp1, bp2, url_prefix="/api")

    group.append(bp3)
    group.insert(0, bp4)

    assert isinstance(group, BlueprintGroup)
    assert list(group) == [bp4, bp1, bp2, bp3]
    assert group.blueprints == [bp4, bp1, bp2, bp3]
    assert (len(group), group[1], group.index(bp2)) == (4, bp1, 2)
    assert group[1:3] == [bp1, bp2]
    del group[0]
    group[0] = bp4
    assert list(group) == [bp4, bp2, bp3]
    assert bp4 in group


def test_group_exposes_its_options():
    group = Blueprint.group(
        url_prefix="/api",
        version=2,
        strict_slashes=True,
        version_prefix="/api/v",
        name_prefix="pre",
    )
    assert (
        group.url_prefix,
        group.version,
        group.strict_slashes,
        group.version_prefix,
        group.name_prefix,
    ) == ("/api", 2, True, "/api/v", "pre")


def test_group_flattens_lists_and_keeps_nested_groups():
    bp1, bp2, bp3 = Blueprint("bp1"), Blueprint("bp2"), Blueprint("bp3")
    inner = Blueprint.group(bp3)

    group = Blueprint.group([bp1, bp2], inner)

    assert list(group) == [bp1, bp2, inner]


def test_group_holds_only_blueprints_and_groups():
    group = Blueprint.group()
    with pytest.raises(SanicException):
        group.append("not a blueprint")


# ---- prefixes and nesting -------------------------------------------------------------


def test_group_url_prefix_extends_its_blueprints_prefixes(app):
    authors = _bp("content_authors", url_prefix="/authors")
    static = _bp("content_static", url_prefix="/static")
    info = _bp("info", url_prefix="/info")
    content = Blueprint.group(static, authors, url_prefix="/content")
    api = Blueprint.group(content, info, url_prefix="/api")

    app.blueprint(api)

    assert uris(app) == [
        "/api/content/authors",
        "/api/content/static",
        "/api/info",
    ]
    _, response = app.test_client.get("/api/content/authors")
    assert response.text == "content_authors:[]"


def test_registration_url_prefix_is_prepended_to_the_group(app):
    group = Blueprint.group(_bp("bp", url_prefix="/bp"), url_prefix="/group")

    app.blueprint(group, url_prefix="/outer")

    assert uris(app) == ["/outer/group/bp"]


def test_group_without_options_keeps_blueprint_settings(app):
    group = Blueprint.group(_bp("bp", url_prefix="/bp", version=3))

    app.blueprint(group)

    assert uris(app) == ["/v3/bp"]


def test_group_version_applies_to_blueprints_without_one(app):
    bp1 = Blueprint("blueprint-1", url_prefix="/bp1", version=1.25)
    bp2 = Blueprint("blueprint-2", url_prefix="/bp2")
    group = Blueprint.group([bp1, bp2], url_prefix="/bp-group", version="v2")

    @bp1.get("/endpoint-1")
    async def handle_endpoint_1_bp1(request):
        return text("blueprint-1/endpoint-1")

    @bp2.get("/endpoint-1")
    async def handle_endpoint_1_bp2(request):
        return text("blueprint-2/endpoint-1")

    @bp2.get("/endpoint-2", version=1)
    async def handle_endpoint_2_bp2(request):
        return text("blueprint-2/endpoint-2")

    app.blueprint(group)

    assert uris(app) == [
        "/v1.25/bp-group/bp1/endpoint-1",
        "/v1/bp-group/bp2/endpoint-2",
        "/v2/bp-group/bp2/endpoint-1",
    ]
    _, response = app.test_client.get("/v2/bp-group/bp2/endpoint-1")
    assert response.text == "blueprint-2/endpoint-1"


def test_group_version_prefix_mounts_versions_under_api(app):
    v2ip = Blueprint("v2ip", url_prefix="/ip", version=2)
    api = Blueprint.group(v2ip, version_prefix="/api/version")

    @v2ip.get("/")
    async def handler(request):
        return text(request.ip)

    app.blueprint(api)

    _, response = app.test_client.get("/api/version2/ip")
    assert response.text == "127.0.0.1"


def test_blueprint_settings_take_precedence_over_the_group(app):
    bp = _bp("bp", version=1, version_prefix="/bp/v", strict_slashes=False)
    group = Blueprint.group(
        bp, version=2, version_prefix="/group/v", strict_slashes=True
    )

    app.blueprint(group)

    (route,) = app.router.routes
    assert (route.uri, route.strict) == ("/bp/v1", False)


def test_group_strict_slashes_apply_to_its_blueprints(app):
    group = Blueprint.group(_bp("bp", url_prefix="/bp"), strict_slashes=True)

    app.blueprint(group)

    assert uris(app) == ["/bp/"]
    _, response = app.test_client.get("/bp")
    assert response.status == 404


def test_inner_group_settings_take_precedence_over_the_outer_group(app):
    inner = Blueprint.group(_bp("bp", url_prefix="/bp"), version=1)
    outer = Blueprint.group(inner, version=2, url_prefix="/outer")

    app.blueprint(outer)

    assert uris(app) == ["/v1/outer/bp"]


def test_blueprints_compose_into_several_groups(app):
    blueprint_1 = Blueprint("blueprint_1", url_prefix="/bp1")
    blueprint_2 = Blueprint("blueprint_2", url_prefix="/bp2")
    group = Blueprint.group(
        blueprint_1,
        blueprint_2,
        version=1,
        version_prefix="/api/v",
        url_prefix="/grouped",
        strict_slashes=True,
    )
    primary = Blueprint.group(group, url_prefix="/primary")

    @blueprint_1.route("/")
    def blueprint_1_default_route(request):
        return text("BP1_OK")

    @blueprint_2.route("/")
    def blueprint_2_default_route(request):
        return text("BP2_OK")

    app.blueprint(group)
    app.blueprint(primary)
    app.blueprint(blueprint_1)

    assert uris(app) == [
        "/api/v1/grouped/bp1/",
        "/api/v1/grouped/bp2/",
        "/api/v1/primary/grouped/bp1/",
        "/api/v1/primary/grouped/bp2/",
        "/bp1",
    ]
    assert app.test_client.get("/api/v1/primary/grouped/bp2/")[1].text == "BP2_OK"
    assert app.test_client.get("/bp1")[1].text == "BP1_OK"


# ---- names ---------------------------------------------------------------------------------


def test_name_prefix_registers_a_blueprint_once_per_group(app):
    bp1 = Blueprint("bp1", url_prefix="/bp1")
    bp2 = Blueprint("bp2", url_prefix="/bp2")
    bp1.add_route(lambda _: text("1"), "/", name="route1")
    bp2.add_route(lambda _: text("2"), "/", name="route2")
    group_a = Blueprint.group(bp1, bp2, url_prefix="/group-a", name_prefix="group-a")
    group_b = Blueprint.group(bp1, bp2, url_prefix="/group-b", name_prefix="group-b")

    app.blueprint(group_a)
    app.blueprint(group_b)

    assert sorted(route.name for route in app.router.routes) == [
        f"{app.name}.group-a_bp1.route1",
        f"{app.name}.group-a_bp2.route2",
        f"{app.name}.group-b_bp1.route1",
        f"{app.name}.group-b_bp2.route2",
    ]
    assert app.url_for("group-b_bp1.route1") == "/group-b/bp1"


def test_nested_name_prefixes_are_joined(app):
    inner = Blueprint.group(_bp("bp"), name_prefix="inner")
    outer = Blueprint.group(inner, name_prefix="outer")

    app.blueprint(outer)

    assert [route.name for route in app.router.routes] == [
        f"{app.name}.outer_inner_bp.handler"
    ]


# ---- middleware and exception handlers ----------------------------------------------------


def test_group_middleware_applies_to_every_blueprint_in_it(app):
    bp1 = _bp("bp1", url_prefix="/bp1")
    bp2 = _bp("bp2", url_prefix="/bp2", uri="/<param>")
    outside = _bp("outside", url_prefix="/outside")

    @bp1.middleware("request")
    async def bp1_only_middleware(request):
        request.ctx.seen = [*getattr(request.ctx, "seen", []), "bp1"]

    group = Blueprint.group(bp1, bp2)

    @group.middleware("request")
    async def group_middleware(request):
        request.ctx.seen = [*getattr(request.ctx, "seen", []), "group"]

    app.blueprint(group)
    app.blueprint(outside)

    assert app.test_client.get("/bp1")[1].text == "bp1:['bp1', 'group']"
    assert app.test_client.get("/bp2/x")[1].text == "bp2:['group']"
    assert app.test_client.get("/outside")[1].text == "outside:[]"


def test_group_and_blueprint_middleware_run_in_declaration_order(app):
    bp = _bp("bp")
    group = Blueprint.group(bp)

    @group.on_request
    async def first(request):
        request.ctx.seen = ["group"]

    @bp.on_request
    async def second(request):
        request.ctx.seen.append("bp")

    app.blueprint(group)

    assert app.test_client.get("/")[1].text == "bp:['group', 'bp']"


def test_group_middleware_reaches_nested_groups(app):
    inner = Blueprint.group(_bp("bp", url_prefix="/bp"))
    outer = Blueprint.group(inner, url_prefix="/outer")

    @outer.middleware
    async def mark(request):
        request.ctx.seen = ["outer"]

    app.blueprint(outer)

    assert app.test_client.get("/outer/bp")[1].text == "bp:['outer']"


def test_group_middleware_stays_with_the_group_a_blueprint_came_through(app):
    bp = _bp("bp", url_prefix="/bp")
    group_a = Blueprint.group(bp, url_prefix="/a", name_prefix="a")
    group_b = Blueprint.group(bp, url_prefix="/b", name_prefix="b")

    @group_a.on_request
    async def mark(request):
        request.ctx.seen = ["a"]

    app.blueprint(group_a)
    app.blueprint(group_b)

    assert app.test_client.get("/a/bp")[1].text == "bp:['a']"
    assert app.test_client.get("/b/bp")[1].text == "bp:[]"


def test_group_response_middleware(app):
    group = Blueprint.group(_bp("bp"))

    @group.on_response
    async def stamp(request, response):
        response.headers["x-group"] = "yes"

    app.blueprint(group)

    assert app.test_client.get("/")[1].headers["x-group"] == "yes"


def test_group_middleware_added_after_registration_applies(app):
    group = Blueprint.group(_bp("bp"))
    app.blueprint(group)

    @group.on_request
    async def mark(request):
        request.ctx.seen = ["late"]

    assert app.test_client.get("/")[1].text == "bp:['late']"


def test_group_exception_handler_applies_to_its_blueprints(app):
    inside = Blueprint("inside", url_prefix="/inside")
    outside = Blueprint("outside", url_prefix="/outside")

    async def fail(request):
        raise ValueError("boom")

    inside.add_route(fail, "/", name="fail")
    outside.add_route(fail, "/", name="fail")
    group = Blueprint.group(inside)

    @group.exception(ValueError)
    def handle(request, exception):
        return text("group handled")

    app.blueprint(group)
    app.blueprint(outside)

    assert app.test_client.get("/inside")[1].text == "group handled"
    assert app.test_client.get("/outside")[1].status == 500
