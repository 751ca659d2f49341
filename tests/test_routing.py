"""Routing as a user sees it, through the test client."""

import uuid
from datetime import date

import pytest

from sanic.response import json, text


def test_static_route_answers(app):
    @app.get("/")
    async def index(request):
        return text("Hello, world.")

    request, response = app.test_client.get("/")
    assert response.status == 200
    assert response.text == "Hello, world."
    assert response.headers["content-type"] == "text/plain; charset=utf-8"


def test_unknown_path_is_404(app):
    @app.get("/")
    async def index(request):
        return text("x")

    _, response = app.test_client.get("/nothing-here")
    assert response.status == 404


def test_wrong_method_is_405_with_allow_header(app):
    @app.route("/thing", methods=["GET", "POST"])
    async def thing(request):
        return text("x")

    _, response = app.test_client.put("/thing")
    assert response.status == 405
    allowed = {m.strip() for m in response.headers["allow"].split(",")}
    assert {"GET", "POST"} <= allowed


def test_head_is_answered_for_get_routes_without_a_body(app):
    @app.get("/page")
    async def page(request):
        return text("some content")

    _, response = app.test_client.head("/page")
    assert response.status == 200
    assert response.content == b""
    assert response.headers["content-length"] == str(len("some content"))


@pytest.mark.parametrize(
    "method", ["get", "post", "put", "patch", "delete", "head", "options"]
)
def test_each_method_decorator_registers_its_method(app, method):
    @getattr(app, method)("/m")
    async def handler(request):
        return text(request.method)

    _, response = getattr(app.test_client, method)("/m")
    assert response.status == 200
    if method != "head":
        assert response.text == method.upper()


def test_add_route_registers_a_plain_function(app):
    async def handler(request):
        return text("added")

    app.add_route(handler, "/added", methods=["GET", "POST"])
    assert app.test_client.post("/added")[1].text == "added"


def test_typed_parameters_are_converted(app):
    seen = {}

    @app.get("/int/<v:int>")
    async def as_int(request, v):
        seen["int"] = v
        return text("ok")

    @app.get("/float/<v:float>")
    async def as_float(request, v):
        seen["float"] = v
        return text("ok")

    @app.get("/uuid/<v:uuid>")
    async def as_uuid(request, v):
        seen["uuid"] = v
        return text("ok")

    @app.get("/ymd/<v:ymd>")
    async def as_date(request, v):
        seen["ymd"] = v
        return text("ok")

    @app.get("/str/<v>")
    async def as_str(request, v):
        seen["str"] = v
        return text("ok")

    @app.get("/alpha/<v:alpha>")
    async def as_alpha(request, v):
        seen["alpha"] = v
        return text("ok")

    @app.get("/slug/<v:slug>")
    async def as_slug(request, v):
        seen["slug"] = v
        return text("ok")

    @app.get("/path/<v:path>")
    async def as_path(request, v):
        seen["path"] = v
        return text("ok")

    u = uuid.uuid4()
    for url in (
        "/int/42",
        "/float/1.5",
        f"/uuid/{u}",
        "/ymd/2024-02-29",
        "/str/hello",
        "/alpha/abc",
        "/slug/a-slug-1",
        "/path/a/b/c.txt",
    ):
        assert app.test_client.get(url)[1].status == 200, url
    assert seen == {
        "int": 42,
        "float": 1.5,
        "uuid": u,
        "ymd": date(2024, 2, 29),
        "str": "hello",
        "alpha": "abc",
        "slug": "a-slug-1",
        "path": "a/b/c.txt",
    }


def test_mismatched_typed_parameter_is_404(app):
    @app.get("/int/<v:int>")
    async def as_int(request, v):
        return text("ok")

    @app.get("/alpha/<v:alpha>")
    async def as_alpha(request, v):
        return text("ok")

    assert app.test_client.get("/int/abc")[1].status == 404
    assert app.test_client.get("/alpha/abc1")[1].status == 404


def test_regex_parameter(app):
    @app.get(r"/code/<code:[a-z]{3}>")
    async def code(request, code):
        return text(code)

    assert app.test_client.get("/code/abc")[1].text == "abc"
    assert app.test_client.get("/code/abcd")[1].status == 404


def test_ext_parameter(app):
    @app.get("/files/<file:ext=jpg|png>")
    async def image(request, file, ext):
        return json({"file": file, "ext": ext})

    _, response = app.test_client.get("/files/cat.png")
    assert response.json == {"file": "cat", "ext": "png"}
    assert app.test_client.get("/files/cat.gif")[1].status == 404


def test_strict_slashes(app):
    @app.get("/loose")
    async def loose(request):
        return text("loose")

    @app.get("/strict", strict_slashes=True)
    async def strict(request):
        return text("strict")

    assert app.test_client.get("/loose/")[1].text == "loose"
    assert app.test_client.get("/strict")[1].text == "strict"
    assert app.test_client.get("/strict/")[1].status == 404


def test_version_prefixes_the_path(app):
    @app.get("/items", version=1)
    async def v1(request):
        return text("v1")

    @app.get("/items", version=2, version_prefix="/api/v")
    async def v2(request):
        return text("v2")

    assert app.test_client.get("/v1/items")[1].text == "v1"
    assert app.test_client.get("/api/v2/items")[1].text == "v2"
    assert app.test_client.get("/items")[1].status == 404


def test_host_restricted_routes(app):
    @app.get("/", host="example.com")
    async def example(request):
        return text("example")

    @app.get("/", host=["one.test", "two.test"])
    async def vhosts(request):
        return text("vhost")

    @app.get("/")
    async def default(request):
        return text("default")

    client = app.test_client
    assert client.get("/", headers={"Host": "example.com"})[1].text == "example"
    assert client.get("/", headers={"Host": "two.test:8000"})[1].text == "vhost"
    assert client.get("/", headers={"Host": "other.test"})[1].text == "default"


def test_unquote_decodes_parameters(app):
    @app.get("/q/<word>", unquote=True)
    async def quoted(request, word):
        return text(word)

    @app.get("/raw/<word>")
    async def raw_word(request, word):
        return text(word)

    assert app.test_client.get("/q/caf%C3%A9")[1].text == "café"
    assert app.test_client.get("/raw/caf%C3%A9")[1].text == "caf%C3%A9"


def test_non_ascii_static_route_matches_encoded_request(app):
    @app.get("/café")
    async def cafe(request):
        return text("coffee")

    assert app.test_client.get("/caf%C3%A9")[1].text == "coffee"


def test_request_route_and_match_info(app):
    @app.get("/user/<uid:int>", name="user_detail")
    async def user(request, uid):
        return json(
            {
                "endpoint": request.endpoint,
                "template": request.uri_template,
                "match": request.match_info,
                "name": request.route.name,
            }
        )

    _, response = app.test_client.get("/user/9")
    assert response.json == {
        "endpoint": f"{app.name}.user_detail",
        "template": "/user/<uid:int>",
        "match": {"uid": 9},
        "name": f"{app.name}.user_detail",
    }


def test_stream_route_reads_the_body_in_chunks(app):
    @app.post("/upload", stream=True)
    async def upload(request):
        total = 0
        while True:
            chunk = await request.stream.read()
            if chunk is None:
                break
            total += len(chunk)
        return json({"total": total})

    _, response = app.test_client.post("/upload", content=b"x" * 200_000)
    assert response.json == {"total": 200_000}


def test_ignore_body_route_does_not_buffer_the_body(app):
    @app.get("/ignored")
    async def ignored(request):
        return json({"body": len(request.body)})

    _, response = app.test_client.request("GET", "/ignored", content=b"abc")
    assert response.json == {"body": 0}
