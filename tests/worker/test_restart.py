"""Zero-downtime restarts under load lose no request."""

from __future__ import annotations

import threading
import time

from tests.worker.support import Load, running, wait_until

APP = """
    import os, sys
    from sanic import Sanic
    from sanic.response import text

    app = Sanic("ZeroDowntime")
    app.config.GRACEFUL_SHUTDOWN_TIMEOUT = 5

    @app.get("/pid")
    async def pid(request):
        return text(str(os.getpid()))

    @app.get("/restart")
    async def restart(request):
        request.app.m.restart(all_workers=True, zero_downtime=True)
        return text("restarting")

    if __name__ == "__main__":
        app.run(host="127.0.0.1", port=int(sys.argv[1]), workers=2)
"""


def test_zero_downtime_restart_of_all_workers_under_load(tmp_path):
    with running(tmp_path, APP, count=2) as server:
        load = Load(server.port)
        worker = threading.Thread(target=load.run, args=(6, 80, 0.01))
        worker.start()
        time.sleep(0.5)
        assert server.get("/restart") == (200, "restarting")
        worker.join(60)
        assert not worker.is_alive()
        server.wait_for("Sanic server listening", 4)
        assert load.failures == []
        assert load.answered == 6 * 80
        # The old generation stops once the new one serves.
        old = set(load.pids[:10])
        assert wait_until(lambda: not server.pids(10) & old, 20), server.output
        assert "Restarting Sanic-Server-0-0, Sanic-Server-1-0 (startup-first)" in (
            server.output
        )
        assert server.finish() == 0
