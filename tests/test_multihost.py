"""Acceptance (issue 7, "several hosts"): two hosts behind nginx.

Two network namespaces stand in for two machines (tests/multihost_support.py
builds them: a veth pair each, private addresses that exist only on those
veths). Each runs the same app with ``app.run(host=<its address>, port=8000,
workers=1)``; nginx in the root namespace, on a free loopback port, balances
over both and sets X-Forwarded-For, which the app trusts through
``SANIC_PROXIES_COUNT=1``.

What a user of such a deployment relies on:
- requests are spread over both hosts (each says which host and network
  namespace answered);
- on each host, ``request.remote_addr`` and ``request.client_ip`` are the
  client's address, and ``request.ip`` is the peer, nginx's end of the veth,
  as the proxy guide defines it;
- no GET fails while one host is stopped with SIGTERM (its graceful
  shutdown) and started again under load: in-flight requests are answered,
  and nginx retries the other host on a refused or reset connection;
- nor does a POST, which nginx retries only when it was never sent: that
  needs the stopping host to refuse new connections at once, and to answer
  the connections its kernel had already queued rather than reset them.

Skipped, with the reason printed, only where the machine refuses: not root,
no ``ip netns``, or nginx cannot be installed.
"""

from __future__ import annotations

import contextlib
import shutil
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests import multihost_support as support
from tests.debian_support import NGINX, skip
from tests.net import free_port, port_opens
from tests.processes import terminate

pytestmark = pytest.mark.timeout(900)  # a first nginx install may be slow

CLIENT = "127.0.0.1"
LABELS = ("host-a", "host-b")


@dataclass
class Cluster:
    hosts: dict[str, support.Host]
    url: str
    directory: Path

    def nginx_errors(self, since: int = 0) -> str:
        """nginx's complaints about the upstreams, from byte ``since`` of its log."""
        log = self.directory / "error.log"
        if not log.exists():
            return "(no error log)"
        text = log.read_bytes()[since:].decode(errors="replace")
        lines = [line for line in text.splitlines() if "upstream" in line]
        # A refused connection is retried on the other host: not the culprit.
        lines = [line for line in lines if "(111: Connection refused)" not in line]
        return "\n".join(lines[-10:])

    def nginx_log_size(self) -> int:
        log = self.directory / "error.log"
        return log.stat().st_size if log.exists() else 0

    def client(self) -> httpx.Client:
        return httpx.Client(base_url=self.url, timeout=10.0, trust_env=False)


def _start_nginx(
    binary: str, directory: Path, upstreams: list[str]
) -> tuple[subprocess.Popen, int]:
    port = free_port()
    conf = directory / "nginx.conf"
    conf.write_text(support.nginx_conf(directory, port, upstreams))
    error_log = directory / "error.log"
    proc = subprocess.Popen(
        [binary, "-p", f"{directory}/", "-c", str(conf), "-e", str(error_log)],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    if port_opens(port, 15, alive=lambda: proc.poll() is None):
        return proc, port
    terminate(proc, 10)  # SIGTERM: nginx's fast shutdown
    log = error_log.read_text() if error_log.exists() else "(no error log)"
    pytest.fail(f"nginx did not listen on {port}: exit={proc.poll()}\n{log[-3000:]}")


@pytest.fixture(scope="module")
def cluster() -> Iterator[Cluster]:
    reason = support.precondition()
    if reason:
        skip(reason)
    binary = NGINX.require()
    directory = Path(tempfile.mkdtemp(prefix="sanic-multihost-"))
    directory.chmod(0o755)
    try:
        with contextlib.ExitStack() as stack:
            try:
                hosts = stack.enter_context(support.hosts(LABELS, directory))
            except support.Refused as exc:
                skip(f"the kernel refused the test network: {exc}")
            for host in hosts:
                host.start()
            for host in hosts:
                host.wait_ready()
            proc, port = _start_nginx(
                binary, directory, [host.upstream for host in hosts]
            )
            stack.callback(terminate, proc, 10)
            yield Cluster(
                hosts={host.label: host for host in hosts},
                url=f"http://127.0.0.1:{port}",
                directory=directory,
            )
    finally:
        shutil.rmtree(directory, ignore_errors=True)


def test_requests_are_spread_over_both_hosts(cluster):
    with cluster.client() as client:
        answers = [client.get("/who").json() for _ in range(20)]
    counts = {label: 0 for label in LABELS}
    for answer in answers:
        host = cluster.hosts[answer["host"]]
        # It really ran in that host's network namespace.
        assert answer["netns"] == host.netns_inode
        counts[answer["host"]] += 1
    assert all(count >= 5 for count in counts.values()), counts


def test_each_host_sees_the_client_and_nginx_as_its_peer(cluster):
    seen: dict[str, dict[str, Any]] = {}
    with cluster.client() as client:
        for _ in range(10):
            answer = client.get("/who", headers={"X-Forwarded-For": "6.6.6.6"}).json()
            seen[answer["host"]] = answer
    assert set(seen) == set(LABELS)
    for label, answer in seen.items():
        # nginx appended the client's address to the one forged; with one
        # trusted proxy, only nginx's entry counts.
        assert answer["remote_addr"] == CLIENT
        assert answer["client_ip"] == CLIENT
        # request.ip is the socket's peer: nginx's end of this host's veth.
        assert answer["ip"] == cluster.hosts[label].root_addr


@dataclass
class Outcome:
    started: float
    ended: float
    host: str | None = None
    pid: int | None = None
    status: int | None = None
    error: str | None = None


def _load(
    client: httpx.Client,
    method: str,
    stop: threading.Event,
    cap: int,
    outcomes: list[Outcome],
) -> None:
    """Requests one after another until ``stop``, each appended to
    ``outcomes`` (shared by the threads) once answered; ``cap`` at most."""
    body = b"x" * 64 if method == "POST" else None
    for _ in range(cap):
        if stop.is_set():
            return
        outcome = Outcome(started=time.monotonic(), ended=0.0)
        try:
            response = client.request(
                method, "/who", params={"delay": "0.02"}, content=body
            )
            outcome.status = response.status_code
            if response.status_code == 200:
                answer = response.json()
                outcome.host, outcome.pid = answer["host"], answer["pid"]
            else:
                outcome.error = response.text[:200]
        except httpx.HTTPError as exc:
            outcome.error = repr(exc)
        outcome.ended = time.monotonic()
        outcomes.append(outcome)


def _wait_for(predicate: Any, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(0.02)


def _restart_under_load(cluster: Cluster, method: str) -> None:
    """Stop host-a with SIGTERM and start it again while 6 threads send
    ``method`` requests through nginx; check that none failed."""
    host = cluster.hosts["host-a"]
    old_pid = host.wait_ready()["pid"]
    log_start = cluster.nginx_log_size()
    outcomes: list[Outcome] = []
    stop = threading.Event()
    threads = 6
    with cluster.client() as client, ThreadPoolExecutor(threads + 1) as pool:
        loads = [
            pool.submit(_load, client, method, stop, 1000, outcomes)
            for _ in range(threads)
        ]
        try:
            _wait_for(
                lambda: {o.host for o in list(outcomes)} >= set(LABELS),
                5,
                "both hosts to answer under load",
            )
            # A slow request straight to host-a, in flight when it gets SIGTERM.
            slow = pool.submit(
                support.get_json, f"http://{host.upstream}/who?hold=0.5", 10.0
            )
            _wait_for(
                lambda: support.get_json(f"http://{host.upstream}/held")["now"],
                5,
                "the slow request to reach host-a",
            )
            terminated = time.monotonic()
            assert host.stop() == 0, host.log_tail()  # a clean, graceful exit
            down = time.monotonic()
            _wait_for(  # the load goes on with host-a gone
                lambda: sum(o.started >= down for o in list(outcomes)) >= 30,
                5,
                "requests while host-a is down",
            )
            restarting = time.monotonic()
            host.start()
            new_pid = host.wait_ready()["pid"]
            _wait_for(
                lambda: any(o.pid == new_pid for o in list(outcomes)),
                5,
                "the balancer to send requests to the restarted host-a",
            )
        finally:
            stop.set()
        for future in loads:
            future.result(30)
        in_flight = slow.result(10)

    failed = [o for o in outcomes if o.status != 200]
    print(f"{method}: {len(outcomes)} requests, {len(failed)} failed")
    assert not failed, (
        f"{len(failed)} of {len(outcomes)} failed: {failed[:3]}\n"
        f"nginx said:\n{cluster.nginx_errors(log_start)}\n{host.log_tail()}"
    )
    assert len(outcomes) >= 100, len(outcomes)
    # The request in flight at SIGTERM was answered, by the old host-a.
    assert in_flight["pid"] == old_pid
    assert new_pid != old_pid
    by_old_a = [o for o in outcomes if o.pid == old_pid]
    assert by_old_a and min(o.started for o in by_old_a) < terminated
    while_down = [o for o in outcomes if down <= o.started and o.ended <= restarting]
    assert while_down, "no request was sent while host-a was down"
    assert {o.host for o in while_down} == {"host-b"}


def test_no_request_fails_while_a_host_restarts_gracefully(cluster):
    # nginx retries a GET on the other host whatever went wrong with the first.
    _restart_under_load(cluster, "GET")


def test_no_post_fails_while_a_host_restarts_gracefully(cluster):
    # A POST is retried only when it was not sent: a host that is stopping
    # must refuse new connections at once, and answer those the kernel had
    # already queued for it (see tests/server/test_shutdown_backlog.py), not
    # reset them.
    _restart_under_load(cluster, "POST")
