"""The seed's deployment examples (examples/deployment/) run as written.

Each test starts one example as a real process (``python examples/deployment/x.py``)
on a free loopback port or a unix socket in tmp_path, waits for it to answer,
checks what the example itself promises, then sends SIGTERM to the main
process and expects a clean exit (status 0, no traceback). Every process is
started in its own session, and the whole group is killed in ``finally``.
"""

from __future__ import annotations

import os
import signal
import ssl
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

import httpx
import pytest
import trustme

from tests.net import free_port
from tests.processes import logged, wait_for_answer

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples" / "deployment"
START_TIMEOUT = 20.0
STOP_TIMEOUT = 20.0


class Example:
    """A running example: its process, its log file, and a client to reach it."""

    def __init__(self, proc: subprocess.Popen, log: Path, client: httpx.Client):
        self.proc = proc
        self.log = log
        self.client = client

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def stop(self) -> str:
        """SIGTERM to the main process; it must exit 0 without a traceback."""
        self.client.close()
        self.proc.send_signal(signal.SIGTERM)
        try:
            code = self.proc.wait(STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            pytest.fail(f"no exit {STOP_TIMEOUT:.0f} s after SIGTERM:\n{self.output()}")
        output = self.output()
        assert code == 0, f"exit status {code}:\n{output}"
        assert "Traceback" not in output, output
        return output


@contextmanager
def running(
    name: str,
    tmp_path: Path,
    env: dict[str, str],
    *,
    ready_path: str,
    transport: httpx.BaseTransport | None = None,
    base_url: str = "",
    verify: ssl.SSLContext | bool = True,
) -> Iterator[Example]:
    """Start ``examples/deployment/<name>``; yield once ``ready_path`` answers."""
    environ = {
        key: value for key, value in os.environ.items() if not key.startswith("SANIC_")
    }
    environ.update(env, PYTHONUNBUFFERED="1", NO_COLOR="1")
    log = tmp_path / f"{name}.log"
    # In a session of its own: its workers too are killed as one group.
    with (
        logged(
            [sys.executable, str(EXAMPLES / name)], log, cwd=ROOT, env=environ
        ) as proc,
        httpx.Client(
            base_url=base_url, transport=transport, verify=verify, timeout=5
        ) as client,
    ):
        example = Example(proc, log, client)
        wait_for_answer(
            proc,
            lambda: client.get(ready_path),
            timeout=START_TIMEOUT,
            errors=httpx.TransportError,
            output=example.output,
            what=name,
        )
        yield example


def on_port(
    name: str, tmp_path: Path, ready_path: str, **env: str
) -> AbstractContextManager[Example]:
    port = free_port()
    env = {"HOST": "127.0.0.1", "PORT": str(port), **env}
    return running(
        name, tmp_path, env, ready_path=ready_path, base_url=f"http://127.0.0.1:{port}"
    )


def test_production_app_answers_health_and_data_from_its_workers(tmp_path):
    with on_port("production_app.py", tmp_path, "/health") as app:
        health = app.client.get("/health")
        assert health.status_code == 200
        assert health.json() == {"status": "healthy", "service": "ProductionApp"}
        data = app.client.get("/api/data")
        assert data.json() == {"data": "production data"}
        output = app.stop()
    assert "4 workers" in output  # the MOTD: the seed's workers=4
    assert "GET http://127.0.0.1:" in output  # access_log=True


def test_ssl_app_serves_https_with_the_given_certificate(tmp_path):
    ca = trustme.CA()
    cert = ca.issue_cert("localhost", "127.0.0.1")
    cert_file, key_file = tmp_path / "server.crt", tmp_path / "server.key"
    cert.cert_chain_pems[0].write_to_path(cert_file)
    cert.private_key_pem.write_to_path(key_file)
    client_context = ssl.create_default_context()
    ca.configure_trust(client_context)
    port = free_port()
    env = {
        "HOST": "127.0.0.1",
        "PORT": str(port),
        "SSL_CERT": str(cert_file),
        "SSL_KEY": str(key_file),
    }
    with running(
        "ssl_app.py",
        tmp_path,
        env,
        ready_path="/",
        base_url=f"https://localhost:{port}",
        verify=client_context,
    ) as app:
        response = app.client.get("/")
        assert response.status_code == 200
        assert response.json() == {
            "message": "Secure connection established",
            "scheme": "https",
            "secure": True,
        }
        app.stop()


def test_multi_worker_app_sets_up_each_worker_before_serving(tmp_path):
    with on_port("multi_worker_app.py", tmp_path, "/status", MAX_WORKERS="2") as app:
        body = app.client.get("/status").json()
        # A worker answered (not the main process), with what its
        # before_server_start listener opened.
        assert body["pid"] != app.proc.pid
        assert body["db_pool"] == "database pool"
        assert body["cache"] == "cache client"
        output = app.stop()
    expected = min(os.cpu_count() or 1, 2)
    assert ("2 workers" if expected == 2 else "single worker") in output


def test_unix_socket_app_serves_on_its_socket_with_mode_0666(tmp_path):
    path = tmp_path / "app.sock"
    path.write_text("stale")  # the example removes a leftover file first
    with running(
        "unix_socket_app.py",
        tmp_path,
        {"SOCKET_PATH": str(path)},
        ready_path="/status",
        transport=httpx.HTTPTransport(uds=str(path)),
        base_url="http://localhost",
    ) as app:
        assert stat.S_ISSOCK(path.stat().st_mode)
        assert stat.S_IMODE(path.stat().st_mode) == 0o666
        response = app.client.get("/status")
        assert response.json() == {"status": "running", "socket": "unix"}
        app.stop()
    assert not path.exists()  # removed by the server on its way out


@pytest.mark.parametrize(
    ("ready", "status", "body"),
    [("true", 200, {"status": "ready"}), ("false", 503, {"status": "not ready"})],
)
def test_container_app_health_and_readiness_from_the_environment(
    tmp_path, ready, status, body
):
    with on_port("container_app.py", tmp_path, "/health", READY=ready) as app:
        health = app.client.get("/health")
        assert (health.status_code, health.json()) == (200, {"status": "healthy"})
        readiness = app.client.get("/ready")
        assert (readiness.status_code, readiness.json()) == (status, body)
        output = app.stop()  # SIGTERM, as an orchestrator stops a container
    assert "Starting application in container" in output
    assert "single worker" in output  # WORKERS defaults to 1


def test_proxied_app_reads_the_client_from_trusted_proxy_headers(tmp_path):
    with on_port(
        "proxied_app.py", tmp_path, "/proxy-info", FORWARDED_SECRET="s3cret"
    ) as app:
        # nginx's usual X-Real-IP (REAL_IP_HEADER), one proxy layer.
        info = app.client.get(
            "/proxy-info", headers={"X-Real-IP": "203.0.113.7"}
        ).json()
        assert info["remote_addr"] == "203.0.113.7"
        assert info["client_ip"] == "127.0.0.1"  # request.ip: the peer, the proxy
        assert info["headers"]["x-real-ip"] == "203.0.113.7"
        assert info["forwarded"] == {"for": "203.0.113.7"}
        # A Forwarded header carrying the secret is trusted, with its proto.
        info = app.client.get(
            "/proxy-info",
            headers={"Forwarded": "for=198.51.100.2;proto=https;secret=s3cret"},
        ).json()
        assert info["remote_addr"] == "198.51.100.2"
        assert info["scheme"] == "https"
        assert info["forwarded"]["for"] == "198.51.100.2"
        output = app.stop()
    assert "Request from 127.0.0.1 to /proxy-info" in output  # the middleware


def test_custom_protocol_app_counts_requests_per_connection(tmp_path):
    with on_port("custom_protocol_app.py", tmp_path, "/") as app:
        with httpx.Client(base_url=app.client.base_url, timeout=5) as keep_alive:
            for number in (1, 2):
                response = keep_alive.get("/")
                assert response.json() == {
                    "message": "Custom protocol server",
                    "request_number": number,
                }
                assert response.headers["X-Request-Number"] == str(number)
                assert response.headers["X-Server-Protocol"] == "custom"
        output = app.stop()
    assert "Processing request #2: GET /" in output


def test_dev_app_restarts_its_worker_when_a_watched_file_changes(tmp_path):
    watched = tmp_path / "watched"
    watched.mkdir()
    with on_port("dev_app.py", tmp_path, "/", RELOAD_DIR=str(watched)) as app:
        first = app.client.get("/").json()
        assert first["debug"] is True
        deadline = time.monotonic() + 10
        pid = first["pid"]
        while pid == first["pid"] and time.monotonic() < deadline:
            # Written again and again: the watcher may still be starting.
            (watched / "settings.txt").write_text(str(time.monotonic()))
            time.sleep(0.3)
            try:
                pid = app.client.get("/").json()["pid"]
            except httpx.TransportError:
                continue  # between the old worker and the new one
        assert pid != first["pid"], f"no restart within 10 s:\n{app.output()}"
        app.stop()
