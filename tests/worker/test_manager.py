"""`app.run()` through the worker manager: real main process, spawned workers."""

from __future__ import annotations

import json
import signal
import time

import pytest

from tests.worker.support import pid_alive, running, wait_until

TWO_WORKERS = """
    import os, sys
    from sanic import Sanic
    from sanic.response import text

    app = Sanic("TwoWorkers")

    @app.get("/pid")
    async def pid(request):
        return text(str(os.getpid()))

    @app.main_process_start
    async def main_start(app, loop):
        print(f"main_process_start {os.getpid()}", flush=True)

    @app.main_process_ready
    async def main_ready(app):
        print(f"main_process_ready {os.getpid()}", flush=True)

    @app.before_server_start
    async def before_start(app):
        print(f"before_server_start {os.getpid()}", flush=True)

    @app.after_server_stop
    async def after_stop(app):
        print(f"after_server_stop {os.getpid()}", flush=True)

    @app.main_process_stop
    def main_stop(app):
        print(f"main_process_stop {os.getpid()}", flush=True)

    if __name__ == "__main__":
        app.run(host="127.0.0.1", port=int(sys.argv[1]), workers=2)
"""


def test_two_workers_answer_from_two_pids_and_a_killed_one_is_replaced(tmp_path):
    with running(tmp_path, TWO_WORKERS, ready="main_process_ready") as server:
        pids = wait_pids(server, 2)
        assert len(pids) == 2
        main_pid = str(server.proc.pid)
        assert main_pid not in pids
        assert f"main_process_start {main_pid}" in server.output
        for pid in pids:  # worker listeners ran in each worker
            assert f"before_server_start {pid}" in server.output

        victim = sorted(pids)[0]
        import os

        os.kill(int(victim), signal.SIGKILL)
        server.wait_for("died unexpectedly with exit code -9")
        assert f"(pid {victim})" in server.output
        # Requests keep succeeding, and a replacement answers next to the survivor.
        survivors = set()
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and len(survivors - {victim}) < 2:
            status, body = server.get("/pid")
            assert status == 200
            survivors.add(body)
        assert victim not in survivors
        assert len(survivors) == 2

        code = server.finish(signal.SIGTERM)
        assert code == 0, server.output
        out = server.output
        for pid in survivors:
            assert f"after_server_stop {pid}" in out, out
        assert f"main_process_stop {main_pid}" in out
        assert "Traceback" not in out
        for pid in survivors:
            assert wait_until(lambda p=pid: not pid_alive(int(p)), 5)


def wait_pids(server, count: int, timeout: float = 15.0) -> set[str]:
    seen: set[str] = set()
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and len(seen) < count:
        seen |= server.pids(10)
    return seen


def test_sigint_shuts_down_gracefully_and_exits_0(tmp_path):
    with running(tmp_path, TWO_WORKERS, ready="main_process_ready") as server:
        assert server.get("/pid")[0] == 200
        assert server.finish(signal.SIGINT) == 0
        assert server.output.count("after_server_stop") == 2
        assert "main_process_stop" in server.output
        assert "Traceback" not in server.output


def test_single_worker_is_also_a_spawned_process(tmp_path):
    source = TWO_WORKERS.replace("workers=2", "workers=1")
    with running(tmp_path, source, ready="main_process_ready") as server:
        status, pid = server.get("/pid")
        assert status == 200
        assert pid != str(server.proc.pid)
        assert server.finish() == 0


MODULE_SCOPE = """
    import sys
    from sanic import Sanic
    from sanic.response import text

    app = Sanic("ModuleScope")

    @app.get("/")
    async def index(request):
        return text("hi")

    app.run(host="127.0.0.1", port=int(sys.argv[1]))
"""


def test_module_scope_run_without_main_guard_exits_1_with_the_clear_error(tmp_path):
    with running(tmp_path, MODULE_SCOPE, ready=None) as server:
        started = time.monotonic()
        code = server.wait(15)
        assert code == 1
        assert time.monotonic() - started < 15
        err = "\n".join(server.err)
        assert "Sanic server could not start" in err
        assert 'if __name__ == "__main__"' in err
        assert "Traceback" not in err


APP_IN_MAIN_GUARD = """
    import sys
    from sanic import Sanic
    from sanic.response import text

    if __name__ == "__main__":
        app = Sanic("OnlyInMain")

        @app.get("/")
        async def index(request):
            return text("hi")

        app.run(host="127.0.0.1", port=int(sys.argv[1]), workers=2)
"""


def test_worker_that_cannot_load_the_app_stops_the_server_with_exit_1(tmp_path):
    with running(tmp_path, APP_IN_MAIN_GUARD, ready=None) as server:
        code = server.wait(20)
        assert code == 1
        err = "\n".join(server.err)
        assert "Sanic server could not start: worker Sanic-Server-" in err
        assert "OnlyInMain" in err
        assert "Traceback" not in err


NEVER_ACKS = """
    import asyncio, sys
    from sanic import Sanic
    from sanic.response import text

    app = Sanic("NeverAcks")
    app.config.WORKER_ACK_TIMEOUT = 1

    @app.before_server_start
    async def stuck(app):
        await asyncio.sleep(3600)

    @app.main_process_stop
    def main_stop(app):
        print("main_process_stop", flush=True)

    if __name__ == "__main__":
        app.run(host="127.0.0.1", port=int(sys.argv[1]))
"""


def test_worker_that_never_acks_is_a_startup_error_naming_it(tmp_path):
    with running(tmp_path, NEVER_ACKS, ready=None) as server:
        code = server.wait(20)
        assert code == 1
        err = "\n".join(server.err)
        assert "worker Sanic-Server-0-0" in err
        assert "did not report ready within 1 s" in err
        assert "main_process_stop" in server.output
        assert "Traceback" not in err


PORT_TAKEN = """
    import socket, sys
    from sanic import Sanic
    from sanic.response import text

    app = Sanic("PortTaken")

    @app.get("/")
    async def index(request):
        return text("hi")

    if __name__ == "__main__":
        taken = socket.socket()
        taken.bind(("127.0.0.1", int(sys.argv[1])))
        taken.listen()
        app.run(host="127.0.0.1", port=int(sys.argv[1]), workers=2)
"""


def test_address_in_use_is_a_clear_error_before_any_worker(tmp_path):
    with running(tmp_path, PORT_TAKEN, ready=None) as server:
        code = server.wait(15)
        assert code == 1
        assert "cannot listen on 127.0.0.1" in server.output
        assert "Sanic-Server" not in server.output


MANAGED = """
    import os, sys, time
    from sanic import Sanic
    from sanic.response import json

    app = Sanic("Managed")

    def my_process(foo, path):
        with open(path, "w") as out:
            out.write(str(os.getpid()))
        while True:
            time.sleep(0.1)

    @app.main_process_ready
    async def ready(app: Sanic, _):
        app.manager.manage("MyProcess", my_process, {"foo": "bar", "path": sys.argv[2]})

    @app.get("/state")
    async def state(request):
        return json(request.app.m.state.full())

    if __name__ == "__main__":
        app.run(host="127.0.0.1", port=int(sys.argv[1]))
"""


def test_managed_process_shows_in_worker_state_and_stops_with_the_rest(tmp_path):
    pid_file = tmp_path / "managed.pid"
    with running(tmp_path, MANAGED, extra_args=(str(pid_file),)) as server:
        assert wait_until(lambda: pid_file.exists() and pid_file.read_text(), 15)
        managed_pid = int(pid_file.read_text())
        state: dict = {}

        def shown() -> bool:
            state.update(json.loads(server.get("/state")[1]))
            return state.get("MyProcess", {}).get("state") == "ACKED"

        assert wait_until(shown, 10), state
        assert state["MyProcess"]["server"] is False
        assert state["MyProcess"]["pid"] == managed_pid
        assert state["Sanic-Server-0-0"]["server"] is True
        assert server.finish(signal.SIGTERM) == 0, server.output
        assert wait_until(lambda: not pid_alive(managed_pid), 5)


def test_workers_and_fast_together_is_an_error(app):
    with pytest.raises(RuntimeError, match="fast=True and workers=X"):
        app.prepare(workers=2, fast=True)


@pytest.mark.parametrize("workers", [0, -1, "2", 1.5, True])
def test_bad_workers_value_is_a_clear_error(app, workers):
    with pytest.raises(ValueError, match="workers must be a positive integer"):
        app.prepare(workers=workers)


def test_fast_means_one_worker_per_cpu(app):
    import os

    app.prepare(port=0, fast=True)
    try:
        assert app.state.workers == len(os.sched_getaffinity(0))
    finally:
        app.state.server_info.clear()


def test_ssl_context_cannot_travel_to_workers(app):
    import ssl

    app.prepare(port=0, ssl=ssl.create_default_context(ssl.Purpose.CLIENT_AUTH))
    with pytest.raises(Exception, match="ssl.SSLContext, which cannot be sent"):
        type(app).serve(primary=app)
    assert not app.state.server_info


def test_manager_outside_the_main_process_is_a_clear_error(app):
    from sanic.exceptions import SanicException

    with pytest.raises(SanicException, match="only exists in the main process"):
        app.manager  # noqa: B018


TWO_APPS = """
    import os, sys
    from sanic import Sanic
    from sanic.response import text

    first = Sanic("First")
    second = Sanic("Second")

    @first.get("/pid")
    async def one(request):
        return text("first " + str(os.getpid()))

    @second.get("/pid")
    async def two(request):
        return text("second " + str(os.getpid()))

    if __name__ == "__main__":
        first.prepare(host="127.0.0.1", port=int(sys.argv[1]), workers=2)
        second.prepare(host="127.0.0.1", port=int(sys.argv[2]))
        Sanic.serve(primary=first)
"""


def test_several_prepared_apps_are_served_by_one_manager(tmp_path):
    from tests.net import free_port

    other = free_port()
    with running(tmp_path, TWO_APPS, count=4, extra_args=(str(other),)) as server:
        firsts = {server.get("/pid")[1] for _ in range(20)}
        import http.client

        conn = http.client.HTTPConnection("127.0.0.1", other, timeout=10)
        conn.request("GET", "/pid")
        second = conn.getresponse().read().decode()
        conn.close()
        assert all(body.startswith("first ") for body in firsts)
        assert second.startswith("second ")
        worker_pids = {body.split()[1] for body in firsts}
        assert second.split()[1] not in {str(server.proc.pid)}
        assert len(worker_pids) <= 2
        assert server.finish() == 0


def test_ctrl_c_to_the_whole_process_group_shuts_down_once(tmp_path):
    # A terminal sends SIGINT to every process of the group: workers ignore
    # it and let the main process stop them gracefully.
    import os

    with running(tmp_path, TWO_WORKERS, ready="main_process_ready") as server:
        assert server.get("/pid")[0] == 200
        os.killpg(server.proc.pid, signal.SIGINT)
        assert server.wait(20) == 0
        assert server.output.count("after_server_stop") == 2
        assert "main_process_stop" in server.output
        assert "Traceback" not in server.output
        assert "KeyboardInterrupt" not in server.output


FACTORY = """
    import os, sys
    from sanic import Sanic
    from sanic.response import text

    def create_app():
        app = Sanic("Factory")

        @app.get("/pid")
        async def pid(request):
            return text(str(os.getpid()))

        app.prepare(host="127.0.0.1", port=int(sys.argv[1]))
        return app

    if __name__ == "__main__":
        Sanic.serve(factory=create_app)
"""


def test_serve_with_a_module_level_factory(tmp_path):
    with running(tmp_path, FACTORY) as server:
        status, pid = server.get("/pid")
        assert status == 200 and pid != str(server.proc.pid)
        assert server.finish() == 0
