"""Fast tests of the benchmark harness: wrk parsing and the floor server."""

from __future__ import annotations

import importlib.util
import socket
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

BENCH = Path(__file__).resolve().parent.parent / "benchmarks"


def _load(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        f"_bench_{name}", BENCH / f"{name}.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


run = _load("run")

WRK_MS = """\
Running 4s test @ http://127.0.0.1:40123/plaintext
  1 threads and 64 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     1.79ms    1.93ms  18.07ms   91.55%
    Req/Sec    41.83k    13.21k   66.37k    70.00%
  Latency Distribution
     50%    1.18ms
     75%    1.71ms
     90%    3.25ms
     99%   11.15ms
  124888 requests in 3.02s, 11.08MB read
Requests/sec:  41394.90
Transfer/sec:      3.67MB
"""

WRK_US_ERRORS = """\
Running 2s test @ http://127.0.0.1:40123/user/42
  1 threads and 64 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency   812.40us  120.11us   3.20ms   88.00%
    Req/Sec    78.10k     2.01k   80.00k    75.00%
  Latency Distribution
     50%  790.00us
     75%  850.00us
     90%  910.00us
     99%  987.50us
  155000 requests in 2.00s, 20.10MB read
  Socket errors: connect 0, read 12, write 0, timeout 3
  Non-2xx or 3xx responses: 155000
Requests/sec:  77500.00
Transfer/sec:     10.05MB
"""

WRK_SECONDS = """\
Running 4s test @ http://127.0.0.1:40123/echo
  1 threads and 64 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency   800.00ms  400.00ms   1.90s    60.00%
    Req/Sec    80.00      10.00   100.00     50.00%
  Latency Distribution
     50%  750.00ms
     75%    1.10s
     90%    1.50s
     99%    1.85s
  320 requests in 4.00s, 1.30MB read
Requests/sec:     79.95
Transfer/sec:    332.80KB
"""


def test_parse_wrk_milliseconds() -> None:
    result = run.parse_wrk(WRK_MS)
    assert result.rps == pytest.approx(41394.90)
    assert result.p99_ms == pytest.approx(11.15)
    assert result.requests == 124888
    assert result.non2xx == 0
    assert result.socket_errors == {}
    assert result.errors == 0


def test_parse_wrk_microseconds_and_errors() -> None:
    result = run.parse_wrk(WRK_US_ERRORS)
    assert result.rps == pytest.approx(77500.0)
    assert result.p99_ms == pytest.approx(0.9875)
    assert result.requests == 155000
    assert result.non2xx == 155000
    assert result.socket_errors == {"read": 12, "timeout": 3}
    assert result.errors == 155015


def test_parse_wrk_seconds() -> None:
    result = run.parse_wrk(WRK_SECONDS)
    assert result.rps == pytest.approx(79.95)
    assert result.p99_ms == pytest.approx(1850.0)


def test_parse_wrk_rejects_garbage() -> None:
    with pytest.raises(ValueError):
        run.parse_wrk("unable to connect to 127.0.0.1:1 Connection refused\n")


@pytest.mark.parametrize(
    ("value", "unit", "ms"),
    [("530.12", "us", 0.53012), ("1.5", "ms", 1.5), ("2.00", "s", 2000.0)],
)
def test_parse_time_ms(value: str, unit: str, ms: float) -> None:
    assert run.parse_time_ms(value, unit) == pytest.approx(ms)


def test_markdown_table_ratio_and_missing_server() -> None:
    samples = {
        "floor": {"json": [run.parse_wrk(WRK_MS)]},
        "ours": {"json": [run.parse_wrk(WRK_SECONDS)]},
    }
    table = run.markdown_table(run.summarize(samples), ["json"])
    assert "| json | 41,395 | 80 | 0.00 | 11.15 ms | 1850.00 ms |" in table
    floor_only = run.markdown_table(
        run.summarize({"floor": samples["floor"]}), ["json"]
    )
    assert "| json | 41,395 | — | — | 11.15 ms | — |" in floor_only


def test_parse_args_quick_and_validation() -> None:
    args = run.parse_args(["--quick", "--servers", "floor", "--routes", "json,user"])
    assert (args.rounds, args.duration) == (1, 2)
    assert args.servers == ["floor"] and args.routes == ["json", "user"]
    with pytest.raises(SystemExit):
        run.parse_args(["--routes", "nope"])


def test_start_error_shows_stderr() -> None:
    code = "import sys; sys.stderr.write('boom at startup'); sys.exit(3)"
    server = run.ServerProcess("broken", [sys.executable, "-c", code])
    with server, pytest.raises(run.ServerStartError, match="boom at startup"):
        server.start(timeout=10)


def test_start_timeout_kills_server() -> None:
    server = run.ServerProcess(
        "silent", [sys.executable, "-c", "import time; time.sleep(30)"]
    )
    with server, pytest.raises(run.ServerStartError, match="no 'ready'"):
        server.start(timeout=0.5)
    assert server.proc is not None and server.proc.poll() is not None


@pytest.fixture(scope="module")
def floor_port() -> Iterator[int]:
    port = run.free_port()
    server = run.ServerProcess("floor", run.server_argv("floor", port, []))
    with server:
        server.start(timeout=15)
        yield port


@pytest.mark.parametrize("route", list(run.ROUTES))
def test_floor_answers_route(floor_port: int, route: str) -> None:
    assert run.check_route(floor_port, run.ROUTES[route]) == []


def _exchange(port: int, request: bytes) -> bytes:
    """Send raw bytes; read until the server closes (or 3 s pass)."""
    with socket.create_connection(("127.0.0.1", port), timeout=3) as sock:
        sock.sendall(request)
        chunks = []
        try:
            while chunk := sock.recv(65536):
                chunks.append(chunk)
        except TimeoutError:
            pass
        return b"".join(chunks)


def test_floor_pipelined_keep_alive_then_http10_close(floor_port: int) -> None:
    reply = _exchange(
        floor_port,
        b"GET /user/7 HTTP/1.1\r\nHost: x\r\n\r\n"
        b"GET /user/-3?x=1 HTTP/1.1\r\nHost: x\r\n\r\n"
        b"GET /user/4x HTTP/1.1\r\nHost: x\r\n\r\n"
        b"GET /json HTTP/1.0\r\n\r\n",
    )
    assert reply.count(b"HTTP/1.1 200 OK") == 3
    assert reply.count(b"HTTP/1.1 404 Not Found") == 1
    assert b'{"id":7}' in reply and b'{"id":-3}' in reply
    assert reply.endswith(b"connection: close\r\n\r\n" + b'{"message":"Hello, World!"}')


def test_floor_bad_request_and_wrong_method(floor_port: int) -> None:
    assert _exchange(floor_port, b"NOT HTTP AT ALL\r\n\r\n").startswith(
        b"HTTP/1.1 400 Bad Request"
    )
    reply = _exchange(
        floor_port, b"GET /echo HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
    )
    assert reply.startswith(b"HTTP/1.1 405 Method Not Allowed")


def test_paired_ratios() -> None:
    fast, slow = run.parse_wrk(WRK_MS), run.parse_wrk(WRK_SECONDS)
    samples = {"floor": {"json": [fast, slow]}, "ours": {"json": [slow, slow]}}
    ratios = run.paired_ratios(samples, "ours", "floor")
    assert ratios["json"] == pytest.approx((79.95 / 41394.90 + 1.0) / 2)
    assert run.paired_ratios(samples, "ours+mw", "ours") == {}


@pytest.mark.parametrize("server", ["floor", "ours"])
@pytest.mark.parametrize("middleware", ["none", "async"])
def test_instruction_counter_feeds_every_route_to_both_servers(
    server: str, middleware: str
) -> None:
    """The callgrind driver's feeding half: each request gets exactly one write
    (it asserts so itself), so the count it reports is one request's cost."""
    import subprocess

    for route in ("plaintext", "json", "user", "echo"):
        result = subprocess.run(
            [
                sys.executable,
                str(BENCH / "instructions.py"),
                "--feed",
                server,
                route,
                "20",
                "--middleware",
                middleware,
            ],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert result.returncode == 0, result.stderr
