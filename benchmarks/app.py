"""This project's app for the benchmark: the four routes, via the public API.

Usage: ``python benchmarks/app.py --host 127.0.0.1 --port 8000 [--middleware]``
(or ``BENCH_MIDDLEWARE=1``). Prints ``ready`` once the server is listening.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any

from sanic import Sanic
from sanic.request import Request
from sanic.response import HTTPResponse, json, raw, text


def create_app(middleware: bool = False) -> Sanic:
    """Build the benchmark app, optionally with no-op request/response middleware."""
    app: Sanic[Any, Any] = Sanic("bench")

    @app.get("/plaintext")
    async def plaintext(request: Request) -> HTTPResponse:
        return text("Hello, World!")

    @app.get("/json")
    async def json_view(request: Request) -> HTTPResponse:
        return json({"message": "Hello, World!"})

    @app.get("/user/<id:int>")
    async def user(request: Request, id: int) -> HTTPResponse:
        return json({"id": id})

    @app.post("/echo")
    async def echo(request: Request) -> HTTPResponse:
        return raw(request.body)

    if middleware:

        @app.on_request
        async def noop_request(request: Request) -> None:
            return None

        @app.on_response
        async def noop_response(request: Request, response: HTTPResponse) -> None:
            return None

    @app.after_server_start
    async def announce(app: Sanic) -> None:
        print("ready", flush=True)

    return app


def main(argv: list[str] | None = None) -> None:
    """Parse the flags and run a single worker in this process."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument(
        "--middleware",
        action="store_true",
        default=os.environ.get("BENCH_MIDDLEWARE", "") not in ("", "0"),
        help="add one no-op request and one no-op response middleware",
    )
    args = parser.parse_args(argv)
    app = create_app(middleware=args.middleware)
    app.run(host=args.host, port=args.port, single_process=True, access_log=False)
    sys.stdout.flush()


if __name__ == "__main__":
    main()
