"""File responses: file(), file_stream(), validate_file, and large files sent
without being read into memory (zero-copy sendfile on plain TCP, chunked reads
under TLS), checked through a real server.

The large-file tests serve a sparse file from a server in its own process and
watch that process's RSS (``/proc/<pid>/status``) while a raw-socket client
counts the bytes it receives without keeping them.
"""

from __future__ import annotations

import os
import socket
import ssl
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from email.utils import formatdate
from pathlib import Path
from typing import Any

import httpx
import pytest

from sanic import Sanic
from sanic.exceptions import FileNotFound
from sanic.handlers.content_range import parse_byte_range
from sanic.response import (
    FileResponse,
    FileStreamResponse,
    HTTPResponse,
    ResponseStream,
    file,
    file_stream,
    validate_file,
)
from sanic.response.convenience import FILE_IN_MEMORY_LIMIT
from tests.server_thread import connect, serve_in_thread

ROOT = Path(__file__).resolve().parent.parent
GIB = 1 << 30
MIB = 1 << 20
START_TIMEOUT = 20.0


# ---- a server in its own process -------------------------------------------------


def _rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError("no VmRSS")


@contextmanager
def file_server(path: Path, *args: str) -> Iterator[tuple[subprocess.Popen, int]]:
    """``tests/file_server.py`` serving ``path``; yields (process, port)."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.file_server", str(path), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=ROOT,
        env={**os.environ, "PYTHONUNBUFFERED": "1", "PYTHONPATH": str(ROOT)},
    )
    try:
        line = _readline(proc, START_TIMEOUT)
        assert line.startswith("ready"), line + proc.stderr.read().decode()  # type: ignore[union-attr]
        yield proc, int(line.split()[1])
    finally:
        proc.kill()
        _, stderr = proc.communicate(timeout=10)
    assert b"Traceback" not in stderr, stderr.decode()[-3000:]


def _readline(proc: subprocess.Popen, timeout: float) -> str:
    import selectors

    with selectors.DefaultSelector() as selector:
        selector.register(proc.stdout, selectors.EVENT_READ)  # type: ignore[arg-type]
        if not selector.select(timeout):
            return "no output within the timeout"
    return proc.stdout.readline().decode()  # type: ignore[union-attr]


def _read_head(sock: Any) -> tuple[str, dict[str, str], bytes]:
    """Status line, headers (lower-cased names) and the body bytes read past them."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            raise AssertionError(f"closed before the head ended: {data!r}")
        data += chunk
    head, _, rest = data.partition(b"\r\n\r\n")
    status, *lines = head.decode("latin-1").split("\r\n")
    headers = {}
    for line in lines:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return status, headers, rest


def download(
    sock: Any, request: bytes, pid: int | None = None
) -> tuple[str, dict[str, str], int, int, float]:
    """Send ``request`` and count the body (Content-Length bytes) without
    keeping it. Returns status, headers, bytes counted, the largest RSS growth
    of process ``pid`` seen meanwhile (KiB), and the seconds the body took."""
    sock.sendall(request)
    status, headers, rest = _read_head(sock)
    length = int(headers["content-length"])
    received = len(rest)
    buffer = bytearray(1 << 20)
    rss_start = _rss_kib(pid) if pid else 0
    growth = 0
    next_sample = 0
    started = time.perf_counter()
    while received < length:
        got = sock.recv_into(buffer)
        if not got:
            break
        received += got
        if pid and received >= next_sample:
            growth = max(growth, _rss_kib(pid) - rss_start)
            next_sample = received + 32 * MIB
    elapsed = time.perf_counter() - started
    if pid:
        growth = max(growth, _rss_kib(pid) - rss_start)
    return status, headers, received, growth, elapsed


@pytest.fixture(scope="module")
def sparse_gib(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("big") / "sparse.bin"
    with open(path, "wb") as handle:
        handle.truncate(GIB)
    # Read it once, so that the measured downloads find it in the page cache
    # (a file served often is there; the first read of a new one is slower).
    buffer = bytearray(4 * MIB)
    with open(path, "rb", buffering=0) as handle:
        while handle.readinto(buffer):
            pass
    return path


def _get(path: str, extra: str = "") -> bytes:
    return f"GET {path} HTTP/1.1\r\nHost: files\r\n{extra}\r\n".encode()


def _report(label: str, size: int, elapsed: float, growth: int) -> None:
    print(
        f"{label}: {size / MIB:.0f} MiB in {elapsed:.2f} s = "
        f"{size / MIB / elapsed:.0f} MiB/s, server RSS +{growth} KiB"
    )


@pytest.mark.parametrize("loop", ["uvloop", "asyncio"])
def test_a_1_gib_sparse_file_is_served_with_flat_memory_and_resumed_with_range(
    sparse_gib: Path, loop: str
) -> None:
    with file_server(sparse_gib, "--loop", loop) as (proc, port):
        with connect(port) as sock:
            # A first small request warms the server up (imports, buffers).
            status, headers, received, _, _ = download(
                sock, _get("/file", "Range: bytes=0-1023\r\n")
            )
            assert received == 1024
            status, headers, received, growth, elapsed = download(
                sock, _get("/file"), proc.pid
            )
            _report(f"file() over TCP, {loop}", received, elapsed, growth)
            assert status == "HTTP/1.1 200 OK"
            assert headers["content-length"] == str(GIB)
            assert received == GIB
            assert growth < 20 * 1024, f"RSS grew by {growth} KiB"
            # The same connection is still usable, and a download resumes.
            middle = GIB // 2 + 12345
            status, headers, received, growth, _ = download(
                sock, _get("/file", f"Range: bytes={middle}-\r\n"), proc.pid
            )
            assert status == "HTTP/1.1 206 Partial Content"
            assert headers["content-range"] == f"bytes {middle}-{GIB - 1}/{GIB}"
            assert headers["content-length"] == str(GIB - middle)
            assert received == GIB - middle
            assert growth < 20 * 1024


def test_a_1_gib_file_goes_out_in_reads_under_tls_with_flat_memory(
    sparse_gib: Path, tmp_path: Path
) -> None:
    trustme = pytest.importorskip("trustme", reason="trustme makes the certificate")
    ca = trustme.CA()
    cert = ca.issue_cert("127.0.0.1", "localhost")
    cert_file, key_file = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert.private_key_and_cert_chain_pem.write_to_path(str(cert_file))
    cert.private_key_pem.write_to_path(str(key_file))
    context = ssl.create_default_context()
    ca.configure_trust(context)
    args = ("--stream", "--cert", str(cert_file), "--key", str(key_file))
    with file_server(sparse_gib, *args) as (proc, port):
        with connect(port) as raw:
            with context.wrap_socket(raw, server_hostname="localhost") as sock:
                download(sock, _get("/file", "Range: bytes=0-1023\r\n"))
                status, headers, received, growth, elapsed = download(
                    sock, _get("/file"), proc.pid
                )
                _report("file_stream() over TLS", received, elapsed, growth)
                assert status == "HTTP/1.1 200 OK"
                assert received == GIB
                assert growth < 20 * 1024, f"RSS grew by {growth} KiB"
                status, headers, received, _, _ = download(
                    sock, _get("/file", f"Range: bytes={GIB - 100}-\r\n")
                )
                assert status == "HTTP/1.1 206 Partial Content"
                assert headers["content-range"] == f"bytes {GIB - 100}-{GIB - 1}/{GIB}"
                assert received == 100


# ---- a server in a thread: behaviour -------------------------------------------------


@pytest.fixture
def data_file(tmp_path: Path) -> tuple[Path, bytes]:
    data = os.urandom(3 * MIB + 7)  # over the in-memory limit of file()
    path = tmp_path / "data.bin"
    path.write_bytes(data)
    return path, data


@pytest.fixture
def page(tmp_path: Path) -> Path:
    path = tmp_path / "page.html"
    path.write_text("<h1>hello</h1>")
    os.utime(path, (1_700_000_000, 1_700_000_000))
    return path


def test_file_filename_gives_content_disposition(app: Sanic, page: Path) -> None:
    @app.get("/plain")
    async def plain(request):
        return await file(page, filename="report.html")

    @app.get("/accented")
    async def accented(request):
        return await file(page, filename="résumé 2026.html")

    with serve_in_thread(app) as port, httpx.Client() as client:
        base = f"http://127.0.0.1:{port}"
        response = client.get(f"{base}/plain")
        assert response.headers["content-disposition"] == (
            'attachment; filename="report.html"'
        )
        response = client.get(f"{base}/accented")
        value = response.headers["content-disposition"]
        assert value == (
            'attachment; filename="r_sum_ 2026.html"; '
            "filename*=UTF-8''r%C3%A9sum%C3%A9%202026.html"
        )
        assert response.text == "<h1>hello</h1>"


def test_file_cache_headers_and_last_modified(app: Sanic, page: Path) -> None:
    when = datetime(2026, 1, 2, 3, 4, 5, tzinfo=timezone.utc)

    @app.get("/max-age")
    async def max_age(request):
        return await file(page, max_age=3600)

    @app.get("/no-store")
    async def no_store(request):
        return await file(page, no_store=True, last_modified=when)

    @app.get("/default")
    async def default(request):
        return await file(page)

    with serve_in_thread(app) as port, httpx.Client() as client:
        base = f"http://127.0.0.1:{port}"
        response = client.get(f"{base}/max-age")
        assert response.headers["cache-control"] == "public, max-age=3600"
        assert "expires" in response.headers
        response = client.get(f"{base}/no-store")
        assert response.headers["cache-control"] == "no-store"
        assert response.headers["last-modified"] == "Fri, 02 Jan 2026 03:04:05 GMT"
        response = client.get(f"{base}/default")
        assert response.headers["cache-control"] == "no-cache"
        assert response.headers["last-modified"] == formatdate(
            1_700_000_000, usegmt=True
        )


def test_file_answers_304_to_a_current_copy_and_validate_file_too(
    app: Sanic, page: Path
) -> None:
    @app.get("/file")
    async def whole(request):
        return await file(page, request_headers=request.headers)

    @app.get("/validated")
    async def validated(request):
        mtime = os.stat(page).st_mtime
        return await validate_file(request.headers, mtime) or await file(page)

    since = formatdate(1_700_000_000, usegmt=True)
    older = formatdate(1_600_000_000, usegmt=True)
    with serve_in_thread(app) as port, httpx.Client() as client:
        base = f"http://127.0.0.1:{port}"
        for route in ("/file", "/validated"):
            fresh = client.get(f"{base}{route}", headers={"If-Modified-Since": since})
            assert fresh.status_code == 304
            assert fresh.content == b""
            stale = client.get(f"{base}{route}", headers={"If-Modified-Since": older})
            assert stale.status_code == 200
            assert stale.text == "<h1>hello</h1>"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("a.html", "text/html; charset=UTF-8"),
        ("a.css", "text/css; charset=UTF-8"),
        ("a.json", "application/json"),
        ("a.png", "image/png"),
        ("a.pdf", "application/pdf"),
        ("a.unknownext", "application/octet-stream"),
    ],
)
def test_file_guesses_the_mime_type(app: Sanic, tmp_path: Path, name, expected):
    (tmp_path / name).write_bytes(b"x")

    @app.get("/")
    async def handler(request):
        return await file(tmp_path / name)

    @app.get("/given")
    async def given(request):
        return await file(tmp_path / name, mime_type="application/x-given")

    with serve_in_thread(app) as port, httpx.Client() as client:
        base = f"http://127.0.0.1:{port}"
        assert client.get(f"{base}/").headers["content-type"] == expected
        assert client.get(f"{base}/given").headers["content-type"] == (
            "application/x-given"
        )


@pytest.mark.parametrize("helper", ["file", "file_stream"])
def test_a_missing_file_is_a_404(app: Sanic, tmp_path: Path, helper: str) -> None:
    make = file if helper == "file" else file_stream

    @app.get("/missing")
    async def missing(request):
        return await make(tmp_path / "nope.txt")

    @app.get("/directory")
    async def directory(request):
        return await make(tmp_path)

    with serve_in_thread(app) as port, httpx.Client() as client:
        base = f"http://127.0.0.1:{port}"
        assert client.get(f"{base}/missing").status_code == 404
        assert client.get(f"{base}/directory").status_code == 404


def test_a_missing_file_raises_file_not_found_both_ways(tmp_path: Path) -> None:
    import asyncio

    with pytest.raises(FileNotFound) as caught:
        asyncio.run(file(tmp_path / "nope.txt"))
    assert isinstance(caught.value, FileNotFoundError)  # as code for Sanic expects
    assert caught.value.status_code == 404


def test_large_files_stream_from_disk_and_small_ones_are_read(
    app: Sanic, data_file: tuple[Path, bytes], page: Path
) -> None:
    path, data = data_file
    seen: dict[str, Any] = {}

    @app.get("/big")
    async def big(request):
        response = seen["big"] = await file(path)
        return response

    @app.get("/small")
    async def small(request):
        response = seen["small"] = await file(page)
        return response

    @app.get("/part")
    async def part(request):
        byte_range = parse_byte_range("bytes=10-19", len(data))
        response = seen["part"] = await file(path, _range=byte_range)
        return response

    with serve_in_thread(app) as port, httpx.Client() as client:
        base = f"http://127.0.0.1:{port}"
        response = client.get(f"{base}/big")
        assert response.content == data
        assert response.headers["content-length"] == str(len(data))
        assert client.get(f"{base}/small").text == "<h1>hello</h1>"
        response = client.get(f"{base}/part")
        assert response.status_code == 206
        assert response.content == data[10:20]
        assert response.headers["content-range"] == f"bytes 10-19/{len(data)}"
    assert len(data) > FILE_IN_MEMORY_LIMIT
    assert isinstance(seen["big"], FileStreamResponse)
    assert isinstance(seen["big"], HTTPResponse)  # what file() is documented to be
    assert seen["big"].body is None
    assert seen["big"].file_path == str(path.resolve())
    assert isinstance(seen["small"], FileResponse)
    assert seen["small"].body == b"<h1>hello</h1>"
    assert seen["small"].file_path == str(page.resolve())
    assert seen["part"].file_path is None  # a range is not the whole file


@pytest.mark.parametrize("size", ["small", "large"])
def test_head_gets_the_headers_and_no_body(
    app: Sanic, data_file: tuple[Path, bytes], page: Path, size: str
) -> None:
    path = page if size == "small" else data_file[0]
    length = path.stat().st_size

    @app.route("/file", methods=["GET", "HEAD"])
    async def handler(request):
        return await file(path)

    with serve_in_thread(app) as port, connect(port) as sock:
        sock.sendall(b"HEAD /file HTTP/1.1\r\nHost: x\r\n\r\n" + _get("/file"))
        status, headers, rest = _read_head(sock)
        assert status == "HTTP/1.1 200 OK"
        assert headers["content-length"] == str(length)
        # The next bytes are the second response, not a body of the first.
        while not rest.startswith(b"HTTP/1.1 200 OK"):
            more = sock.recv(65536)
            assert more, "the connection closed"
            rest += more
            assert len(rest) < 16 or rest.startswith(b"HTTP/")


def test_file_stream_sends_ranges_with_headers(
    app: Sanic, data_file: tuple[Path, bytes]
) -> None:
    path, data = data_file

    @app.get("/stream")
    async def stream(request):
        value = request.headers.get("range")
        part = parse_byte_range(value, len(data)) if value else None
        return await file_stream(
            path,
            chunk_size=1000,
            filename="data.bin",
            headers={"X-A": "a"},
            _range=part,
        )

    with serve_in_thread(app) as port, httpx.Client() as client:
        base = f"http://127.0.0.1:{port}"
        response = client.get(f"{base}/stream")
        assert response.content == data
        assert response.headers["x-a"] == "a"
        assert response.headers["content-disposition"] == (
            'attachment; filename="data.bin"'
        )
        response = client.get(f"{base}/stream", headers={"Range": "bytes=-5"})
        assert response.status_code == 206
        assert response.content == data[-5:]
        assert response.headers["content-length"] == "5"


class _Recorder:
    """A response channel that keeps what is written (like the ASGI one)."""

    request = None

    def __init__(self) -> None:
        self.sent: list[bytes] = []

    async def send(self, data: bytes, end_stream: bool | None = None) -> None:
        self.sent.append(data)


def test_file_stream_chunk_size_sets_the_pieces_where_bytes_are_read(
    tmp_path: Path,
) -> None:
    import asyncio

    path = tmp_path / "ten.bin"
    path.write_bytes(bytes(range(10)) * 100)

    async def pieces(chunk_size: int, byte_range: Any = None) -> list[bytes]:
        response = await file_stream(path, chunk_size=chunk_size, _range=byte_range)
        assert isinstance(response, ResponseStream)
        recorder = response.stream = _Recorder()
        await response.streaming_fn(response)
        return recorder.sent

    sent = asyncio.run(pieces(300))
    assert [len(piece) for piece in sent] == [300, 300, 300, 100]
    part = parse_byte_range("bytes=995-", 1000)
    assert asyncio.run(pieces(2, part)) == [bytes([5, 6]), bytes([7, 8]), bytes([9])]


def _shrink_after_open(path: Path, helper: Any):
    async def handler(request):
        response = await helper(path)  # the length is fixed here ...
        os.truncate(path, path.stat().st_size // 2)  # ... and the file shrinks
        return response

    return handler


@pytest.mark.parametrize("send_signal", [False, True], ids=["sendfile", "reads"])
@pytest.mark.parametrize("helper", ["file", "file_stream"])
def test_a_file_that_shrinks_closes_the_connection_after_a_short_body(
    app: Sanic, data_file: tuple[Path, bytes], helper: str, send_signal: bool
) -> None:
    path, data = data_file
    make = file if helper == "file" else file_stream
    app.get("/shrinking")(_shrink_after_open(path, make))
    if send_signal:
        # With http.lifecycle.send listened to, every write goes through the
        # transport (to be reported): the file is sent in reads, not sendfile.
        @app.signal("http.lifecycle.send")
        async def sent(**_: Any) -> None:
            pass

    with serve_in_thread(app) as port, connect(port) as sock:
        sock.settimeout(10)
        sock.sendall(_get("/shrinking") + _get("/shrinking"))
        status, headers, rest = _read_head(sock)
        assert headers["content-length"] == str(len(data))
        received = len(rest)
        while True:
            chunk = sock.recv(1 << 20)
            if not chunk:
                break
            received += len(chunk)
        # Half the body, then the connection closed: no second response.
        assert received == len(data) // 2


def test_a_client_leaving_mid_download_harms_nothing(
    app: Sanic, data_file: tuple[Path, bytes], caplog: pytest.LogCaptureFixture
) -> None:
    path, data = data_file
    big = path.with_name("big.bin")
    with open(big, "wb") as handle:
        handle.truncate(256 * MIB)

    @app.get("/big")
    async def handler(request):
        return await file(big)

    @app.get("/data")
    async def whole(request):
        return await file(path)

    with serve_in_thread(app) as port:
        for _ in range(3):
            with connect(port) as sock:
                sock.sendall(_get("/big"))
                _read_head(sock)
                sock.recv(65536)
                sock.setsockopt(
                    socket.SOL_SOCKET,
                    socket.SO_LINGER,
                    b"\x01\x00\x00\x00\x00\x00\x00\x00",
                )
        with httpx.Client() as client:
            assert client.get(f"http://127.0.0.1:{port}/data").content == data
    assert not [r for r in caplog.records if r.levelname in ("ERROR", "CRITICAL")]


def test_a_file_response_through_asgi_is_read_in_pieces(
    app: Sanic, data_file: tuple[Path, bytes]
) -> None:
    path, data = data_file

    @app.get("/big")
    async def handler(request):
        return await file(path)

    _, response = app.asgi_client.get("/big")
    assert response.status == 200
    assert response.content == data
