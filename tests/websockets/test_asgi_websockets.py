"""Websocket routes under a real ASGI server (uvicorn in its own process)."""

from __future__ import annotations

import asyncio
import importlib.util
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed, InvalidStatus

from tests.asgi.support import stop, wait_until_serving
from tests.net import free_port

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.skipif(
    importlib.util.find_spec("uvicorn") is None
    or importlib.util.find_spec("websockets") is None,
    reason="uvicorn is not installed (it is a test dependency)",
)


@pytest.fixture(scope="module")
def port() -> Iterator[int]:
    port = free_port()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "tests.websockets.asgi_ws_app:app",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--lifespan",
            "on",
            "--ws",
            "websockets-sansio",
        ],  # fmt: skip
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        wait_until_serving(proc, port)
        yield port
    finally:
        stop(proc)


def run(coro: Any) -> Any:
    return asyncio.run(asyncio.wait_for(coro, 10))


def test_asgi_websocket_echo_with_subprotocol(port: int) -> None:
    async def talk() -> list[Any]:
        uri = f"ws://127.0.0.1:{port}/echo"
        async with connect(uri, subprotocols=["chat"]) as client:
            replies = [await client.recv()]
            for message in ("hello", b"bytes"):
                await client.send(message)
                replies.append(await client.recv())
        return replies

    assert run(talk()) == ["subprotocol=chat", "hello", b"bytes"]
    assert httpx.get(f"http://127.0.0.1:{port}/", timeout=5).text == "ok"


def test_asgi_websocket_handler_raising_closes_with_1011(port: int) -> None:
    async def talk() -> int | None:
        async with connect(f"ws://127.0.0.1:{port}/boom") as client:
            await client.send("go")
            with pytest.raises(ConnectionClosed):
                await client.recv()
            return client.close_code

    assert run(talk()) == 1011


def test_asgi_websocket_refused_by_middleware_gets_its_status(port: int) -> None:
    async def talk() -> int:
        with pytest.raises(InvalidStatus) as info:
            async with connect(f"ws://127.0.0.1:{port}/echo?deny=1"):
                pass
        return info.value.response.status_code

    assert run(talk()) == 403


def test_asgi_plain_http_to_a_websocket_route_gets_426(port: int) -> None:
    response = httpx.get(f"http://127.0.0.1:{port}/echo", timeout=5)
    # (The Upgrade header is the ASGI server's to send: the app's is dropped.)
    assert response.status_code == 426
