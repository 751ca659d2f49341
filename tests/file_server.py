"""A server for one file, run as its own process by tests/test_file_responses.py.

``python -m tests.file_server PATH [--loop uvloop|asyncio] [--cert C --key K]
[--stream]`` serves PATH at ``/file`` (``file()``; ``--stream``:
``file_stream()``), with ``Range`` support through ``parse_byte_range``, and
prints ``ready <port>`` once listening on a free loopback port.
"""

from __future__ import annotations

import argparse
import asyncio
import os

from sanic import Sanic
from sanic.handlers.content_range import parse_byte_range
from sanic.response import file, file_stream
from sanic.server.loop import new_event_loop


def build(path: str, stream: bool) -> Sanic:
    app = Sanic("FileServer")
    app.config.ACCESS_LOG = False

    @app.route("/file", methods=["GET", "HEAD"])
    async def serve(request):
        size = os.stat(path).st_size
        value = request.headers.get("range")
        part = parse_byte_range(value, size) if value else None
        if stream:
            return await file_stream(path, chunk_size=65536, _range=part)
        return await file(path, _range=part)

    return app


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("path")
    parser.add_argument("--loop", default="uvloop")
    parser.add_argument("--cert")
    parser.add_argument("--key")
    parser.add_argument("--stream", action="store_true")
    args = parser.parse_args()
    app = build(args.path, args.stream)
    ssl = {"cert": args.cert, "key": args.key} if args.cert else None

    async def serve() -> None:
        server = await app.create_server(
            host="127.0.0.1", port=0, ssl=ssl, return_asyncio_server=True
        )
        await server.startup()
        await server.before_start()
        await server.start_serving()
        await server.after_start()
        print("ready", server.port, flush=True)
        await asyncio.Event().wait()

    loop = new_event_loop(args.loop == "uvloop")
    loop.run_until_complete(serve())


if __name__ == "__main__":
    main()
