"""The entry point of every server worker process the manager spawns.

The main process bound the sockets and pickled what a worker needs (the
sockets, the app loader, each app's settings, config and shared context,
the monitor pipe and the worker state); here the app is made anew, and
served on the inherited sockets until SIGTERM.
"""

from __future__ import annotations

import asyncio
import os
import random
import signal
import sys
import threading
import traceback
from functools import partial
from typing import Any

from sanic.worker.constants import ProcessState
from sanic.worker.state import WorkerState

# How often a worker reports how many requests it answered.
REPORT_INTERVAL = 1.0
# How often it checks that count against WORKER_MAX_REQUESTS.
RECYCLE_CHECK_INTERVAL = 0.05


def worker_serve(
    *,
    name: str,
    monitor_publisher: Any,
    worker_state: Any,
    app_loader: Any,
    apps: list[dict[str, Any]],
    listeners_released: Any = None,
) -> None:
    """Serve the apps described by ``apps`` (the primary first) until SIGTERM.

    Each item of ``apps``: ``name``, ``servers`` (settings dicts, each with
    its inherited ``sock`` and its ``ssl`` argument), ``config`` (the
    main process's config values), ``run_options`` and ``shared_ctx``.
    ``listeners_released``: an Event the main process sets once it closed
    its copies of the listening sockets (see `drains_backlog`).
    """
    # Ctrl+C in a terminal reaches the whole process group: the main process
    # decides, and tells workers with SIGTERM.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    state = WorkerState(worker_state, name)
    try:
        entries, sockets, loaded = _prepare(app_loader, apps, state, monitor_publisher)
    except BaseException as exc:
        _report_failure(state, name, exc)
        raise SystemExit(1) from None
    _watch_parent()
    from sanic.server.runners import serve_in_worker

    reporter = _Reporter(state, loaded[0], monitor_publisher, entries)
    try:
        serve_in_worker(
            entries,
            sockets,
            on_ready=reporter.ready,
            drain_backlog=partial(drains_backlog, listeners_released),
        )
    except BaseException as exc:
        if reporter.acked:
            raise
        _report_failure(state, name, exc)  # a start listener failed, say
        raise SystemExit(1) from None
    state.update(state=ProcessState.COMPLETED.name, requests=reporter.count())


def _prepare(
    app_loader: Any, apps: list[dict[str, Any]], state: WorkerState, publisher: Any
) -> tuple[list[tuple[Any, Any]], list[Any], list[Any]]:
    from sanic.app import Sanic
    from sanic.http.tls import get_ssl_context
    from sanic.server.runners import ServerInfo
    from sanic.worker.multiplexer import WorkerMultiplexer

    primary = app_loader.load()
    loaded = []
    for index, spec in enumerate(apps):
        app = primary if index == 0 else Sanic.get_app(spec["name"])
        _configure(app, spec)
        app.multiplexer = WorkerMultiplexer(publisher, state)
        loaded.append(app)
    entries = []
    sockets = []
    for app, spec in zip(loaded, apps, strict=True):
        for settings in spec["servers"]:
            settings = dict(settings)
            settings["ssl"] = get_ssl_context(app, settings.get("ssl"))
            settings["state"] = {}  # this server's connections share it
            entries.append((app, ServerInfo(settings)))
            sockets.append(settings["sock"])
    return entries, sockets, loaded


def _configure(app: Any, spec: dict[str, Any]) -> None:
    from sanic.types.shared_ctx import SharedContext

    config = app.config
    for key, value in spec.get("config", {}).items():
        if key not in config or config[key] != value:
            try:
                config[key] = value
            except (ValueError, TypeError):
                pass  # refused here as it would have been there
    options = spec.get("run_options")
    if options:
        app._apply_run_options(**options)
    app.state.auto_tls = False  # the main process made the certificate
    app.state.workers = spec.get("workers", app.state.workers)
    shared = SharedContext()
    shared.__dict__.update(spec.get("shared_ctx", {}))
    shared.lock()
    app._shared_ctx = shared
    app._in_worker = True


def _report_failure(state: WorkerState, name: str, exc: BaseException) -> None:
    from sanic.exceptions import SanicException
    from sanic.worker.loader import AppLoadError

    if isinstance(exc, SystemExit):
        message = f"exited with {exc.code}"
    else:
        message = str(exc) or type(exc).__name__
        if not isinstance(exc, (AppLoadError, SanicException, OSError)):
            # A bug in the app's own code: its traceback is what helps.
            traceback.print_exception(type(exc), exc, exc.__traceback__)
            message = f"{type(exc).__name__}: {message}"
    state.update(state=ProcessState.FAILED.name, error=message.splitlines()[0])
    if not state:
        print(f"Sanic worker {name} could not start: {message}", file=sys.stderr)


# Set when the main process went away without stopping us.
_parent_gone = threading.Event()


def drains_backlog(listeners_released: Any) -> bool:
    """Whether this worker's close ends the listening sockets.

    The main process holds each listening socket for as long as it serves, so
    a worker that stops alone (a restart, a scale-down, WORKER_MAX_REQUESTS)
    leaves the connections queued on it to the others. When the whole server
    stops, the main process closes its copies before it signals the workers;
    the workers then accept what is queued before they close theirs, the
    last close being the one that would have reset it.
    """
    if _parent_gone.is_set() or listeners_released is None:
        return True
    try:
        return bool(listeners_released.is_set())
    except (OSError, EOFError):
        return True


def _watch_parent() -> None:
    """Stop (gracefully) if the main process disappears without telling us."""
    import multiprocessing

    parent = multiprocessing.parent_process()
    if parent is None:
        return

    def watch() -> None:
        from multiprocessing.connection import wait

        wait([parent.sentinel])
        _parent_gone.set()
        os.kill(os.getpid(), signal.SIGTERM)

    threading.Thread(target=watch, name="sanic-parent-watch", daemon=True).start()


def recycle_after(config: Any) -> int:
    """How many requests a worker answers before it is replaced:
    WORKER_MAX_REQUESTS plus a random 0 to WORKER_MAX_REQUESTS_JITTER (the
    config checked both are integers >= 0); 0 for never."""
    maximum = int(config.get("WORKER_MAX_REQUESTS") or 0)
    if not maximum:
        return 0
    return maximum + random.randint(
        0, int(config.get("WORKER_MAX_REQUESTS_JITTER") or 0)
    )


class _Reporter:
    """Acks, reports the request count, and asks for recycling when due."""

    def __init__(
        self, state: WorkerState, app: Any, publisher: Any, entries: list
    ) -> None:
        self.state = state
        self.app = app
        self.publisher = publisher
        self.server_states = [info.settings["state"] for _, info in entries]
        self.max_requests = recycle_after(app.config)
        self.recycling = False
        self.acked = False
        self.task: asyncio.Task | None = None

    def count(self) -> int:
        from sanic.server.protocols.http_protocol import requests_served

        return sum(requests_served(state) for state in self.server_states)

    def ready(self, loop: asyncio.AbstractEventLoop) -> None:
        self.app.m.ack()
        self.acked = True
        self.task = loop.create_task(self.run())

    async def run(self) -> None:
        reported = -1
        since_report = REPORT_INTERVAL
        interval = RECYCLE_CHECK_INTERVAL if self.max_requests else REPORT_INTERVAL
        while True:
            await asyncio.sleep(interval)
            since_report += interval
            count = self.count()
            if self.max_requests and not self.recycling:
                if count >= self.max_requests:
                    self.recycle(count)
            if since_report >= REPORT_INTERVAL and count != reported:
                since_report = 0.0
                reported = count
                await asyncio.get_running_loop().run_in_executor(
                    None, self.state.update, {"requests": count}
                )

    def recycle(self, count: int) -> None:
        from sanic.worker import messages

        self.recycling = True
        self.publisher.send(
            messages.restart(
                [self.state.name],
                zero_downtime=True,
                reason=f"it answered {count} requests (WORKER_MAX_REQUESTS)",
            )
        )
