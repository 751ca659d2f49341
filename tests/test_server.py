"""Running the server: listeners, app.run, create_server, signals."""

import asyncio
import os
import signal
import subprocess
import sys
import textwrap
import urllib.request

import pytest

from sanic.response import text
from sanic.server.async_server import AsyncioServer
from tests.net import free_port, occupied_port
from tests.processes import wait_for_answer, wait_for_line


def test_listeners_run_in_order_with_app_or_app_and_loop(app):
    calls = []

    @app.before_server_start
    async def first(app_):
        calls.append(("before_start_1", app_ is app))

    @app.listener("before_server_start")
    def second(app_, loop):
        calls.append(("before_start_2", isinstance(loop, asyncio.AbstractEventLoop)))

    @app.after_server_start
    async def started(app_):
        calls.append(("after_start", True))

    @app.before_server_stop
    async def stop_1(app_):
        calls.append(("before_stop_1", True))

    @app.before_server_stop
    async def stop_2(app_):
        calls.append(("before_stop_2", True))

    @app.after_server_stop
    async def stopped(app_, loop):
        calls.append(("after_stop", True))

    @app.get("/")
    async def handler(request):
        calls.append(("handler", True))
        return text("x")

    app.test_client.get("/")
    assert calls == [
        ("before_start_1", True),
        ("before_start_2", True),
        ("after_start", True),
        ("handler", True),
        ("before_stop_2", True),
        ("before_stop_1", True),
        ("after_stop", True),
    ]


def test_register_listener_and_listener_call_forms(app):
    calls = []
    app.register_listener(lambda a: calls.append("registered"), "after_server_start")
    app.listener(lambda a: calls.append("plain"), "after_server_start")

    @app.get("/")
    async def handler(request):
        return text("x")

    app.test_client.get("/")
    assert calls == ["registered", "plain"]


def test_invalid_listener_event_is_a_clear_error(app):
    from sanic.exceptions import SanicException

    with pytest.raises(SanicException, match="Invalid listener event"):
        app.listener(lambda a: None, "before_everything")


def test_app_run_returns_when_stopped_from_a_listener(app):
    calls = []

    @app.get("/")
    async def handler(request):
        return text("x")

    @app.after_server_start
    async def stop_soon(app_):
        calls.append("started")
        app_.stop()

    @app.after_server_stop
    async def done(app_):
        calls.append("stopped")

    app.run(
        host="127.0.0.1",
        port=free_port(),
        single_process=True,
        register_sys_signals=False,
    )
    assert calls == ["started", "stopped"]


def test_create_server_runs_inside_an_existing_loop(app):
    @app.get("/")
    async def handler(request):
        return text("inside")

    events = []

    @app.before_server_start
    async def before(app_):
        events.append("before")

    @app.after_server_stop
    async def after(app_):
        events.append("after")

    async def main():
        server = await app.create_server(
            host="127.0.0.1", port=0, return_asyncio_server=True
        )
        assert isinstance(server, AsyncioServer)
        assert not server.is_serving()
        await server.startup()
        await server.before_start()
        await server.start_serving()
        assert server.is_serving()
        await server.after_start()
        port = server.port
        body = await asyncio.get_running_loop().run_in_executor(
            None, lambda: urllib.request.urlopen(f"http://127.0.0.1:{port}/").read()
        )
        await server.before_stop()
        server.close()
        await server.wait_closed()
        await server.after_stop()
        return body

    assert asyncio.run(main()) == b"inside"
    assert events == ["before", "after"]


def test_serve_forever_runs_until_cancelled(app):
    @app.get("/")
    async def handler(request):
        return text("forever")

    async def main():
        server = await app.create_server(host="127.0.0.1", port=0)
        await server.startup()
        task = asyncio.ensure_future(server.serve_forever())
        await asyncio.sleep(0.1)
        port = server.port
        body = await asyncio.get_running_loop().run_in_executor(
            None, lambda: urllib.request.urlopen(f"http://127.0.0.1:{port}/").read()
        )
        server.close()
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        return body

    assert asyncio.run(main()) == b"forever"


def test_port_in_use_is_a_one_line_error(app, tmp_path):
    with occupied_port() as port:
        with pytest.raises(OSError, match=f"cannot listen on 127.0.0.1:{port}"):
            app.run(
                host="127.0.0.1",
                port=port,
                single_process=True,
                register_sys_signals=False,
            )


APP_SOURCE = textwrap.dedent(
    """
    import sys
    from sanic import Sanic
    from sanic.response import text

    app = Sanic("signal_app")

    @app.get("/")
    async def index(request):
        return text("up")

    @app.after_server_start
    def ready(app):
        print("ready", flush=True)

    @app.after_server_stop
    def stopped(app):
        import pathlib
        pathlib.Path(__file__).with_name("stopped").write_text("stopped cleanly")

    if __name__ == "__main__":
        app.run(host="127.0.0.1", port=int(sys.argv[1]), single_process=True)
    """
)


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_signal_stops_the_server_gracefully(tmp_path, sig):
    script = tmp_path / "server_app.py"
    script.write_text(APP_SOURCE)
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, str(script), str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        wait_for_line(proc, "ready", timeout=15)
        assert urllib.request.urlopen(f"http://127.0.0.1:{port}/").read() == b"up"
        os.kill(proc.pid, sig)
        _, err = proc.communicate(timeout=10)
        assert proc.returncode == 0, err
        assert (tmp_path / "stopped").read_text() == "stopped cleanly"
        assert "Traceback" not in err
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_make_run_example_serves_hello_world():
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    port = free_port()
    code = (
        "import runpy, sys; sys.argv=['hello'];"
        "ns = runpy.run_path('examples/hello.py');"
        f"ns['app'].run(host='127.0.0.1', port={port}, single_process=True)"
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", code],
        cwd=root,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        body = wait_for_answer(
            proc,
            lambda: urllib.request.urlopen(f"http://127.0.0.1:{port}/").read(),
            timeout=15,
            what="examples/hello.py",
        )
        assert body == b"Hello, world."
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
