"""WORKER_MAX_REQUESTS: a worker is replaced after that many requests, with
no failed request while it happens."""

from __future__ import annotations

from tests.worker.support import Load, running

APP = """
    import os, sys
    from sanic import Sanic
    from sanic.response import text

    app = Sanic("Recycled")
    app.config.WORKER_MAX_REQUESTS = 50
    app.config.WORKER_MAX_REQUESTS_JITTER = 10
    app.config.GRACEFUL_SHUTDOWN_TIMEOUT = 5

    @app.get("/pid")
    async def pid(request):
        return text(str(os.getpid()))

    if __name__ == "__main__":
        app.run(host="127.0.0.1", port=int(sys.argv[1]), workers=2)
"""


def test_workers_are_recycled_after_max_requests_without_failures(tmp_path):
    with running(tmp_path, APP, count=2) as server:
        load = Load(server.port)
        load.run(threads=6, per_thread=100, pause=0.04)
        assert load.failures == []
        assert load.answered == 600
        pids = set(load.pids)
        assert len(pids) > 2  # replacements answered too
        # (How many more than 50 + jitter an old worker answers depends on how
        # fast its replacement starts: it serves until then, by design.)
        assert "WORKER_MAX_REQUESTS" in server.output
        assert server.finish() == 0


def test_no_recycling_by_default(tmp_path):
    source = APP.replace("app.config.WORKER_MAX_REQUESTS = 50", "")
    with running(tmp_path, source, count=2) as server:
        load = Load(server.port)
        load.run(threads=4, per_thread=50)
        assert load.failures == []
        assert len(set(load.pids)) == 2
        assert server.finish() == 0
