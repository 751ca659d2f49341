"""Serving apps in the current process: bind, run listeners, serve, shut down.

``Sanic.serve()`` (and so ``app.run()``) hands :func:`serve_apps` the apps that
were prepared, each with the settings of each ``prepare()`` call. Sockets are
bound first, before any listener runs, so that a bad address is a clear error
and nothing else; then one event loop serves every server until a signal or
``app.stop()``, and shuts them down gracefully (see :func:`shutdown_connections`).
A worker manager can later bind in the main process and hand the sockets to
workers that run the same loop code.
"""

from __future__ import annotations

import asyncio
import errno
import inspect
import os
import signal as os_signal
import socket
import stat
import warnings
from collections.abc import Callable, Sequence
from functools import partial
from typing import Any

from sanic.http.constants import Stage
from sanic.http.tls import get_ssl_context
from sanic.log import error_logger, server_logger
from sanic.server.async_server import AsyncioServer
from sanic.server.backlog import Adopter, closing_listener, last_request_protocol
from sanic.server.loop import new_event_loop
from sanic.server.protocols.http_protocol import HttpProtocol

# How often a draining server looks for connections that became idle.
_DRAIN_TICK = 0.02
# How long a just-accepted connection may take to send its first request
# once the server is stopping (see shutdown_connections).
_FRESH_LINGER = 1.0
# How long an idle keep-alive connection must have been unused (since the
# stop began) before a stopping server closes it (see shutdown_connections).
_QUIET_BEFORE_CLOSE = 0.25


class Signal:
    """Old-style shared flag: ``stopped`` turns True when the server stops."""

    stopped = False


class ServerInfo:
    """One server an app was prepared for: the settings of one ``prepare()``."""

    __slots__ = ("settings", "server")

    def __init__(self, settings: dict[str, Any]) -> None:
        self.settings = settings
        self.server: AsyncioServer | None = None

    def __repr__(self) -> str:
        where = self.settings.get("unix") or (
            f"{self.settings.get('host')}:{self.settings.get('port')}"
        )
        return f"<ServerInfo {where}>"


# ---- arguments ------------------------------------------------------------------


def check_port(port: Any) -> int:
    """``port`` as an int in 0-65535, or a ValueError naming it."""
    if isinstance(port, bool) or not isinstance(port, int):
        if isinstance(port, str) and port.strip().isdigit():
            port = int(port)
        else:
            raise ValueError(f"port must be an integer from 0 to 65535, not {port!r}")
    if not 0 <= port <= 65535:
        raise ValueError(f"port {port} is out of range: it must be from 0 to 65535")
    return port


def check_backlog(backlog: Any) -> int:
    if isinstance(backlog, bool) or not isinstance(backlog, int) or backlog < 1:
        raise ValueError(f"backlog must be a positive integer, not {backlog!r}")
    return backlog


def check_host(host: Any) -> str:
    if not isinstance(host, str) or not host:
        raise ValueError(f"host must be a non-empty string, not {host!r}")
    return host


def check_unix_path(path: Any) -> str:
    """A usable unix socket path: its directory must exist."""
    if not isinstance(path, (str, os.PathLike)) or not os.fspath(path):
        raise ValueError(f"unix must be a socket file path, not {path!r}")
    path = os.fspath(path)
    directory = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(directory):
        raise FileNotFoundError(
            errno.ENOENT,
            f"cannot listen on unix socket {path}: "
            f"directory {directory} does not exist",
        )
    return path


# ---- sockets --------------------------------------------------------------------


def bind_socket(host: str, port: int, *, backlog: int = 100) -> socket.socket:
    """A listening TCP socket; a clear one-line error when the address is taken."""
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]  # "[::1]", as in URLs
    # A name ("localhost") means its IPv4 address when it has one, as clients
    # that connect to http://localhost:port/ mostly try 127.0.0.1.
    families = (socket.AF_INET6,) if ":" in host else (socket.AF_INET, 0)
    for family in families:
        try:
            family, kind, proto, _, address = socket.getaddrinfo(
                host, port, family, socket.SOCK_STREAM, 0, socket.AI_PASSIVE
            )[0]
            break
        except socket.gaierror as exc:
            problem = exc.strerror
    else:
        raise OSError(
            errno.EADDRNOTAVAIL, f"cannot listen on {host}:{port}: {problem}"
        ) from None
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(backlog)
    except OSError as exc:
        sock.close()
        where = f"[{host}]:{port}" if family == socket.AF_INET6 else f"{host}:{port}"
        raise OSError(exc.errno, f"cannot listen on {where}: {exc.strerror}") from None
    sock.setblocking(False)
    return sock


def _unix_error(path: str, code: int, problem: str) -> OSError:
    return OSError(code, f"cannot listen on unix socket {path}: {problem}")


def _remove_stale_unix_socket(path: str) -> None:
    """Make way at ``path``: only a socket file that nobody listens on goes."""
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        return
    if not stat.S_ISSOCK(mode):
        raise _unix_error(path, errno.EEXIST, "the path exists and is not a socket")
    probe = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    probe.settimeout(1.0)
    try:
        probe.connect(path)
    except (ConnectionRefusedError, FileNotFoundError):
        pass  # stale: left behind by a server that is gone
    except OSError as exc:
        raise _unix_error(
            path, exc.errno or errno.EIO, exc.strerror or str(exc)
        ) from None
    else:
        raise _unix_error(
            path, errno.EADDRINUSE, "another server is already listening there"
        )
    finally:
        probe.close()
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass


def bind_unix_socket(
    path: str, *, mode: int = 0o666, backlog: int = 100
) -> socket.socket:
    """A listening unix socket at ``path`` with permissions ``mode``.

    A stale socket file (nobody listening) is replaced; a live one, or a file
    that is not a socket, is an error. Remove it with :func:`remove_unix_socket`.
    """
    path = check_unix_path(path)
    _remove_stale_unix_socket(path)
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        sock.bind(path)
    except OSError as exc:
        sock.close()
        raise _unix_error(
            path, exc.errno or errno.EIO, exc.strerror or str(exc)
        ) from None
    try:
        os.chmod(path, mode)
        sock.listen(backlog)
    except OSError as exc:
        sock.close()
        _unlink_quietly(path)
        raise _unix_error(
            path, exc.errno or errno.EIO, exc.strerror or str(exc)
        ) from None
    sock.setblocking(False)
    return sock


def unix_socket_identity(path: str) -> tuple[int, int] | None:
    try:
        info = os.stat(path)
    except OSError:
        return None
    return info.st_dev, info.st_ino


def remove_unix_socket(path: str, identity: tuple[int, int] | None = None) -> None:
    """Remove the socket file at ``path`` if it is still the one we bound."""
    try:
        info = os.lstat(path)
    except OSError:
        return
    if not stat.S_ISSOCK(info.st_mode):
        return
    if identity is not None and (info.st_dev, info.st_ino) != identity:
        return  # another server has replaced it since
    _unlink_quietly(path)


def _unlink_quietly(path: str) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass


def unix_mode(value: Any) -> int:
    """File permissions for a unix socket: an int, or octal text ("0o660", "660")."""
    if isinstance(value, str):
        text = value.strip().lower().removeprefix("0o")
        try:
            value = int(text, 8)
        except ValueError:
            raise ValueError(
                f"unix_mode must be octal permissions, not {value!r}"
            ) from None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 0o777:
        raise ValueError(
            f"unix_mode must be permissions from 0 to 0o777, not {value!r}"
        )
    return value


def open_listener(
    app: Any,
    *,
    host: str | None = None,
    port: int | None = None,
    sock: socket.socket | None = None,
    unix: str | None = None,
    unix_mode: Any = None,
    backlog: int = 100,
) -> tuple[socket.socket, Callable[[], None] | None]:
    """The listening socket to serve on, and what removes it afterwards.

    A given ``sock`` is used as it is (its owner removes any file it has).
    """
    if sock is not None:
        return sock, None
    if unix:
        mode = unix_mode_for(app, unix_mode)
        sock = bind_unix_socket(unix, mode=mode, backlog=backlog)
        return sock, partial(remove_unix_socket, unix, unix_socket_identity(unix))
    host = host or "127.0.0.1"
    port = 8000 if port is None else port
    return bind_socket(host, port, backlog=backlog), None


def unix_mode_for(app: Any, mode: Any = None) -> int:
    if mode is None:
        mode = app.config.get("UNIX_MODE", 0o666)
        if mode is None or mode == "":
            mode = 0o666
    return unix_mode(mode)


def make_server_coro(
    app: Any,
    loop: asyncio.AbstractEventLoop,
    *,
    host: str | None,
    port: int | None,
    sock: socket.socket | None = None,
    unix: str | None = None,
    unix_mode: Any = None,
    ssl: Any = None,
    protocol: type | None = None,
    backlog: int = 100,
    connections: set | None = None,
    asyncio_server_kwargs: dict | None = None,
    state: dict | None = None,
    signal: Any = None,
    drain: Callable[[], bool] | None = None,
) -> tuple[Any, set]:
    """The coroutine that creates the asyncio server, and its connection set.

    ``ssl`` is an SSLContext or None: callers resolve the ``ssl=`` argument
    with `get_ssl_context` before binding, so a bad certificate is reported
    before any socket is opened or listener run.

    ``drain`` says, when the server closes, whether closing ends the
    listening socket (no other process holds it): then the connections
    already queued in its backlog are accepted and served first (see
    `ClosingListener`), rather than reset by the kernel.
    """
    connections = connections if connections is not None else set()
    # Shared by the server's connections (the timeout sweeper lives here).
    state = state if state is not None else {}
    protocol_class = protocol or HttpProtocol

    def factory_of(cls: type) -> Callable[[], asyncio.Protocol]:
        def factory() -> asyncio.Protocol:
            return cls(
                loop=loop,
                app=app,
                connections=connections,
                unix=unix,
                state=state,
                signal=signal,
            )

        return factory

    factory = factory_of(protocol_class)

    kwargs = dict(asyncio_server_kwargs or {})
    kwargs.setdefault("start_serving", False)
    coro: Any
    if sock is None:
        sock, _ = open_listener(
            app,
            host=host,
            port=port,
            unix=unix,
            unix_mode=unix_mode,
            backlog=backlog,
        )
    if sock.family == getattr(socket, "AF_UNIX", None):
        if _unix_server_cleans_up(loop):
            # Python 3.13's asyncio unlinks the socket file when the server
            # closes; the file is the binder's to remove (a worker restarting
            # must not delete the main process's socket).
            kwargs.setdefault("cleanup_socket", False)
        coro = loop.create_unix_server(
            factory, sock=sock, ssl=ssl, backlog=backlog, **kwargs
        )
    else:
        coro = loop.create_server(
            factory, sock=sock, ssl=ssl, backlog=backlog, **kwargs
        )
    if drain is not None:
        ssl_kwargs = {
            key: kwargs[key]
            for key in ("ssl_handshake_timeout", "ssl_shutdown_timeout")
            if kwargs.get(key) is not None
        }
        adopter = Adopter(
            loop,
            lambda: factory_of(last_request_protocol(protocol_class)),
            connections,
            ssl,
            ssl_kwargs,
        )
        coro = closing_listener(coro, sock, adopter, drain)
    return coro, connections


def _unix_server_cleans_up(loop: asyncio.AbstractEventLoop) -> bool:
    import inspect

    try:
        params = inspect.signature(loop.create_unix_server).parameters
    except (TypeError, ValueError):
        return False
    return "cleanup_socket" in params


async def shutdown_connections(
    connections: set,
    graceful_timeout: float,
    loop: asyncio.AbstractEventLoop,
    *,
    force: asyncio.Event | None = None,
) -> None:
    """Close idle connections now; give busy ones until the timeout, then abort.

    A connection answering a request finishes it and closes right after (its
    response says ``connection: close``). One still busy after
    ``graceful_timeout`` seconds, or once ``force`` is set, is aborted, which
    cancels its handler. A connection that was just accepted and has not
    sent its first request yet gets a moment (`_FRESH_LINGER`) to send it:
    its client could not know the server was stopping (with several worker
    processes on one socket, another process keeps serving after this one).

    An idle keep-alive connection is closed once it has made no progress for
    `_QUIET_BEFORE_CLOSE` since the stop began. Its client, a proxy reusing
    its connections, may be sending the next request on it right now: that
    request is answered (with ``connection: close``, like everything read
    from the stop on) rather than met by the close, which would reset it,
    and a proxy cannot retry a POST it sent. A connection its client has not
    used for that long is unlikely to be in use at the moment it closes.
    """
    start = loop.time()
    grace = max(float(graceful_timeout), 0.0)
    linger_until = start + min(_FRESH_LINGER, grace)
    quiet = _Quiet(min(_QUIET_BEFORE_CLOSE, grace))
    _close_idle(connections, start, keep_fresh=start < linger_until, quiet=quiet)
    deadline = start + grace
    while connections and (force is None or not force.is_set()):
        remaining = deadline - loop.time()
        if remaining <= 0:
            break
        await asyncio.sleep(min(_DRAIN_TICK, remaining))
        now = loop.time()
        _close_idle(connections, now, keep_fresh=now < linger_until, quiet=quiet)
    if connections:
        for connection in list(connections):
            connection.abort()
        # The transports report connection_lost on the next turn of the loop,
        # which cancels the handlers; let that happen before going on.
        await asyncio.sleep(0)


class _Quiet:
    """When each connection last made progress (answered a request), during
    one shutdown; progress before the stop began is not known, so counted
    from then."""

    __slots__ = ("needed", "seen")

    def __init__(self, needed: float) -> None:
        self.needed = needed
        self.seen: dict[Any, tuple[int, float]] = {}

    def long_enough(self, connection: Any, now: float) -> bool:
        served = getattr(connection, "_requests_served", 0)
        last = self.seen.get(connection)
        if last is None or last[0] != served:
            self.seen[connection] = (served, now)
            return self.needed <= 0
        return now - last[1] >= self.needed


def _is_idle(connection: Any) -> bool:
    http = getattr(connection, "http", None)
    return http is not None and http.current_stage() is Stage.IDLE


def end_keep_alive(connections: set) -> None:
    """From now on each of ``connections`` answers with ``connection: close``.

    Done when the server starts stopping, before anything else can run: a
    request read after that must not be answered as kept alive, or its
    client would send another on a connection about to close under it.
    """
    for connection in connections:
        http = getattr(connection, "http", None)
        if getattr(http, "keep_alive", False):
            http.keep_alive = False  # type: ignore[union-attr]


def _close_idle(
    connections: set, now: float, *, keep_fresh: bool, quiet: _Quiet
) -> None:
    end_keep_alive(connections)  # and those made since the last tick
    for connection in list(connections):
        recent = not quiet.long_enough(connection, now)
        if keep_fresh and _is_fresh(connection):
            continue
        if getattr(connection, "_websocket", None) is not None:
            connection.close_if_idle()  # sends 1001 Going Away, once
            continue
        if _has_unread_input(connection):
            continue  # a request arrived: answered (with connection: close) next
        if recent and _is_idle(connection):
            continue  # used a moment ago: its next request may be on its way
        connection.close_if_idle()


def _has_unread_input(connection: Any) -> bool:
    """Bytes wait in the kernel that the connection has not read yet.

    Closing such a connection would reset a request the client already sent
    (the race every keep-alive server has at shutdown); reading it first
    answers it instead. Only asked while a server stops.
    """
    transport = getattr(connection, "transport", None)
    if transport is None or transport.is_closing():
        return False
    raw = transport.get_extra_info("socket")
    fileno = getattr(raw, "fileno", None)
    if fileno is None:
        return False
    try:
        fd = fileno()
        if fd < 0:
            return False
        probe = socket.socket(fileno=os.dup(fd))
    except (OSError, ValueError):
        return False
    try:
        return bool(probe.recv(1, socket.MSG_PEEK | socket.MSG_DONTWAIT))
    except (BlockingIOError, InterruptedError):
        return False
    except OSError:
        return False
    finally:
        probe.close()


def _is_fresh(connection: Any) -> bool:
    """Accepted, nothing received yet: its first request may be on its way."""
    if getattr(connection, "_requests_served", 1):
        return False
    http = getattr(connection, "http", None)
    return http is None or getattr(http, "request", None) is None


class Stopper:
    """What ``app.stop()`` and the signal handlers set: callable from any thread.

    The first stop request starts a graceful shutdown; a second signal (a
    second Ctrl+C) cuts the grace period short.
    """

    __slots__ = ("loop", "event", "force")

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self.event = asyncio.Event()
        self.force = asyncio.Event()

    def is_set(self) -> bool:
        return self.event.is_set()

    def set(self) -> None:
        self._call(self.event.set)

    def on_signal(self, signum: int) -> None:
        name = os_signal.Signals(signum).name
        if self.event.is_set():
            server_logger.info("Received %s again: closing connections now", name)
            self.force.set()
        else:
            server_logger.info("Received %s: shutting down gracefully", name)
            self.event.set()

    async def wait(self) -> None:
        await self.event.wait()

    def _call(self, action: Callable[[], None]) -> None:
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is self.loop:
            action()
        elif not self.loop.is_closed():
            self.loop.call_soon_threadsafe(action)


_SIGNALS = (os_signal.SIGINT, os_signal.SIGTERM)


def _install_signal_handlers(
    loop: asyncio.AbstractEventLoop,
    stopper: Stopper,
    signals: Sequence[int] = _SIGNALS,
) -> list[int]:
    installed: list[int] = []
    for sig in signals:
        try:
            loop.add_signal_handler(sig, stopper.on_signal, sig)
        except (NotImplementedError, RuntimeError, ValueError):
            continue  # not the main thread, or not supported here
        installed.append(sig)
    return installed


def _remove_signal_handlers(loop: asyncio.AbstractEventLoop, sigs: list[int]) -> None:
    for sig in sigs:
        try:
            loop.remove_signal_handler(sig)
        except (NotImplementedError, RuntimeError, ValueError):
            pass


def _unique_apps(entries: Sequence[tuple[Any, ServerInfo]]) -> list[Any]:
    apps: list[Any] = []
    for app, _ in entries:
        if app not in apps:
            apps.append(app)
    return apps


def serve_apps(
    entries: Sequence[tuple[Any, ServerInfo]], *, register_sys_signals: bool = True
) -> None:
    """Serve every ``(app, server info)`` in this process until stopped.

    Sockets are bound before any listener runs. Each app's listeners run once,
    however many servers it has. Returns after the graceful shutdown.
    """
    if not entries:
        return
    apps = _unique_apps(entries)
    for app, info in entries:  # certificate errors before anything is bound
        info.settings["ssl"] = get_ssl_context(app, info.settings.get("ssl"))
    listeners = bind_listeners(entries)
    started: list[Any] = []
    try:
        # One process: it is the main process too, so its listeners run here.
        for app in apps:
            app.listeners_registry.run_sync("main_process_start", app)
            started.append(app)
        loop = new_event_loop(apps[0].config.USE_UVLOOP)
        asyncio.set_event_loop(loop)
        try:
            loop.run_until_complete(
                _serve(entries, apps, listeners, loop, register_sys_signals)
            )
        finally:
            try:
                _cancel_remaining_tasks(loop)
                loop.run_until_complete(loop.shutdown_asyncgens())
            finally:
                asyncio.set_event_loop(None)
                loop.close()
    finally:
        close_listeners(listeners)
        for app in reversed(started):
            app.listeners_registry.run_sync("main_process_stop", app)


def bind_listeners(
    entries: Sequence[tuple[Any, ServerInfo]],
) -> list[tuple[socket.socket, Callable[[], None] | None]]:
    """Bind each ``(app, server info)``'s socket once, before any listener runs.

    Each socket comes with what removes it afterwards (a unix socket file);
    if one can't be bound, those bound already are closed again.
    """
    bound: list[tuple[socket.socket, Callable[[], None] | None]] = []
    try:
        for app, info in entries:
            settings = info.settings
            bound.append(
                open_listener(
                    app,
                    host=settings.get("host"),
                    port=settings.get("port"),
                    sock=settings.get("sock"),
                    unix=settings.get("unix"),
                    unix_mode=settings.get("unix_mode"),
                    backlog=settings.get("backlog", 100),
                )
            )
    except BaseException:
        close_listeners(bound)
        raise
    return bound


def close_listeners(
    listeners: list[tuple[socket.socket, Callable[[], None] | None]],
) -> None:
    """Close what `bind_listeners` bound, and remove any unix socket file."""
    for sock, cleanup in listeners:
        try:
            sock.close()
        finally:
            if cleanup is not None:
                cleanup()


def _cancel_remaining_tasks(loop: asyncio.AbstractEventLoop) -> None:
    tasks = [task for task in asyncio.all_tasks(loop) if not task.done()]
    if not tasks:
        return
    for task in tasks:
        task.cancel()
    loop.run_until_complete(asyncio.gather(*tasks, return_exceptions=True))
    for task in tasks:
        if not task.cancelled() and task.exception() is not None:
            error_logger.error(
                "Exception in a task at shutdown", exc_info=task.exception()
            )


def serve_in_worker(
    entries: Sequence[tuple[Any, ServerInfo]],
    sockets: Sequence[socket.socket],
    *,
    on_ready: Callable[[asyncio.AbstractEventLoop], Any] | None = None,
    drain_backlog: Callable[[], bool] | None = None,
) -> None:
    """Serve in a worker process on sockets the main process bound.

    Like `serve_apps` without the main-process listeners (the main process
    runs those). SIGTERM shuts down gracefully, a second one at once; SIGINT
    is left to the main process. ``on_ready(loop)`` is called once every
    server accepts connections and the start listeners ran.

    ``drain_backlog()``, asked when the worker stops, says whether its close
    ends the listening sockets (nobody else holds them any more): then the
    connections queued on them are accepted and answered first. Without it,
    they always are (when others still serve, those connections are served
    here rather than there, which loses nothing).
    """
    apps = _unique_apps(entries)
    listeners: list[tuple[socket.socket, Callable[[], None] | None]] = [
        (sock, None) for sock in sockets
    ]
    loop = new_event_loop(apps[0].config.USE_UVLOOP)
    asyncio.set_event_loop(loop)
    try:
        loop.run_until_complete(
            _serve(
                entries,
                apps,
                listeners,
                loop,
                True,
                main_process=False,
                on_ready=on_ready,
                signals=(os_signal.SIGTERM,),
                drain_backlog=drain_backlog,
            )
        )
    finally:
        try:
            _cancel_remaining_tasks(loop)
            loop.run_until_complete(loop.shutdown_asyncgens())
        finally:
            asyncio.set_event_loop(None)
            loop.close()
            close_listeners(listeners)


async def _serve(
    entries: Sequence[tuple[Any, ServerInfo]],
    apps: list[Any],
    listeners: list[tuple[socket.socket, Callable[[], None] | None]],
    loop: asyncio.AbstractEventLoop,
    register_signals: bool,
    *,
    main_process: bool = True,
    on_ready: Callable[[asyncio.AbstractEventLoop], Any] | None = None,
    signals: Sequence[int] = _SIGNALS,
    drain_backlog: Callable[[], bool] | None = None,
) -> None:
    stopper = Stopper(loop)
    drain = _always if drain_backlog is None else drain_backlog
    for app in apps:
        app._stop_event = stopper
    servers: list[AsyncioServer] = []
    watchers: list[asyncio.Task] = []
    installed: list[int] = []
    serving = False
    try:
        for app in apps:
            await app._startup()
        for app in apps:
            await app._server_event("init", "before", loop=loop)
        for (app, info), (sock, _) in zip(entries, listeners, strict=True):
            settings = info.settings
            coro, connections = make_server_coro(
                app,
                loop,
                host=settings.get("host"),
                port=settings.get("port"),
                sock=sock,
                unix=settings.get("unix"),
                ssl=settings.get("ssl"),
                protocol=settings.get("protocol"),
                backlog=settings.get("backlog", 100),
                connections=settings.get("connections"),
                asyncio_server_kwargs=settings.get("asyncio_server_kwargs"),
                state=settings.get("state"),
                signal=settings.get("signal"),
                drain=drain,
            )
            server = AsyncioServer(app, loop, coro, connections)
            await server
            info.server = server
            if not any(other.app is app for other in servers):
                app._server = server  # its first server
            servers.append(server)
            stop_event = settings.get("stop_event")
            if stop_event is not None:
                watchers.append(loop.create_task(_stop_when_set(stop_event, stopper)))
        if register_signals:
            installed = _install_signal_handlers(loop, stopper, signals)
        for server in servers:
            await server.start_serving()
        serving = True
        for app in apps:
            app.state.is_running = True
        for (_, info), server in zip(entries, servers, strict=True):
            _log_listening(server, info.settings.get("ssl") is not None)
        for app in apps:
            await app._server_event("init", "after", loop=loop)
        if main_process:
            for app in apps:
                await app.listeners_registry.run("main_process_ready", app, loop)
        if on_ready is not None:
            result = on_ready(loop)
            if inspect.isawaitable(result):
                await result
        await stopper.wait()
    finally:
        for watcher in watchers:
            watcher.cancel()
        try:
            if serving:
                await _shutdown(entries, apps, servers, stopper, loop)
            else:
                for server in servers:
                    server.close()
                    await shutdown_connections(server.connections, 0, loop)
        finally:
            _remove_signal_handlers(loop, installed)
            for app in apps:
                app._stop_event = None
                app._server = None
                app.state.is_running = False
                app.state.is_stopping = False


def _always() -> bool:
    return True


async def _stop_when_set(event: Any, stopper: Stopper) -> None:
    await event.wait()
    stopper.set()


async def _shutdown(
    entries: Sequence[tuple[Any, ServerInfo]],
    apps: list[Any],
    servers: list[AsyncioServer],
    stopper: Stopper,
    loop: asyncio.AbstractEventLoop,
) -> None:
    """Stop accepting, drain connections, and run the stop listeners.

    New connections are refused at once (those the kernel had queued already
    are answered: see `ClosingListener`) and idle keep-alive connections
    closed; requests in flight get up to GRACEFUL_SHUTDOWN_TIMEOUT (counted
    from the stop request) while ``before_server_stop`` listeners run; then
    what is left is aborted and ``after_server_stop`` listeners run.
    """
    for app in apps:
        app.state.is_running = False
        app.state.is_stopping = True
    for _, info in entries:
        flag = info.settings.get("signal")
        if flag is not None:
            flag.stopped = True
    for server in servers:
        # The listening socket: new connections are refused; those already
        # queued on it are accepted first when this close ends it.
        server.close()
    drain = asyncio.ensure_future(
        asyncio.gather(
            *(
                shutdown_connections(
                    server.connections,
                    float(server.app.config.GRACEFUL_SHUTDOWN_TIMEOUT),
                    loop,
                    force=stopper.force,
                )
                for server in servers
            )
        )
    )
    errors: list[BaseException] = []
    for app in apps:
        try:
            await app._server_event("shutdown", "before", loop=loop)
        except Exception as exc:
            error_logger.exception("Error in a before_server_stop listener")
            errors.append(exc)
    await drain
    for server in servers:
        await server.wait_closed()
    for app in apps:
        try:
            await app._server_event("shutdown", "after", loop=loop)
        except Exception as exc:
            error_logger.exception("Error in an after_server_stop listener")
            errors.append(exc)
    if errors:
        raise errors[0]


def _log_listening(server: AsyncioServer, tls: bool) -> None:
    sockets = server.server.sockets if server.server is not None else ()
    if not sockets:
        return
    name = sockets[0].getsockname()
    scheme = "https" if tls else "http"
    if isinstance(name, str):
        where = f"{scheme}+unix://{name}"
    elif sockets[0].family == socket.AF_INET6:
        where = f"{scheme}://[{name[0]}]:{name[1]}"
    else:
        where = f"{scheme}://{name[0]}:{name[1]}"
    server_logger.info("Sanic server listening on %s (pid %s)", where, os.getpid())


def serve(
    host: str | None,
    port: int | None,
    app: Any,
    *,
    ssl: Any = None,
    sock: socket.socket | None = None,
    unix: str | None = None,
    unix_mode: Any = None,
    loop: asyncio.AbstractEventLoop | None = None,
    protocol: type | None = None,
    backlog: int = 100,
    register_sys_signals: bool = True,
    run_multiple: bool = False,
    run_async: bool = False,
    connections: set | None = None,
    signal: Any = None,
    state: dict | None = None,
    asyncio_server_kwargs: dict | None = None,
    stop_event: Any = None,
    **_: Any,
) -> AsyncioServer | None:
    """Serve ``app`` in this process; returns when it stops.

    With ``run_async=True`` nothing is served: the `AsyncioServer` for ``loop``
    (the running loop, or a new one set as current) is returned, to be awaited
    and driven by hand like the one ``app.create_server()`` returns.
    """
    settings: dict[str, Any] = {
        "host": host,
        "port": port,
        "sock": sock,
        "unix": unix,
        "unix_mode": unix_mode,
        "ssl": ssl,
        "protocol": protocol,
        "backlog": backlog,
        "connections": connections,
        "signal": signal,
        "state": state,
        "asyncio_server_kwargs": asyncio_server_kwargs,
        "stop_event": stop_event,
    }
    if run_async:
        return serve_async(app, settings, loop=loop)
    if loop is not None:
        raise TypeError(
            "loop is only used with run_async=True: to serve in an existing loop, "
            "use 'await app.create_server(...)'"
        )
    serve_apps([(app, ServerInfo(settings))], register_sys_signals=register_sys_signals)
    return None


def serve_async(
    app: Any,
    settings: dict[str, Any],
    *,
    loop: asyncio.AbstractEventLoop | None = None,
) -> AsyncioServer:
    """An `AsyncioServer` for ``app``: its socket bound, nothing started yet."""
    if loop is None:
        loop = _current_loop()
        if loop is None:
            loop = new_event_loop(app.config.USE_UVLOOP)
            asyncio.set_event_loop(loop)
    settings = {**settings, "ssl": get_ssl_context(app, settings.get("ssl"))}
    sock, cleanup = open_listener(
        app,
        host=settings.get("host"),
        port=settings.get("port"),
        sock=settings.get("sock"),
        unix=settings.get("unix"),
        unix_mode=settings.get("unix_mode"),
        backlog=settings.get("backlog", 100),
    )
    coro, connections = make_server_coro(
        app,
        loop,
        host=settings.get("host"),
        port=settings.get("port"),
        sock=sock,
        unix=settings.get("unix"),
        ssl=settings.get("ssl"),
        protocol=settings.get("protocol"),
        backlog=settings.get("backlog", 100),
        connections=settings.get("connections"),
        asyncio_server_kwargs=settings.get("asyncio_server_kwargs"),
        state=settings.get("state"),
        signal=settings.get("signal"),
        drain=_always,  # the socket is this server's alone
    )
    server = AsyncioServer(app, loop, coro, connections)
    server.on_closed(sock.close)
    if cleanup is not None:
        server.on_closed(cleanup)
    return server


def _current_loop() -> asyncio.AbstractEventLoop | None:
    """The running loop, else the one set as current (never a new one)."""
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        pass
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        try:
            loop = asyncio.get_event_loop_policy().get_event_loop()
        except RuntimeError:
            return None
    return None if loop.is_closed() else loop
