"""Serving a Sanic app under Gunicorn: ``gunicorn mod:app -k sanic.worker.GunicornWorker``.

Gunicorn's arbiter binds the sockets, forks the workers, watches their
heartbeat and turns signals into worker restarts. Each worker process runs a
`GunicornWorker`: one event loop (uvloop when installed, else asyncio)
serving the app with Sanic's own `HttpProtocol` on the sockets Gunicorn gave
it, exactly as a worker of Sanic's own worker manager does, and running the
app's ``before_server_start`` … ``after_server_stop`` listeners in every
worker. Gunicorn, not Sanic, owns the main process, so the
``main_process_*`` (and ``reload_process_*``) listeners never run; the first
worker says so once when any are registered.

How Gunicorn's settings map onto the app (Gunicorn's win, as it is the server):

==========================  ==================================================
Gunicorn                    In the worker
==========================  ==================================================
``--workers``               ``app.state.workers``
``--bind`` (several)        one server per socket: TCP and ``unix:PATH``
``--keep-alive N``          ``KEEP_ALIVE_TIMEOUT = N``; ``0`` turns KEEP_ALIVE
                            off
``--graceful-timeout N``    requests in flight get N s minus a margin (10 %,
                            at most 1 s, left for the stop listeners) before
                            Gunicorn's SIGKILL: ``GRACEFUL_SHUTDOWN_TIMEOUT``
``--timeout N``             the loop calls ``notify()`` (Gunicorn's heartbeat)
                            many times per N s; a blocked loop gets killed.
                            The start listeners must finish within N s too
``--max-requests`` and      counted with ``requests_served``; when reached,
``--max-requests-jitter``   the worker stops gracefully and Gunicorn starts a
                            new one. Left at 0, the app's
                            ``WORKER_MAX_REQUESTS`` (+ a random 0 to
                            ``WORKER_MAX_REQUESTS_JITTER``) applies instead
``--worker-connections N``  at most N connections are served at once (see
                            `ConnectionLimit`); left at Gunicorn's default
                            (1000), the app's ``WORKER_CONNECTIONS`` applies
``--certfile/--keyfile``    TLS with Gunicorn's own SSLContext (its
(``--ca-certs``,            ``ssl_context`` hook included), HTTP/1.1 by ALPN
``--cert-reqs``,
``--ciphers``)
``--access-logfile``        Sanic's access records (``sanic.access``, Sanic's
                            line format) go to Gunicorn's access log instead of
                            Sanic's handlers, and ACCESS_LOG is turned on.
                            Without it, ACCESS_LOG stays as configured.
                            ``--access-logformat`` is not used.
==========================  ==================================================

``WORKER_CLASS`` ("sanic.worker.GunicornWorker") is the value to give
Gunicorn's ``worker_class`` (for instance in a ``gunicorn.conf.py`` that reads
the app's config); the worker does not read it.

A start listener that fails makes Gunicorn stop ("Worker failed to boot")
rather than respawn workers forever; ``app.stop()`` in a worker stops that
worker only, and Gunicorn starts another.

Signals (sent by the arbiter, or by hand to a worker): TERM stops gracefully
(the listening sockets close, requests in flight finish, the stop listeners
run); INT and QUIT stop quickly (connections are aborted at once, the stop
listeners still run); USR1 reopens Gunicorn's log files; HUP to the arbiter
starts new workers and stops the old ones with TERM.
"""

from __future__ import annotations

import asyncio
import logging
import os
import random
import signal
import socket
import ssl
import sys
from typing import Any

from gunicorn.errors import AppImportError
from gunicorn.workers.base import Worker

from sanic.log import access_logger, error_logger

# Exit codes the arbiter understands: both make it stop instead of respawning.
WORKER_BOOT_ERROR = 3
APP_LOAD_ERROR = 4
# Gunicorn's default worker_connections: left as is, the app's config decides.
GUNICORN_DEFAULT_CONNECTIONS = 1000
# How often the loop checks the request count when recycling is on.
RECYCLE_CHECK_INTERVAL = 0.05
# The longest the loop waits between heartbeats otherwise.
HEARTBEAT_INTERVAL = 0.5

_PROCESS_LISTENERS = (
    "main_process_start",
    "main_process_ready",
    "main_process_stop",
    "reload_process_start",
    "reload_process_stop",
)


class GunicornWorker(Worker):
    """A Gunicorn worker that serves a Sanic app with Sanic's own server."""

    app_obj: Any = None
    limit: ConnectionLimit | None = None
    ssl_context: ssl.SSLContext | None = None
    _stopper: Any = None
    _ready = False
    _server_states: list[dict[str, Any]]

    # ---- loading (before the worker counts as booted) ------------------------------

    def load_wsgi(self) -> None:
        """Import the app as Gunicorn does, then check and configure it.

        A user mistake (not a Sanic app, a bad config value, an unreadable
        certificate) is one line on stderr and Gunicorn stops ("App failed to
        load"), instead of respawning the worker forever.
        """
        super().load_wsgi()
        where = getattr(self.app, "app_uri", None) or self.cfg.wsgi_app
        app = check_app(self.wsgi, where)
        self.app_obj = app
        try:
            self._configure(app)
        except (ValueError, TypeError, OSError, ssl.SSLError) as exc:
            raise AppImportError(str(exc).splitlines()[0]) from None

    def _configure(self, app: Any) -> None:
        cfg = self.cfg
        config = app.config
        keepalive = float(cfg.keepalive)
        if keepalive <= 0:
            config.KEEP_ALIVE = False
        else:
            config.KEEP_ALIVE_TIMEOUT = keepalive
        graceful = max(float(cfg.graceful_timeout), 0.0)
        config.GRACEFUL_SHUTDOWN_TIMEOUT = graceful - min(1.0, graceful * 0.1)
        if cfg.max_requests <= 0:
            self.max_requests = app_max_requests(config)
        self.limit = ConnectionLimit(self._connection_limit(config))
        self.ssl_context = make_ssl_context(cfg) if cfg.is_ssl else None
        if cfg.accesslog is not None:
            config.ACCESS_LOG = True
            route_access_log(self.log)
        state = app.state
        state.workers = cfg.workers
        state.auto_tls = False
        if self.age == 1:
            warn_process_listeners(app)

    def _connection_limit(self, config: Any) -> int:
        value = self.cfg.worker_connections
        if value == GUNICORN_DEFAULT_CONNECTIONS:
            value = config.get("WORKER_CONNECTIONS", GUNICORN_DEFAULT_CONNECTIONS)
        return check_connections(value)

    # ---- serving -------------------------------------------------------------------

    def run(self) -> None:
        """Serve on Gunicorn's sockets until told to stop; then return (exit 0)."""
        from sanic.server.runners import ServerInfo, serve_in_worker

        app = self.app_obj
        protocol = limited_protocol(default_protocol(app), self.limit)
        entries = [
            (app, ServerInfo(self._settings(app, s, protocol))) for s in self.sockets
        ]
        self._server_states = [info.settings["state"] for _, info in entries]
        self._ready = False
        self.notify()
        try:
            serve_in_worker(
                entries,
                [info.settings["sock"] for _, info in entries],
                on_ready=self._on_ready,
            )
        except Exception as exc:
            if self._ready:  # a stop listener failed: already logged
                sys.exit(1)
            report_boot_failure(self.log, exc)
            sys.exit(WORKER_BOOT_ERROR)

    def _settings(self, app: Any, listener: Any, protocol: type) -> dict[str, Any]:
        sock: socket.socket = getattr(listener, "sock", listener)
        sock.setblocking(False)
        name = sock.getsockname()
        unix = name if sock.family == getattr(socket, "AF_UNIX", None) else None
        kwargs: dict[str, Any] = {}
        if unix and sys.version_info >= (3, 13) and not _uses_uvloop(app):
            # Gunicorn owns the socket file: a worker that stops must not remove it.
            kwargs["cleanup_socket"] = False
        settings: dict[str, Any] = {
            "host": None if unix else name[0],
            "port": None if unix else name[1],
            "sock": sock,
            "unix": unix,
            "ssl": self.ssl_context,
            "protocol": protocol,
            "backlog": self.cfg.backlog,
            "asyncio_server_kwargs": kwargs,
            "state": {},  # this server's connections share it (requests_served)
        }
        state = app.state
        if not state.host and not state.unix:
            state.unix = unix or ""
            state.host, state.port = settings["host"] or "", settings["port"] or 0
            state.ssl = self.ssl_context
        return settings

    def _on_ready(self, loop: asyncio.AbstractEventLoop) -> None:
        """Every server accepts connections and the start listeners ran."""
        self._ready = True
        self._stopper = self.app_obj._stop_event
        for sig in (signal.SIGINT, signal.SIGQUIT):
            loop.add_signal_handler(sig, self._quick_exit, sig)
        loop.add_signal_handler(signal.SIGUSR1, self.log.reopen_files)
        loop.create_task(self._heartbeat())

    async def _heartbeat(self) -> None:
        """Gunicorn's heartbeat, the parent check and max-requests recycling."""
        from sanic.server.protocols.http_protocol import requests_served

        recycling = 0 < self.max_requests < sys.maxsize
        interval = HEARTBEAT_INTERVAL
        if self.timeout:
            interval = min(interval, self.timeout / 2)
        if recycling:
            interval = min(interval, RECYCLE_CHECK_INTERVAL)
        while True:
            self.notify()
            stopper = self._stopper
            if stopper is not None and not stopper.is_set():
                if not self.alive:  # Gunicorn's reloader, a hook, SIGTERM early
                    self._stop()
                elif self.ppid != os.getppid():
                    self.log.info("Parent changed, shutting down: %s", self)
                    self._stop()
                elif recycling:
                    count = sum(requests_served(s) for s in self._server_states)
                    if count >= self.max_requests:
                        self.log.info(
                            "Autorestarting worker after current request "
                            "(%s answered).",
                            count,
                        )
                        self._stop()
            await asyncio.sleep(interval)

    def _stop(self) -> None:
        """Graceful: Gunicorn starts a replacement when this process exits."""
        self.alive = False
        if self._stopper is not None:
            self._stopper.set()

    def _quick_exit(self, sig: int) -> None:
        self.log.info(
            "Worker %s: %s, closing connections now", self.pid, signal.Signals(sig).name
        )
        self.alive = False
        self.cfg.worker_int(self)
        stopper = self._stopper
        if stopper is not None:
            stopper.set()
            stopper.force.set()


# ---- the connection cap ------------------------------------------------------------


class ConnectionLimit:
    """At most ``limit`` connections are served at once (``--worker-connections``).

    A connection beyond the cap is accepted, and then waits, first come first
    served, until a served one closes: the first bytes it sends are kept, and
    no more are read (its REQUEST_TIMEOUT still runs, so it waits that long at
    most). Once as many again are waiting, a new connection is closed at once,
    so a flood cannot use up the worker's file descriptors. When the worker
    stops, the waiting connections are served at once, over the cap: what
    was accepted gets its answer. (asyncio and uvloop offer no way to pause
    accepting, which would leave the extra connections to other workers.)
    """

    __slots__ = ("limit", "active", "waiting")

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.active = 0
        self.waiting: dict[Any, None] = {}  # an ordered set

    def admit(self, protocol: Any) -> bool:
        """True when ``protocol`` is served now; else it waits, or is closed."""
        if self.active < self.limit:
            self.active += 1
            return True
        if len(self.waiting) < self.limit:
            self.waiting[protocol] = None
        else:
            protocol.close()
        return False

    def release(self, protocol: Any, admitted: bool) -> None:
        """``protocol`` closed: its place goes to the longest-waiting connection."""
        if protocol in self.waiting:
            del self.waiting[protocol]
            return
        if not admitted:
            return
        self.active -= 1
        while self.waiting and self.active < self.limit:
            self.admit_now(next(iter(self.waiting)))

    def admit_now(self, protocol: Any) -> None:
        """Serve ``protocol`` now, over the cap if need be (the worker stops)."""
        if protocol in self.waiting:
            del self.waiting[protocol]
            self.active += 1
            protocol._admit_now()


def limited_protocol(base: type, limit: ConnectionLimit | None) -> type:
    """``base`` with its connections counted against ``limit``.

    While a connection waits, a `_Holder` stands in as its transport's
    protocol, keeping what arrives (uvloop starts reading after
    ``connection_made`` whatever it asked); admitted, the connection gets its
    transport back: the request path pays nothing for the cap.
    """
    if limit is None:
        return base
    cap: ConnectionLimit = limit

    class Limited(base):  # type: ignore[valid-type,misc]
        __slots__ = ("_admitted", "_holder")

        def connection_made(self, transport: Any) -> None:
            self._admitted = False
            self._holder: _Holder | None = None
            super().connection_made(transport)
            if cap.admit(self):
                self._admitted = True
            elif not self._closing:
                self._holder = _Holder(self, transport)
                transport.set_protocol(self._holder)

        def connection_lost(self, exc: Exception | None) -> None:
            self._holder = None
            super().connection_lost(exc)
            cap.release(self, self._admitted)

        def close_if_idle(self) -> bool:
            # The worker stops: a waiting request is answered, not dropped.
            if self._holder is not None:
                cap.admit_now(self)
            return bool(super().close_if_idle())

        def _admit_now(self) -> None:
            self._admitted = True
            holder, self._holder = self._holder, None
            if holder is not None and not self._closing:
                holder.hand_back()

    Limited.__name__ = Limited.__qualname__ = f"Limited{base.__name__}"
    return Limited


class _Holder(asyncio.Protocol):
    """The protocol of a waiting connection: keeps the first bytes that come,
    then reads no more."""

    __slots__ = ("protocol", "transport", "held", "eof")

    def __init__(self, protocol: Any, transport: Any) -> None:
        self.protocol = protocol
        self.transport = transport
        self.held: list[bytes] = []
        self.eof = False

    def data_received(self, data: bytes) -> None:
        self.held.append(data)
        self.transport.pause_reading()

    def eof_received(self) -> bool:
        self.eof = True
        return True  # the real protocol decides, once admitted

    def connection_lost(self, exc: Exception | None) -> None:
        self.protocol.connection_lost(exc)

    def pause_writing(self) -> None:
        self.protocol.pause_writing()

    def resume_writing(self) -> None:
        self.protocol.resume_writing()

    def hand_back(self) -> None:
        protocol, transport = self.protocol, self.transport
        transport.set_protocol(protocol)
        for data in self.held:
            protocol.data_received(data)
        self.held = []
        if self.eof:
            if not protocol.eof_received():
                transport.close()
        elif not protocol._closing and not protocol._reading_paused:
            transport.resume_reading()


# ---- helpers -----------------------------------------------------------------------


def check_app(obj: Any, where: str | None) -> Any:
    """``obj`` (loaded from ``where``) if it is a Sanic app, else an
    AppImportError naming the problem."""
    from sanic.app import Sanic

    if isinstance(obj, Sanic):
        return obj
    where = where or "the application"
    if callable(obj) and not isinstance(obj, type):
        hint = f"; for an app factory, call it: '{where}()'" if ":" in where else ""
        kind = getattr(obj, "__name__", type(obj).__name__)
        raise AppImportError(
            f"sanic.worker.GunicornWorker serves a Sanic app, and {where!r} is "
            f"{kind!r}, not a Sanic instance{hint}"
        )
    raise AppImportError(
        f"sanic.worker.GunicornWorker serves a Sanic app, and {where!r} is "
        f"a {type(obj).__name__}, not a Sanic instance"
    )


def app_max_requests(config: Any) -> int:
    """WORKER_MAX_REQUESTS plus its jitter, or sys.maxsize (never) for 0."""
    maximum = _non_negative(config.get("WORKER_MAX_REQUESTS"), "WORKER_MAX_REQUESTS")
    jitter = _non_negative(
        config.get("WORKER_MAX_REQUESTS_JITTER"), "WORKER_MAX_REQUESTS_JITTER"
    )
    if not maximum:
        return sys.maxsize
    return maximum + random.randint(0, jitter)


def check_connections(value: Any) -> int:
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(
            f"worker connections (WORKER_CONNECTIONS, --worker-connections) must be "
            f"a positive integer, not {value!r}"
        )
    return value


def _non_negative(value: Any, name: str) -> int:
    if value is None or value == "":
        return 0
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"{name} must be a non-negative integer, not {value!r}")
    return value


def make_ssl_context(cfg: Any) -> ssl.SSLContext:
    """Gunicorn's own SSLContext for its ssl settings, speaking HTTP/1.1."""
    try:
        from gunicorn.sock import ssl_context
    except ImportError:  # pragma: no cover - Gunicorn before 21
        ssl_context = _ssl_context
    try:
        context = ssl_context(cfg)
    except (OSError, ssl.SSLError) as exc:
        reason = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
        raise ValueError(
            f"cannot load the TLS certificate (--certfile {cfg.certfile}, "
            f"--keyfile {cfg.keyfile}): {reason}"
        ) from None
    try:
        context.set_alpn_protocols(["http/1.1"])
    except (NotImplementedError, AttributeError):  # pragma: no cover
        pass
    return context


def _ssl_context(cfg: Any) -> ssl.SSLContext:  # pragma: no cover - old Gunicorn
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH, cafile=cfg.ca_certs)
    context.load_cert_chain(certfile=cfg.certfile, keyfile=cfg.keyfile)
    context.verify_mode = cfg.cert_reqs
    if cfg.ciphers:
        context.set_ciphers(cfg.ciphers)
    return context


def default_protocol(app: Any) -> type:
    """The protocol Sanic would serve ``app`` with."""
    from sanic.server.protocols.http_protocol import HttpProtocol

    if getattr(app, "websocket_enabled", False):
        try:
            from sanic.server.protocols.websocket_protocol import WebSocketProtocol
        except ImportError:
            return HttpProtocol
        return WebSocketProtocol
    return HttpProtocol


def _uses_uvloop(app: Any) -> bool:
    from sanic.compat import OS_IS_WINDOWS, UVLOOP_INSTALLED

    return app.config.USE_UVLOOP is not False and UVLOOP_INSTALLED and not OS_IS_WINDOWS


def route_access_log(glog: Any) -> None:
    """Send ``sanic.access`` records, in Sanic's line format, to Gunicorn's access log.

    They go there only: Sanic's own access handlers are removed, so each
    request is logged once. USR1 reopens the file, as Gunicorn's handlers do.
    """
    from sanic.logging.formatter import ProdAccessFormatter

    target: logging.Logger | None = getattr(glog, "access_log", None)
    if target is None:
        return
    sink: logging.Logger = target
    for handler in list(access_logger.handlers):
        access_logger.removeHandler(handler)

    class Forward(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            try:
                sink.info(self.format(record))
            except Exception:
                self.handleError(record)

    handler = Forward()
    handler.setFormatter(ProdAccessFormatter())
    access_logger.addHandler(handler)
    access_logger.propagate = False
    if access_logger.level > logging.INFO or access_logger.level == logging.NOTSET:
        access_logger.setLevel(logging.INFO)


def warn_process_listeners(app: Any) -> None:
    found = [event for event in _PROCESS_LISTENERS if app.listeners_registry[event]]
    if found:
        error_logger.warning(
            "Gunicorn mode: %s listeners will not run; Gunicorn, not Sanic, runs "
            "the main process (use before_server_start/after_server_stop)",
            ", ".join(found),
        )


def report_boot_failure(log: Any, exc: BaseException) -> None:
    """One line for a known kind of failure; the traceback for a bug in the app."""
    from sanic.exceptions import SanicException

    message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    if isinstance(exc, (SanicException, OSError)):
        log.error("Worker failed to start: %s", message)
    else:
        log.exception("Worker failed to start: %s: %s", type(exc).__name__, message)


__all__ = ["ConnectionLimit", "GunicornWorker"]
