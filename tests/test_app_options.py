"""The Sanic(...) constructor options, as a user sets them."""

import json as stdlib_json
import logging
from pathlib import Path

import pytest

import sanic
from sanic import Request, Sanic
from sanic.config import Config
from sanic.handlers import ErrorHandler
from sanic.response import json, text
from sanic.router import Router


@pytest.fixture
def make_app(request):
    created = []

    def factory(suffix, **kwargs):
        app = Sanic(f"opt_{suffix}_{id(request)}", **kwargs)
        created.append(app)
        return app

    yield factory
    for app in created:
        Sanic.unregister_app(app)


def test_custom_request_class_is_used(make_app):
    class MyRequest(Request):
        def shout(self):
            return self.path.upper()

    app = make_app("reqcls", request_class=MyRequest)

    @app.get("/quiet")
    async def handler(request):
        return text(f"{type(request).__name__} {request.shout()}")

    assert app.test_client.get("/quiet")[1].text == "MyRequest /QUIET"


def test_custom_error_handler_subclass_is_used(make_app):
    class MyErrorHandler(ErrorHandler):
        def default(self, request, exception):
            return text(f"custom: {exception}", status=418)

    app = make_app("errh", error_handler=MyErrorHandler())

    @app.get("/")
    async def handler(request):
        raise ValueError("boom")

    _, response = app.test_client.get("/")
    assert response.status == 418
    assert response.text == "custom: boom"


def test_app_wide_strict_slashes(make_app):
    app = make_app("strict", strict_slashes=True)

    @app.get("/exact")
    async def handler(request):
        return text("ok")

    assert app.test_client.get("/exact")[1].status == 200
    assert app.test_client.get("/exact/")[1].status == 404


def test_app_dumps_is_used_by_json_responses(make_app):
    from sanic.response.types import BaseHTTPResponse

    saved = BaseHTTPResponse._dumps
    try:
        app = make_app(
            "dumps", dumps=lambda obj, **kw: stdlib_json.dumps(obj, indent=1)
        )

        @app.get("/")
        async def handler(request):
            return json({"a": 1})

        assert app.test_client.get("/")[1].text == '{\n "a": 1\n}'
    finally:
        BaseHTTPResponse._dumps = saved


def test_env_prefix_loads_prefixed_variables(make_app, monkeypatch):
    monkeypatch.setenv("MYAPP_GREETING", "hello")
    monkeypatch.setenv("MYAPP_WORKERS_LIMIT", "4")
    app = make_app("env", env_prefix="MYAPP_")
    assert app.config.GREETING == "hello"
    assert app.config.WORKERS_LIMIT == 4


def test_config_object_is_used(make_app):
    config = Config()
    config.CUSTOM = "yes"
    app = make_app("cfg", config=config)
    assert app.config is config


def test_custom_router_is_used(make_app):
    router = Router()
    app = make_app("router", router=router)

    @app.get("/r")
    async def handler(request):
        return text("routed")

    assert app.router is router
    assert app.test_client.get("/r")[1].text == "routed"


def test_access_log_writes_a_line_per_request(app, caplog):
    @app.get("/logged")
    async def handler(request):
        return text("x")

    with caplog.at_level(logging.INFO, logger="sanic.access"):
        app.test_client.get("/logged", server_kwargs={"access_log": True})
    records = [r for r in caplog.records if r.name == "sanic.access"]
    assert len(records) == 1
    assert records[0].status == 200
    assert "GET" in records[0].request and "/logged" in records[0].request


def test_no_access_log_by_default(app, caplog):
    @app.get("/quiet")
    async def handler(request):
        return text("x")

    with caplog.at_level(logging.INFO, logger="sanic.access"):
        app.test_client.get("/quiet")
    assert [r for r in caplog.records if r.name == "sanic.access"] == []


def test_package_ships_py_typed():
    assert (Path(sanic.__file__).parent / "py.typed").is_file()
