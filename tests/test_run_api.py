"""The run API: app.run, app.prepare + Sanic.serve, create_server, app.stop."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
import urllib.request
from typing import Any

import pytest

from sanic import Sanic
from sanic.exceptions import SanicException
from sanic.response import text
from sanic.server import AsyncioServer, HttpProtocol
from sanic.server.runners import Signal
from tests.net import free_port
from tests.processes import wait_for_line


def fetch(url: str) -> bytes:
    return urllib.request.urlopen(url, timeout=5).read()


def run_client_then_stop(app: Sanic, client: Any) -> dict[str, Any]:
    """Once the server is up, run ``client()`` in a thread, then ``app.stop()``."""
    outcome: dict[str, Any] = {}
    keep: list[asyncio.Future] = []

    @app.after_server_start
    async def drive(app_: Sanic) -> None:
        loop = asyncio.get_running_loop()

        async def run() -> None:
            try:
                outcome["value"] = await loop.run_in_executor(None, client)
            except BaseException as exc:
                outcome["error"] = exc
            finally:
                app_.stop()

        keep.append(asyncio.ensure_future(run()))

    return outcome


@pytest.fixture
def hello(app: Sanic) -> Sanic:
    @app.get("/")
    async def index(request):
        return text(request.app.name)

    return app


# ---- bad arguments: a clear error, at once -----------------------------------------


def test_unknown_argument_is_a_type_error_naming_it(hello):
    with pytest.raises(TypeError, match="no_such_option"):
        hello.run(no_such_option=True)


@pytest.mark.parametrize("port", [-1, 65536, 70000])
def test_port_out_of_range_is_a_clear_error(hello, port):
    with pytest.raises(ValueError, match=f"port {port} is out of range"):
        hello.run(port=port, single_process=True)
    assert hello.state.server_info == []


def test_port_that_is_not_a_number_is_a_clear_error(hello):
    with pytest.raises(ValueError, match="port must be an integer"):
        hello.prepare(port="http")


def test_bad_backlog_is_a_clear_error(hello):
    with pytest.raises(ValueError, match="backlog must be a positive integer"):
        hello.prepare(port=free_port(), backlog=0)


def test_workers_with_return_asyncio_server_is_a_clear_error(hello):
    # Several workers serve through the worker manager (tests/worker); a
    # server driven by hand in this process cannot have them.
    with pytest.raises(SanicException, match="serve in this process"):
        hello.run(workers=2, return_asyncio_server=True)
    with pytest.raises(RuntimeError, match="fast=True and workers=X"):
        hello.prepare(workers=2, fast=True)


def test_loop_argument_points_to_create_server(hello):
    with pytest.raises(TypeError, match="create_server"):
        hello.run(loop=asyncio.new_event_loop())


def test_http3_is_a_clear_error(hello):
    with pytest.raises(SanicException, match="HTTP version 3 is not supported"):
        hello.prepare(version=3)


def test_protocol_must_be_a_protocol_class(hello):
    with pytest.raises(TypeError, match="protocol must be a subclass"):
        hello.prepare(protocol=object)


def test_run_inside_a_running_loop_is_a_clear_error(hello):
    async def main() -> None:
        hello.run(port=free_port(), single_process=True)

    with pytest.raises(SanicException, match="inside a running event loop"):
        asyncio.run(asyncio.wait_for(main(), 10))


def test_serve_without_prepare_is_a_clear_error(hello):
    with pytest.raises(SanicException, match=r"call app.prepare\(\.\.\.\) before"):
        Sanic.serve(primary=hello)


# ---- app.run ------------------------------------------------------------------------


def test_run_twice_in_a_row(hello):
    for _ in range(2):
        port = free_port()
        outcome = run_client_then_stop(
            hello, lambda port=port: fetch(f"http://127.0.0.1:{port}/")
        )
        hello.run(port=port, single_process=True, register_sys_signals=False)
        assert outcome["value"] == hello.name.encode()
        hello.listeners_registry._listeners.clear()


def test_app_stop_from_a_handler_answers_then_returns(hello):
    port = free_port()
    stopped = []

    @hello.get("/stop")
    async def stop(request):
        request.app.stop()
        return text("stopping")

    @hello.after_server_stop
    def done(app_):
        stopped.append(True)

    replies: list[bytes] = []
    client = threading.Thread(
        target=lambda: replies.append(fetch(f"http://127.0.0.1:{port}/stop"))
    )
    hello.after_server_start(lambda app_: client.start())
    hello.run(port=port, single_process=True, register_sys_signals=False)
    client.join(10)
    assert stopped == [True]
    assert replies == [b"stopping"]


def test_app_stop_from_a_task(hello):
    calls = []

    async def stopper(app_):
        await asyncio.sleep(0.05)
        calls.append("task")
        app_.stop()

    hello.add_task(stopper)
    hello.after_server_stop(lambda app_: calls.append("stopped"))
    hello.run(port=free_port(), single_process=True, register_sys_signals=False)
    assert calls == ["task", "stopped"]


def test_app_stop_from_another_thread(hello):
    calls = []

    @hello.after_server_start
    def start_thread(app_):
        threading.Timer(0.05, app_.stop).start()

    hello.after_server_stop(lambda app_: calls.append("stopped"))
    started = time.monotonic()
    hello.run(port=free_port(), single_process=True, register_sys_signals=False)
    assert calls == ["stopped"]
    assert time.monotonic() - started < 10


def test_stop_unregister_removes_the_app(hello):
    hello.after_server_start(lambda app_: app_.stop(unregister=True))
    hello.run(port=free_port(), single_process=True, register_sys_signals=False)
    assert hello.name not in Sanic._app_registry


def test_stop_event_argument_stops_the_server(hello):
    event = asyncio.Event()

    @hello.after_server_start
    def set_it(app_):
        event.set()

    calls = []
    hello.after_server_stop(lambda app_: calls.append("stopped"))
    hello.run(
        port=free_port(),
        single_process=True,
        register_sys_signals=False,
        stop_event=event,
    )
    assert calls == ["stopped"]


def test_connections_state_and_signal_are_passed_through(hello):
    port = free_port()
    connections: set = set()
    shared: dict = {}
    flag = Signal()
    seen = {}

    @hello.get("/conns")
    async def conns(request):
        seen["connections"] = len(connections)
        seen["sweeper"] = "timeout_sweeper" in shared
        seen["stopped"] = flag.stopped
        return text("ok")

    outcome = run_client_then_stop(
        hello, lambda: fetch(f"http://127.0.0.1:{port}/conns")
    )
    hello.run(
        port=port,
        single_process=True,
        register_sys_signals=False,
        connections=connections,
        state=shared,
        signal=flag,
    )
    assert outcome["value"] == b"ok"
    assert seen == {"connections": 1, "sweeper": True, "stopped": False}
    assert flag.stopped is True


class CountingProtocol(HttpProtocol):
    connections_made = 0

    def connection_made(self, transport):
        type(self).connections_made += 1
        super().connection_made(transport)


def test_protocol_argument_is_used_by_run(hello):
    port = free_port()
    CountingProtocol.connections_made = 0
    outcome = run_client_then_stop(hello, lambda: fetch(f"http://127.0.0.1:{port}/"))
    hello.run(
        port=port,
        single_process=True,
        register_sys_signals=False,
        protocol=CountingProtocol,
    )
    assert outcome["value"] == hello.name.encode()
    assert CountingProtocol.connections_made == 1


def test_asyncio_server_kwargs_reach_the_asyncio_server(hello):
    with pytest.raises(TypeError, match="not_an_asyncio_option"):
        hello.run(
            port=free_port(),
            single_process=True,
            register_sys_signals=False,
            asyncio_server_kwargs={"not_an_asyncio_option": 1},
        )


def test_run_return_asyncio_server_gives_a_server_to_drive(hello):
    port = free_port()
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    try:
        server = hello.run(port=port, return_asyncio_server=True)
        assert isinstance(server, AsyncioServer)

        async def drive() -> bytes:
            await server
            await server.startup()
            await server.before_start()
            await server.start_serving()
            await server.after_start()
            body = await asyncio.get_running_loop().run_in_executor(
                None, fetch, f"http://127.0.0.1:{port}/"
            )
            await server.before_stop()
            server.close()
            await server.wait_closed()
            await server.after_stop()
            return body

        assert loop.run_until_complete(drive()) == hello.name.encode()
    finally:
        asyncio.set_event_loop(None)
        loop.close()


# ---- app.prepare + Sanic.serve -------------------------------------------------------


def test_prepare_and_serve_several_apps_and_addresses(app):
    other = Sanic(f"{app.name}_other")
    try:
        ports = [free_port() for _ in range(3)]
        events: list[str] = []
        for application in (app, other):

            @application.get("/")
            async def index(request):
                return text(request.app.name)

            application.before_server_start(
                lambda app_: events.append(f"start {app_.name}")
            )
            application.after_server_stop(
                lambda app_: events.append(f"stop {app_.name}")
            )

        bodies: dict[int, bytes] = {}

        @app.after_server_start
        async def drive(app_):
            loop = asyncio.get_running_loop()

            def client() -> None:
                for port in ports:
                    bodies[port] = fetch(f"http://127.0.0.1:{port}/")

            await loop.run_in_executor(None, client)
            app_.stop()

        app.prepare(port=ports[0], single_process=True, register_sys_signals=False)
        app.prepare(port=ports[1])  # the same app on a second address
        other.prepare(port=ports[2])
        Sanic.serve_single(primary=app)
        assert bodies == {
            ports[0]: app.name.encode(),
            ports[1]: app.name.encode(),
            ports[2]: other.name.encode(),
        }
        # Listeners ran once per app, however many addresses it had.
        assert sorted(events) == sorted(
            [
                f"start {app.name}",
                f"start {other.name}",
                f"stop {app.name}",
                f"stop {other.name}",
            ]
        )
        assert app.state.server_info == [] and other.state.server_info == []
    finally:
        Sanic.unregister_app(other)


def test_serve_with_a_factory_that_workers_cannot_import_is_a_clear_error(app):
    # Workers make the app with the factory: a closure can't reach them (a
    # module-level factory can: tests/worker/test_manager.py).
    def factory() -> Sanic:
        app.prepare(port=free_port(), register_sys_signals=False)
        return app

    with pytest.raises(SanicException, match="cannot be sent to the worker"):
        Sanic.serve(factory=factory)
    assert app.state.server_info == []


def test_serve_single_serves_the_prepared_app(hello):
    # (legacy forks: tests/worker/test_legacy.py runs it in a real process.)
    for runner in (Sanic.serve_single,):
        port = free_port()
        outcome = run_client_then_stop(
            hello, lambda port=port: fetch(f"http://127.0.0.1:{port}/")
        )
        hello.prepare(port=port, register_sys_signals=False)
        runner(hello)
        assert outcome["value"] == hello.name.encode()
        hello.listeners_registry._listeners.clear()


# ---- create_server inside an existing loop ------------------------------------------


def test_create_server_lifecycle_in_documented_order(hello):
    events: list[str] = []

    def record(name: str) -> Any:
        return lambda app_: events.append(name)

    for name in (
        "before_server_start",
        "after_server_start",
        "before_server_stop",
        "after_server_stop",
    ):
        hello.listener(record(name), name)

    async def main() -> bytes:
        server = await hello.create_server(
            host="127.0.0.1", port=0, return_asyncio_server=True
        )
        await server.startup()
        await server.before_start()
        await server.after_start()
        task = asyncio.ensure_future(server.serve_forever())
        await asyncio.sleep(0.05)
        body = await asyncio.get_running_loop().run_in_executor(
            None, fetch, f"http://127.0.0.1:{server.port}/"
        )
        await server.before_stop()
        server.close()
        await server.wait_closed()
        await server.after_stop()
        await asyncio.wait_for(task, 5)
        return body

    assert asyncio.run(main()) == hello.name.encode()
    assert events == [
        "before_server_start",
        "after_server_start",
        "before_server_stop",
        "after_server_stop",
    ]


def test_create_server_wait_closed_lets_a_request_in_flight_finish(hello):
    @hello.get("/slow")
    async def slow(request):
        await asyncio.sleep(0.5)
        return text("finished")

    async def main() -> tuple[bytes, float]:
        server = await hello.create_server(host="127.0.0.1", port=0)
        await server.startup()
        await server.start_serving()
        loop = asyncio.get_running_loop()
        reply = loop.run_in_executor(
            None, fetch, f"http://127.0.0.1:{server.port}/slow"
        )
        await asyncio.sleep(0.2)
        started = loop.time()
        server.close()
        await server.wait_closed()
        return await reply, loop.time() - started

    body, waited = asyncio.run(main())
    assert body == b"finished"
    assert 0.1 < waited < 5


def test_create_server_on_a_unix_socket_removes_it_when_closed(hello, tmp_path):
    path = str(tmp_path / "created.sock")

    async def main() -> bool:
        server = await hello.create_server(unix=path)
        await server.startup()
        await server.start_serving()
        existed = os.path.exists(path)
        server.close()
        await server.wait_closed()
        return existed

    assert asyncio.run(main()) is True
    assert not os.path.exists(path)


def test_create_server_asyncio_server_kwargs(hello):
    async def main() -> bool:
        server = await hello.create_server(
            port=0, asyncio_server_kwargs={"start_serving": True}
        )
        serving = server.is_serving()  # before start_serving() was called
        server.close()
        await server.wait_closed()
        return serving

    assert asyncio.run(main()) is True


def test_create_server_without_asyncio_server_starts_and_app_stop_stops(hello):
    events: list[str] = []
    hello.after_server_start(lambda app_: events.append("started"))
    hello.before_server_stop(lambda app_: events.append("stopping"))

    async def main() -> bytes:
        done = asyncio.Event()
        hello.after_server_stop(lambda app_: done.set())
        server = await hello.create_server(port=0, return_asyncio_server=False)
        assert isinstance(server, asyncio.AbstractServer)
        assert server.is_serving()
        port = server.sockets[0].getsockname()[1]
        body = await asyncio.get_running_loop().run_in_executor(
            None, fetch, f"http://127.0.0.1:{port}/"
        )
        hello.stop()
        await asyncio.wait_for(done.wait(), 5)
        assert not server.is_serving()
        return body

    assert asyncio.run(main()) == hello.name.encode()
    assert events == ["started", "stopping"]


def test_app_stop_ends_serve_forever_of_a_created_server(hello):
    async def main() -> None:
        server = await hello.create_server(port=0)
        await server.startup()
        asyncio.get_running_loop().call_later(0.05, hello.stop)
        await asyncio.wait_for(server.serve_forever(), 5)

    asyncio.run(main())


# ---- system signals --------------------------------------------------------------------


SIGNAL_APP = textwrap.dedent(
    """
    import pathlib, sys
    from sanic import Sanic
    from sanic.response import text

    app = Sanic("signals_app")
    marker = pathlib.Path(sys.argv[2])

    @app.get("/")
    async def index(request):
        return text("up")

    @app.after_server_start
    def ready(app):
        print("ready", flush=True)

    @app.after_server_stop
    def stopped(app):
        marker.write_text("stopped")

    app.run(
        port=int(sys.argv[1]),
        single_process=True,
        register_sys_signals=sys.argv[3] == "yes",
    )
    """
)


def _start(tmp_path, register: str) -> tuple[subprocess.Popen, int, Any]:
    script = tmp_path / "signals_app.py"
    script.write_text(SIGNAL_APP)
    port = free_port()
    marker = tmp_path / "marker"
    proc = subprocess.Popen(
        [sys.executable, str(script), str(port), str(marker), register],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    wait_for_line(proc, "ready", timeout=20)
    return proc, port, marker


def test_register_sys_signals_false_leaves_sigterm_alone(tmp_path):
    proc, port, marker = _start(tmp_path, "no")
    try:
        assert fetch(f"http://127.0.0.1:{port}/") == b"up"
        proc.send_signal(signal.SIGTERM)
        proc.communicate(timeout=10)
        assert proc.returncode == -signal.SIGTERM  # the default: killed
        assert not marker.exists()  # no graceful shutdown ran
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_registered_sys_signals_stop_gracefully(tmp_path):
    proc, port, marker = _start(tmp_path, "yes")
    try:
        assert fetch(f"http://127.0.0.1:{port}/") == b"up"
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=10)
        assert proc.returncode == 0, err
        assert marker.read_text() == "stopped"
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_run_async_inside_a_running_loop(hello):
    port = free_port()

    async def main() -> bytes:
        server = hello.run(port=port, run_async=True)
        assert isinstance(server, AsyncioServer)
        await server
        await server.startup()
        await server.start_serving()
        body = await asyncio.get_running_loop().run_in_executor(
            None, fetch, f"http://127.0.0.1:{port}/"
        )
        server.close()
        await server.wait_closed()
        return body

    assert asyncio.run(main()) == hello.name.encode()
