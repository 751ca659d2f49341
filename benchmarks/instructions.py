"""Instructions per request, counted by callgrind: the noise-free benchmark.

Wall-clock numbers on shared machines swing by a third between runs; the count
of instructions a server spends per request does not. This feeds N requests to
a server's protocol (the floor's or ours) through a stand-in transport, in one
process, and runs that under ``valgrind --tool=callgrind`` twice (N and 0
requests): the difference divided by N is the cost of one request, parser and
response encoding included, kernel excluded.

Usage::

    python benchmarks/instructions.py                     # every route, both servers
    python benchmarks/instructions.py --routes plaintext --middleware async
    python benchmarks/instructions.py --feed ours plaintext 2000   # (internal)

``--middleware`` adds one no-op request and one no-op response middleware to
ours: ``async`` (async def, as in run.py) or ``sync`` (plain functions).
"""

from __future__ import annotations

import argparse
import asyncio
import importlib.util
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

REQUESTS = {
    "plaintext": b"GET /plaintext HTTP/1.1\r\nHost: 127.0.0.1:8000\r\n\r\n",
    "json": b"GET /json HTTP/1.1\r\nHost: 127.0.0.1:8000\r\n\r\n",
    "user": b"GET /user/42 HTTP/1.1\r\nHost: 127.0.0.1:8000\r\n\r\n",
    "echo": b"POST /echo HTTP/1.1\r\nHost: 127.0.0.1:8000\r\nContent-Length: 4096\r\n"
    b"Content-Type: application/octet-stream\r\n\r\n" + b"x" * 4096,
}


class _Transport:
    """Just enough of a transport: counts writes, never blocks."""

    def __init__(self) -> None:
        self.writes = 0
        self.closed = False

    def write(self, data: bytes) -> None:
        self.writes += 1

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        return {"sockname": ("127.0.0.1", 8000), "peername": ("127.0.0.1", 5555)}.get(
            name, default
        )

    def close(self) -> None:
        self.closed = True

    def is_closing(self) -> bool:
        return self.closed

    def pause_reading(self) -> None: ...

    def resume_reading(self) -> None: ...


def _load(name: str) -> Any:
    spec = importlib.util.spec_from_file_location(f"bench_{name}", HERE / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def feed(server: str, route: str, count: int, middleware: str) -> None:
    """Feed ``count`` requests to one connection of ``server`` (run under valgrind)."""
    import uvloop

    floor = _load("floor")
    app = _load("app").create_app(middleware=middleware == "async")
    if middleware == "sync":

        @app.on_request
        def noop_request(request: Any) -> None:
            return None

        @app.on_response
        def noop_response(request: Any, response: Any) -> None:
            return None

    from sanic.server.protocols.http_protocol import HttpProtocol

    async def main() -> None:
        await app._startup()
        loop = asyncio.get_running_loop()
        protocol = (
            floor.FloorProtocol()
            if server == "floor"
            else HttpProtocol(loop=loop, app=app)
        )
        transport = _Transport()
        protocol.connection_made(transport)
        await asyncio.sleep(0)
        data = REQUESTS[route]
        done = loop.create_future()

        def receive() -> None:
            # From a loop callback, as the transport calls data_received (not
            # from inside a task).
            for _ in range(count):
                protocol.data_received(data)
            done.set_result(None)

        loop.call_soon(receive)
        await done
        for _ in range(100 * count):  # Python 3.10: a task per request, still running
            if transport.writes >= count:
                break
            await asyncio.sleep(0)
        assert transport.writes == count, (transport.writes, count)

    uvloop.run(main())


def _collected(server: str, route: str, count: int, middleware: str) -> int:
    command = [
        "valgrind",
        "--tool=callgrind",
        "--callgrind-out-file=/dev/null",
        sys.executable,
        __file__,
        "--feed",
        server,
        route,
        str(count),
        "--middleware",
        middleware,
    ]
    env = dict(os.environ, PYTHONHASHSEED="0")
    result = subprocess.run(command, capture_output=True, text=True, env=env)
    match = re.search(r"Collected : (\d+)", result.stderr)
    if result.returncode != 0 or match is None:
        raise SystemExit(f"valgrind run failed:\n{result.stderr[-2000:]}")
    return int(match.group(1))


def per_request(server: str, route: str, middleware: str, count: int = 2000) -> int:
    """Instructions for one request: (N requests - 0 requests) / N."""
    return (
        _collected(server, route, count, middleware)
        - _collected(server, route, 0, middleware)
    ) // count


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--routes", default=",".join(REQUESTS))
    parser.add_argument("--servers", default="floor,ours")
    parser.add_argument(
        "--middleware", choices=("none", "sync", "async"), default="none"
    )
    parser.add_argument("--feed", nargs=3, metavar=("SERVER", "ROUTE", "N"))
    args = parser.parse_args(argv)
    if args.feed:
        server, route, count = args.feed
        feed(server, route, int(count), args.middleware)
        return
    if shutil.which("valgrind") is None:
        raise SystemExit("valgrind is not installed (apt install valgrind)")
    servers = args.servers.split(",")
    print("| route | " + " | ".join(f"{s} instr/req" for s in servers) + " |")
    print("|---|" + "--:|" * len(servers))
    for route in args.routes.split(","):
        counts = [
            per_request(s, route, args.middleware if s == "ours" else "none")
            for s in servers
        ]
        print(f"| {route} | " + " | ".join(f"{c:,}" for c in counts) + " |")


if __name__ == "__main__":
    main()
