"""Serving an app in the current process: bind, run listeners, serve, shut down."""

from __future__ import annotations

import asyncio
import os
import signal as os_signal
import socket
from typing import Any

from sanic.http.tls import get_ssl_context
from sanic.log import error_logger, server_logger
from sanic.server.async_server import AsyncioServer
from sanic.server.loop import new_event_loop
from sanic.server.protocols.http_protocol import HttpProtocol


def bind_socket(host: str, port: int, *, backlog: int = 100) -> socket.socket:
    """A listening TCP socket; a clear one-line error when the address is taken."""
    family = socket.AF_INET6 if host and ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise OSError(
            exc.errno, f"cannot listen on {host}:{port}: {exc.strerror}"
        ) from None
    sock.listen(backlog)
    sock.setblocking(False)
    return sock


def bind_unix_socket(
    path: str, *, mode: int = 0o666, backlog: int = 100
) -> socket.socket:
    if os.path.exists(path):
        os.unlink(path)
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.bind(path)
    os.chmod(path, mode)
    sock.listen(backlog)
    sock.setblocking(False)
    return sock


def make_server_coro(
    app: Any,
    loop: asyncio.AbstractEventLoop,
    *,
    host: str | None,
    port: int | None,
    sock: socket.socket | None = None,
    unix: str | None = None,
    ssl: Any = None,
    protocol: type | None = None,
    backlog: int = 100,
    connections: set | None = None,
    asyncio_server_kwargs: dict | None = None,
    state: dict | None = None,
) -> tuple[Any, set]:
    """The coroutine that creates the asyncio server, and its connection set."""
    connections = connections if connections is not None else set()
    # Shared by the server's connections (the timeout sweeper lives here).
    state = state if state is not None else {}
    protocol_class = protocol or HttpProtocol
    ssl = get_ssl_context(app, ssl)

    def factory() -> asyncio.Protocol:
        return protocol_class(
            loop=loop, app=app, connections=connections, unix=unix, state=state
        )

    kwargs = dict(asyncio_server_kwargs or {})
    kwargs.setdefault("start_serving", False)
    if sock is None:
        if unix:
            sock = bind_unix_socket(
                unix, mode=app.config.get("UNIX_MODE", 0o666), backlog=backlog
            )
        else:
            sock = bind_socket(
                host or "127.0.0.1", 8000 if port is None else port, backlog=backlog
            )
    if sock.family == getattr(socket, "AF_UNIX", None):
        coro = loop.create_unix_server(
            factory, sock=sock, ssl=ssl, backlog=backlog, **kwargs
        )
    else:
        coro = loop.create_server(
            factory, sock=sock, ssl=ssl, backlog=backlog, **kwargs
        )
    return coro, connections


async def shutdown_connections(
    connections: set, graceful_timeout: float, loop: asyncio.AbstractEventLoop
) -> None:
    """Close idle connections now; give busy ones until the timeout, then abort."""
    for connection in list(connections):
        connection.close_if_idle()
    deadline = loop.time() + graceful_timeout
    while connections and loop.time() < deadline:
        await asyncio.sleep(0.05)
        for connection in list(connections):
            connection.close_if_idle()
    for connection in list(connections):
        connection.abort()


def serve_single(app: Any, server_settings: dict[str, Any]) -> None:
    """Run ``app`` in this process until it is stopped (signal or ``app.stop()``)."""
    # One process: it is the main process too, so its listeners run here.
    app.listeners_registry.run_sync("main_process_start", app)
    loop = new_event_loop(app.config.USE_UVLOOP)
    asyncio.set_event_loop(loop)
    register_signals = server_settings.pop("register_sys_signals", True)
    try:
        loop.run_until_complete(_serve(app, loop, server_settings, register_signals))
    finally:
        try:
            loop.run_until_complete(loop.shutdown_asyncgens())
        finally:
            asyncio.set_event_loop(None)
            loop.close()
            app.listeners_registry.run_sync("main_process_stop", app)


async def _serve(
    app: Any,
    loop: asyncio.AbstractEventLoop,
    settings: dict[str, Any],
    register_signals: bool,
) -> None:
    await app._startup()
    stop_event = asyncio.Event()
    app._stop_event = stop_event
    await app._server_event("init", "before", loop=loop)
    coro, connections = make_server_coro(app, loop, **settings)
    server = AsyncioServer(app, loop, coro, connections)
    try:
        await server
    except OSError as exc:
        error_logger.error("%s", exc)
        app._stop_event = None
        raise
    app._server = server
    if register_signals:
        for sig in (os_signal.SIGINT, os_signal.SIGTERM):
            try:
                loop.add_signal_handler(sig, app.stop)
            except (NotImplementedError, RuntimeError, ValueError):
                pass
    await server.start_serving()
    app.state.is_running = True
    sock = server.server.sockets[0] if server.server and server.server.sockets else None
    if sock is not None:
        name = sock.getsockname()
        where = name if isinstance(name, str) else f"http://{name[0]}:{name[1]}"
        server_logger.info("Sanic server listening on %s (pid %s)", where, os.getpid())
    try:
        await app._server_event("init", "after", loop=loop)
        await app.listeners_registry.run("main_process_ready", app, loop)
        if not stop_event.is_set():
            await stop_event.wait()
    finally:
        app.state.is_running = False
        app.state.is_stopping = True
        await app._server_event("shutdown", "before", loop=loop)
        server.close()
        await shutdown_connections(
            connections, float(app.config.GRACEFUL_SHUTDOWN_TIMEOUT), loop
        )
        await server.wait_closed()
        await app._server_event("shutdown", "after", loop=loop)
        if register_signals:
            for sig in (os_signal.SIGINT, os_signal.SIGTERM):
                try:
                    loop.remove_signal_handler(sig)
                except (NotImplementedError, RuntimeError, ValueError):
                    pass
        app._stop_event = None
        app._server = None
        app.state.is_stopping = False


def serve(
    host: str | None,
    port: int | None,
    app: Any,
    *,
    sock: socket.socket | None = None,
    unix: str | None = None,
    ssl: Any = None,
    protocol: type | None = None,
    backlog: int = 100,
    register_sys_signals: bool = True,
    **_: Any,
) -> None:
    """Serve ``app`` in this process; returns when it stops."""
    serve_single(
        app,
        {
            "host": host,
            "port": port,
            "sock": sock,
            "unix": unix,
            "ssl": ssl,
            "protocol": protocol,
            "backlog": backlog,
            "register_sys_signals": register_sys_signals,
        },
    )
