"""`app.shared_ctx`: set in main_process_start, shared with every worker."""

from __future__ import annotations

import multiprocessing
import warnings

import pytest

from sanic.exceptions import SanicException
from sanic.types.shared_ctx import SharedContext
from tests.worker.support import running, wait_until

QUEUE = """
    import os, sys
    from multiprocessing import Queue
    # (multiprocessing.Queue is a factory function: isinstance needs the class.)
    from multiprocessing.queues import Queue as QueueType
    from sanic import Sanic
    from sanic.response import text

    app = Sanic("SharedQueue")

    @app.main_process_start
    async def main_process_start(app):
        app.shared_ctx.queue = Queue()

    @app.main_process_ready
    async def ready(app):
        try:
            app.shared_ctx.late = 1
        except Exception as exc:
            print(f"late assignment: {exc}", flush=True)

    @app.before_server_start
    async def before_server_starts(app):
        assert isinstance(app.shared_ctx.queue, QueueType)
        app.shared_ctx.queue.put(os.getpid())

    @app.on_request
    async def on_request(request):
        assert isinstance(request.app.shared_ctx.queue, QueueType)

    @app.get("/")
    async def handler(request):
        assert isinstance(request.app.shared_ctx.queue, QueueType)
        try:
            request.app.shared_ctx.other = 1
        except Exception as exc:
            return text(f"read-only: {exc}")
        return text("writable")

    @app.main_process_stop
    async def main_stop(app):
        pids = set()
        while not app.shared_ctx.queue.empty():
            pids.add(app.shared_ctx.queue.get())
        print(f"pids from workers: {len(pids)}", flush=True)

    if __name__ == "__main__":
        app.run(host="127.0.0.1", port=int(sys.argv[1]), workers=2)
"""


def test_a_queue_from_main_process_start_reaches_every_worker(tmp_path):
    with running(tmp_path, QUEUE, count=2) as server:
        status, body = server.get("/")
        assert status == 200
        assert body.startswith("read-only: Cannot set 'other'")
        assert wait_until(lambda: "late assignment:" in server.output, 10)
        assert "main_process_start" in server.output
        assert server.finish() == 0
        assert "pids from workers: 2" in server.output


def test_assignment_after_lock_is_a_clear_error():
    ctx = SharedContext()
    ctx.value = 1
    ctx.lock()
    with pytest.raises(SanicException, match="main_process_start"):
        ctx.value = 2
    assert ctx.value == 1


@pytest.mark.parametrize("value", [[], {}, {1, 2}, object()])
def test_an_unsafe_object_warns(value):
    ctx = SharedContext()
    with pytest.warns(UserWarning, match="Unsafe object 'thing'"):
        ctx.thing = value


def test_safe_objects_do_not_warn():
    mp = multiprocessing.get_context("spawn")
    ctx = SharedContext()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ctx.queue = mp.Queue()
        ctx.value = mp.Value("i", 0)
        ctx.array = mp.Array("i", 3)
        ctx.event = mp.Event()
        ctx.lock_ = mp.Lock()
        ctx.number = 1
        ctx.text = "x"
        ctx.nothing = None


def test_app_shared_ctx_is_a_shared_context(app):
    assert isinstance(app.shared_ctx, SharedContext)
    assert app.shared_ctx is app.shared_ctx
