"""app.asgi_client: the same (request, response) API as app.test_client.

The tests parametrised over ``client`` make the same assertions through the
real server (``test_client``) and through the ASGI interface (``asgi_client``).
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from sanic import Blueprint, Sanic, json, redirect, text
from sanic.response import ResponseStream
from sanic.testing import SanicASGITestClient, TestingResponse


@pytest.fixture(params=["test_client", "asgi_client"])
def client(request: pytest.FixtureRequest, app: Sanic) -> Any:
    return getattr(app, request.param)


def test_asgi_client_is_a_sanic_asgi_test_client(app: Sanic) -> None:
    assert isinstance(app.asgi_client, SanicASGITestClient)
    assert app.asgi_client is app.asgi_client


def test_a_get_returns_the_request_and_the_response(app: Sanic, client: Any) -> None:
    @app.get("/hello/<name>")
    async def handler(request, name):
        return text(f"hello {name}", headers={"x-answer": "42"})

    request, response = client.get("/hello/world?x=1")
    assert isinstance(response, TestingResponse)
    assert request.path == "/hello/world"
    assert request.args.get("x") == "1"
    assert request.ip == "127.0.0.1"
    assert response.status == 200
    assert response.text == "hello world"
    assert response.body == b"hello world"
    assert response.headers["x-answer"] == "42"
    assert response.content_type == "text/plain; charset=utf-8"


def test_gather_request_false_returns_only_the_response(
    app: Sanic, client: Any
) -> None:
    @app.get("/")
    async def handler(request):
        return text("ok")

    response = client.get("/", gather_request=False)
    assert isinstance(response, TestingResponse)
    assert response.text == "ok"


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_every_method_sends_its_body(app: Sanic, client: Any, method: str) -> None:
    @app.route("/", methods=[method.upper()])
    async def handler(request):
        return json({"method": request.method, "body": request.json})

    _, response = getattr(client, method)("/", json={"n": 1})
    assert response.json == {"method": method.upper(), "body": {"n": 1}}


def test_options_and_head(app: Sanic, client: Any) -> None:
    @app.route("/", methods=["GET", "HEAD", "OPTIONS"])
    async def handler(request):
        return text("body")

    _, head = client.head("/")
    assert head.status == 200 and head.body == b""
    assert head.headers["content-length"] == "4"
    _, options = client.options("/")
    assert options.status == 200


def test_redirects_are_followed_and_cookies_sent(app: Sanic, client: Any) -> None:
    @app.get("/old")
    async def old(request):
        response = redirect("/new")
        response.add_cookie("seen", "yes", secure=False)
        return response

    @app.get("/new")
    async def new(request):
        return json({"cookies": dict(request.cookies), "sent": request.cookies})

    request, response = client.get("/old", cookies={"flavour": "oat"})
    assert request.path == "/new"
    assert response.json["cookies"] == {"flavour": ["oat"], "seen": ["yes"]}


def test_a_streaming_response_arrives_whole(app: Sanic, client: Any) -> None:
    @app.get("/")
    async def handler(request):
        async def body(response):
            for index in range(5):
                await response.write(f"{index};")
                await asyncio.sleep(0)

        return ResponseStream(body, content_type="text/csv")

    _, response = client.get("/")
    assert response.text == "0;1;2;3;4;"
    assert response.content_type == "text/csv"


def test_a_streamed_request_body(app: Sanic, client: Any) -> None:
    @app.post("/upload", stream=True)
    async def upload(request):
        sizes = []
        async for chunk in request.stream:
            sizes.append(len(chunk))
        return json({"total": sum(sizes)})

    async def body():
        for _ in range(10):
            yield b"x" * 1000

    _, response = client.post("/upload", content=body())
    assert response.json == {"total": 10000}


def test_blueprints_and_their_middleware(app: Sanic, client: Any) -> None:
    bp = Blueprint("things", url_prefix="/things", version=2)

    @bp.get("/<thing_id:int>")
    async def get_thing(request, thing_id):
        return json({"id": thing_id, "tag": request.ctx.tag})

    @bp.on_request
    async def tag(request):
        request.ctx.tag = "from blueprint"

    @bp.on_response
    async def stamp(request, response):
        response.headers["x-bp"] = "yes"

    app.blueprint(bp)
    _, response = client.get("/v2/things/7")
    assert response.json == {"id": 7, "tag": "from blueprint"}
    assert response.headers["x-bp"] == "yes"


def test_error_pages_follow_the_accept_header(app: Sanic, client: Any) -> None:
    @app.get("/fail")
    async def fail(request):
        raise ValueError("nope")

    _, response = client.get("/fail", headers={"accept": "application/json"})
    assert response.status == 500
    assert response.content_type == "application/json"
    assert "nope" not in response.text  # production mode: no details


def test_the_asgi_client_can_be_awaited_inside_a_loop(app: Sanic) -> None:
    @app.get("/")
    async def handler(request):
        return text("awaited")

    async def main() -> tuple[Any, Any]:
        return await app.asgi_client.get("/")

    request, response = asyncio.run(main())
    assert request.path == "/"
    assert response.text == "awaited"


def test_the_asgi_client_speaks_to_mockserver(app: Sanic) -> None:
    @app.get("/")
    async def handler(request):
        return text(request.url)

    request, response = app.asgi_client.get("/?a=b")
    assert response.text == "http://mockserver/?a=b"
    assert request.app.state.asgi is True


def test_http_method_keyword_as_in_sanic_testing(app: Sanic) -> None:
    @app.put("/")
    async def handler(request):
        return text(request.method)

    _, response = app.asgi_client.request("/", http_method="put")
    assert response.text == "PUT"
