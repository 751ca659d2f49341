"""The main process of ``app.run()``: bind, run the main-process listeners,
start the `WorkerManager`, and clean up when it stops.

No worker code runs here: the workers are spawned (`sanic.worker.serve`)
and get the sockets bound here, so one port is shared by all of them and
survives their restarts.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import pickle
import platform
import signal
import socket
import ssl as _ssl
import sys
import threading
from collections.abc import Sequence
from functools import partial
from multiprocessing.managers import SyncManager
from typing import Any

from sanic.exceptions import SanicException
from sanic.log import error_logger

# Settings that only mean something inside one process: not sent to workers.
_IN_PROCESS_ONLY = ("connections", "signal", "state", "stop_event", "sock")
_SENT = ("host", "port", "unix", "unix_mode", "protocol", "backlog")
_MODULE_SCOPE = (
    "Sanic server could not start: app.run() was called again in a worker "
    "process ({name}). This may have happened if you are running Sanic in the "
    'global scope and not inside of a `if __name__ == "__main__"` block.'
)


def in_sanic_process() -> bool:
    """True in a process the worker manager started (servers, managed ones)."""
    # Not parent_process(): it is set only after a spawned child imported the
    # main module again, which is when this is asked. The main process is
    # "MainProcess"; every process Sanic starts has a name starting "Sanic".
    return multiprocessing.current_process().name.startswith("Sanic")


def refuse_nested_run() -> None:
    """``app.run()`` in a worker: the main module ran again on import."""
    if in_sanic_process():
        name = multiprocessing.current_process().name
        print(_MODULE_SCOPE.format(name=name), file=sys.stderr, flush=True)
        raise SystemExit(1)


class SanicStateManager(SyncManager):
    """Serves the worker state; its process name starts with "Sanic"."""


def _state_server_init(listening_fds: Sequence[int] = ()) -> None:
    # A forked state server must not hold the listening sockets: while it
    # did, a stopping server's port still accepted connections (then reset
    # them) instead of refusing them, and a proxy could not retry elsewhere.
    # Each fd is pointed at /dev/null rather than closed, so the number is
    # not reused while the inherited socket objects still name it.
    if listening_fds:
        devnull = os.open(os.devnull, os.O_RDWR)
        for fd in listening_fds:
            try:
                os.dup2(devnull, fd)
            except OSError:
                pass
        os.close(devnull)
    # Signals are for the main process, which stops this server last; it
    # goes when the main process goes, however that happens.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    parent = multiprocessing.parent_process()
    if parent is not None:

        def watch() -> None:
            from multiprocessing.connection import wait

            wait([parent.sentinel])
            os._exit(0)

        threading.Thread(target=watch, daemon=True).start()


def _state_context() -> Any:
    # The state server holds no app code: fork it (no re-import of the main
    # module) where fork is safe, else spawn.
    methods = multiprocessing.get_all_start_methods()
    if "fork" in methods and sys.platform.startswith("linux"):
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("spawn")


class _MainStopper:
    """``app.stop()`` in the main process: a graceful shutdown of everything."""

    def __init__(self, manager: Any) -> None:
        self.manager = manager

    def set(self) -> None:
        self.manager.terminate()

    def is_set(self) -> bool:
        return self.manager._stopping


def serve_with_manager(
    apps: Sequence[Any],
    *,
    app_loader: Any = None,
) -> None:
    """Serve the prepared ``apps`` (primary first) from worker processes."""
    from sanic.server.runners import bind_listeners, close_listeners
    from sanic.worker.loader import AppLoader

    refuse_nested_run()
    primary = apps[0]
    if app_loader is None:
        app_loader = AppLoader(factory=partial(type(primary).get_app, primary.name))
    entries = [(app, info) for app in apps for info in app.state.server_info]
    for app, info in entries:
        _check_ssl(app, info.settings)
    workers = primary.state.workers or 1
    register_signals = entries[0][1].settings.get("register_sys_signals", True)

    bound = bind_listeners(entries)
    # Objects made in main_process_start with the default context (a plain
    # `multiprocessing.Queue()`) must suit spawned workers: spawn it is.
    if multiprocessing.get_start_method(allow_none=True) != "spawn":
        multiprocessing.set_start_method("spawn", force=True)
    loop = asyncio.new_event_loop()
    started: list[Any] = []
    state_manager: Any = None
    manager: Any = None
    released: Any = None
    failure = ""
    try:
        for app in apps:
            app.shared_ctx  # noqa: B018 - made before its listeners run
            started.append(app)
            loop.run_until_complete(
                app.listeners_registry.run("main_process_start", app, loop)
            )
        for app in apps:
            app.shared_ctx.lock()
        location = address(entries[0][1].settings, bound[0][0])
        _motd(primary, location, workers)
        state_manager = SanicStateManager(ctx=_state_context())
        state_manager.start(_state_server_init, ([sock.fileno() for sock, _ in bound],))
        worker_state = state_manager.dict()
        context = multiprocessing.get_context("spawn")
        reader, writer = context.Pipe(duplex=False)
        manager = _make_manager(
            primary, apps, entries, bound, app_loader, context, worker_state, workers
        )
        manager.monitor_subscriber, manager.monitor_publisher = reader, writer
        manager.server_settings["monitor_publisher"] = writer
        # Set once the sockets here are closed: the workers' closes then end
        # them, and they accept what is queued first (see drains_backlog).
        released = context.Event()
        manager.server_settings["listeners_released"] = released
        for app in apps:
            app._manager = manager
            app._stop_event = _MainStopper(manager)
        previous = _install_signals(manager) if register_signals else {}
        try:
            failure = _run(manager, primary, apps, loop, location, worker_state)
        finally:
            _restore_signals(previous)
    finally:
        try:
            # New connections are refused once the workers close theirs too.
            close_listeners(bound)
            if released is not None:
                released.set()  # before the workers are told to stop
            if manager is not None:
                manager.shutdown()
                manager.close()
        finally:
            for app in apps:
                app._manager = None
                app._stop_event = None
            for app in reversed(started):
                try:
                    loop.run_until_complete(
                        app.listeners_registry.run("main_process_stop", app, loop)
                    )
                except Exception:
                    error_logger.exception("Error in a main_process_stop listener")
            loop.close()
            if state_manager is not None:
                state_manager.shutdown()
    if failure:
        _report(failure)
        raise SystemExit(1)
    if manager is not None and manager.exit_code:
        raise SystemExit(manager.exit_code)


def _run(
    manager: Any,
    primary: Any,
    apps: Sequence[Any],
    loop: asyncio.AbstractEventLoop,
    location: str,
    worker_state: Any,
) -> str:
    """Start and watch; the startup error, if there was one."""
    from sanic.worker.manager import WorkerStartupError

    try:
        manager.start_servers()
    except WorkerStartupError as exc:
        return str(exc)
    if manager._stopping:
        return ""
    for app in apps:
        loop.run_until_complete(
            app.listeners_registry.run("main_process_ready", app, loop)
        )
    _add_inspector(manager, primary, location, worker_state)
    _add_reloader(manager, primary)
    try:
        manager.start_managed()
    except WorkerStartupError as exc:
        return str(exc)
    manager.monitor()
    return ""


def _make_manager(
    primary: Any,
    apps: Sequence[Any],
    entries: list,
    bound: list,
    app_loader: Any,
    context: Any,
    worker_state: Any,
    workers: int,
) -> Any:
    from sanic.worker.manager import WorkerManager
    from sanic.worker.serve import worker_serve

    socks = iter(sock for sock, _ in bound)
    specs = []
    for app in apps:
        servers = []
        for entry_app, info in entries:
            if entry_app is not app:
                continue
            settings = {k: info.settings.get(k) for k in _SENT}
            settings["ssl"] = info.settings.get("ssl")
            kwargs = info.settings.get("asyncio_server_kwargs")
            settings["asyncio_server_kwargs"] = kwargs
            settings["sock"] = next(socks)
            servers.append(settings)
        specs.append(
            {
                "name": app.name,
                "servers": servers,
                "config": _picklable(app.config),
                "run_options": getattr(app, "_run_options", None),
                "shared_ctx": dict(app.shared_ctx.items()),
                "workers": workers,
            }
        )
    _check_picklable(specs, app_loader)
    settings = {
        "monitor_publisher": None,  # set once the pipe exists
        "worker_state": worker_state,
        "app_loader": app_loader,
        "apps": specs,
    }
    config = primary.config
    return WorkerManager(
        workers,
        worker_serve,
        settings,
        context,
        (None, None),
        worker_state,
        graceful_timeout=float(config.GRACEFUL_SHUTDOWN_TIMEOUT),
        ack_timeout=float(config.get("WORKER_ACK_TIMEOUT", 30.0)),
    )


def _check_ssl(app: Any, settings: dict[str, Any]) -> None:
    """Certificate errors first; an SSLContext can't travel to the workers."""
    from sanic.http.tls import get_ssl_context

    ssl = settings.get("ssl")
    if isinstance(ssl, _ssl.SSLContext):
        raise SanicException(
            "ssl= was given an ssl.SSLContext, which cannot be sent to worker "
            "processes: pass the certificate and key as a dict "
            '({"cert": ..., "key": ...}) or a certificate directory, or run '
            "with single_process=True"
        )
    if getattr(app.state, "auto_tls", False) and ssl is None:
        from sanic.http.tls.creators import local_ssl_data

        settings["ssl"] = ssl = local_ssl_data(app)
    get_ssl_context(app, ssl)


def _picklable(config: Any) -> dict[str, Any]:
    values = {}
    for key, value in config.items():
        try:
            pickle.dumps(value)
        except Exception:
            continue
        values[key] = value
    return values


def _check_picklable(specs: list, app_loader: Any) -> None:
    # (shared_ctx objects such as queues pickle only while a process starts:
    # a problem with one is reported then, naming the worker.)
    for spec in specs:
        for settings in spec["servers"]:
            for name in ("protocol", "ssl", "asyncio_server_kwargs"):
                _try_pickle(settings[name], f"{name}=")
    _try_pickle(app_loader, "the app loader")


def _try_pickle(value: Any, what: str) -> None:
    from multiprocessing.reduction import ForkingPickler

    try:
        ForkingPickler.dumps(value)
    except Exception as exc:
        raise SanicException(
            f"{what} cannot be sent to the worker processes ({exc}): define it "
            "at module level, or run with single_process=True"
        ) from None


def _motd(primary: Any, location: str, workers: int) -> None:
    from sanic.application.motd import show_motd

    if not primary.state.motd:
        return
    mode = "debug" if primary.state.is_debug else "production"
    try:
        show_motd(
            primary,
            location,
            workers=workers,
            mode=mode,
            display=primary.state.motd_display,
        )
    except Exception:
        error_logger.exception("Could not show the MOTD")


def address(settings: dict[str, Any], sock: socket.socket) -> str:
    """Where a server listens, as a URL (``http+unix://path`` for a socket file)."""
    scheme = "https" if settings.get("ssl") is not None else "http"
    name = sock.getsockname()
    if isinstance(name, str) or sock.family == getattr(socket, "AF_UNIX", None):
        return f"{scheme}+unix://{name}"
    host, port = name[0], name[1]
    if sock.family == socket.AF_INET6:
        host = f"[{host}]"
    return f"{scheme}://{host}:{port}"


def _add_inspector(
    manager: Any, primary: Any, location: str, worker_state: Any
) -> None:
    config = primary.config
    if not config.get("INSPECTOR"):
        return
    import sanic

    inspector_class = getattr(primary, "inspector_class", None)
    if inspector_class is None:
        from sanic.worker.inspector import Inspector

        inspector_class = Inspector
    app_info = {
        "app_name": primary.name,
        "version": sanic.__version__,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "mode": "debug" if primary.state.is_debug else "production",
        "server": "sanic",
        "workers": manager.num_server,
        "address": location,
        "pid": os.getpid(),
    }
    inspector = inspector_class(
        manager.monitor_publisher,
        app_info,
        worker_state,
        config.INSPECTOR_HOST,
        config.INSPECTOR_PORT,
        config.INSPECTOR_API_KEY,
        config.INSPECTOR_TLS_KEY,
        config.INSPECTOR_TLS_CERT,
    )
    manager.manage("Sanic-Inspector-0", inspector, {}, transient=False)


def _add_reloader(manager: Any, primary: Any) -> None:
    if not primary.state.auto_reload:
        return
    from sanic.worker.reloader import Reloader

    dirs = reload_dirs(primary)
    loader = manager.server_settings["app_loader"]
    reloader = Reloader(manager.monitor_publisher, 1.0, dirs, loader)
    manager.manage("Sanic-Reloader-0", reloader, {}, transient=False)


def reload_dirs(app: Any) -> list[str]:
    """Every ``reload_dir``: the reloader finds the app's own sources itself.

    (Watching the main module's whole folder would also watch a log file the
    app writes there, and restart on every line.)
    """
    dirs: list[str] = []
    for item in sorted(app.state.reload_dirs):
        full = os.path.abspath(item)
        if full not in dirs:
            dirs.append(full)
    return dirs


def _install_signals(manager: Any) -> dict[int, Any]:
    if threading.current_thread() is not threading.main_thread():
        return {}
    previous: dict[int, Any] = {}
    for sig in (signal.SIGINT, signal.SIGTERM):
        previous[sig] = signal.signal(sig, manager.handle_signal)
    return previous


def _restore_signals(previous: dict[int, Any]) -> None:
    for sig, handler in previous.items():
        signal.signal(sig, handler)


def _report(message: str) -> None:
    if error_logger.isEnabledFor(40) and error_logger.hasHandlers():
        error_logger.error(message)
    else:
        print(message, file=sys.stderr, flush=True)


__all__ = ["in_sanic_process", "serve_with_manager"]
