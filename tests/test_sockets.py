"""Where the server listens: host/port, IPv6, a given socket, unix sockets, backlog."""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
import stat
import subprocess
import time
from collections.abc import Callable
from typing import Any

import pytest

from sanic import Sanic
from sanic.response import text
from tests.net import free_port
from tests.server_thread import read_until_closed


def serve_while(app: Sanic, client: Callable[[], Any], **run_kwargs: Any) -> Any:
    """``app.run(...)`` in this process; once it is up, ``client()`` runs in a
    thread; then the app is stopped and ``client()``'s result returned."""
    outcome: dict[str, Any] = {}
    tasks: list[asyncio.Future] = []

    @app.after_server_start
    async def drive(app_: Sanic) -> None:
        loop = asyncio.get_running_loop()

        async def run_client() -> None:
            try:
                outcome["value"] = await loop.run_in_executor(None, client)
            except BaseException as exc:  # surfaced below
                outcome["error"] = exc
            finally:
                app_.stop()

        tasks.append(asyncio.ensure_future(run_client()))

    run_kwargs.setdefault("single_process", True)
    run_kwargs.setdefault("register_sys_signals", False)
    app.run(**run_kwargs)
    if "error" in outcome:
        raise outcome["error"]
    return outcome.get("value")


def http_get(family: int, address: Any, target: str = "/") -> bytes:
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        sock.settimeout(5)
        sock.connect(address)
        sock.sendall(
            f"GET {target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode()
        )
        return read_until_closed(sock)


def has_ipv6_loopback() -> bool:
    if not socket.has_ipv6:
        return False
    try:
        with socket.socket(socket.AF_INET6, socket.SOCK_STREAM) as sock:
            sock.bind(("::1", 0))
    except OSError:
        return False
    return True


@pytest.fixture
def hello(app: Sanic) -> Sanic:
    @app.get("/")
    async def index(request):
        return text(f"hello from {request.conn_info.server or 'unix'}")

    return app


def test_serves_on_host_and_port(hello):
    port = free_port()
    body = serve_while(
        hello,
        lambda: http_get(socket.AF_INET, ("127.0.0.1", port)),
        host="127.0.0.1",
        port=port,
    )
    assert body.startswith(b"HTTP/1.1 200 OK")
    assert body.endswith(f"hello from 127.0.0.1:{port}".encode())


def test_serves_on_ipv6_loopback(hello):
    if not has_ipv6_loopback():
        pytest.skip("no IPv6 loopback (::1) on this machine")
    port = free_port()
    body = serve_while(
        hello,
        lambda: http_get(socket.AF_INET6, ("::1", port)),
        host="::1",
        port=port,
    )
    assert body.startswith(b"HTTP/1.1 200 OK")
    assert body.endswith(f"hello from [::1]:{port}".encode())


def test_serves_on_an_already_bound_socket(hello):
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    body = serve_while(
        hello,
        lambda: http_get(socket.AF_INET, ("127.0.0.1", port)),
        sock=sock,
    )
    assert body.startswith(b"HTTP/1.1 200 OK")
    # The server closed the socket it was given when it stopped.
    assert sock.fileno() == -1


def test_unix_socket_serves_and_is_removed_on_shutdown(hello, tmp_path):
    path = str(tmp_path / "app.sock")

    def client() -> tuple[bytes, int]:
        mode = os.stat(path).st_mode
        assert stat.S_ISSOCK(mode)
        return http_get(socket.AF_UNIX, path), stat.S_IMODE(mode)

    body, mode = serve_while(hello, client, unix=path)
    assert body.startswith(b"HTTP/1.1 200 OK")
    assert body.endswith(b"hello from " + path.encode())
    assert mode == 0o666  # the default, whatever the umask
    assert not os.path.exists(path)


def test_unix_mode_argument_sets_permissions(hello, tmp_path):
    path = str(tmp_path / "app.sock")
    mode = serve_while(
        hello, lambda: stat.S_IMODE(os.stat(path).st_mode), unix=path, unix_mode=0o600
    )
    assert mode == 0o600


def test_unix_mode_from_config(hello, tmp_path):
    path = str(tmp_path / "app.sock")
    hello.config.UNIX_MODE = 0o640
    mode = serve_while(hello, lambda: stat.S_IMODE(os.stat(path).st_mode), unix=path)
    assert mode == 0o640


def test_unix_path_from_config_when_nothing_else_is_given(hello, tmp_path):
    path = str(tmp_path / "configured.sock")
    hello.config.UNIX = path
    body = serve_while(hello, lambda: http_get(socket.AF_UNIX, path))
    assert body.startswith(b"HTTP/1.1 200 OK")
    assert not os.path.exists(path)


def test_run_unix_socket_helper(hello, tmp_path):
    path = str(tmp_path / "helper.sock")

    def client() -> tuple[bytes, int]:
        return http_get(socket.AF_UNIX, path), stat.S_IMODE(os.stat(path).st_mode)

    outcome: dict[str, Any] = {}

    @hello.after_server_start
    async def drive(app_):
        loop = asyncio.get_running_loop()
        outcome["value"] = await loop.run_in_executor(None, client)
        app_.stop()

    hello.run_unix_socket(
        path, mode=0o660, register_sys_signals=False, single_process=True
    )
    body, mode = outcome["value"]
    assert body.startswith(b"HTTP/1.1 200 OK")
    assert mode == 0o660
    assert not os.path.exists(path)


def test_stale_unix_socket_file_is_replaced(hello, tmp_path):
    path = str(tmp_path / "stale.sock")
    dead = socket.socket(socket.AF_UNIX)
    dead.bind(path)
    dead.close()  # the file stays behind, nobody listening
    assert stat.S_ISSOCK(os.stat(path).st_mode)
    body = serve_while(hello, lambda: http_get(socket.AF_UNIX, path), unix=path)
    assert body.startswith(b"HTTP/1.1 200 OK")


def test_live_unix_socket_is_an_error_and_left_alone(hello, tmp_path):
    path = str(tmp_path / "live.sock")
    live = socket.socket(socket.AF_UNIX)
    live.bind(path)
    live.listen()
    try:
        started = time.monotonic()
        with pytest.raises(OSError, match="already listening") as info:
            hello.run(unix=path, single_process=True, register_sys_signals=False)
        assert time.monotonic() - started < 5
        assert path in str(info.value)
        assert "\n" not in str(info.value)
        # The other server still owns its socket.
        with socket.socket(socket.AF_UNIX) as probe:
            probe.connect(path)
    finally:
        live.close()


def test_regular_file_at_unix_path_is_an_error_and_left_alone(hello, tmp_path):
    path = tmp_path / "not-a-socket"
    path.write_text("precious")
    with pytest.raises(OSError, match="exists and is not a socket"):
        hello.run(unix=str(path), single_process=True, register_sys_signals=False)
    assert path.read_text() == "precious"


def test_unix_path_in_missing_directory_is_an_error(hello, tmp_path):
    path = tmp_path / "missing" / "app.sock"
    listeners_ran = []
    hello.before_server_start(lambda app_: listeners_ran.append(True))
    with pytest.raises(FileNotFoundError, match="does not exist") as info:
        hello.run(unix=str(path), single_process=True, register_sys_signals=False)
    assert str(tmp_path / "missing") in str(info.value)
    assert listeners_ran == []


def test_bad_unix_mode_is_an_error(hello, tmp_path):
    with pytest.raises(ValueError, match="unix_mode"):
        hello.prepare(unix=str(tmp_path / "a.sock"), unix_mode=0o1777)


def _listen_queue(args: list[str]) -> int | None:
    out = subprocess.run(args, capture_output=True, text=True, timeout=10).stdout
    for line in out.splitlines():
        fields = line.split()
        if "LISTEN" in fields:
            index = fields.index("LISTEN")
            return int(fields[index + 2])  # Send-Q: the backlog of a listener
    return None


def test_backlog_is_passed_to_listen(hello):
    if shutil.which("ss") is None:
        pytest.skip("the ss tool is not installed: cannot read listen queues")
    port = free_port()
    seen = serve_while(
        hello,
        lambda: _listen_queue(["ss", "-ltnH", f"sport = :{port}"]),
        host="127.0.0.1",
        port=port,
        backlog=37,
    )
    assert seen == 37


def test_default_backlog_is_100(hello):
    if shutil.which("ss") is None:
        pytest.skip("the ss tool is not installed: cannot read listen queues")
    port = free_port()
    seen = serve_while(
        hello,
        lambda: _listen_queue(["ss", "-ltnH", f"sport = :{port}"]),
        host="127.0.0.1",
        port=port,
    )
    assert seen == 100


def test_backlog_on_unix_socket(hello, tmp_path):
    if shutil.which("ss") is None:
        pytest.skip("the ss tool is not installed: cannot read listen queues")
    path = str(tmp_path / "backlog.sock")
    seen = serve_while(
        hello,
        lambda: _listen_queue(["ss", "-lxH", "src", path]),
        unix=path,
        backlog=41,
    )
    assert seen == 41


def test_new_connections_are_refused_after_stop(hello):
    port = free_port()
    serve_while(hello, lambda: http_get(socket.AF_INET, ("127.0.0.1", port)), port=port)
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", port), timeout=2)


def test_shutdown_leaves_a_socket_file_that_another_server_took_over(hello, tmp_path):
    path = str(tmp_path / "taken.sock")
    successor = socket.socket(socket.AF_UNIX)

    def take_over() -> None:
        os.unlink(path)
        successor.bind(path)
        successor.listen()

    try:
        serve_while(hello, take_over, unix=path)
        assert stat.S_ISSOCK(os.stat(path).st_mode)
        with socket.socket(socket.AF_UNIX) as probe:
            probe.connect(path)  # still the successor's
    finally:
        successor.close()
