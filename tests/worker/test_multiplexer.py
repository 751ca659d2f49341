"""`app.m` from request handlers: state, name, pid, workers, scale, restart."""

from __future__ import annotations

import json
import os

import pytest

from tests.worker.support import running, wait_until

MUX = """
    import os, sys
    from sanic import Sanic
    from sanic.response import json, text

    app = Sanic("Mux")

    @app.get("/pid")
    async def pid(request):
        return text(str(os.getpid()))

    @app.get("/me")
    async def me(request):
        m = request.app.m
        return json({
            "name": m.name,
            "pid": m.pid,
            "state": dict(m.state),
            "workers": m.workers,
            "same": request.app.multiplexer is m,
        })

    @app.get("/scale/<n:int>")
    async def scale(request, n):
        request.app.m.scale(n)
        return text("scaling")

    @app.get("/restart-me")
    async def restart_me(request):
        request.app.m.restart()
        return text(request.app.m.name)

    @app.get("/restart/<name>")
    async def restart_named(request, name):
        request.app.m.restart(name)
        return text("restarting")

    @app.get("/terminate")
    async def terminate(request):
        request.app.m.terminate()
        return text("bye")

    if __name__ == "__main__":
        app.run(host="127.0.0.1", port=int(sys.argv[1]), workers=int(sys.argv[2]))
"""


def me(server) -> dict:
    return json.loads(server.get("/me")[1])


def test_name_pid_state_and_workers_from_a_handler(tmp_path):
    with running(tmp_path, MUX, extra_args=("2",), count=2) as server:
        info = me(server)
        assert info["same"] is True
        assert info["name"].startswith("Sanic-Server-")
        assert info["name"].endswith("-0")
        assert info["pid"] != server.proc.pid
        assert info["state"]["pid"] == info["pid"]
        assert info["state"]["state"] == "ACKED"
        assert info["state"]["server"] is True
        assert info["state"]["starts"] == 1
        assert "start_at" in info["state"]
        assert set(info["workers"]) == {"Sanic-Server-0-0", "Sanic-Server-1-0"}
        assert server.finish() == 0


def test_scale_up_and_down_from_a_handler(tmp_path):
    with running(tmp_path, MUX, extra_args=("1",)) as server:
        assert server.get("/scale/3") == (200, "scaling")
        assert wait_until(lambda: len(me(server)["workers"]) == 3, 20)
        workers = me(server)["workers"]
        assert set(workers) == {f"Sanic-Server-{i}-0" for i in range(3)}
        assert wait_until(
            lambda: all(w["state"] == "ACKED" for w in me(server)["workers"].values())
        )
        pids: set[str] = set()
        wait_until(lambda: len(pids.update(server.pids(10)) or pids) == 3, 15)
        assert len(pids) == 3
        assert server.get("/scale/1")[0] == 200
        assert wait_until(lambda: len(me(server)["workers"]) == 1, 20)
        assert server.finish() == 0


def test_restart_this_worker_starts_the_next_generation(tmp_path):
    with running(tmp_path, MUX, extra_args=("1",)) as server:
        before = me(server)
        assert server.get("/restart-me") == (200, "Sanic-Server-0-0")
        assert wait_until(lambda: me(server)["name"] == "Sanic-Server-0-1", 20), (
            server.output
        )
        after = me(server)
        assert after["pid"] != before["pid"]
        assert after["state"]["starts"] == 2
        assert "restart_at" in after["state"]
        assert set(after["workers"]) == {"Sanic-Server-0-1"}
        assert server.finish() == 0


def test_restart_by_name(tmp_path):
    with running(tmp_path, MUX, extra_args=("2",), count=2) as server:
        assert server.get("/restart/Sanic-Server-1-0")[0] == 200
        assert wait_until(
            lambda: (
                set(me(server)["workers"]) == {"Sanic-Server-0-0", "Sanic-Server-1-1"}
            ),
            20,
        ), server.output
        assert server.finish() == 0


def test_terminate_from_a_handler_stops_everything_with_exit_0(tmp_path):
    with running(tmp_path, MUX, extra_args=("2",), count=2) as server:
        assert server.get("/terminate") == (200, "bye")
        assert server.wait(20) == 0
        assert "Traceback" not in server.output


def test_app_m_outside_a_worker_is_a_clear_error(app):
    with pytest.raises(AttributeError, match="only exists in worker processes"):
        app.m  # noqa: B018
    assert not hasattr(app, "multiplexer")


def test_multiplexer_sends_the_documented_messages():
    from multiprocessing import Pipe

    from sanic.worker.multiplexer import WorkerMultiplexer
    from sanic.worker.state import WorkerState

    reader, writer = Pipe(duplex=False)
    state = {"Sanic-Server-0-0": {"pid": os.getpid(), "server": True}}
    mux = WorkerMultiplexer(writer, WorkerState(state, "Sanic-Server-0-0"))
    mux.restart()
    assert reader.recv()[:3] == ("restart", ["Sanic-Server-0-0"], False)
    mux.restart(all_workers=True, zero_downtime=True)
    assert reader.recv()[:3] == ("restart", None, True)
    mux.reload("Other")
    assert reader.recv()[:2] == ("restart", ["Other"])
    mux.scale(4)
    assert reader.recv() == ("scale", 4)
    mux.terminate()
    assert reader.recv() == ("terminate",)
    with pytest.raises(ValueError):
        mux.restart("x", all_workers=True)
    with pytest.raises(ValueError):
        mux.scale(0)
    mux.ack()
    assert state["Sanic-Server-0-0"]["state"] == "ACKED"
    assert mux.workers == {"Sanic-Server-0-0": state["Sanic-Server-0-0"]}
    with pytest.raises(LookupError):
        mux.state["pid"] = 1
