"""Drive an ASGI app by hand: scripted receive, recorded send."""

from __future__ import annotations

import asyncio
import subprocess
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx

from tests.processes import terminate, wait_for_answer


def http_scope(
    path: str = "/",
    *,
    method: str = "GET",
    query: bytes = b"",
    headers: list[tuple[bytes, bytes]] | None = None,
    **extra: Any,
) -> dict[str, Any]:
    scope: dict[str, Any] = {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.4"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": query,
        "root_path": "",
        "headers": headers if headers is not None else [(b"host", b"example.com")],
        "client": ("10.1.2.3", 5555),
        "server": ("127.0.0.1", 8000),
    }
    scope.update(extra)
    return scope


class Exchange:
    """One ASGI call: what the app receives is put in ``inbox``; what it sends
    is recorded in ``sent``."""

    def __init__(self) -> None:
        self.inbox: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self.sent: list[dict[str, Any]] = []
        self.sent_event = asyncio.Event()

    async def receive(self) -> dict[str, Any]:
        return await self.inbox.get()

    async def send(self, message: dict[str, Any]) -> None:
        self.sent.append(message)
        self.sent_event.set()

    def body(self, chunk: bytes = b"", more: bool = False) -> None:
        self.inbox.put_nowait(
            {"type": "http.request", "body": chunk, "more_body": more}
        )

    def disconnect(self) -> None:
        self.inbox.put_nowait({"type": "http.disconnect"})

    @property
    def start(self) -> dict[str, Any]:
        starts = [m for m in self.sent if m["type"] == "http.response.start"]
        assert len(starts) == 1, self.sent
        return starts[0]

    @property
    def status(self) -> int:
        return int(self.start["status"])

    @property
    def headers(self) -> dict[bytes, bytes]:
        return dict(self.start["headers"])

    @property
    def bodies(self) -> list[dict[str, Any]]:
        return [m for m in self.sent if m["type"] == "http.response.body"]

    @property
    def content(self) -> bytes:
        return b"".join(m.get("body", b"") for m in self.bodies)


async def call(
    app: Any, scope: dict[str, Any], *chunks: bytes, disconnect: bool = True
) -> Exchange:
    """Send a request (its body in ``chunks``) and wait for the app to finish;
    like a server, answer http.disconnect once the body is all read."""
    exchange = Exchange()
    parts = list(chunks) or [b""]
    for index, chunk in enumerate(parts):
        exchange.body(chunk, more=index < len(parts) - 1)
    if disconnect:

        async def receive() -> dict[str, Any]:
            if exchange.inbox.empty():
                while not (
                    exchange.bodies and not exchange.bodies[-1].get("more_body")
                ):
                    exchange.sent_event.clear()
                    await exchange.sent_event.wait()
                return {"type": "http.disconnect"}
            return await exchange.inbox.get()

        exchange.receive = receive  # type: ignore[method-assign]
    await asyncio.wait_for(app(scope, exchange.receive, exchange.send), 10)
    return exchange


@asynccontextmanager
async def lifespan(app: Any) -> AsyncIterator[list[dict[str, Any]]]:
    """Run the app's lifespan around the block; yields what the app sent."""
    inbox: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
    sent: list[dict[str, Any]] = []
    answered = asyncio.Event()

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)
        answered.set()

    task = asyncio.ensure_future(
        app({"type": "lifespan", "asgi": {"version": "3.0"}}, inbox.get, send)
    )
    try:
        inbox.put_nowait({"type": "lifespan.startup"})
        await asyncio.wait_for(answered.wait(), 10)
        assert sent[-1]["type"] == "lifespan.startup.complete", sent
        yield sent
        answered.clear()
        inbox.put_nowait({"type": "lifespan.shutdown"})
        await asyncio.wait_for(answered.wait(), 10)
        assert sent[-1]["type"] == "lifespan.shutdown.complete", sent
        await asyncio.wait_for(task, 10)
    finally:
        if not task.done():
            task.cancel()


# ---- real servers ---------------------------------------------------------------


def wait_until_serving(
    proc: subprocess.Popen, port: int, path: str = "/", timeout: float = 20.0
) -> None:
    """Poll until the server answers ``path`` (any status), or fail with its output."""

    def output() -> str:  # only once it has exited: a live server's pipe blocks
        return proc.stdout.read() if proc.stdout and proc.poll() is not None else ""

    wait_for_answer(
        proc,
        lambda: httpx.get(f"http://127.0.0.1:{port}{path}", timeout=1.0),
        timeout=timeout,
        errors=httpx.TransportError,
        output=output,
        what=f"the server on port {port}",
    )


def stop(proc: subprocess.Popen, timeout: float = 10.0) -> str:
    """SIGTERM (a graceful stop), then SIGKILL; returns the server's output."""
    terminate(proc, timeout)
    return proc.stdout.read() if proc.stdout else ""
