"""``legacy=True``: the workers without the manager (deprecated, as in Sanic).

The parent binds the sockets and forks N children that serve them (fork
where the OS has it; otherwise the apps are served in this one process).
The parent forwards SIGINT/SIGTERM to the children and waits for them;
the ``main_process_*`` listeners run in the parent.
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import warnings
from collections.abc import Sequence
from typing import Any

from sanic.log import error_logger

_MESSAGE = (
    "The legacy runners (legacy=True, Sanic.serve_legacy(), --legacy) are "
    "deprecated: run with the worker manager (the default) or single_process=True"
)


def serve_legacy(apps: Sequence[Any]) -> None:
    """Serve ``apps`` from forked children of this process until a signal."""
    from sanic.server.runners import (
        ServerInfo,
        bind_listeners,
        close_listeners,
        serve_apps,
    )

    warnings.warn(_MESSAGE, DeprecationWarning, stacklevel=3)
    entries = [(app, info) for app in apps for info in app.state.server_info]
    register = entries[0][1].settings.get("register_sys_signals", True)
    workers = apps[0].state.workers or 1
    if not hasattr(os, "fork"):
        serve_apps(entries, register_sys_signals=register)
        return
    bound = bind_listeners(entries)
    try:
        loop = asyncio.new_event_loop()
        try:
            for app in apps:
                loop.run_until_complete(
                    app.listeners_registry.run("main_process_start", app, loop)
                )
            children = []
            for _ in range(workers):
                pid = os.fork()
                if pid == 0:  # the child serves, then leaves without cleanup
                    code = 0
                    try:
                        child_entries = [
                            (app, ServerInfo({**info.settings, "sock": sock}))
                            for (app, info), (sock, _) in zip(
                                entries, bound, strict=True
                            )
                        ]
                        _serve_child(child_entries)
                    except BaseException:
                        error_logger.exception("Legacy worker failed")
                        code = 1
                    finally:
                        os._exit(code)
                children.append(pid)
            for app in apps:
                loop.run_until_complete(
                    app.listeners_registry.run("main_process_ready", app, loop)
                )
            _wait_children(children, register, [sock for sock, _ in bound])
        finally:
            for app in reversed(list(apps)):
                loop.run_until_complete(
                    app.listeners_registry.run("main_process_stop", app, loop)
                )
            loop.close()
    finally:
        close_listeners(bound)


def _serve_child(entries: list) -> None:
    from sanic.server.runners import serve_in_worker

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    serve_in_worker(entries, [info.settings["sock"] for _, info in entries])


def _wait_children(
    children: list[int], register: bool, listening: list[socket.socket]
) -> None:
    def forward(signum: int, frame: Any) -> None:
        # Our copies first: the children's closes then end the sockets, and
        # each accepts what is queued before closing (else the kernel resets
        # it when we close ours after they exit), and new connections are
        # refused while they drain.
        for sock in listening:
            sock.close()
        for pid in children:
            try:
                os.kill(pid, signal.SIGTERM)
            except ProcessLookupError:
                pass

    previous: dict[int, Any] = {}
    if register:
        for sig in (signal.SIGINT, signal.SIGTERM):
            previous[int(sig)] = signal.signal(int(sig), forward)
    try:
        for pid in children:
            while True:
                try:
                    os.waitpid(pid, 0)
                    break
                except InterruptedError:
                    continue
                except ChildProcessError:
                    break
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
