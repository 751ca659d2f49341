"""The app the ASGI servers (uvicorn, hypercorn, granian) serve in the smoke tests.

Lifecycle events go, one per line, to the file named by ASGI_TEST_EVENTS;
ASGI_TEST_FILE names the file that /file answers with.
"""

from __future__ import annotations

import asyncio
import hashlib
import os

from sanic import Sanic, json, text
from sanic.exceptions import RequestCancelled
from sanic.response import HTTPResponse, ResponseStream

app = Sanic("asgi_smoke")
EVENTS = os.environ.get("ASGI_TEST_EVENTS", "")


def record(event: str) -> None:
    if EVENTS:
        with open(EVENTS, "a") as handle:
            handle.write(event + "\n")


class FileResponse(HTTPResponse):
    """A whole-file response that names its file (see sanic.asgi: pathsend)."""

    def __init__(self, path: str, body: bytes) -> None:
        super().__init__(body, content_type="text/plain")
        self.file_path = path


@app.main_process_start
async def never(app_):
    record("main_process_start")


@app.before_server_start
async def before_start(app_):
    record("before_server_start")


@app.after_server_start
async def after_start(app_):
    record("after_server_start")


@app.before_server_stop
async def before_stop(app_):
    record("before_server_stop")


@app.after_server_stop
async def after_stop(app_):
    record("after_server_stop")


@app.get("/")
async def index(request):
    return text("hello over ASGI")


@app.get("/info")
async def info(request):
    return json(
        {
            "ip": request.ip,
            "scheme": request.scheme,
            "host": request.host,
            "path": request.path,
            "args": request.args,
            "asgi": request.app.state.asgi,
        }
    )


@app.post("/echo")
async def echo(request):
    return json(
        {"size": len(request.body), "sha": hashlib.sha256(request.body).hexdigest()}
    )


@app.post("/upload", stream=True)
async def upload(request):
    size = chunks = 0
    async for chunk in request.stream:
        size += len(chunk)
        chunks += 1
    return json({"size": size, "chunks": chunks})


@app.get("/stream")
async def stream(request):
    async def body(response):
        for index in range(5):
            await response.write(f"part {index}\n")
            await asyncio.sleep(0.01)

    return ResponseStream(body, content_type="text/plain")


@app.get("/file")
async def file(request):
    path = os.environ["ASGI_TEST_FILE"]
    if "http.response.pathsend" in request.stream.scope.get("extensions", {}):
        # A decoy body: the client gets the file only if the server sent it.
        record("pathsend offered")
        return FileResponse(path, b"not sent by path")
    with open(path, "rb") as handle:
        return FileResponse(path, handle.read())


@app.get("/slow")
async def slow(request):
    record("slow started")
    try:
        await asyncio.sleep(30)
    except RequestCancelled:
        record("slow cancelled")
        raise
    return text("too late")


app.config.REQUEST_MAX_SIZE = 100_000
