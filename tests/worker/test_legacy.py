"""legacy=True (forked workers, no manager) and single_process=True."""

from __future__ import annotations

import signal

from tests.worker.support import running

APP = """
    import os, sys, warnings
    from sanic import Sanic
    from sanic.response import text

    warnings.simplefilter("always", DeprecationWarning)
    app = Sanic("Modes")

    @app.get("/pid")
    async def pid(request):
        return text(str(os.getpid()))

    @app.main_process_start
    def main_start(app):
        print(f"main_process_start {os.getpid()}", flush=True)

    @app.main_process_stop
    def main_stop(app):
        print(f"main_process_stop {os.getpid()}", flush=True)

    if __name__ == "__main__":
        mode = sys.argv[2]
        if mode == "legacy":
            app.run(host="127.0.0.1", port=int(sys.argv[1]), legacy=True, workers=2)
        else:
            app.run(host="127.0.0.1", port=int(sys.argv[1]), single_process=True)
"""


def test_legacy_mode_serves_from_forked_workers_with_a_deprecation_warning(tmp_path):
    with running(tmp_path, APP, extra_args=("legacy",), count=2) as server:
        pids = server.pids(30)
        main = str(server.proc.pid)
        assert main not in pids
        assert 1 <= len(pids) <= 2
        assert "DeprecationWarning" in server.output
        assert f"main_process_start {main}" in server.output
        assert server.finish(signal.SIGINT) == 0
        assert f"main_process_stop {main}" in server.output
        assert "Traceback" not in server.output


def test_single_process_mode_serves_in_the_main_process(tmp_path):
    with running(tmp_path, APP, extra_args=("single",)) as server:
        main = str(server.proc.pid)
        assert server.pids(5) == {main}
        assert f"main_process_start {main}" in server.output
        assert server.finish() == 0
        assert f"main_process_stop {main}" in server.output
