"""Benchmark harness: this project's app against the uvloop+httptools floor.

For every round, route and server, a fresh server process is started pinned to
CPU 0, checked for correct answers, warmed up, then loaded by ``wrk`` pinned to
CPU 1. Servers alternate order every round so drift and noise hit both alike.
Prints a Markdown table of medians across rounds; see ``benchmarks/README.md``.

Usage: ``python benchmarks/run.py [--quick] [--servers floor,ours] [--json PATH]``.
"""

from __future__ import annotations

import argparse
import dataclasses
import http.client
import json
import os
import platform
import queue
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import IO, Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
HOST = "127.0.0.1"
READY_TIMEOUT = 20.0
ECHO_BODY = b"x" * 4096
TARGET_RATIO = 0.5

# --------------------------------------------------------------------------
# Routes and the answers both servers must give
# --------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Check:
    """One request and the answer expected from a correct server."""

    method: str
    path: str
    status: int
    content_type: str | None = None
    body: bytes | None = None
    json: Any = None
    request_body: bytes | None = None


@dataclasses.dataclass(frozen=True)
class Route:
    """A benchmarked route: the URL wrk loads, its script, its checks."""

    name: str
    path: str
    checks: tuple[Check, ...]
    lua: Path | None = None


ROUTES: dict[str, Route] = {
    "plaintext": Route(
        "plaintext",
        "/plaintext",
        (
            Check(
                "GET",
                "/plaintext",
                200,
                "text/plain; charset=utf-8",
                body=b"Hello, World!",
            ),
        ),
    ),
    "json": Route(
        "json",
        "/json",
        (
            Check(
                "GET",
                "/json",
                200,
                "application/json",
                json={"message": "Hello, World!"},
            ),
        ),
    ),
    "user": Route(
        "user",
        "/user/42",
        (
            Check("GET", "/user/42", 200, "application/json", json={"id": 42}),
            Check("GET", "/user/abc", 404),
        ),
    ),
    "echo": Route(
        "echo",
        "/echo",
        (
            Check(
                "POST",
                "/echo",
                200,
                "application/octet-stream",
                body=ECHO_BODY,
                request_body=ECHO_BODY,
            ),
        ),
        lua=HERE / "echo.lua",
    ),
}


def check_route(port: int, route: Route, timeout: float = 5.0) -> list[str]:
    """Send the route's checks over one connection; return the problems found."""
    problems: list[str] = []
    conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        for check in route.checks:
            what = f"{check.method} {check.path}"
            headers = {}
            if check.request_body is not None:
                headers["Content-Type"] = "application/octet-stream"
            conn.request(check.method, check.path, check.request_body, headers)
            resp = conn.getresponse()
            body = resp.read()
            if resp.status != check.status:
                problems.append(f"{what}: status {resp.status}, want {check.status}")
                continue
            if check.status != 200:
                continue
            ctype = resp.getheader("content-type")
            if check.content_type is not None and ctype != check.content_type:
                problems.append(f"{what}: content-type {ctype!r}")
            if resp.getheader("content-length") != str(len(body)):
                problems.append(f"{what}: missing or wrong content-length")
            if resp.will_close:
                problems.append(f"{what}: connection not kept alive")
            if check.body is not None and body != check.body:
                problems.append(f"{what}: body {body[:60]!r}")
            if check.json is not None:
                try:
                    decoded = json.loads(body)
                except ValueError:
                    decoded = None
                if decoded != check.json:
                    problems.append(f"{what}: body {body[:60]!r}")
    except (OSError, http.client.HTTPException) as exc:
        problems.append(f"{route.path}: {type(exc).__name__}: {exc}")
    finally:
        conn.close()
    return problems


# --------------------------------------------------------------------------
# wrk output
# --------------------------------------------------------------------------

_TIME_UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0, "h": 3_600_000.0}
_RPS_RE = re.compile(r"^Requests/sec:\s+([\d.]+)", re.M)
_P99_RE = re.compile(r"^\s*99(?:\.0+)?%\s+([\d.]+)(us|ms|s|m|h)\s*$", re.M)
_REQUESTS_RE = re.compile(r"^\s*(\d+) requests in ([\d.]+)(us|ms|s|m|h)", re.M)
_SOCKET_RE = re.compile(
    r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)"
)
_NON2XX_RE = re.compile(r"Non-2xx or 3xx responses: (\d+)")


def parse_time_ms(value: str, unit: str) -> float:
    """A wrk duration (``530.12`` + ``us``) in milliseconds."""
    return float(value) * _TIME_UNITS_MS[unit]


@dataclasses.dataclass
class WrkResult:
    """What one wrk run reported."""

    rps: float
    p99_ms: float | None
    requests: int
    non2xx: int = 0
    socket_errors: dict[str, int] = dataclasses.field(default_factory=dict)

    @property
    def errors(self) -> int:
        """Non-2xx/3xx answers plus socket errors."""
        return self.non2xx + sum(self.socket_errors.values())


def parse_wrk(output: str) -> WrkResult:
    """Parse ``wrk --latency`` output; ``ValueError`` if it has no Requests/sec."""
    rps = _RPS_RE.search(output)
    if rps is None:
        raise ValueError(f"no Requests/sec line in wrk output:\n{output}")
    p99 = _P99_RE.search(output)
    requests = _REQUESTS_RE.search(output)
    non2xx = _NON2XX_RE.search(output)
    sock = _SOCKET_RE.search(output)
    socket_errors = {}
    if sock is not None:
        names = ("connect", "read", "write", "timeout")
        socket_errors = {
            n: int(v) for n, v in zip(names, sock.groups(), strict=True) if int(v)
        }
    return WrkResult(
        rps=float(rps.group(1)),
        p99_ms=parse_time_ms(*p99.groups()) if p99 else None,
        requests=int(requests.group(1)) if requests else 0,
        non2xx=int(non2xx.group(1)) if non2xx else 0,
        socket_errors=socket_errors,
    )


# --------------------------------------------------------------------------
# Processes
# --------------------------------------------------------------------------


class ServerStartError(RuntimeError):
    """A server exited or never printed ``ready``."""


def free_port() -> int:
    """A port that was free a moment ago (bind port 0 and release it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


class ServerProcess:
    """A server subprocess that announces readiness with a ``ready`` line."""

    def __init__(self, name: str, argv: Sequence[str]) -> None:
        self.name = name
        self.argv = list(argv)
        self.proc: subprocess.Popen[bytes] | None = None
        self._stderr: IO[bytes] | None = None
        self._lines: queue.Queue[str | None] = queue.Queue()
        self._reader: threading.Thread | None = None

    def start(self, timeout: float = READY_TIMEOUT) -> None:
        """Spawn the server and wait for ``ready``; ``ServerStartError`` if not."""
        self._stderr = tempfile.TemporaryFile()
        env = dict(os.environ, PYTHONUNBUFFERED="1")
        env["PYTHONPATH"] = os.pathsep.join(
            p for p in (str(ROOT), env.get("PYTHONPATH", "")) if p
        )
        self.proc = subprocess.Popen(
            self.argv,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=self._stderr,
            cwd=ROOT,
            env=env,
        )
        self._reader = threading.Thread(target=self._drain, daemon=True)
        self._reader.start()
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                self.stop()
                raise ServerStartError(
                    f"{self.name}: no 'ready' within {timeout:g} s\n"
                    f"command: {' '.join(self.argv)}\n{self.stderr_text()}"
                )
            try:
                line = self._lines.get(timeout=min(remaining, 0.1))
            except queue.Empty:
                continue
            if line is None:  # stdout closed: the process is gone
                self.stop()
                code = self.proc.returncode
                raise ServerStartError(
                    f"{self.name}: exited (code {code}) before printing 'ready'\n"
                    f"command: {' '.join(self.argv)}\n{self.stderr_text()}"
                )
            if line.strip() == "ready":
                return

    def _drain(self) -> None:
        """Read stdout to the end so the server never blocks on a full pipe."""
        assert self.proc is not None and self.proc.stdout is not None
        for raw_line in self.proc.stdout:
            self._lines.put(raw_line.decode(errors="replace"))
        self._lines.put(None)

    def stderr_text(self, limit: int = 4000) -> str:
        """The tail of the server's stderr, for error messages."""
        if self._stderr is None or self._stderr.closed:
            return ""
        self._stderr.seek(0)
        text = self._stderr.read().decode(errors="replace")
        text = text[-limit:] if text else "(no stderr output)"
        return "--- stderr ---\n" + text

    def stop(self, grace: float = 5.0) -> None:
        """SIGTERM, then SIGKILL after ``grace`` seconds; always reaps."""
        proc = self.proc
        if proc is not None and proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(grace)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(grace)
        if self._reader is not None:
            self._reader.join(grace)  # EOF once the server is gone
        if proc is not None and proc.stdout is not None and not self._reader_alive():
            proc.stdout.close()

    def _reader_alive(self) -> bool:
        return self._reader is not None and self._reader.is_alive()

    def close(self) -> None:
        """Stop the server and drop its captured stderr."""
        self.stop()
        if self._stderr is not None:
            self._stderr.close()

    def __enter__(self) -> ServerProcess:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def pinning() -> tuple[list[str], list[str]]:
    """``taskset`` prefixes for the server (CPU 0) and wrk (CPU 1), if possible."""
    cpus = sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else []
    if len(cpus) < 2 or shutil.which("taskset") is None:
        return [], []
    return ["taskset", "-c", str(cpus[0])], ["taskset", "-c", str(cpus[1])]


def server_argv(server: str, port: int, pin: list[str]) -> list[str]:
    """The command line starting ``server`` (floor, ours, ours+mw) on ``port``."""
    script = "floor.py" if server == "floor" else "app.py"
    argv = [*pin, sys.executable, str(HERE / script), "--host", HOST]
    argv += ["--port", str(port)]
    if server == "ours+mw":
        argv.append("--middleware")
    return argv


def run_wrk(
    port: int,
    route: Route,
    duration: int,
    connections: int,
    pin: list[str],
) -> WrkResult:
    """One wrk run against ``route``; ``RuntimeError`` if wrk itself fails."""
    argv = [*pin, "wrk", "-t1", f"-c{connections}", f"-d{duration}s", "--latency"]
    if route.lua is not None:
        argv += ["-s", str(route.lua)]
    argv.append(f"http://{HOST}:{port}{route.path}")
    try:
        done = subprocess.run(
            argv, capture_output=True, text=True, timeout=duration + 30
        )
    except subprocess.TimeoutExpired as exc:
        raise RuntimeError(f"wrk did not finish: {' '.join(argv)}") from exc
    if done.returncode != 0:
        raise RuntimeError(f"wrk failed ({done.returncode}): {done.stderr.strip()}")
    return parse_wrk(done.stdout)


# --------------------------------------------------------------------------
# Reporting
# --------------------------------------------------------------------------

Samples = dict[str, dict[str, list[WrkResult]]]


def median_of(values: list[float | None]) -> float | None:
    """Median of the values that exist, or None."""
    present = [v for v in values if v is not None]
    return statistics.median(present) if present else None


def summarize(samples: Samples) -> dict[str, dict[str, dict[str, float | None]]]:
    """Median req/s and p99 (ms) per server and route."""
    return {
        server: {
            route: {
                "rps": median_of([r.rps for r in results]),
                "p99_ms": median_of([r.p99_ms for r in results]),
            }
            for route, results in by_route.items()
        }
        for server, by_route in samples.items()
    }


def paired_ratios(samples: Samples, num: str, den: str) -> dict[str, float | None]:
    """Per route, the median of per-round ``num``/``den`` req/s ratios.

    Both servers of a round run back to back, so pairing them cancels slow
    drift in background load better than a ratio of medians does.
    """
    out: dict[str, float | None] = {}
    for route, nums in samples.get(num, {}).items():
        dens = samples.get(den, {}).get(route, [])
        ratios = [n.rps / d.rps for n, d in zip(nums, dens, strict=False) if d.rps]
        out[route] = statistics.median(ratios) if ratios else None
    return out


def fmt_rps(value: float | None) -> str:
    return "—" if value is None else f"{value:,.0f}"


def fmt_ms(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f} ms"


def fmt_ratio(num: float | None, den: float | None) -> str:
    if num is None or not den:
        return "—"
    return f"{num / den:.2f}"


def markdown_table(
    medians: dict[str, dict[str, dict[str, float | None]]], routes: Sequence[str]
) -> str:
    """The ours-vs-floor table."""
    lines = [
        "| route | floor req/s | ours req/s | ours/floor | floor p99 | ours p99 |",
        "|---|--:|--:|--:|--:|--:|",
    ]
    empty: dict[str, float | None] = {"rps": None, "p99_ms": None}
    for route in routes:
        floor = medians.get("floor", {}).get(route, empty)
        ours = medians.get("ours", {}).get(route, empty)
        lines.append(
            f"| {route} | {fmt_rps(floor['rps'])} | {fmt_rps(ours['rps'])} "
            f"| {fmt_ratio(ours['rps'], floor['rps'])} "
            f"| {fmt_ms(floor['p99_ms'])} | {fmt_ms(ours['p99_ms'])} |"
        )
    return "\n".join(lines)


def middleware_table(
    medians: dict[str, dict[str, dict[str, float | None]]], routes: Sequence[str]
) -> str:
    """Ours with one no-op request + response middleware, against ours without."""
    lines = [
        "| route | ours req/s | ours+mw req/s | mw/ours | ours+mw p99 |",
        "|---|--:|--:|--:|--:|",
    ]
    empty: dict[str, float | None] = {"rps": None, "p99_ms": None}
    for route in routes:
        ours = medians.get("ours", {}).get(route, empty)
        mw = medians.get("ours+mw", {}).get(route, empty)
        lines.append(
            f"| {route} | {fmt_rps(ours['rps'])} | {fmt_rps(mw['rps'])} "
            f"| {fmt_ratio(mw['rps'], ours['rps'])} | {fmt_ms(mw['p99_ms'])} |"
        )
    return "\n".join(lines)


def machine_info() -> dict[str, Any]:
    """CPU count, CPU model, OS and Python version, wrk version."""
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    wrk_version = ""
    try:
        out = subprocess.run(
            ["wrk", "--version"], capture_output=True, text=True, timeout=5
        )
        match = re.search(r"wrk (\S+)", out.stdout + out.stderr)
        wrk_version = match.group(1) if match else ""
    except (OSError, subprocess.TimeoutExpired):
        pass
    return {
        "nproc": os.cpu_count(),
        "cpu": model,
        "os": f"{platform.system()} {platform.machine()}",
        "python": f"{platform.python_implementation()} {platform.python_version()}",
        "wrk": wrk_version,
    }


# --------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------


def csv_list(value: str) -> list[str]:
    return [item.strip() for item in value.split(",") if item.strip()]


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """Flags, with BENCH_* environment variables as defaults."""
    env = os.environ.get
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=int(env("BENCH_ROUNDS", "3")))
    parser.add_argument(
        "--duration",
        type=int,
        default=int(env("BENCH_DURATION", "4")),
        help="seconds per wrk run (default 4)",
    )
    parser.add_argument(
        "--warmup",
        type=int,
        default=int(env("BENCH_WARMUP", "1")),
        help="seconds of wrk warm-up after each server start (default 1)",
    )
    parser.add_argument(
        "--connections", type=int, default=int(env("BENCH_CONNECTIONS", "64"))
    )
    parser.add_argument(
        "--routes",
        type=csv_list,
        default=csv_list(env("BENCH_ROUTES", ",".join(ROUTES))),
        help=f"comma-separated, from {','.join(ROUTES)}",
    )
    parser.add_argument(
        "--servers",
        type=csv_list,
        default=csv_list(env("BENCH_SERVERS", "floor,ours")),
        help="comma-separated, from floor,ours (default both)",
    )
    parser.add_argument(
        "--quick", action="store_true", help="1 round of 2 s (a smoke run)"
    )
    parser.add_argument(
        "--compare-middleware",
        action="store_true",
        default=env("BENCH_COMPARE_MIDDLEWARE", "") not in ("", "0"),
        help="also run ours with one no-op request and response middleware",
    )
    parser.add_argument("--json", type=Path, metavar="PATH", help="write raw numbers")
    args = parser.parse_args(argv)
    if args.quick:
        args.rounds, args.duration = 1, 2
    for name in args.routes:
        if name not in ROUTES:
            parser.error(f"unknown route {name!r}; choose from {', '.join(ROUTES)}")
    for name in args.servers:
        if name not in ("floor", "ours"):
            parser.error(f"unknown server {name!r}; choose from floor, ours")
    if not args.routes or not args.servers:
        parser.error("need at least one route and one server")
    if args.compare_middleware and "ours" not in args.servers:
        parser.error("--compare-middleware needs 'ours' in --servers")
    if args.rounds < 1 or args.duration < 1 or args.warmup < 0:
        parser.error("--rounds and --duration must be >= 1, --warmup >= 0")
    if args.connections < 1:
        parser.error("--connections must be >= 1")
    return args


def measure(
    server: str,
    route: Route,
    args: argparse.Namespace,
    server_pin: list[str],
    wrk_pin: list[str],
) -> tuple[WrkResult | None, list[str]]:
    """Start ``server`` fresh, check the route, warm up, measure; then stop it."""
    port = free_port()
    with ServerProcess(server, server_argv(server, port, server_pin)) as proc:
        proc.start()
        problems = check_route(port, route)
        if problems:
            return None, [f"{server} {route.name}: {p}" for p in problems]
        if args.warmup:
            run_wrk(port, route, args.warmup, args.connections, wrk_pin)
        result = run_wrk(port, route, args.duration, args.connections, wrk_pin)
        if proc.proc is not None and proc.proc.poll() is not None:
            return result, [f"{server} {route.name}: server died during the run"]
    errors = []
    if result.requests == 0:
        errors.append(f"{server} {route.name}: no requests completed")
    if result.non2xx:
        errors.append(f"{server} {route.name}: {result.non2xx} non-2xx/3xx responses")
    if result.socket_errors:
        detail = ", ".join(f"{k} {v}" for k, v in result.socket_errors.items())
        errors.append(f"{server} {route.name}: socket errors ({detail})")
    return result, errors


def run(args: argparse.Namespace) -> int:
    """Run every round; print the report; return the exit status."""
    if shutil.which("wrk") is None:
        print("error: wrk is not installed (see benchmarks/README.md)", file=sys.stderr)
        return 1
    server_pin, wrk_pin = pinning()
    if not server_pin:
        print(
            "warning: fewer than 2 CPUs or no taskset: running unpinned, "
            "numbers will be noisy",
            file=sys.stderr,
        )
    servers = list(args.servers)
    if args.compare_middleware:
        servers.append("ours+mw")
    samples: Samples = {s: {r: [] for r in args.routes} for s in servers}
    errors: list[str] = []
    total = args.rounds * len(args.routes) * len(servers)
    step = 0
    started = time.monotonic()
    for rnd in range(args.rounds):
        shift = rnd % len(servers)
        order = servers[shift:] + servers[:shift]
        for name in args.routes:
            for server in order:
                step += 1
                try:
                    result, problems = measure(
                        server, ROUTES[name], args, server_pin, wrk_pin
                    )
                except ServerStartError as exc:
                    print(f"\nERROR: server failed to start: {exc}", file=sys.stderr)
                    return 1
                except RuntimeError as exc:
                    result, problems = None, [f"{server} {name}: {exc}"]
                if result is not None:
                    samples[server][name].append(result)
                for problem in problems:
                    print(f"ERROR: {problem}", file=sys.stderr)
                errors += problems
                rps = fmt_rps(result.rps) if result else "—"
                p99 = fmt_ms(result.p99_ms) if result else "—"
                print(
                    f"[{step:>2}/{total}] round {rnd + 1} {name:<9} {server:<7} "
                    f"{rps:>9} req/s  p99 {p99}",
                    file=sys.stderr,
                    flush=True,
                )

    medians = summarize(samples)
    machine = machine_info()
    pinned = (
        f"server on CPU {server_pin[-1]}, wrk on CPU {wrk_pin[-1]} (taskset)"
        if server_pin
        else "unpinned"
    )
    params = (
        f"{args.rounds} round(s) × {args.duration} s per route and server "
        f"(+{args.warmup} s warm-up per server start), "
        f"wrk -t1 -c{args.connections} --latency, {pinned}; medians across rounds"
    )
    print()
    print("## Single worker: ours vs the uvloop+httptools floor")
    print()
    print(
        f"Machine: {machine['nproc']} CPUs ({machine['cpu'] or 'unknown CPU'}), "
        f"{machine['os']}, {machine['python']}, wrk {machine['wrk']}"
    )
    print(f"Parameters: {params}")
    print()
    print(markdown_table(medians, args.routes))
    if "floor" in samples and "ours" in samples:
        below = [
            r
            for r in args.routes
            if (o := medians["ours"][r]["rps"]) is not None
            and (f := medians["floor"][r]["rps"])
            and o / f < TARGET_RATIO
        ]
        print()
        if below:
            print(f"Below the {TARGET_RATIO}x target: {', '.join(below)}")
        else:
            print(f"Every route meets the {TARGET_RATIO}x target.")
    if args.compare_middleware:
        print()
        print("### Ours with one no-op request + response middleware")
        print()
        print(middleware_table(medians, args.routes))
    print(f"\n(run took {time.monotonic() - started:.0f} s)")

    if args.json is not None:
        report = {
            "machine": machine,
            "params": {
                "rounds": args.rounds,
                "duration_s": args.duration,
                "warmup_s": args.warmup,
                "connections": args.connections,
                "threads": 1,
                "server_pin": server_pin,
                "wrk_pin": wrk_pin,
                "routes": {r: ROUTES[r].path for r in args.routes},
                "servers": servers,
            },
            "samples": {
                s: {r: [dataclasses.asdict(x) for x in rs] for r, rs in by.items()}
                for s, by in samples.items()
            },
            "medians": medians,
            "paired_ratios": {
                "ours/floor": paired_ratios(samples, "ours", "floor"),
                "ours+mw/ours": paired_ratios(samples, "ours+mw", "ours"),
            },
            "errors": errors,
        }
        args.json.write_text(json.dumps(report, indent=2) + "\n")

    if errors:
        print(
            f"\n**ERRORS — these numbers are not valid** ({len(errors)}):",
            *(f"- {e}" for e in errors),
            sep="\n",
        )
        return 1
    return 0


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point; Ctrl-C stops cleanly (servers are killed on the way out)."""
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, _interrupt)  # clean up on SIGTERM too
    try:
        return run(args)
    except KeyboardInterrupt:
        print("\ninterrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
