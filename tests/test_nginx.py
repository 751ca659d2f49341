"""Acceptance: a real nginx in front of the server, as in the guide's "Nginx
Deployment" page.

nginx (the Debian package, installed by this module when missing) listens on
two free loopback ports, one plain and one terminating TLS with a certificate
made here with the openssl command, and proxies to our server over TCP and
over a unix socket. The client connects from 127.0.0.2 while nginx connects
upstream from 127.0.0.1, so the client's address and nginx's differ.

Three ways of configuring the proxy are checked, each with the matching app
config: the RFC 7239 Forwarded header carrying a secret (FORWARDED_SECRET, the
guide's own setup), X-Forwarded-For (PROXIES_COUNT=1), and X-Real-IP
(REAL_IP_HEADER). In every case ``request.remote_addr`` and
``request.client_ip`` are the client's, ``request.scheme`` is the scheme the
client used towards nginx, and ``request.ip`` stays what the guide says it is
behind a proxy: the address of the proxy (nginx's 127.0.0.1 over TCP, none
over a unix socket).
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import ssl
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from sanic import Sanic
from sanic.response import json, text
from tests.debian_support import NGINX
from tests.net import free_port, port_opens
from tests.processes import terminate
from tests.server_thread import serve_in_thread

# Installing nginx may take the first test a few minutes (each apt-get step in
# tests/debian_support.py has its own timeout); the requests take seconds.
pytestmark = pytest.mark.timeout(900)

CLIENT = "127.0.0.2"
NGINX_UPSTREAM = "127.0.0.1"
SECRET = "nginx-" + uuid.uuid4().hex
TIMEOUT = 10.0

MODES = {
    # mode: (app config, nginx directives for the location)
    "forwarded": (
        {"FORWARDED_SECRET": SECRET},
        [
            'proxy_set_header Forwarded "$fwd_prior$fwd_for;proto=$scheme;'
            'host=\\"$http_host\\";path=\\"$request_uri\\";by=_nginx;'
            f'secret=\\"{SECRET}\\"";',
        ],
    ),
    "xff": (
        {"PROXIES_COUNT": 1},
        [
            "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;",
            "proxy_set_header X-Forwarded-Proto $scheme;",
            "proxy_set_header X-Forwarded-Host $host;",
            "proxy_set_header X-Forwarded-Port $server_port;",
        ],
    ),
    "realip": (
        {"REAL_IP_HEADER": "X-Real-IP"},
        [
            "proxy_set_header X-Real-IP $remote_addr;",
            "proxy_set_header X-Forwarded-Proto $scheme;",
            "proxy_set_header Host $http_host;",
        ],
    ),
}
TRANSPORTS = ("tcp", "unix")


# ---------------------------------------------------------------------------
# Finding or installing nginx (tests/debian_support.py)


@pytest.fixture(scope="module")
def nginx_binary() -> str:
    return NGINX.require()


# ---------------------------------------------------------------------------
# The servers


def _make_app(mode: str, transport: str) -> Sanic:
    app = Sanic(f"nginx_{mode}_{transport}_{uuid.uuid4().hex[:8]}")
    app.config.update(MODES[mode][0])
    app.config.ACCESS_LOG = False

    @app.get("/info")
    async def info(request):
        return json(
            {
                "ip": request.ip,
                "remote_addr": request.remote_addr,
                "client_ip": request.client_ip,
                "scheme": request.scheme,
                "host": request.host,
                "server_name": request.server_name,
                "server_port": request.server_port,
                "server_path": request.server_path,
                "url_for": request.url_for("user", uid=7),
                "forwarded": request.forwarded,
            }
        )

    @app.get("/users/<uid:int>", name="user")
    async def user(request, uid):
        return text(str(uid))

    return app


def _make_cert(directory: Path) -> tuple[Path, Path]:
    openssl = shutil.which("openssl")
    if openssl is None:
        reason = "the openssl command is not installed (needed for nginx's TLS)"
        print(f"SKIP: {reason}")
        pytest.skip(reason)
    cert, key = directory / "cert.pem", directory / "key.pem"
    subprocess.run(
        [
            openssl,
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "2",
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1,DNS:localhost",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
        timeout=60,
    )
    return cert, key


def _nginx_conf(
    directory: Path,
    http_port: int,
    https_port: int,
    upstreams: dict[tuple[str, str], str],
    cert: Path,
    key: Path,
) -> str:
    user = ""
    if os.geteuid() == 0:  # workers would otherwise switch to "nobody"
        user = f"user {pwd.getpwuid(os.geteuid()).pw_name};"
    blocks, locations = [], []
    for (mode, transport), address in upstreams.items():
        name = f"{mode}_{transport}"
        blocks.append(f"upstream {name} {{ server {address}; keepalive 4; }}")
        directives = [
            f"proxy_pass http://{name}/;",
            "proxy_http_version 1.1;",
            'proxy_set_header Connection "";',
            *MODES[mode][1],
        ]
        if transport == "tcp":
            directives.append(f"proxy_bind {NGINX_UPSTREAM};")
        body = "\n            ".join(directives)
        locations.append(
            f"location /{mode}/{transport}/ {{\n            {body}\n        }}"
        )
    temp = {
        name: directory / name
        for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    }
    upstream_blocks = "\n    ".join(blocks)
    location_blocks = "\n        ".join(locations)
    return f"""
{user}
daemon off;
worker_processes 1;
pid {directory}/nginx.pid;
error_log {directory}/error.log info;
events {{ worker_connections 64; }}
http {{
    access_log {directory}/access.log;
    default_type application/octet-stream;
    client_body_temp_path {temp["client_body"]};
    proxy_temp_path {temp["proxy"]};
    fastcgi_temp_path {temp["fastcgi"]};
    uwsgi_temp_path {temp["uwsgi"]};
    scgi_temp_path {temp["scgi"]};

    # The nearest element of RFC 7239 Forwarded, appended to what came in.
    map $remote_addr $fwd_for {{
        ~^[0-9.]+$        "for=$remote_addr";
        ~^[0-9A-Fa-f:.]+$ "for=\\"[$remote_addr]\\"";
        default           "for=unknown";
    }}
    map $http_forwarded $fwd_prior {{
        ""      "";
        default "$http_forwarded, ";
    }}

    {upstream_blocks}

    server {{
        listen 127.0.0.1:{http_port};
        listen 127.0.0.1:{https_port} ssl;
        ssl_certificate {cert};
        ssl_certificate_key {key};
        {location_blocks}
    }}
}}
"""


def _wait_for_port(port: int, proc: subprocess.Popen, error_log: Path) -> None:
    if port_opens(port, 15, alive=lambda: proc.poll() is None):
        return
    log = error_log.read_text() if error_log.exists() else "(no error log)"
    pytest.fail(f"nginx did not listen on {port}: exit={proc.poll()}\n{log[-3000:]}")


class Proxy:
    def __init__(self, http_port: int, https_port: int, cert: Path) -> None:
        self.ports = {"http": http_port, "https": https_port}
        self.cert = cert

    def get(self, scheme: str, path: str, headers: Any = None) -> dict[str, Any]:
        """GET through nginx from the client address 127.0.0.2."""
        verify: Any = True
        if scheme == "https":
            verify = ssl.create_default_context(cafile=str(self.cert))
        transport = httpx.HTTPTransport(local_address=CLIENT, verify=verify)
        url = f"{scheme}://127.0.0.1:{self.ports[scheme]}{path}"
        with httpx.Client(transport=transport, timeout=TIMEOUT) as client:
            response = client.get(url, headers=headers)
        assert response.status_code == 200, response.text
        return response.json()


@pytest.fixture(scope="module")
def proxy(nginx_binary) -> Iterator[Proxy]:
    directory = Path(tempfile.mkdtemp(prefix="sanic-nginx-"))
    directory.chmod(0o755)
    apps: list[Sanic] = []
    with contextlib.ExitStack() as stack:
        stack.callback(shutil.rmtree, directory, True)
        cert, key = _make_cert(directory)
        upstreams: dict[tuple[str, str], str] = {}
        for mode in MODES:
            for transport in TRANSPORTS:
                app = _make_app(mode, transport)
                apps.append(app)
                stack.callback(Sanic.unregister_app, app)
                if transport == "tcp":
                    port = stack.enter_context(serve_in_thread(app))
                    upstreams[mode, transport] = f"127.0.0.1:{port}"
                else:
                    path = directory / f"{mode}.sock"
                    stack.enter_context(serve_in_thread(app, unix=str(path)))
                    upstreams[mode, transport] = f"unix:{path}"
        http_port, https_port = free_port(), free_port()
        conf = directory / "nginx.conf"
        conf.write_text(
            _nginx_conf(directory, http_port, https_port, upstreams, cert, key)
        )
        error_log = directory / "error.log"
        proc = subprocess.Popen(
            [
                nginx_binary,
                "-p",
                f"{directory}/",
                "-c",
                str(conf),
                "-e",
                str(error_log),
            ],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        stack.callback(terminate, proc, 10)  # SIGTERM: nginx's fast shutdown
        _wait_for_port(http_port, proc, error_log)
        _wait_for_port(https_port, proc, error_log)
        yield Proxy(http_port, https_port, cert)


# ---------------------------------------------------------------------------
# The tests

CASES = [
    (mode, transport, scheme)
    for mode in MODES
    for transport in TRANSPORTS
    for scheme in ("http", "https")
]


@pytest.mark.parametrize(
    ("mode", "transport", "scheme"), CASES, ids=["-".join(case) for case in CASES]
)
def test_handler_sees_the_client_not_nginx(proxy, mode, transport, scheme):
    seen = proxy.get(scheme, f"/{mode}/{transport}/info")
    assert seen["remote_addr"] == CLIENT
    assert seen["client_ip"] == CLIENT
    assert seen["scheme"] == scheme
    # request.ip is the socket's peer: nginx (none over a unix socket).
    assert seen["ip"] == (NGINX_UPSTREAM if transport == "tcp" else "")


@pytest.mark.parametrize(
    ("mode", "transport", "scheme"), CASES, ids=["-".join(case) for case in CASES]
)
def test_urls_are_nginx_public_ones(proxy, mode, transport, scheme):
    port = proxy.ports[scheme]
    seen = proxy.get(scheme, f"/{mode}/{transport}/info")
    assert seen["server_name"] == "127.0.0.1"
    assert seen["server_port"] == port
    assert seen["url_for"] == f"{scheme}://127.0.0.1:{port}/users/7"


@pytest.mark.parametrize("transport", TRANSPORTS)
def test_forwarded_carries_nginx_path_and_obfuscated_name(proxy, transport):
    seen = proxy.get("https", f"/forwarded/{transport}/info?q=1")
    assert seen["server_path"] == f"/forwarded/{transport}/info?q=1"
    assert seen["forwarded"]["by"] == "_nginx"
    assert seen["forwarded"]["secret"] == SECRET


SPOOFED = {
    "Forwarded": "for=6.6.6.6;proto=http;secret=guessed",
    "X-Forwarded-For": "6.6.6.6",
    "X-Real-IP": "6.6.6.6",
    "X-Forwarded-Proto": "http",
}


@pytest.mark.parametrize(
    ("mode", "transport"),
    [(mode, transport) for mode in MODES for transport in TRANSPORTS],
)
def test_headers_a_client_forges_through_nginx_do_not_count(proxy, mode, transport):
    seen = proxy.get("https", f"/{mode}/{transport}/info", headers=SPOOFED)
    assert seen["remote_addr"] == CLIENT
    assert seen["client_ip"] == CLIENT
    assert seen["scheme"] == "https"


def test_a_malformed_forwarded_from_the_client_does_not_hide_nginx_element(proxy):
    headers = {"Forwarded": 'for="6.6.6.6;secret=' + SECRET + ";b0rked"}
    seen = proxy.get("https", "/forwarded/tcp/info", headers=headers)
    assert seen["remote_addr"] == CLIENT
    assert seen["scheme"] == "https"
