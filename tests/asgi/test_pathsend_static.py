"""Large static files over ASGI go by path (``http.response.pathsend``).

An ASGI server that lists ``http.response.pathsend`` in the scope's
``extensions`` can send a file itself, given its absolute path; the app then
sends ``http.response.start`` and one ``http.response.pathsend``, no body. A
large static file sent whole goes that way. A range (206) never does, since
pathsend sends a whole file; nor does HEAD (no body) or a 304. Without the
extension the file is streamed as body messages, byte for byte. On Sanic's own
server nothing changes: the open file goes out with ``os.sendfile``.

The ASGI app is driven directly with a hand-written scope, and once under
granian (which offers pathsend) started as a real process.
"""

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

from sanic import Sanic
from sanic.response import file_stream
from tests.asgi.support import (
    Exchange,
    call,
    http_scope,
    stop,
    wait_until_serving,
)
from tests.net import free_port
from tests.server_thread import serve_in_thread

MIB = 1024 * 1024
PATHSEND = "http.response.pathsend"
OFFERED = {"extensions": {PATHSEND: {}}}
ROOT = Path(__file__).resolve().parents[2]


def run(coro: Any) -> Any:
    return asyncio.run(coro)


def get(
    app: Sanic,
    path: str,
    *,
    offered: bool = True,
    method: str = "GET",
    headers: dict[str, str] | None = None,
) -> Exchange:
    """One request through the ASGI app, with or without pathsend offered."""
    raw = [(b"host", b"example.com")]
    raw += [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()]
    extra = OFFERED if offered else {}
    return run(call(app, http_scope(path, method=method, headers=raw, **extra)))


def types(exchange: Exchange) -> list[str]:
    return [message["type"] for message in exchange.sent]


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    root = tmp_path / "public"
    root.mkdir()
    (root / "big.bin").write_bytes(os.urandom(2 * MIB + 7))
    (root / "small.txt").write_bytes(b"small file\n")
    return root


@pytest.fixture
def static_app(app: Sanic, folder: Path) -> Sanic:
    app.static("/static", folder, stream_large_files=True, use_content_range=True)
    return app


def test_a_big_static_file_is_sent_by_path(static_app: Sanic, folder: Path) -> None:
    exchange = get(static_app, "/static/big.bin")
    assert types(exchange) == ["http.response.start", PATHSEND]
    assert exchange.sent[-1]["path"] == str((folder / "big.bin").resolve())
    assert os.path.isabs(exchange.sent[-1]["path"])
    assert exchange.status == 200
    size = (folder / "big.bin").stat().st_size
    assert exchange.headers[b"content-length"] == str(size).encode()
    assert exchange.headers[b"content-type"] == b"application/octet-stream"
    assert b"etag" in exchange.headers
    assert exchange.headers[b"accept-ranges"] == b"bytes"


def test_a_single_file_route_is_sent_by_path(app: Sanic, folder: Path) -> None:
    app.static("/download", folder / "big.bin", stream_large_files=True)
    exchange = get(app, "/download")
    assert types(exchange) == ["http.response.start", PATHSEND]
    assert exchange.sent[-1]["path"] == str((folder / "big.bin").resolve())


def test_the_path_sent_is_the_located_file_not_the_request_path(
    static_app: Sanic, folder: Path
) -> None:
    """A symlink inside the root is followed when located: the server is
    given the real file, not a path it would resolve again by itself."""
    (folder / "sub").mkdir()
    (folder / "sub" / "link.bin").symlink_to(folder / "big.bin")
    exchange = get(static_app, "/static/sub/link.bin")
    assert exchange.sent[-1] == {
        "type": PATHSEND,
        "path": str((folder / "big.bin").resolve()),
    }


def test_a_symlink_the_route_does_not_follow_is_never_sent_by_path(
    static_app: Sanic, folder: Path, tmp_path: Path
) -> None:
    outside = tmp_path / "secret.bin"
    outside.write_bytes(os.urandom(2 * MIB))
    (folder / "escape.bin").symlink_to(outside)
    exchange = get(static_app, "/static/escape.bin")
    assert exchange.status == 404
    assert PATHSEND not in types(exchange)


def test_the_open_file_is_closed_once_sent_by_path(static_app: Sanic) -> None:
    kept: list[Any] = []

    @static_app.on_response
    async def keep(request, response):
        kept.append(response)

    exchange = get(static_app, "/static/big.bin")
    assert types(exchange) == ["http.response.start", PATHSEND]
    assert kept[0].fileobj.closed


def test_a_range_request_streams_the_slice(static_app: Sanic, folder: Path) -> None:
    data = (folder / "big.bin").read_bytes()
    exchange = get(static_app, "/static/big.bin", headers={"Range": "bytes=100-"})
    assert exchange.status == 206
    assert PATHSEND not in types(exchange)
    assert exchange.content == data[100:]
    assert exchange.headers[b"content-range"] == (
        f"bytes 100-{len(data) - 1}/{len(data)}".encode()
    )
    assert exchange.headers[b"content-length"] == str(len(data) - 100).encode()


def test_head_sends_the_headers_and_no_body(static_app: Sanic, folder: Path) -> None:
    exchange = get(static_app, "/static/big.bin", method="HEAD")
    assert exchange.status == 200
    assert PATHSEND not in types(exchange)
    assert exchange.content == b""
    size = (folder / "big.bin").stat().st_size
    assert exchange.headers[b"content-length"] == str(size).encode()


def test_a_not_modified_answer_is_not_sent_by_path(static_app: Sanic) -> None:
    first = get(static_app, "/static/big.bin")
    etag = first.headers[b"etag"].decode()
    again = get(static_app, "/static/big.bin", headers={"If-None-Match": etag})
    assert again.status == 304
    assert PATHSEND not in types(again)
    assert again.content == b""


def test_a_small_static_file_reaches_the_client_either_way(
    static_app: Sanic, folder: Path
) -> None:
    """Small files may be sent as a body (they are read already); whichever
    way, the client must get the file."""
    exchange = get(static_app, "/static/small.txt")
    assert exchange.status == 200
    if PATHSEND in types(exchange):
        assert exchange.sent[-1]["path"] == str((folder / "small.txt").resolve())
    else:
        assert exchange.content == b"small file\n"


def test_without_the_extension_the_file_is_streamed_byte_for_byte(
    static_app: Sanic, folder: Path
) -> None:
    data = (folder / "big.bin").read_bytes()
    exchange = get(static_app, "/static/big.bin", offered=False)
    assert exchange.status == 200
    assert PATHSEND not in types(exchange)
    assert len(exchange.bodies) > 1  # streamed in pieces, not read whole
    assert exchange.content == data
    assert exchange.headers[b"content-length"] == str(len(data)).encode()


@pytest.mark.parametrize("ranged", [False, True], ids=["whole", "range"])
def test_file_stream_is_sent_by_path_only_when_whole(
    app: Sanic, folder: Path, ranged: bool
) -> None:
    from sanic.handlers.content_range import parse_byte_range

    target = folder / "big.bin"
    data = target.read_bytes()

    @app.get("/stream")
    async def handler(request):
        value = request.headers.get("range")
        part = parse_byte_range(value, len(data)) if value else None
        return await file_stream(target, _range=part)

    exchange = get(app, "/stream", headers={"Range": "bytes=-10"} if ranged else {})
    if ranged:
        assert exchange.status == 206
        assert PATHSEND not in types(exchange)
        assert exchange.content == data[-10:]
    else:
        assert types(exchange) == ["http.response.start", PATHSEND]
        assert exchange.sent[-1]["path"] == str(target.resolve())


def test_sanics_own_server_still_sends_the_file_zero_copy(
    static_app: Sanic, folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The path is for ASGI servers; Sanic's server sends the open file with
    os.sendfile, as before."""
    calls: list[int] = []
    real_sendfile = os.sendfile

    def counting_sendfile(out_fd: int, in_fd: int, offset: Any, count: int) -> int:
        calls.append(count)
        return real_sendfile(out_fd, in_fd, offset, count)

    monkeypatch.setattr(os, "sendfile", counting_sendfile)
    data = (folder / "big.bin").read_bytes()
    with serve_in_thread(static_app) as port:
        response = httpx.get(f"http://127.0.0.1:{port}/static/big.bin", timeout=10)
    assert response.status_code == 200
    assert response.content == data
    assert calls, "the file was not sent with os.sendfile"


# ---- under a real server that offers pathsend ------------------------------------


@pytest.fixture
def granian(folder: Path, tmp_path: Path) -> Iterator[tuple[int, Path]]:
    if importlib.util.find_spec("granian") is None:
        pytest.skip("granian is not installed (pip install granian)")
    port = free_port()
    events = tmp_path / "events.txt"
    events.write_text("")
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "PATHSEND_TEST_DIR": str(folder),
        "PATHSEND_TEST_EVENTS": str(events),
        "PYTHONUNBUFFERED": "1",
    }
    command = [sys.executable, "-m", "granian", "--interface", "asgi",
               "--host", "127.0.0.1", "--port", str(port), "--workers", "1",
               "tests.asgi.pathsend_app:app"]  # fmt: skip
    proc = subprocess.Popen(
        command,
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        wait_until_serving(proc, port, "/static/small.txt")
        yield port, events
    finally:
        stop(proc)
        if proc.stdout is not None:
            proc.stdout.close()


def test_granian_serves_a_big_static_file_by_path(
    granian: tuple[int, Path], folder: Path
) -> None:
    port, events = granian
    data = (folder / "big.bin").read_bytes()
    events.write_text("")
    base = f"http://127.0.0.1:{port}/static/big.bin"
    response = httpx.get(base, timeout=10)
    assert response.status_code == 200
    assert response.content == data
    assert events.read_text().splitlines() == [
        "http.response.start",
        f"{PATHSEND} {(folder / 'big.bin').resolve()}",
    ]

    events.write_text("")
    ranged = httpx.get(base, headers={"Range": "bytes=1000-"}, timeout=10)
    assert ranged.status_code == 206
    assert ranged.content == data[1000:]
    sent = events.read_text().splitlines()
    assert sent[0] == "http.response.start"
    assert set(sent[1:]) == {"http.response.body"}
