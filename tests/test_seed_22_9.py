"""The examples of the 22.9 release notes (seed 003), each run as a test.

Where an example cannot run exactly as printed, the test says why:
``isinstance(x, multiprocessing.Queue)`` raises TypeError in any Python
(``multiprocessing.Queue`` is a function), so the shared_ctx example checks
against the class, ``multiprocessing.queues.Queue``.
"""

from __future__ import annotations

import asyncio
import json as jsonlib
import time
import warnings
from email.utils import formatdate
from pathlib import Path

import pytest

from sanic import Request, Sanic
from sanic.exceptions import RequestCancelled
from sanic.logging.deprecation import SanicDeprecationWarning, deprecation
from sanic.response import json, text
from tests.worker.support import running

WORKER_APP = """
    import json as jsonlib
    import os, sys
    from multiprocessing import Queue
    from multiprocessing.queues import Queue as QueueClass
    from sanic import Request, Sanic
    from sanic.response import json

    app = Sanic("SeedWorkerApp")
    MARK = os.path.join(os.path.dirname(os.path.abspath(__file__)), "managed.txt")


    def my_process(foo):
        with open(MARK, "w") as f:
            f.write(f"{foo} {os.getpid()}")
        import time
        while True:
            time.sleep(0.1)


    @app.main_process_start
    async def main_process_start(app):
        app.shared_ctx.queue = Queue()


    @app.before_server_starts
    async def before_server_starts(app):
        assert isinstance(app.shared_ctx.queue, QueueClass)


    @app.on_request
    async def on_request(request):
        assert isinstance(request.app.shared_ctx.queue, QueueClass)


    @app.on_request
    async def print_state(request: Request):
        print(request.app.m.state, flush=True)


    @app.main_process_ready
    async def ready(app: Sanic, _):
        app.manager.manage("MyProcess", my_process, {"foo": "bar"})


    @app.get("/")
    async def handler(request):
        assert isinstance(request.app.shared_ctx.queue, QueueClass)
        request.app.shared_ctx.queue.put(os.getpid())
        state = dict(request.app.m.state)
        return json({"state": state, "name": request.app.m.name})


    @app.get("/drain")
    async def drain(request):
        queue = request.app.shared_ctx.queue
        seen = []
        while not queue.empty():
            seen.append(queue.get())
        return json(seen)


    if __name__ == "__main__":
        app.run(port=int(sys.argv[1]), workers=2)
"""


def test_shared_ctx_multiplexer_state_and_managed_process_in_workers(tmp_path: Path):
    with running(tmp_path, WORKER_APP, count=2) as server:
        status, body = server.get("/")
        assert status == 200
        answer = jsonlib.loads(body)
        # app.m.state: this worker's own entry in the manager's state.
        assert answer["state"]["state"] == "ACKED"
        assert answer["state"]["server"] is True
        assert answer["name"].startswith("Sanic-Server-")
        server.wait_for("'state': 'ACKED'", timeout=10)  # print(request.app.m.state)
        for _ in range(10):
            assert server.get("/")[0] == 200
        # Objects put on the shared queue by one worker are read by any.
        status, body = server.get("/drain")
        assert status == 200 and len(jsonlib.loads(body)) >= 1
        # app.manager.manage(<name>, <callable>, <kwargs>) ran the process.
        mark = tmp_path / "managed.txt"
        for _ in range(100):
            if mark.exists() and mark.read_text():
                break
            time.sleep(0.05)
        assert mark.read_text().startswith("bar ")
        assert server.finish() == 0
        assert "Traceback" not in server.output


def test_middleware_priority_runs_higher_numbers_first(app: Sanic):
    order = []

    @app.on_request
    async def low_priority(_):
        order.append("low")

    @app.on_request(priority=10)
    async def high_priority(_):
        order.append("high")

    @app.get("/")
    async def index(request):
        return text("ok")

    _, response = app.test_client.get("/")
    assert response.status == 200
    assert order == ["high", "low"]


def test_custom_loads_function_is_used_for_request_json():
    calls = []

    def loads(data):
        calls.append(data)
        return jsonlib.loads(data)

    app = Sanic("Test", loads=loads)

    @app.post("/")
    async def index(request):
        return json(request.json)

    _, response = app.test_client.post("/", content=b'{"a": 1}')
    assert response.json == {"a": 1}
    assert calls


@pytest.mark.parametrize(
    "method, safe, idempotent, cacheable",
    [
        ("GET", True, True, True),
        ("HEAD", True, True, True),
        ("OPTIONS", True, True, False),
        ("POST", False, False, False),
        ("PUT", False, True, False),
        ("DELETE", False, True, False),
        ("PATCH", False, False, False),
    ],
)
def test_request_method_properties(app: Sanic, method, safe, idempotent, cacheable):
    @app.route("/", methods=[method])
    async def index(request: Request):
        return json(
            [request.is_safe, request.is_idempotent, request.is_cacheable],
        )

    request, _ = app.test_client.request(method, "/")
    assert (request.is_safe, request.is_idempotent, request.is_cacheable) == (
        safe,
        idempotent,
        cacheable,
    )


def test_static_file_answers_304_to_if_modified_since(app: Sanic, tmp_path: Path):
    page = tmp_path / "page.html"
    page.write_text("<p>hi</p>")
    app.static("/page.html", page)
    _, first = app.test_client.get("/page.html")
    assert first.status == 200
    later = formatdate(page.stat().st_mtime + 60, usegmt=True)
    _, second = app.test_client.get("/page.html", headers={"If-Modified-Since": later})
    assert second.status == 304
    assert second.content == b""


def test_handler_signals_wrap_the_handler(app: Sanic):
    order = []

    @app.signal("http.handler.before")
    async def before(request):
        order.append("before")

    @app.signal("http.handler.after")
    async def after(request):
        order.append("after")

    @app.on_request
    async def middleware(request):
        order.append("middleware")

    @app.get("/")
    async def index(request):
        order.append("handler")
        return text("ok")

    _, response = app.test_client.get("/")
    assert response.status == 200
    assert order == ["middleware", "before", "handler", "after"]


def test_request_cancelled_is_a_cancelled_error():
    assert issubclass(RequestCancelled, asyncio.CancelledError)
    # A client leaving mid-request throws it into the handler:
    # tests/test_cancellation.py::
    #   test_the_handler_itself_sees_request_cancelled_when_the_client_leaves


def test_deprecation_filter_ignore_silences_deprecations():
    app = Sanic("DeprecationApp")
    app.config.DEPRECATION_FILTER = "ignore"
    with warnings.catch_warnings(record=True) as caught:
        deprecation("an old feature", 99.9)
    assert not [w for w in caught if w.category is SanicDeprecationWarning]
    app.config.DEPRECATION_FILTER = "once"


def test_websocket_objects_are_iterable(app: Sanic):
    import asyncio as aio

    from websockets.asyncio.client import connect

    from sanic import Websocket
    from tests.server_thread import serve_in_thread

    @app.websocket("/ws")
    async def ws_echo_handler(request: Request, ws: Websocket):
        async for msg in ws:
            await ws.send(msg)

    async def talk(port: int) -> list[str]:
        async with connect(f"ws://127.0.0.1:{port}/ws") as client:
            answers = []
            for word in ("one", "two", "three"):
                await client.send(word)
                answers.append(await client.recv())
            return answers

    with serve_in_thread(app) as port:
        assert aio.run(aio.wait_for(talk(port), 10)) == ["one", "two", "three"]
