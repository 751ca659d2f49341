"""The deployment guide (docs/deployment.md) is right for this project.

The commands and config snippets are read from the guide itself and run as
written, with only the address changed: ``0.0.0.0`` becomes ``127.0.0.1`` and
port 8000 a free loopback port (a unix socket path goes to a temporary
directory). So a snippet edited into something that no longer works fails
here. Each server is a real process, started in its own session and killed
with its whole group in ``finally``; each test makes real requests to it.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import textwrap
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from tests import processes
from tests.debian_support import NGINX
from tests.net import free_port, port_opens
from tests.processes import kill_group, logged

ROOT = Path(__file__).resolve().parent.parent
GUIDE = ROOT / "docs" / "deployment.md"
BIN = Path(sys.executable).parent
START_TIMEOUT = 30.0
STOP_TIMEOUT = 20.0
CLIENT = "127.0.0.2"  # a client address distinct from nginx's 127.0.0.1

# ---- reading the guide ---------------------------------------------------------------

_FENCE = re.compile(r"^( *)```(\w+)\n(.*?)^\1```", re.M | re.S)


def code_blocks(lang: str) -> list[str]:
    """The guide's fenced blocks in ``lang``, in order, dedented."""
    text = GUIDE.read_text()
    return [
        textwrap.dedent(body)
        for _indent, kind, body in _FENCE.findall(text)
        if kind == lang
    ]


def one_block(lang: str, marker: str) -> str:
    found = [block for block in code_blocks(lang) if marker in block]
    assert len(found) == 1, f"one {lang} block with {marker!r} in the guide: {found}"
    return found[0]


def server_py() -> str:
    return one_block("python", 'app = Sanic("MyApp")')


def shell_commands() -> list[str]:
    """Every command line the guide gives to start ``server:app``: in ``sh``
    blocks and in the table's backticks."""
    text = GUIDE.read_text()
    lines = [
        line.split("#", 1)[0].strip()
        for block in code_blocks("sh")
        for line in block.splitlines()
    ]
    lines += re.findall(r"^\| [^|]+\| `([^`]+)` \|", text, re.M)
    starts = ("sanic server:app", "uvicorn ", "hypercorn ", "granian ", "gunicorn ")
    found: list[str] = []
    for line in lines:
        if line.startswith(starts) and "server:app" in line and line not in found:
            found.append(line)
    return found


# ---- processes -----------------------------------------------------------------------


def localize(command: str, port: int) -> list[str]:
    """The guide's command on 127.0.0.1:``port``, run from this venv."""
    command = command.replace("0.0.0.0", "127.0.0.1").replace("8000", str(port))
    argv = command.split()
    if str(port) not in command and "--unix" not in argv:
        program = argv[0]  # no address given: the program's default, moved
        if program == "gunicorn":
            argv += ["--bind", f"127.0.0.1:{port}"]
        elif program == "hypercorn":
            argv += ["--bind", f"127.0.0.1:{port}"]
        else:
            argv += ["--port", str(port)]
    executable = BIN / argv[0]
    assert executable.exists(), f"{argv[0]} is not installed in {BIN}"
    return [str(executable), *argv[1:]]


class Running:
    def __init__(self, proc: subprocess.Popen, log: Path) -> None:
        self.proc = proc
        self.log = log

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def stop(self, *, workers_asked: int | None = None) -> int | None:
        """SIGTERM to the main process, as a supervisor stops it.

        With ``workers_asked`` (granian): a master that never told one of its
        workers to stop is granian's own race (seen with 4 workers on 2 CPUs,
        once every worker had started), not the app's: the group is killed and
        None returned. A worker that was told and did not stop still fails.
        """
        self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            output = self.output()
            if workers_asked is not None:
                asked = set(re.findall(r"Stopping worker-(\d+)", output))
                if len(asked) < workers_asked:
                    kill_group(self.proc, 5)
                    return None
            pytest.fail(f"no exit {STOP_TIMEOUT:.0f} s after SIGTERM:\n{output}")


@contextmanager
def running(
    argv: list[str], cwd: Path, env: dict[str, str] | None = None
) -> Iterator[Running]:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("SANIC_")}
    environ.update(env or {}, PYTHONUNBUFFERED="1", NO_COLOR="1")
    environ["PYTHONPATH"] = os.pathsep.join([str(cwd), str(ROOT)])
    log = cwd / f"server-{time.monotonic_ns()}.log"
    with logged(argv, log, cwd=cwd, env=environ, reap=10) as proc:
        yield Running(proc, log)


def wait_for_answer(
    server: Running, url: str, transport: httpx.BaseTransport | None = None
) -> httpx.Response:
    with httpx.Client(transport=transport, timeout=5, trust_env=False) as client:
        return processes.wait_for_answer(
            server.proc,
            lambda: client.get(url),
            timeout=START_TIMEOUT,
            errors=httpx.TransportError,
            output=server.output,
        )


def wait_for_output(server: Running, pattern: str, count: int) -> None:
    """Until ``pattern`` appears ``count`` times in the server's output."""
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if len(re.findall(pattern, server.output())) >= count:
            return
        time.sleep(0.1)
    pytest.fail(f"{pattern!r} not seen {count} times:\n{server.output()}")


@pytest.fixture
def app_dir() -> Iterator[Path]:
    """A directory holding the guide's server.py, readable by nginx's workers
    (they run as an unprivileged user, and pytest's tmp_path is private)."""
    directory = Path(tempfile.mkdtemp(prefix="sanic-guide-"))
    directory.chmod(0o755)
    (directory / "server.py").write_text(server_py())
    try:
        yield directory
    finally:
        shutil.rmtree(directory, ignore_errors=True)


# ---- the commands ----------------------------------------------------------------------


def test_the_guide_gives_a_command_for_every_way_of_running():
    programs = {command.split()[0] for command in shell_commands()}
    assert programs == {"sanic", "uvicorn", "hypercorn", "granian", "gunicorn"}


TCP_COMMANDS = [c for c in shell_commands() if "--unix" not in c]  # unix: nginx tests


@pytest.mark.parametrize("command", TCP_COMMANDS)
def test_each_command_serves_server_py(app_dir, command):
    port = free_port()
    argv = localize(command, port)
    with running(argv, app_dir) as server:
        response = wait_for_answer(server, f"http://127.0.0.1:{port}/")
        assert response.status_code == 200, server.output()
        assert response.json() == {"client": "127.0.0.1"}
        if argv[0].endswith("granian"):
            # SIGTERM while a granian worker is still starting leaves that
            # worker running (granian's own race): stop once all have started.
            workers = (
                int(argv[argv.index("--workers") + 1]) if "--workers" in argv else 1
            )
            wait_for_output(server, r"Started worker-\d+", workers)
            code = server.stop(workers_asked=workers)
        else:
            code = server.stop()
        output = server.output()
    assert "Traceback" not in output, output
    if argv[0].endswith(("sanic", "gunicorn")):
        assert code == 0, f"exit status {code}:\n{output}"


def test_a_bad_config_value_from_the_environment_is_one_line(app_dir):
    port = free_port()
    argv = localize("sanic server:app --port 8000", port)
    with running(argv, app_dir, {"SANIC_REQUEST_TIMEOUT": "soon"}) as server:
        code = server.proc.wait(START_TIMEOUT)
        output = server.output()
    assert code != 0
    assert "Traceback" not in output, output
    lines = [line for line in output.splitlines() if line.strip()]
    assert "SANIC_REQUEST_TIMEOUT" in lines[-1], output


def dockerfile() -> tuple[dict[str, str], list[str]]:
    """The guide's Dockerfile: its ENV settings and its CMD."""
    text = one_block("dockerfile", "CMD").replace("\\\n", " ")
    env: dict[str, str] = {}
    cmd: list[str] = []
    for line in text.splitlines():
        if line.startswith("ENV "):
            env.update(pair.split("=", 1) for pair in line[4:].split())
        elif line.startswith("CMD "):
            cmd = json.loads(line[4:])
    return env, cmd


def test_the_dockerfile_cmd_serves_with_its_environment(app_dir):
    env, cmd = dockerfile()
    assert env["SANIC_PROXIES_COUNT"] == "1"
    port = free_port()
    argv = localize(" ".join(cmd), port)
    with running(argv, app_dir, env) as server:
        wait_for_answer(server, f"http://127.0.0.1:{port}/")
        # PROXIES_COUNT=1 from the image's ENV: the client is the proxy's word.
        response = httpx.get(
            f"http://127.0.0.1:{port}/",
            headers={"X-Forwarded-For": "203.0.113.9"},
            timeout=5,
        )
        assert response.json() == {"client": "203.0.113.9"}
        code = server.stop()  # docker stop: SIGTERM to PID 1
    assert code == 0, server.output()


def test_the_gunicorn_conf_py_serves(app_dir):
    conf = one_block("python", "worker_class")
    port = free_port()
    conf = conf.replace("0.0.0.0:8000", f"127.0.0.1:{port}")
    assert f"127.0.0.1:{port}" in conf
    (app_dir / "gunicorn.conf.py").write_text(conf)
    text = GUIDE.read_text()
    start = re.search(r"Start it with `(gunicorn -c gunicorn\.conf\.py [^`]+)`", text)
    assert start, "the guide says how to start gunicorn with its conf file"
    with running(localize(start.group(1), port), app_dir) as server:
        response = wait_for_answer(server, f"http://127.0.0.1:{port}/")
        assert response.json() == {"client": "127.0.0.1"}
        code = server.stop()
    assert code == 0, server.output()


# ---- under an ASGI server: websockets and a path prefix -----------------------------

ASGI_EXTRAS = """

@app.websocket("/ws")
async def echo(request, ws):
    async for message in ws:
        await ws.send("echo: " + message)


@app.get("/where")
async def where(request):
    return json({"path": request.path, "url_for": request.url_for("where")})
"""

PREFIX_FLAGS = {
    "uvicorn": ["--root-path", "/api"],
    "hypercorn": ["--root-path", "/api"],
    "granian": ["--url-path-prefix", "/api"],
}


def asgi_command(program: str) -> str:
    """The guide's full command line for ``program`` (the one with workers),
    with one worker: what is checked here does not depend on their number."""
    (command,) = [
        c for c in shell_commands() if c.startswith(program + " ") and "--workers" in c
    ]
    return re.sub(r"--workers \d+", "--workers 1", command)


async def websocket_echo(url: str) -> str:
    from websockets.asyncio.client import connect

    async with connect(url, open_timeout=5, close_timeout=2) as ws:
        await ws.send("hi")
        return str(await asyncio.wait_for(ws.recv(), 5))


@pytest.mark.parametrize("program", ["uvicorn", "hypercorn", "granian"])
def test_asgi_servers_serve_websockets_and_a_stripped_prefix(app_dir, program):
    (app_dir / "server.py").write_text(server_py() + ASGI_EXTRAS)
    port = free_port()
    argv = localize(asgi_command(program), port) + PREFIX_FLAGS[program]
    env = {"SANIC_SERVER_NAME": "https://example.com/api"}
    with running(argv, app_dir, env) as server:
        wait_for_answer(server, f"http://127.0.0.1:{port}/")
        # The proxy stripped /api: the app routes on the rest, and url_for
        # builds the public URL from SERVER_NAME.
        where = httpx.get(f"http://127.0.0.1:{port}/where", timeout=5).json()
        assert where == {"path": "/where", "url_for": "https://example.com/api/where"}
        echoed = asyncio.run(websocket_echo(f"ws://127.0.0.1:{port}/ws"))
        assert echoed == "echo: hi"
        server.stop()
    assert "Traceback" not in server.output(), server.output()


# ---- the shared-store snippet -------------------------------------------------------

FAKE_REDIS = '''
"""A stand-in for redis.asyncio: one counter store for every client."""
STORE = {}
EVENTS = []


class Client:
    def __init__(self, url):
        EVENTS.append("from_url " + url)

    async def incr(self, key):
        STORE[key] = STORE.get(key, 0) + 1
        return STORE[key]

    async def aclose(self):
        EVENTS.append("aclose")


def from_url(url):
    return Client(url)
'''

DRIVE = """
import server, redis.asyncio as fake
print([server.app.asgi_client.get("/hits")[1].json for _ in range(2)])
print(fake.EVENTS)
"""


def test_the_redis_snippet_keeps_one_counter_for_all_workers(tmp_path):
    snippet = one_block("python", "redis.asyncio")
    (tmp_path / "server.py").write_text(server_py() + "\n\n" + snippet)
    package = tmp_path / "redis"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "asyncio.py").write_text(FAKE_REDIS)
    env = {k: v for k, v in os.environ.items() if not k.startswith("SANIC_")}
    env.update(SANIC_REDIS_URL="redis://store:6379/0", PYTHONPATH=str(tmp_path))
    result = subprocess.run(
        [sys.executable, "-c", DRIVE],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    hits, events = result.stdout.splitlines()[-2:]
    assert hits == "[{'hits': 1}, {'hits': 2}]"
    # A pool opened before serving (from SANIC_REDIS_URL) and closed after.
    assert events == str(["from_url redis://store:6379/0", "aclose"] * 2)


# ---- nginx ---------------------------------------------------------------------------


def nginx_snippets() -> dict[str, str]:
    """The guide's nginx setups, each a complete ``http``-level config."""
    tcp = one_block("nginx", "server 127.0.0.1:8000;")
    maps = one_block("nginx", "map $remote_addr $fwd_for")
    forwarded = one_block("nginx", "proxy_set_header Forwarded").strip()
    unix_upstream = one_block("nginx", "server unix:")
    hosts = one_block("nginx", "upstream app_hosts")
    xff_lines = re.compile(r"^( *)proxy_set_header X-Forwarded-For .*\n.*\n", re.M)
    assert xff_lines.search(tcp), tcp
    server_block = tcp[tcp.index("server {") :]
    return {
        "xff": tcp,
        "forwarded": maps
        + "\n"
        + xff_lines.sub(lambda m: m.group(1) + forwarded + "\n", tcp),
        "unix": unix_upstream + "\n" + server_block,
        "hosts": hosts,
    }


def nginx_conf(directory: Path, site: str) -> Path:
    for name in ("logs", "tmp"):
        (directory / name).mkdir(exist_ok=True)
    conf = directory / "nginx.conf"
    conf.write_text(
        f"""daemon off;
pid {directory}/logs/nginx.pid;
error_log {directory}/logs/error.log;
worker_processes 1;
events {{ worker_connections 64; }}
http {{
    access_log off;
    client_body_temp_path {directory}/tmp/body;
    proxy_temp_path {directory}/tmp/proxy;
    fastcgi_temp_path {directory}/tmp/fastcgi;
    uwsgi_temp_path {directory}/tmp/uwsgi;
    scgi_temp_path {directory}/tmp/scgi;
{textwrap.indent(site, "    ")}
}}
"""
    )
    return conf


@pytest.fixture(scope="module")
def nginx() -> str:
    return NGINX.require()


@pytest.mark.timeout(900)  # a first install of nginx may be slow
@pytest.mark.parametrize("setup", ["xff", "forwarded", "unix", "hosts"])
def test_every_nginx_snippet_is_a_valid_config(nginx, tmp_path, setup):
    conf = nginx_conf(tmp_path, nginx_snippets()[setup])
    result = subprocess.run(
        [nginx, "-t", "-p", f"{tmp_path}/", "-c", str(conf), "-e", "stderr"],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 0, result.stderr


@contextmanager
def nginx_running(binary: str, directory: Path, site: str) -> Iterator[int]:
    port = free_port()
    site = re.sub(r"listen 80;", f"listen 127.0.0.1:{port};", site)
    conf = nginx_conf(directory, site)
    proc = subprocess.Popen(
        [binary, "-p", f"{directory}/", "-c", str(conf), "-e", "stderr"],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        if not port_opens(port, 15, alive=lambda: proc.poll() is None):
            proc.kill()
            pytest.fail(f"nginx did not start: {proc.communicate()[1]}")
        yield port
    finally:
        kill_group(proc, 10)


# setup: (the guide's command, the app's proxy setting as the guide gives it)
NGINX_SETUPS = {
    "xff": ("sanic server:app --host 127.0.0.1", {"SANIC_PROXIES_COUNT": "1"}),
    "forwarded": (
        "sanic server:app --host 127.0.0.1",
        {"SANIC_FORWARDED_SECRET": "s3cr3t"},
    ),
    "unix": ("sanic server:app --unix", {"SANIC_PROXIES_COUNT": "1"}),
}


@pytest.mark.timeout(900)  # a first install of nginx may be slow
@pytest.mark.parametrize("setup", list(NGINX_SETUPS))
def test_behind_the_guides_nginx_the_app_sees_the_client(nginx, app_dir, setup):
    start, env = NGINX_SETUPS[setup]
    (command,) = [c for c in shell_commands() if c.startswith(start)]
    site = nginx_snippets()[setup]
    port = free_port()
    if setup == "unix":
        guide_path = re.search(r"--unix (\S+)", command).group(1)  # type: ignore[union-attr]
        path = str(app_dir / "app.sock")
        command = command.replace(guide_path, path)
        site = site.replace(guide_path, path)
        ready = "http://localhost/"
        transport: httpx.BaseTransport | None = httpx.HTTPTransport(uds=path)
    else:
        site = site.replace("127.0.0.1:8000", f"127.0.0.1:{port}")
        ready, transport = f"http://127.0.0.1:{port}/", None
    with running(localize(command, port), app_dir, env) as server:
        wait_for_answer(server, ready, transport)
        with nginx_running(nginx, app_dir, site) as proxy_port:
            client = httpx.Client(
                transport=httpx.HTTPTransport(local_address=CLIENT),
                timeout=5,
                trust_env=False,
            )
            with client:
                response = client.get(f"http://127.0.0.1:{proxy_port}/")
        assert response.status_code == 200, server.output()
        assert response.json() == {"client": CLIENT}
        assert server.stop() == 0, server.output()
