"""Two "hosts" behind nginx, built from Linux network namespaces.

Each host is a network namespace joined to the root namespace by a veth
pair with a /30 of its own from 10.231.0.0/16: the root end (nginx's side)
gets the first address of the /30, the namespace end the second. Those exist only
on the veths made here, and nothing is sent anywhere else. Names carry a
random token, and the /30s are chosen under a lock among the ones no other
interface uses, so test runs in parallel do not meet.

Run as a script, this module is the app each host serves::

    ip netns exec NS python -m tests.multihost_support LABEL ADDRESS PORT

with ``app.run(host=ADDRESS, port=PORT, workers=1)``: the worker manager in
the namespace, as on a real machine, so SIGTERM is the real graceful
shutdown. The app trusts one proxy (``SANIC_PROXIES_COUNT=1`` in its
environment, the container way of configuring it).
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import pwd
import random
import re
import secrets
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
SERVER_PORT = 8000  # the same port on every host, as behind a real balancer
SUBNET_PREFIX = "10.231"
LOCK_PATH = Path(tempfile.gettempdir()) / "sanic-tests-multihost.lock"
START_TIMEOUT = 15.0
STOP_TIMEOUT = 10.0


class Refused(Exception):
    """The kernel or the machine will not let us build the network."""


# ---------------------------------------------------------------------------
# The app each host serves


def make_app(label: str) -> Any:
    """An app that says which host and namespace answered, and whom it saw."""
    import asyncio

    from sanic import Sanic
    from sanic.response import json as json_response

    app = Sanic("multihost")
    netns = os.stat("/proc/self/ns/net").st_ino

    held = {"now": 0}

    @app.route("/who", methods=["GET", "POST"])
    async def who(request):
        """Who answered, and whom it saw. ``?delay=S`` answers S seconds
        later; ``?hold=S`` too, counted in ``/held`` meanwhile."""
        hold = min(float(request.args.get("hold", 0)), 5.0)
        delay = min(float(request.args.get("delay", 0)), 5.0)
        if hold > 0:
            held["now"] += 1
            try:
                await asyncio.sleep(hold)
            finally:
                held["now"] -= 1
        elif delay > 0:
            await asyncio.sleep(delay)
        return json_response(
            {
                "host": label,
                "netns": netns,
                "pid": os.getpid(),
                "ip": request.ip,
                "remote_addr": request.remote_addr,
                "client_ip": request.client_ip,
                "body": len(request.body),
            }
        )

    @app.get("/held")
    async def held_now(request):
        return json_response(held)

    return app


# ---------------------------------------------------------------------------
# Commands


def ip(*args: str, check: bool = True) -> subprocess.CompletedProcess:
    """Run ``ip ARGS``; raise `Refused` with its message when ``check`` fails."""
    result = subprocess.run(
        ["ip", *args],
        capture_output=True,
        text=True,
        timeout=15,
        stdin=subprocess.DEVNULL,
    )
    if check and result.returncode:
        raise Refused(f"'ip {' '.join(args)}' failed: {result.stderr.strip()}")
    return result


def precondition() -> str:
    """Why two namespaces cannot be built here ("" when they can)."""
    if not sys.platform.startswith("linux"):
        return "network namespaces are a Linux feature"
    if os.geteuid() != 0:
        return "creating network namespaces needs root"
    from tests.debian_support import IPROUTE2  # not in the app's processes

    binary, reason = IPROUTE2.locate()
    if binary is None:
        return f"the ip command (iproute2) is missing: {reason}"
    return ""


def get_json(url: str, timeout: float = 2.0) -> dict[str, Any]:
    """GET ``url`` directly (no proxy from the environment); its JSON body."""
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(url, timeout=timeout) as response:
        return json.loads(response.read())


# ---------------------------------------------------------------------------
# Hosts


@dataclass
class Host:
    """One namespace, its veth pair, and the server process in it."""

    label: str
    netns: str
    veth_root: str
    veth_ns: str
    root_addr: str  # nginx's end: the peer the server sees
    ns_addr: str  # where the server listens
    logs: Path
    proc: subprocess.Popen | None = None
    starts: int = 0
    log_files: list[Path] = field(default_factory=list)

    @property
    def upstream(self) -> str:
        return f"{self.ns_addr}:{SERVER_PORT}"

    @property
    def netns_inode(self) -> int:
        return os.stat(f"/run/netns/{self.netns}").st_ino

    def start(self) -> None:
        """Start the server in the namespace (not waiting for it)."""
        log = self.logs / f"{self.label}-{self.starts}.log"
        self.starts += 1
        self.log_files.append(log)
        env = {
            **os.environ,
            "SANIC_PROXIES_COUNT": "1",
            "SANIC_ACCESS_LOG": "false",
            "SANIC_MOTD": "false",
            "PYTHONUNBUFFERED": "1",
        }
        with open(log, "wb") as out:
            self.proc = subprocess.Popen(
                [
                    "ip",
                    "netns",
                    "exec",
                    self.netns,
                    sys.executable,
                    "-m",  # not the file: tests/http would shadow the stdlib's
                    "tests.multihost_support",
                    self.label,
                    self.ns_addr,
                    str(SERVER_PORT),
                ],
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                env=env,
                cwd=REPO,
                start_new_session=True,  # its own group, killed as one below
            )

    def wait_ready(self, timeout: float = START_TIMEOUT) -> dict[str, Any]:
        """Wait until the server answers on its own address; its answer."""
        assert self.proc is not None
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                break
            with contextlib.suppress(OSError, ValueError):
                return get_json(f"http://{self.upstream}/who", timeout=1.0)
            time.sleep(0.05)
        raise RuntimeError(
            f"{self.label} did not answer on {self.upstream} within {timeout} s "
            f"(exit code {self.proc.poll()}):\n{self.log_tail()}"
        )

    def terminate(self) -> None:
        """Send SIGTERM: the server's graceful shutdown begins."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)

    def stop(self) -> int | None:
        """SIGTERM, then wait (killing it after STOP_TIMEOUT); the exit code."""
        if self.proc is None:
            return None
        self.terminate()
        try:
            return self.proc.wait(STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            self.kill()
            return None

    def kill(self) -> None:
        """Kill what this host runs: the server's group, then anything left
        in the namespace (every process there was started by this test)."""
        if self.proc is not None and self.proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGKILL)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.proc.wait(5)
        pids = ip("netns", "pids", self.netns, check=False).stdout.split()
        for pid in pids:
            with contextlib.suppress(ProcessLookupError, ValueError):
                os.kill(int(pid), signal.SIGKILL)

    def log_tail(self, chars: int = 3000) -> str:
        return "\n".join(
            f"--- {log.name}\n{log.read_text(errors='replace')[-chars:]}"
            for log in self.log_files
            if log.exists()
        )


def _used_subnets() -> set[int]:
    out = ip("-o", "-4", "addr", "show").stdout
    pattern = rf"inet {re.escape(SUBNET_PREFIX)}\.(\d+)\."
    return {int(third) for third in re.findall(pattern, out)}


@contextlib.contextmanager
def hosts(labels: tuple[str, ...], logs: Path) -> Iterator[list[Host]]:
    """Build one namespace and veth pair per label; tear all down after.

    Raises `Refused` when the kernel will not create them.
    """
    token = secrets.token_hex(3)
    made: list[Host] = []
    try:
        with open(LOCK_PATH, "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)  # held for a second at most
            try:
                free = sorted(set(range(1, 255)) - _used_subnets())
                if not free:
                    raise Refused(f"no free /24 left in {SUBNET_PREFIX}.0.0/16")
                third = random.choice(free)
                for index, label in enumerate(labels):
                    base = index * 4
                    host = Host(
                        label=label,
                        netns=f"smh{token}{index}",
                        veth_root=f"smh{token}{index}r",
                        veth_ns=f"smh{token}{index}n",
                        root_addr=f"{SUBNET_PREFIX}.{third}.{base + 1}",
                        ns_addr=f"{SUBNET_PREFIX}.{third}.{base + 2}",
                        logs=logs,
                    )
                    ip("netns", "add", host.netns)
                    made.append(host)
                    _wire(host)
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)
        yield made
    finally:
        for host in made:
            host.terminate()
        for host in made:
            host.stop()
            host.kill()
        for host in made:
            # The veth pair goes with the namespace; the root end is deleted
            # too in case it was made but not yet moved.
            ip("netns", "del", host.netns, check=False)
            ip("link", "del", host.veth_root, check=False)


def _wire(host: Host) -> None:
    ip("link", "add", host.veth_root, "type", "veth", "peer", "name", host.veth_ns)
    ip("link", "set", host.veth_ns, "netns", host.netns)
    ip("addr", "add", f"{host.root_addr}/30", "dev", host.veth_root)
    ip("link", "set", host.veth_root, "up")
    inside = ("netns", "exec", host.netns, "ip")
    ip(*inside, "addr", "add", f"{host.ns_addr}/30", "dev", host.veth_ns)
    ip(*inside, "link", "set", host.veth_ns, "up")
    ip(*inside, "link", "set", "lo", "up")


# ---------------------------------------------------------------------------
# nginx, the load balancer


def nginx_conf(directory: Path, port: int, upstreams: list[str]) -> str:
    """Round robin over ``upstreams``; a GET that meets a refused or reset
    connection is retried on the next host (``proxy_next_upstream``)."""
    user = ""
    if os.geteuid() == 0:  # workers would otherwise switch to "nobody"
        user = f"user {pwd.getpwuid(os.geteuid()).pw_name};"
    # max_fails=0: a host that failed is tried again on the next request, so
    # a restarted one is back in the rotation at once (nginx's default would
    # leave it out for 10 s).
    servers = "\n        ".join(f"server {up} max_fails=0;" for up in upstreams)
    temp = {
        name: directory / name
        for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    }
    return f"""
{user}
daemon off;
worker_processes 1;
pid {directory}/nginx.pid;
error_log {directory}/error.log info;
events {{ worker_connections 256; }}
http {{
    access_log {directory}/access.log;
    client_body_temp_path {temp["client_body"]};
    proxy_temp_path {temp["proxy"]};
    fastcgi_temp_path {temp["fastcgi"]};
    uwsgi_temp_path {temp["uwsgi"]};
    scgi_temp_path {temp["scgi"]};

    upstream app_hosts {{
        {servers}
        keepalive 16;
    }}

    server {{
        listen 127.0.0.1:{port};
        location / {{
            proxy_pass http://app_hosts;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $http_host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
            proxy_next_upstream error timeout;
            proxy_connect_timeout 2s;
        }}
    }}
}}
"""


if __name__ in ("__main__", "__mp_main__"):
    # The server process, and (as __mp_main__) its spawned worker, which
    # makes the app anew by importing this file again.
    app = make_app(sys.argv[1])

if __name__ == "__main__":
    app.run(host=sys.argv[2], port=int(sys.argv[3]), workers=1)
