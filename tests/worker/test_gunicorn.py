"""``gunicorn mod:app -k sanic.worker.GunicornWorker``: real Gunicorn processes.

Each test starts Gunicorn in its own session on a free loopback port (or a
unix socket) and kills the whole session afterwards.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import signal
import socket
import ssl
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.net import free_port
from tests.processes import Watched
from tests.worker.support import ROOT, Load, pid_alive, wait_until

pytest.importorskip("gunicorn", reason="gunicorn is not installed (test extra)")

WORKER = "sanic.worker.GunicornWorker"
READY = "Sanic server listening"

APP = """
    import asyncio, os, time
    from sanic import Sanic
    from sanic.log import logger
    from sanic.response import json, text

    app = Sanic("GunicornApp")

    @app.get("/pid")
    async def pid(request):
        return text(str(os.getpid()))

    @app.get("/block")
    async def block(request):
        print(f"blocking {os.getpid()}", flush=True)
        time.sleep(float(request.args.get("t", "10")))  # the loop stops
        return text("unblocked")

    @app.get("/proxy")
    async def proxy(request):
        return json({
            "remote_addr": request.remote_addr,
            "scheme": request.scheme,
            "header": request.headers.get("x-forwarded-for"),
        })

    @app.get("/config")
    async def config(request):
        keys = ("WORKER_CONNECTIONS", "WORKER_MAX_REQUESTS",
                "WORKER_MAX_REQUESTS_JITTER", "REQUEST_MAX_HEADER_SIZE")
        return json({key: request.app.config[key] for key in keys})

    @app.get("/error")
    async def error(request):
        logger.debug("a debug line from the app")
        raise RuntimeError("the handler broke")

    @app.get("/slow")
    async def slow(request):
        print(f"slow started {os.getpid()}", flush=True)
        await asyncio.sleep(float(request.args.get("t", "1.5")))
        return text("slow done")

    @app.before_server_start
    async def started(app):
        if os.environ.get("FAIL_START"):
            raise RuntimeError("the database is not there")
        print(f"listener: started {os.getpid()}", flush=True)

    @app.after_server_stop
    async def stopped(app):
        print(f"listener: stopped {os.getpid()}", flush=True)

    @app.main_process_start
    async def main_start(app):
        print("main_process_start ran", flush=True)

    def not_an_app():
        return "hello"
"""


class Gunicorn(Watched):
    """A Gunicorn process tree; its output collected as it comes."""

    stop_timeout = 15.0

    def __init__(self, cwd: Path, args: tuple[str, ...], env: dict[str, str]):
        full_env = {**os.environ, "PYTHONUNBUFFERED": "1", "SANIC_NO_COLOR": "true"}
        full_env["PYTHONPATH"] = os.pathsep.join([str(cwd), str(ROOT)])
        # Gunicorn 25+ opens a control socket under $XDG_RUNTIME_DIR: one per test.
        full_env["XDG_RUNTIME_DIR"] = str(cwd)
        full_env.update(env)
        super().__init__(
            [sys.executable, "-m", "gunicorn", *args],
            cwd=cwd,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            env=full_env,
        )

    def count(self, text: str) -> int:
        return self.output.count(text)

    def wait_for(self, text: str, count: int = 1, timeout: float = 15.0) -> None:
        if not wait_until(lambda: self.count(text) >= count, timeout, 0.02):
            raise AssertionError(f"never saw {text!r} x{count}:\n{self.output}")

    def worker_pids(self) -> set[int]:
        """Pids of the live worker processes (children of the arbiter)."""
        try:
            with open(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children") as f:
                return {int(pid) for pid in f.read().split()}
        except OSError:
            return set()


@contextmanager
def gunicorn(
    tmp_path: Path,
    *args: str,
    target: str = "app:app",
    workers: int = 1,
    ready: bool = True,
    env: dict[str, str] | None = None,
) -> Iterator[Gunicorn]:
    """Gunicorn serving ``APP`` with our worker; every process killed after."""
    (tmp_path / "app.py").write_text(textwrap.dedent(APP))
    argv = (target, "-k", WORKER, "-w", str(workers), "--graceful-timeout", "10")
    server = Gunicorn(tmp_path, (*argv, *args), env or {})
    try:
        if ready:
            server.wait_for(READY, workers)
        yield server
    finally:
        server.kill()


def get(port: int, path: str = "/pid", timeout: float = 10.0) -> tuple[int, str]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", path, headers={"Connection": "close"})
        response = conn.getresponse()
        return response.status, response.read().decode()
    finally:
        conn.close()


def pids_answering(port: int, count: int = 30) -> set[str]:
    return {get(port)[1] for _ in range(count)}


# ---- workers and listeners ---------------------------------------------------------


def test_two_workers_answer_and_run_the_server_listeners(tmp_path):
    port = free_port()
    with gunicorn(tmp_path, "-b", f"127.0.0.1:{port}", workers=2) as server:
        assert wait_until(lambda: len(pids_answering(port, 10)) == 2, 10)
        assert server.count("listener: started") == 2
        assert server.count("main_process_start ran") == 0
        # One warning for the whole server, not one per worker.
        assert server.count("main_process_start listeners will not run") == 1
        assert server.finish() == 0
        assert server.count("listener: stopped") == 2


def test_not_a_sanic_app_is_a_one_line_error_and_gunicorn_stops(tmp_path):
    port = free_port()
    with gunicorn(
        tmp_path, "-b", f"127.0.0.1:{port}", target="app:not_an_app", ready=False
    ) as server:
        assert server.proc.wait(15) == 4  # Gunicorn's "App failed to load"
        assert "'app:not_an_app' is 'not_an_app', not a Sanic instance" in (
            server.output
        )
        assert "for an app factory, call it: 'app:not_an_app()'" in server.output
        assert "Traceback" not in server.output


def test_a_failing_start_listener_stops_gunicorn_instead_of_respawning(tmp_path):
    port = free_port()
    with gunicorn(
        tmp_path, "-b", f"127.0.0.1:{port}", ready=False, env={"FAIL_START": "1"}
    ) as server:
        assert server.proc.wait(15) == 3  # Gunicorn's "Worker failed to boot"
        assert "the database is not there" in server.output
        assert server.count("Booting worker") == 1


def test_a_bad_worker_connections_value_is_a_one_line_error(tmp_path):
    port = free_port()
    env = {"SANIC_WORKER_CONNECTIONS": "lots"}
    with gunicorn(tmp_path, "-b", f"127.0.0.1:{port}", ready=False, env=env) as s:
        assert s.proc.wait(15) == 4
        assert "must be a positive integer, not 'lots'" in s.output
        assert "Traceback" not in s.output


# ---- recycling and reloading -------------------------------------------------------


def test_max_requests_replaces_workers_without_failed_requests(tmp_path):
    port = free_port()
    limits = ("--max-requests", "20", "--max-requests-jitter", "5")
    with gunicorn(tmp_path, "-b", f"127.0.0.1:{port}", *limits, workers=2) as server:
        first = server.worker_pids()
        load = Load(port)
        load.run(threads=4, per_thread=50, pause=0.01)
        assert load.failures == []
        assert load.answered == 200
        # A worker serves 20 to 25 requests (and those it accepted meanwhile),
        # so 200 of them need several generations of workers.
        assert len(set(load.pids)) >= 4
        assert server.count("Autorestarting worker") >= 2
        assert wait_until(lambda: len(server.worker_pids()) == 2, 10)
        assert server.worker_pids() != first
        config = json.loads(get(port, "/config")[1])
        assert config["WORKER_MAX_REQUESTS"] == 20
        assert config["WORKER_MAX_REQUESTS_JITTER"] == 5
        assert server.finish() == 0


def test_max_requests_jitter_gives_each_worker_its_own_limit(tmp_path):
    port = free_port()
    limits = ("--max-requests", "2", "--max-requests-jitter", "30")
    with gunicorn(tmp_path, "-b", f"127.0.0.1:{port}", *limits) as server:
        done = re.compile(r"\((\d+) answered; its max-requests is (\d+)\)")
        while len(done.findall(server.output)) < 4:
            status, _ = get(port)
            assert status == 200
        recycled = [(int(n), int(m)) for n, m in done.findall(server.output)]
        assert all(2 <= limit <= 32 and n >= limit for n, limit in recycled)
        # Without the jitter every limit would be 2. (All four equal by
        # chance: 1 in 31^3.)
        assert len({limit for _, limit in recycled}) > 1


def test_the_apps_worker_max_requests_applies_without_the_gunicorn_flag(tmp_path):
    port = free_port()
    env = {"SANIC_WORKER_MAX_REQUESTS": "10"}
    with gunicorn(tmp_path, "-b", f"127.0.0.1:{port}", env=env) as server:
        load = Load(port)
        load.run(threads=2, per_thread=20, pause=0.01)
        assert load.failures == []
        assert len(set(load.pids)) >= 2
        assert "Autorestarting worker" in server.output
        config = json.loads(get(port, "/config")[1])
        assert config["WORKER_MAX_REQUESTS"] == 10


def test_hup_replaces_every_worker_without_failed_requests(tmp_path):
    port = free_port()
    with gunicorn(tmp_path, "-b", f"127.0.0.1:{port}", workers=2) as server:
        old = server.worker_pids()
        assert len(old) == 2
        load = Load(port)
        loader = threading.Thread(target=load.run, args=(4, 60, 0.02))
        loader.start()
        time.sleep(0.3)
        server.proc.send_signal(signal.SIGHUP)
        loader.join(30)
        assert not loader.is_alive()
        assert load.failures == []
        assert load.answered == 240
        assert wait_until(lambda: not any(pid_alive(pid) for pid in old), 10)
        new = server.worker_pids()
        assert len(new) == 2 and not new & old
        assert {str(pid) for pid in new} & (pids_answering(port, 10) | set(load.pids))
        assert server.count("listener: stopped") == 2  # the old workers stopped


# ---- signals -----------------------------------------------------------------------


def _start_slow_request(port: int, seconds: float) -> tuple[threading.Thread, dict]:
    return _start_request(port, f"/slow?t={seconds}")


def _start_request(port: int, path: str) -> tuple[threading.Thread, dict]:
    result: dict = {}

    def call() -> None:
        try:
            result["reply"] = get(port, path, timeout=15)
        except Exception as exc:
            result["error"] = exc

    thread = threading.Thread(target=call)
    thread.start()
    return thread, result


def test_term_lets_a_request_in_flight_finish_and_exits_zero(tmp_path):
    port = free_port()
    with gunicorn(tmp_path, "-b", f"127.0.0.1:{port}") as server:
        thread, result = _start_slow_request(port, 1.5)
        server.wait_for("slow started")
        started = time.monotonic()
        assert server.finish(signal.SIGTERM) == 0
        thread.join(10)
        assert result.get("reply") == (200, "slow done")
        assert time.monotonic() - started >= 1.0
        assert server.count("listener: stopped") == 1


def test_int_stops_at_once_aborting_requests_in_flight(tmp_path):
    port = free_port()
    with gunicorn(tmp_path, "-b", f"127.0.0.1:{port}") as server:
        thread, result = _start_slow_request(port, 8)
        server.wait_for("slow started")
        started = time.monotonic()
        assert server.finish(signal.SIGINT) == 0
        assert time.monotonic() - started < 4
        thread.join(10)
        assert "error" in result  # the connection was aborted
        assert server.count("listener: stopped") == 1  # still ran


def test_a_request_longer_than_the_graceful_timeout_is_cut(tmp_path):
    port = free_port()
    with gunicorn(
        tmp_path, "-b", f"127.0.0.1:{port}", "--graceful-timeout", "1"
    ) as server:
        thread, result = _start_slow_request(port, 8)
        server.wait_for("slow started")
        started = time.monotonic()
        assert server.finish(signal.SIGTERM) == 0
        assert time.monotonic() - started < 4
        thread.join(10)
        assert "reply" not in result  # cut, not answered
        # The worker cut it itself, within the timeout, and ran its stop
        # listeners: Gunicorn had no need to kill it.
        assert server.count("listener: stopped") == 1
        assert "was sent SIGKILL" not in server.output


def test_timeout_kills_a_blocked_worker_and_gunicorn_replaces_it(tmp_path):
    port = free_port()
    with gunicorn(tmp_path, "-b", f"127.0.0.1:{port}", "--timeout", "1") as server:
        (blocked,) = server.worker_pids()
        time.sleep(1.5)  # an idle worker is not a blocked one
        assert "WORKER TIMEOUT" not in server.output
        thread, result = _start_request(port, "/block?t=10")
        server.wait_for("blocking")
        server.wait_for("WORKER TIMEOUT", timeout=8)
        assert wait_until(lambda: not pid_alive(blocked), 5), server.output
        thread.join(10)
        assert "reply" not in result
        server.wait_for(READY, 2)
        assert get(port) == (200, str(next(iter(server.worker_pids()))))


def test_usr1_to_a_worker_is_harmless(tmp_path):
    port = free_port()
    with gunicorn(tmp_path, "-b", f"127.0.0.1:{port}") as server:
        (worker,) = server.worker_pids()
        os.kill(worker, signal.SIGUSR1)
        time.sleep(0.3)
        assert get(port) == (200, str(worker))


# ---- settings ----------------------------------------------------------------------


def test_keep_alive_setting_closes_idle_connections(tmp_path):
    port = free_port()
    with gunicorn(tmp_path, "-b", f"127.0.0.1:{port}", "--keep-alive", "1"):
        with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
            sock.sendall(b"GET /pid HTTP/1.1\r\nHost: x\r\n\r\n")
            sock.recv(65536)
            started = time.monotonic()
            assert sock.recv(65536) == b""  # closed by the server, idle
            assert 0.5 <= time.monotonic() - started < 3


def test_worker_connections_makes_extra_connections_wait(tmp_path):
    port = free_port()
    with gunicorn(
        tmp_path, "-b", f"127.0.0.1:{port}", "--worker-connections", "1"
    ) as server:
        slow, slow_result = _start_slow_request(port, 1)
        server.wait_for("slow started")
        started = time.monotonic()
        # Served only once the slow connection is done.
        assert get(port)[0] == 200
        assert time.monotonic() - started >= 0.5
        slow.join(10)
        assert slow_result["reply"] == (200, "slow done")


def test_connections_waiting_for_a_place_are_answered_when_the_worker_stops(
    tmp_path,
):
    port = free_port()
    with gunicorn(
        tmp_path, "-b", f"127.0.0.1:{port}", "--worker-connections", "1"
    ) as server:
        slow, slow_result = _start_slow_request(port, 3)
        server.wait_for("slow started")
        waiting_result: dict = {}
        waiting = threading.Thread(
            target=lambda: waiting_result.update(reply=get(port, timeout=10))
        )
        waiting.start()
        waiting.join(0.5)
        assert waiting.is_alive()  # it waits for the slow one's place
        server.proc.send_signal(signal.SIGTERM)
        waiting.join(2)  # answered while the slow one is still in flight
        assert waiting_result["reply"][0] == 200
        assert slow.is_alive()
        assert server.finish() == 0
        slow.join(10)
        assert slow_result["reply"] == (200, "slow done")


def test_worker_connections_closes_new_ones_once_as_many_again_wait(tmp_path):
    port = free_port()
    with gunicorn(
        tmp_path, "-b", f"127.0.0.1:{port}", "--worker-connections", "1"
    ) as server:
        slow, slow_result = _start_slow_request(port, 3)
        server.wait_for("slow started")
        waiting, waiting_result = _start_request(port, "/pid")
        waiting.join(0.5)
        assert waiting.is_alive()  # one waits for the slow one's place
        # One served and one waiting: a third is closed without an answer.
        with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
            try:
                sock.sendall(b"GET /pid HTTP/1.1\r\nHost: x\r\n\r\n")
                reply = sock.recv(65536)
            except ConnectionResetError:
                reply = b""
            assert reply == b""
        slow.join(10)
        waiting.join(10)
        assert slow_result["reply"] == (200, "slow done")
        assert waiting_result["reply"][0] == 200
        status, body = get(port, "/config")
        assert json.loads(body)["WORKER_CONNECTIONS"] == 1  # the value in effect


def test_access_logfile_gets_gunicorns_default_format_once(tmp_path):
    port = free_port()
    log = tmp_path / "access.log"
    args = ("-b", f"127.0.0.1:{port}", "--access-logfile", str(log))
    with gunicorn(tmp_path, *args) as server:
        assert get(port, "/pid?x=1")[0] == 200
        assert wait_until(lambda: log.exists() and "GET" in log.read_text(), 5)
        (line,) = log.read_text().splitlines()
        # Gunicorn's default: '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s"'
        assert re.fullmatch(
            r'127\.0\.0\.1 - - \[[^]]+\] "GET /pid\?x=1 HTTP/1\.1" 200 \d+ "-" "-"',
            line,
        ), line
        assert "/pid?x=1" not in server.output  # logged once, there


def test_access_logformat_atoms_are_filled_in(tmp_path):
    port = free_port()
    log = tmp_path / "access.log"
    fmt = "%(m)s|%(U)s|%(q)s|%(H)s|%(s)s|%(B)s|%(u)s|%({x-trace}i)s|%({content-type}o)s|%(p)s"
    args = ("-b", f"127.0.0.1:{port}", "--access-logfile", str(log))
    with gunicorn(tmp_path, *args, "--access-logformat", fmt) as server:
        (pid,) = server.worker_pids()
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        try:
            headers = {"X-Trace": "t-42", "Authorization": "Basic YWxpY2U6c2VjcmV0"}
            conn.request("GET", "/pid?a=1", headers=headers)
            body = conn.getresponse().read()
        finally:
            conn.close()
        assert wait_until(lambda: log.exists() and log.read_text().strip(), 5)
        assert log.read_text().strip() == (
            f"GET|/pid|a=1|HTTP/1.1|200|{len(body)}|alice|t-42|"
            f"text/plain; charset=utf-8|<{pid}>"
        )


def test_a_statsd_logger_counts_requests(tmp_path):
    port = free_port()
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp:
        udp.bind(("127.0.0.1", 0))
        udp.settimeout(5)
        statsd = f"127.0.0.1:{udp.getsockname()[1]}"
        with gunicorn(tmp_path, "-b", f"127.0.0.1:{port}", "--statsd-host", statsd):
            assert get(port)[0] == 200
            wanted = (b"gunicorn.requests:1|c", b"gunicorn.request.status.200:1|c")
            seen = b""
            while not all(metric in seen for metric in wanted):
                seen += udp.recv(65536) + b"\n"  # a timeout fails the test


def test_error_logfile_and_log_level_apply_to_sanics_loggers(tmp_path):
    port = free_port()
    log = tmp_path / "error.log"
    args = ("-b", f"127.0.0.1:{port}", "--error-logfile", str(log))
    with gunicorn(tmp_path, *args, "--log-level", "debug", ready=False) as server:
        assert wait_until(lambda: log.exists() and READY in log.read_text(), 15)
        assert get(port, "/error")[0] == 500
        assert wait_until(lambda: "the handler broke" in log.read_text(), 5)
        text = log.read_text()
        assert "a debug line from the app" in text  # --log-level debug
        assert re.search(r"\[\d+\] \[ERROR\] .*", text)  # Gunicorn's format
        assert "the handler broke" not in server.output
        assert READY not in server.output


def test_log_level_above_info_quiets_sanics_info_lines(tmp_path):
    port = free_port()
    with gunicorn(
        tmp_path, "-b", f"127.0.0.1:{port}", "--log-level", "warning", ready=False
    ) as server:
        assert wait_until(lambda: _answers(port), 15)
        assert get(port, "/error")[0] == 500
        server.wait_for("the handler broke")
        assert READY not in server.output  # sanic.server, at INFO


def _answers(port: int) -> bool:
    try:
        return get(port, timeout=2)[0] == 200
    except OSError:
        return False


# ---- request-head limits and proxy headers -----------------------------------------


def raw_status(port: int, head: bytes) -> int:
    """The status a raw request head gets."""
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        sock.sendall(head)
        reply = b""
        while b"\r\n" not in reply:
            chunk = sock.recv(65536)
            if not chunk:
                break
            reply += chunk
    return int(reply.split(b" ", 2)[1])


def head(target: str = "/pid", headers: tuple[str, ...] = ()) -> bytes:
    lines = [f"GET {target} HTTP/1.1", "Host: x", "Connection: close", *headers]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def test_limit_request_flags_answer_414_and_431(tmp_path):
    port = free_port()
    limits = (
        "--limit-request-line",
        "100",
        "--limit-request-fields",
        "5",
        "--limit-request-field_size",
        "20000",
    )
    with gunicorn(tmp_path, "-b", f"127.0.0.1:{port}", *limits):
        # "GET " + target + " HTTP/1.1": 100 bytes pass, 101 do not.
        assert raw_status(port, head("/pid?" + "a" * 82)) == 200
        assert raw_status(port, head("/pid?" + "a" * 83)) == 414
        three = tuple(f"X-{n}: v" for n in range(3))  # with Host, Connection: 5
        assert raw_status(port, head(headers=three)) == 200
        assert raw_status(port, head(headers=(*three, "X-4: v"))) == 431
        # A 15,000-byte cookie is over Sanic's own 8 KiB head limit, but the
        # field limit of 20,000 raises it: the flag is honoured as given.
        assert raw_status(port, head(headers=("Cookie: " + "c" * 15000,))) == 200
        assert raw_status(port, head(headers=("Cookie: " + "c" * 20000,))) == 431
        config = json.loads(get(port, "/config")[1])
        assert config["REQUEST_MAX_HEADER_SIZE"] == 20000


def test_gunicorns_default_head_limits_apply(tmp_path):
    port = free_port()
    with gunicorn(tmp_path, "-b", f"127.0.0.1:{port}"):
        # --limit-request-line 4094, --limit-request-fields 100
        assert raw_status(port, head("/pid?" + "a" * 4000)) == 200
        assert raw_status(port, head("/pid?" + "a" * 5000)) == 414
        many = tuple(f"X-{n}: v" for n in range(98))
        assert raw_status(port, head(headers=many)) == 200
        assert raw_status(port, head(headers=(*many, "X-last: v"))) == 431


def _proxy(port: int, path: str | None = None, **more: str) -> dict:
    headers = {"X-Forwarded-For": "203.0.113.9", "X-Forwarded-Proto": "https"}
    headers.update(more)
    if path is None:
        conn: http.client.HTTPConnection = http.client.HTTPConnection(
            "127.0.0.1", port, timeout=10
        )
    else:
        conn = UnixHTTPConnection(path)
    try:
        conn.request("GET", "/proxy", headers=headers)
        return json.loads(conn.getresponse().read())
    finally:
        conn.close()


class UnixHTTPConnection(http.client.HTTPConnection):
    def __init__(self, path: str) -> None:
        super().__init__("localhost", timeout=10)
        self.path = path

    def connect(self) -> None:
        self.sock = socket.socket(socket.AF_UNIX)
        self.sock.settimeout(10)
        self.sock.connect(self.path)


def test_proxy_headers_count_from_gunicorns_default_allowed_ips(tmp_path):
    port = free_port()
    env = {"SANIC_PROXIES_COUNT": "1"}
    with gunicorn(tmp_path, "-b", f"127.0.0.1:{port}", env=env) as server:
        # 127.0.0.1 is in Gunicorn's default --forwarded-allow-ips.
        assert _proxy(port) == {
            "remote_addr": "203.0.113.9",
            "scheme": "https",
            "header": "203.0.113.9",
        }
        assert "X-Forwarded-* headers count only on connections from 127.0.0.1" in (
            server.output
        )


def test_forwarded_allow_ips_ignores_proxy_headers_from_other_peers(tmp_path):
    port = free_port()
    path = tmp_path / "g.sock"
    args = ("-b", f"127.0.0.1:{port}", "-b", f"unix:{path}")
    env = {"SANIC_PROXIES_COUNT": "1", "SANIC_FORWARDED_SECRET": "s3cr3t"}
    with gunicorn(
        tmp_path, *args, "--forwarded-allow-ips", "10.1.0.0/16", env=env, ready=False
    ) as server:
        server.wait_for(READY, 2)
        # From 127.0.0.1, not a trusted proxy: the headers are there, unused.
        assert _proxy(port) == {
            "remote_addr": "",
            "scheme": "http",
            "header": "203.0.113.9",
        }
        # A unix socket has no peer address: trusted, as in Gunicorn.
        assert _proxy(port, str(path))["remote_addr"] == "203.0.113.9"
        # A Forwarded header with the app's secret proves its proxy anywhere.
        signed = "for=198.51.100.7;proto=https;secret=s3cr3t"
        reply = _proxy(port, Forwarded=signed)
        assert (reply["remote_addr"], reply["scheme"]) == ("198.51.100.7", "https")


def test_a_bad_forwarded_allow_ips_entry_is_one_line(tmp_path):
    port = free_port()
    args = ("-b", f"127.0.0.1:{port}", "--forwarded-allow-ips", "10.0.0.1,nope")
    with gunicorn(tmp_path, *args, ready=False) as server:
        assert server.proc.wait(15) != 0
        assert "nope" in server.output
        assert "Traceback" not in server.output


# ---- binds: several, unix, TLS ----------------------------------------------------


def test_several_binds_including_a_unix_socket(tmp_path):
    port = free_port()
    path = tmp_path / "g.sock"
    with gunicorn(
        tmp_path, "-b", f"127.0.0.1:{port}", "-b", f"unix:{path}", ready=False
    ) as server:
        server.wait_for(READY, 2)
        status, pid = get(port)
        assert status == 200
        with socket.socket(socket.AF_UNIX) as sock:
            sock.settimeout(5)
            sock.connect(str(path))
            sock.sendall(b"GET /pid HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            reply = b""
            while chunk := sock.recv(65536):
                reply += chunk
        assert reply.startswith(b"HTTP/1.1 200 ")
        assert reply.endswith(pid.encode())
        assert server.finish() == 0
        assert not path.exists()  # Gunicorn removed its socket file


def test_tls_with_certfile_and_keyfile(tmp_path):
    trustme = pytest.importorskip("trustme")
    ca = trustme.CA()
    cert = ca.issue_cert("127.0.0.1", "localhost")
    cert_path, key_path = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert.private_key_and_cert_chain_pem.write_to_path(str(cert_path))
    cert.private_key_pem.write_to_path(str(key_path))
    port = free_port()
    args = ("-b", f"127.0.0.1:{port}", "--certfile", str(cert_path))
    with gunicorn(tmp_path, *args, "--keyfile", str(key_path)) as server:
        assert "https://127.0.0.1" in server.output
        context = ssl.create_default_context()
        ca.configure_trust(context)
        conn = http.client.HTTPSConnection(
            "127.0.0.1", port, context=context, timeout=10
        )
        try:
            conn.request("GET", "/pid")
            response = conn.getresponse()
            assert response.status == 200
            assert int(response.read()) in server.worker_pids()
            assert conn.sock.version() is not None  # type: ignore[union-attr]
        finally:
            conn.close()
        # Plain HTTP on the TLS port gets no HTTP answer.
        with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
            sock.sendall(b"GET /pid HTTP/1.1\r\nHost: x\r\n\r\n")
            try:
                reply = sock.recv(65536)
            except ConnectionResetError:
                reply = b""
            assert not reply.startswith(b"HTTP/1.1 200")


# ---- the connection cap, in-process ------------------------------------------------


class FakeProtocol:
    def __init__(self) -> None:
        self.admitted = False
        self.closed = False

    def _admit_now(self) -> None:
        self.admitted = True

    def close(self) -> None:
        self.closed = True


def test_connection_limit_queues_then_refuses_and_hands_places_on_in_order():
    from sanic.worker.gunicorn import ConnectionLimit

    limit = ConnectionLimit(2)
    a, b, c, d, e, f = (FakeProtocol() for _ in range(6))
    assert limit.admit(a) and limit.admit(b)
    assert not limit.admit(c) and not limit.admit(d)
    assert not limit.admit(e) and e.closed  # two served, two waiting: refused
    assert not (c.closed or d.closed)
    limit.release(e, False)
    limit.release(c, False)  # a waiting one went away
    limit.release(a, True)
    assert d.admitted  # d takes a's place
    assert limit.active == 2
    assert not limit.admit(f)
    limit.release(b, True)
    assert f.admitted
    assert limit.active == 2 and not limit.waiting


def test_importing_sanic_worker_does_not_import_gunicorn():
    code = (
        "import sys, sanic.worker; assert 'gunicorn' not in sys.modules; "
        "from sanic.worker import GunicornWorker; "
        "from gunicorn.workers.base import Worker; "
        "assert issubclass(GunicornWorker, Worker)"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT, timeout=30)
