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

==============================  ==============================================
Gunicorn                        In the worker
==============================  ==============================================
``--workers``                   ``app.state.workers``
``--bind`` (several)            one server per socket: TCP and ``unix:PATH``
``--keep-alive N``              ``KEEP_ALIVE_TIMEOUT = N``; ``0`` turns
                                KEEP_ALIVE off
``--graceful-timeout N``        requests in flight get N s minus a margin
                                (10 %, at most 1 s, left for the stop
                                listeners) before Gunicorn's SIGKILL:
                                ``GRACEFUL_SHUTDOWN_TIMEOUT``
``--timeout N``                 the loop calls ``notify()`` (Gunicorn's
                                heartbeat) many times per N s. A loop blocked
                                that long gets the arbiter's SIGABRT: the
                                ``worker_abort`` hook runs, the process ends,
                                Gunicorn starts another. The start listeners
                                must finish within N s too
``--max-requests`` and          counted with ``requests_served``; when
``--max-requests-jitter``       reached, the worker stops gracefully and
                                Gunicorn starts a new one. Left at 0, the
                                app's ``WORKER_MAX_REQUESTS`` (+ a random 0 to
                                ``WORKER_MAX_REQUESTS_JITTER``) applies
``--worker-connections N``      at most N connections are served at once (see
                                `ConnectionLimit`); left at Gunicorn's default
                                (1000), the app's ``WORKER_CONNECTIONS``
``--limit-request-line``,       Gunicorn's limits on the request line, the
``--limit-request-fields``,     number of header fields and the size of one
``--limit-request-field_size``  (see `HeadLimits`): 414 and 431, on top of
                                the app's ``REQUEST_MAX_HEADER_SIZE`` (raised
                                to the line and field limits if below them)
``--forwarded-allow-ips``       the peers whose X-Forwarded-* headers count:
                                the app's REAL_IP_HEADER / PROXIES_COUNT read
                                them only on connections from these; a
                                FORWARDED_SECRET proves itself (`ProxyTrust`)
``--certfile/--keyfile``        TLS with Gunicorn's own SSLContext (its
(``--ca-certs``,                ``ssl_context`` hook included), HTTP/1.1 by
``--cert-reqs``, ``--ciphers``) ALPN
``--access-logfile``,           each request goes to Gunicorn's ``access()``
``--access-logformat``          (its file, its format and atoms, a statsd
                                logger's counters) instead of ``sanic.access``
``--error-logfile``,            Sanic's loggers log at Gunicorn's level, and,
``--log-level``                 with an error log file, into it
==============================  ==============================================

The worker writes the values in effect back into the app's config
(``WORKER_CONNECTIONS``, ``WORKER_MAX_REQUESTS``,
``WORKER_MAX_REQUESTS_JITTER``, ``REQUEST_MAX_HEADER_SIZE``, ...), so a handler
reads what applies. ``WORKER_CLASS`` ("sanic.worker.GunicornWorker") is the
value to give Gunicorn's ``worker_class`` (for instance in a
``gunicorn.conf.py`` that reads the app's config); the worker does not read it.

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
import ipaddress
import logging
import os
import signal
import socket
import ssl
import sys
from datetime import timedelta
from typing import Any, cast

from gunicorn.errors import AppImportError
from gunicorn.workers.base import Worker

from sanic.exceptions import HTTPException, URITooLong
from sanic.log import error_logger
from sanic.server.loop import uses_uvloop
from sanic.worker.serve import recycle_after

# Exit codes the arbiter understands: both make it stop instead of respawning.
WORKER_BOOT_ERROR = 3
APP_LOAD_ERROR = 4
# Gunicorn's default worker_connections: left as is, the app's config decides.
GUNICORN_DEFAULT_CONNECTIONS = 1000
# How often the loop checks the request count when recycling is on.
RECYCLE_CHECK_INTERVAL = 0.05
# The longest the loop waits between heartbeats otherwise.
HEARTBEAT_INTERVAL = 0.5
# Gunicorn's own bounds for its request-head settings.
MAX_REQUEST_LINE = 8190
MAX_HEADER_FIELDS = 32768

_SANIC_LOGGERS = ("sanic.root", "sanic.error", "sanic.server", "sanic.websockets")


class GunicornWorker(Worker):
    """A Gunicorn worker that serves a Sanic app with Sanic's own server."""

    app_obj: Any = None
    limit: ConnectionLimit | None = None
    head_limits: HeadLimits | None = None
    proxy_trust: ProxyTrust | None = None
    access_log: Any = None
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
            self.max_requests = recycle_after(config) or sys.maxsize
        else:
            config.WORKER_MAX_REQUESTS = cfg.max_requests
            config.WORKER_MAX_REQUESTS_JITTER = max(cfg.max_requests_jitter, 0)
        self.limit = ConnectionLimit(self._connection_limit(config))
        config.WORKER_CONNECTIONS = self.limit.limit
        self.head_limits = HeadLimits.from_gunicorn(cfg)
        config.REQUEST_MAX_HEADER_SIZE = self.head_limits.header_max_size(
            config.REQUEST_MAX_HEADER_SIZE
        )
        self.proxy_trust = ProxyTrust.from_gunicorn(cfg, config)
        self.ssl_context = make_ssl_context(cfg) if cfg.is_ssl else None
        if gunicorn_logs_access(self.log, cfg):
            config.ACCESS_LOG = True
            self.access_log = self.log
        apply_log_settings(self.log, cfg, app)
        state = app.state
        state.workers = cfg.workers
        state.auto_tls = False
        if self.age == 1:
            warn_process_listeners(app)
            if self.proxy_trust is not None:
                self.log.info(
                    "X-Forwarded-* headers count only on connections from %s "
                    "(--forwarded-allow-ips)",
                    ", ".join(cfg.forwarded_allow_ips),
                )

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
        protocol = worker_protocol(
            default_protocol(app),
            limit=self.limit,
            head_limits=self.head_limits,
            trust=self.proxy_trust,
            access_log=self.access_log,
        )
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
        if (
            unix
            and sys.version_info >= (3, 13)
            and not uses_uvloop(app.config.USE_UVLOOP)
        ):
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
                            "(%s answered; its max-requests is %s).",
                            count,
                            self.max_requests,
                        )
                        self._stop()
            await asyncio.sleep(interval)

    def _stop(self) -> None:
        """Graceful: Gunicorn starts a replacement when this process exits."""
        self.alive = False
        if self._stopper is not None:
            self._stopper.set()

    def handle_abort(self, sig: int, frame: Any) -> None:
        """SIGABRT: the arbiter saw no heartbeat for ``--timeout`` s (the loop
        is blocked). The process ends here, after Gunicorn's ``worker_abort``
        hook: a SystemExit raised in the middle of whatever blocked the loop
        (a handler, maybe) could be caught there and the worker carry on."""
        self.alive = False
        try:
            self.cfg.worker_abort(self)
        finally:
            for stream in (sys.stdout, sys.stderr):
                try:
                    stream.flush()
                except (OSError, ValueError):
                    pass
            os._exit(1)

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


# ---- the protocol: Sanic's, with what Gunicorn's settings add ----------------------


def worker_protocol(
    base: type,
    *,
    limit: ConnectionLimit | None = None,
    head_limits: HeadLimits | None = None,
    trust: ProxyTrust | None = None,
    access_log: Any = None,
) -> type:
    """``base`` with Gunicorn's settings applied to each connection.

    - ``limit``: the connection counts against it (``--worker-connections``).
      While a connection waits, a `_Holder` stands in as its transport's
      protocol, keeping what arrives (uvloop starts reading after
      ``connection_made`` whatever it asked); admitted, the connection gets
      its transport back: the request path pays nothing for the cap.
    - ``head_limits``: the connection reads requests with an `Http` that
      enforces them (``--limit-request-*``): its ``http_class``.
    - ``trust``: requests on a connection from a peer it does not trust have
      no proxy information (``--forwarded-allow-ips``).
    - ``access_log``: Gunicorn's logger, whose ``access()`` gets each request.

    Only what is given is added; with nothing, ``base`` itself is returned.
    """
    if limit is None and head_limits is None and trust is None and access_log is None:
        return base
    cap = limit
    glog = access_log
    proxies = cast(ProxyTrust, trust)  # used only when given
    sanic_base: Any = base  # an HttpProtocol (mypy cannot see through ``type``)

    class WorkerProtocol(base):  # type: ignore[valid-type,misc]
        __slots__ = ("_admitted", "_holder", "_untrusted")

        if head_limits is not None:
            http_class = head_limits.http_class(sanic_base.http_class)
            holding_http_class = head_limits.http_class(sanic_base.holding_http_class)

        def connection_made(self, transport: Any) -> None:
            self._admitted = True
            self._holder: _Holder | None = None
            self._untrusted = False
            super().connection_made(transport)
            if trust is not None:
                self._untrusted = not trust.trusts(transport.get_extra_info("peername"))
            if cap is not None:
                self._admitted = cap.admit(self)
                if not self._admitted and not self._closing:
                    self._holder = _Holder(self, transport)
                    transport.set_protocol(self._holder)

        if trust is not None:

            def dispatch(self, request: Any) -> None:
                if self._untrusted:
                    request.parsed_forwarded = proxies.untrusted_view(request)
                super().dispatch(request)

        if glog is not None:

            def _log_access(self, request: Any, response: Any) -> None:
                try:
                    gunicorn_access(glog, self, request, response)
                except Exception:  # a log line must never break the connection
                    error_logger.exception("Could not write the access log record")

        if cap is not None:

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

    WorkerProtocol.__name__ = WorkerProtocol.__qualname__ = f"Gunicorn{base.__name__}"
    return WorkerProtocol


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


# ---- request-head limits -----------------------------------------------------------


class RequestHeaderFieldsTooLarge(HTTPException):
    """431: too many header fields, or one too large."""

    status_code = 431
    quiet = True


class HeadLimits:
    """Gunicorn's request-head limits, as it documents them.

    - ``line``: bytes of the request line (method, target, version; the
      spaces between them counted as one each), 0 for no limit of its own;
      over it: 414. Gunicorn's cap, 8190, applies.
    - ``fields``: header fields in a request; over it: 431. 0 means
      Gunicorn's maximum, 32768.
    - ``field_size``: bytes of one field, ``len(name) + len(value) + 2``, 0
      for no limit of its own; over it: 431.

    They are checked when a head is complete, in O(1) for a head that could
    not break the size limits (no larger than the smallest of them); the app's
    REQUEST_MAX_HEADER_SIZE, the bound on the whole head, still applies, and
    bounds a head still arriving.
    """

    __slots__ = ("line", "fields", "field_size", "_classes")

    def __init__(self, line: int, fields: int, field_size: int) -> None:
        self.line = min(max(line, 0), MAX_REQUEST_LINE)
        self.fields = fields if 0 < fields <= MAX_HEADER_FIELDS else MAX_HEADER_FIELDS
        self.field_size = max(field_size, 0)
        self._classes: dict[type, type] = {}

    @classmethod
    def from_gunicorn(cls, cfg: Any) -> HeadLimits:
        return cls(
            _setting_int(cfg, "limit_request_line", "--limit-request-line"),
            _setting_int(cfg, "limit_request_fields", "--limit-request-fields"),
            _setting_int(cfg, "limit_request_field_size", "--limit-request-field_size"),
        )

    def header_max_size(self, current: int) -> int:
        """REQUEST_MAX_HEADER_SIZE, raised so that a line or a field Gunicorn's
        limits let through is not refused as a whole head."""
        return max(current, self.line, self.field_size)

    def check(self, http: Any) -> None:
        """Raise if the head ``http`` has just read breaks a size limit."""
        line = self.line
        if line and len(http.parser.get_method()) + len(http._url) + 10 > line:
            raise URITooLong("Request line exceeds the size limit")
        size = self.field_size
        if size:
            for name, value in http._headers:
                if len(name) + len(value) + 2 > size:
                    raise RequestHeaderFieldsTooLarge(
                        "Request header field exceeds the size limit"
                    )

    def http_class(self, base: type) -> type:
        """``base`` (Sanic's `Http`, or a subclass) enforcing these limits."""
        made = self._classes.get(base)
        if made is None:
            made = self._classes[base] = self._make(base)
        return made

    def _make(self, base: type) -> type:
        limits = self
        fields = self.fields
        smallest = min((n for n in (self.line, self.field_size) if n), default=0)

        class LimitedHttp(base):  # type: ignore[valid-type,misc]
            __slots__ = ()

            def on_headers_complete(self) -> None:
                if len(self._headers) > fields:
                    raise RequestHeaderFieldsTooLarge(
                        "Request has too many header fields"
                    )
                # The head is no larger than the bytes it arrived in.
                if smallest and self._unparsed_head + self._packet_len > smallest:
                    limits.check(self)
                super().on_headers_complete()

        LimitedHttp.__name__ = LimitedHttp.__qualname__ = f"Limited{base.__name__}"
        return LimitedHttp


def _setting_int(cfg: Any, name: str, flag: str) -> int:
    value = getattr(cfg, name)
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{flag} must be an integer, not {value!r}")
    return value


# ---- proxy headers: from whom they count -------------------------------------------


class ProxyTrust:
    """The peers whose proxy headers count (``--forwarded-allow-ips``).

    The app's proxy settings (REAL_IP_HEADER, PROXIES_COUNT) say how
    ``request.forwarded`` is read from the X-Forwarded-* / real-IP headers;
    under Gunicorn those are read only on connections from these addresses or
    networks, as Gunicorn does for its own forwarded headers. A request from
    any other peer gets no proxy information from them (``request.remote_addr``
    is "", ``request.scheme`` and ``request.host`` are its own), whatever they
    claim; the headers are still there to read. A ``Forwarded`` header
    carrying the app's FORWARDED_SECRET proves its proxy by the secret, and
    counts from any peer. Connections over a unix socket have no address and
    are trusted, as in Gunicorn.
    """

    __slots__ = ("networks", "config")

    def __init__(self, allowed: list[str], config: Any = None) -> None:
        networks = []
        for entry in allowed:
            try:
                networks.append(ipaddress.ip_network(entry.strip(), strict=False))
            except ValueError:
                raise ValueError(
                    f"--forwarded-allow-ips: {entry!r} is not an IP address or network"
                ) from None
        self.networks = networks
        self.config = config

    @classmethod
    def from_gunicorn(cls, cfg: Any, config: Any) -> ProxyTrust | None:
        """None when every peer is trusted ("*"), or the app reads no
        X-Forwarded-* or real-IP header at all."""
        allowed = list(cfg.forwarded_allow_ips or [])
        if "*" in allowed or not reads_proxy_headers(config):
            return None
        return cls(allowed, config)

    def trusts(self, peer: Any) -> bool:
        if not isinstance(peer, tuple) or not peer:
            return True  # a unix socket
        try:
            address = ipaddress.ip_address(str(peer[0]).split("%", 1)[0])
        except ValueError:
            return False
        mapped = getattr(address, "ipv4_mapped", None)
        return any(
            address in network or (mapped is not None and mapped in network)
            for network in self.networks
        )

    def untrusted_view(self, request: Any) -> dict[str, Any]:
        """``request.forwarded`` for a request from a peer not trusted."""
        config = self.config
        if config is None or not config.get("FORWARDED_SECRET"):
            return {}
        from sanic.headers import parse_forwarded

        return dict(parse_forwarded(request.headers, config) or {})


def reads_proxy_headers(config: Any) -> bool:
    count = config.get("PROXIES_COUNT")
    return bool(
        config.get("REAL_IP_HEADER")
        or (isinstance(count, int) and not isinstance(count, bool) and count > 0)
    )


# ---- logging -----------------------------------------------------------------------


def gunicorn_logs_access(glog: Any, cfg: Any) -> bool:
    """Whether Gunicorn would log requests: an access log (or a log config),
    or a logger class with its own ``access()`` (statsd's counts requests)."""
    from gunicorn.glogging import Logger

    enabled = getattr(glog, "access_log_enabled", None)
    if enabled is None:  # pragma: no cover - Gunicorn before 23
        enabled = cfg.accesslog is not None
    return bool(enabled) or type(glog).access is not Logger.access


class _Answer:
    """What Gunicorn's ``access()`` reads of a response."""

    __slots__ = ("status", "headers", "sent")

    def __init__(self, status: int, headers: list[tuple[str, str]], sent: Any):
        self.status = status
        self.headers = headers
        self.sent = sent


def gunicorn_access(glog: Any, protocol: Any, request: Any, response: Any) -> None:
    """One request, handed to Gunicorn's ``access()`` as a WSGI server would:
    ``--access-logformat`` and its atoms (``%(h)s``, ``%(r)s``,
    ``%({name}i)s``, ``%({name}o)s``, ``%({NAME}e)s`` ...) apply as documented."""
    start = request._access_start
    duration = protocol.loop.time() - start if start else 0.0
    headers: list[tuple[str, str]] = []
    size: int | None = None
    status = 0
    if response is not None:
        status = response.status
        headers = [(str(k), str(v)) for k, v in response.headers.items()]
        names = {name.lower() for name, _ in headers}
        body = getattr(response, "body", None)
        if body is not None:
            size = len(body)
        elif "content-length" in names:
            length = response.headers.get("content-length", "")
            size = int(length) if length.isdigit() else None
        if "content-type" not in names and getattr(response, "content_type", None):
            headers.append(("content-type", response.content_type))
        if "content-length" not in names and size is not None:
            headers.append(("content-length", str(size)))
    environ = {
        "REMOTE_ADDR": request.ip or "-",
        "REMOTE_PORT": str(request.port),
        "REQUEST_METHOD": request.method,
        "RAW_URI": request.raw_url.decode("latin-1"),
        "PATH_INFO": request.path,
        "QUERY_STRING": request.query_string,
        "SERVER_PROTOCOL": f"HTTP/{request.version}",
        "wsgi.url_scheme": request.scheme,
    }
    for name, value in request.headers.items():
        key = "HTTP_" + name.upper().replace("-", "_")
        environ[key] = f"{environ[key]},{value}" if key in environ else value
    glog.access(
        _Answer(status, headers, size), request, environ, timedelta(seconds=duration)
    )


def apply_log_settings(glog: Any, cfg: Any, app: Any) -> None:
    """Sanic's loggers log at ``--log-level``; with ``--error-logfile FILE``,
    they write there, through Gunicorn's own handlers (its format, and USR1
    reopens the file). Left alone for an app built with
    ``configure_logging=False``."""
    if not getattr(app, "_configure_logging", True):
        return
    levels = getattr(glog, "LOG_LEVELS", {})
    level = levels.get(str(cfg.loglevel or "info").lower(), logging.INFO)
    loggers = [logging.getLogger(name) for name in _SANIC_LOGGERS]
    for logger in loggers:
        logger.setLevel(level)
    errorlog = cfg.errorlog
    target = getattr(glog, "error_log", None)
    if not errorlog or errorlog == "-" or target is None:
        return
    for logger in loggers:
        for handler in list(logger.handlers):
            logger.removeHandler(handler)
        for handler in target.handlers:
            logger.addHandler(handler)
        logger.propagate = False


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


def check_connections(value: Any) -> int:
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(
            f"worker connections (WORKER_CONNECTIONS, --worker-connections) must be "
            f"a positive integer, not {value!r}"
        )
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
        from sanic.server.protocols.websocket_protocol import WebSocketProtocol

        return WebSocketProtocol
    return HttpProtocol


def warn_process_listeners(app: Any) -> None:
    found = app.listeners_registry.process_events_used()
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


__all__ = ["ConnectionLimit", "GunicornWorker", "HeadLimits", "ProxyTrust"]
