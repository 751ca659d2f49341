"""Listeners: the named decorators and the main-process events
(https://sanic.dev/en/guide/basics/listeners.html)."""

from __future__ import annotations

import subprocess
import sys
import textwrap

from sanic import Sanic
from sanic.response import text


def test_named_listener_decorators_register_for_their_event(app: Sanic) -> None:
    for event in (
        "before_server_start",
        "after_server_start",
        "before_server_stop",
        "after_server_stop",
        "main_process_start",
        "main_process_ready",
        "main_process_stop",
        "reload_process_start",
        "reload_process_stop",
    ):

        def listener(app_):
            return None

        getattr(app, event)(listener)
        assert listener in app.listeners_registry[event], event


def test_listener_priority_orders_listeners_of_one_event(app: Sanic) -> None:
    order: list[str] = []

    @app.before_server_start
    def low(app_):
        order.append("low")

    @app.before_server_start(priority=5)
    def high(app_):
        order.append("high")

    @app.get("/")
    async def handler(request):
        return text("ok")

    app.test_client.get("/")
    assert order == ["high", "low"]


def test_single_process_run_runs_the_main_process_listeners_in_order(
    tmp_path,
) -> None:
    script = tmp_path / "main_app.py"
    script.write_text(
        textwrap.dedent(
            """
            from sanic import Sanic

            app = Sanic("main_listeners")

            @app.main_process_start
            def main_start(app):
                print("main_process_start", flush=True)

            @app.before_server_start
            def before(app):
                print("before_server_start", flush=True)

            @app.main_process_ready
            async def ready(app):
                print("main_process_ready", flush=True)
                app.stop()

            @app.after_server_stop
            def after(app):
                print("after_server_stop", flush=True)

            @app.main_process_stop
            def main_stop(app, loop):
                print("main_process_stop", flush=True)

            if __name__ == "__main__":
                app.run(host="127.0.0.1", port=0, single_process=True)
            """
        )
    )
    result = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, timeout=30
    )
    assert result.returncode == 0, result.stderr
    # Only the listeners' own lines (the server also logs to stdout).
    lines = [
        line
        for line in result.stdout.splitlines()
        if line.endswith(("start", "ready", "stop"))
    ]
    assert lines == [
        "main_process_start",
        "before_server_start",
        "main_process_ready",
        "after_server_stop",
        "main_process_stop",
    ]
