"""The asyncio protocol for HTTP/1.1: feeds bytes to `Http`, runs handlers as tasks,
and keeps the timeouts as timer handles."""

from __future__ import annotations

import asyncio
import sys
from contextvars import Context, copy_context
from typing import Any

from sanic.exceptions import (
    CLIENT_GONE,
    RESPONSE_TIMED_OUT,
    RequestTimeout,
    ServerError,
    ServiceUnavailable,
)
from sanic.helpers import Resumed, as_request_cancelled
from sanic.http import Http, Stage
from sanic.http.constants import SERVED
from sanic.http.http1 import HoldingHttp
from sanic.log import access_logger, error_logger, logger
from sanic.server.protocols.base_protocol import SanicProtocol

if sys.version_info >= (3, 11):  # create_task(context=) arrived in 3.11
    try:  # C-accelerated, long-standing, but private: without them, one task per request
        from asyncio.tasks import _enter_task, _leave_task
    except ImportError:  # pragma: no cover
        _enter_task = _leave_task = None  # type: ignore[assignment]
else:  # pragma: no cover - Python 3.10
    _enter_task = _leave_task = None  # type: ignore[assignment]


_IDLE = Stage.IDLE
_BEGIN = "http.lifecycle.begin"
_COMPLETE = "http.lifecycle.complete"
_SEND = "http.lifecycle.send"


_signal_tasks: set[asyncio.Task] = set()  # kept alive until done
# Seconds a websocket handler may run on after its connection is lost.
_WEBSOCKET_GRACE = 1.0


def _signal_done(task: asyncio.Task) -> None:
    _signal_tasks.discard(task)
    if not task.cancelled() and task.exception() is not None:
        error_logger.error(
            "Exception in a connection signal handler", exc_info=task.exception()
        )


class TimeoutSweeper:
    """One timer per server for the request, response and keep-alive timeouts.

    Every tick it asks each connection to check its own state; the request path
    itself does no timeout bookkeeping. A tick is a quarter of the shortest
    timeout, between 10 ms and 1 s, so limits hold to within that.
    """

    __slots__ = ("loop", "tick", "protocols", "handle")

    def __init__(self, loop: asyncio.AbstractEventLoop, shortest: float) -> None:
        self.loop = loop
        self.tick = min(max(shortest / 4, 0.01), 1.0)
        self.protocols: set[HttpProtocol] = set()
        self.handle: asyncio.TimerHandle | None = None

    def add(self, protocol: HttpProtocol) -> None:
        self.protocols.add(protocol)
        if self.handle is None:
            self.handle = self.loop.call_later(self.tick, self.sweep)

    def discard(self, protocol: HttpProtocol) -> None:
        self.protocols.discard(protocol)

    def sweep(self) -> None:
        self.handle = None
        now = self.loop.time()
        for protocol in list(self.protocols):
            try:
                protocol.check_timeouts(now)
            except Exception:  # one connection's trouble must not stop the others
                error_logger.exception("Error while checking connection timeouts")
        if self.protocols:
            self.handle = self.loop.call_later(self.tick, self.sweep)


def requests_served(state: dict[str, Any]) -> int:
    """Requests answered so far by the server whose shared ``state`` this is.

    Counted per connection (closed ones added up as they close), so the
    request path pays nothing for it; for WORKER_MAX_REQUESTS and the inspector.
    """
    total: int = state.get("requests_closed", 0)
    sweeper = state.get("timeout_sweeper")
    if sweeper is not None:
        total += sum(protocol._requests_served for protocol in sweeper.protocols)
    return total


class _Cycle:
    """Awaits the rest of a connection's request cycle (``Sanic._serve_connection``)
    after a handler suspended: drives the generator on until it yields SERVED,
    forwarding cancellation into it (as ``Resumed`` does for a coroutine)."""

    __slots__ = ("cycle", "first")

    def __init__(self, cycle: Any, first: Any) -> None:
        self.cycle = cycle
        self.first = first

    def __await__(self) -> Any:
        cycle = self.cycle
        value = self.first
        while True:
            try:
                yield value
            except BaseException as exc:  # cancellation and the like go inside
                value = cycle.throw(as_request_cancelled(exc))
            else:
                value = cycle.send(None)
            if value is SERVED:
                return


class _ReportingTransport:
    """A transport that dispatches ``http.lifecycle.send`` for what it writes."""

    __slots__ = ("_transport", "_protocol")

    def __init__(self, transport: Any, protocol: HttpProtocol) -> None:
        self._transport = transport
        self._protocol = protocol

    def write(self, data: bytes) -> None:
        self._transport.write(data)
        self._protocol._signal(_SEND, {"data": data})

    def __getattr__(self, name: str) -> Any:
        return getattr(self._transport, name)


class HttpProtocol(SanicProtocol):
    """One HTTP/1.1 connection.

    To wrap request handling (``app.run(protocol=MyProtocol)``), subclass and
    override the async ``http_request_handler(request)``: call super() for the
    response, change it, and return it; it is written afterwards.
    """

    logger = logger
    # What reads each connection's requests; a subclass may name its own
    # (the Gunicorn worker's enforces Gunicorn's request-head limits).
    http_class: type[Http] = Http
    holding_http_class: type[Http] = (
        HoldingHttp  # when http_request_handler is overridden
    )

    __slots__ = (
        "http",
        "_hooked",
        "request_handler",
        "_respond_now",
        "_cycle",
        "_cycle_send",
        "_run",
        "_task",
        "_waiter",
        "_handoff",
        "_context",
        "_running",
        "_next",
        "_sweeper",
        "_linger",
        "graceful_close_timeout",
        "_seen_stage",
        "_seen_served",
        "_seen_since",
        "access_log",
        "keep_alive_timeout",
        "request_timeout",
        "response_timeout",
        "_websocket",
    )

    def __init__(
        self, *, loop: asyncio.AbstractEventLoop, app: Any, **kwargs: Any
    ) -> None:
        super().__init__(loop=loop, app=app, **kwargs)
        config = app.config
        self.http: Http | None = None
        self.request_handler = app.handle_request
        # The synchronous fast path, unless the app overrides handle_request.
        fast = getattr(type(app).handle_request, "has_sync_fast_path", False)
        # The factory of the connection's request cycle, when it can run
        # synchronously; the cycle itself is made at the first request.
        self._respond_now = app._serve_connection if fast and _enter_task else None
        self._cycle: Any = None
        self._cycle_send: Any = None  # its send method, kept to make it once
        self._run: Any = None  # the connection context's run method, likewise
        self._hooked = (
            type(self).http_request_handler is not HttpProtocol.http_request_handler
        )
        if self._hooked:
            self.request_handler = self._handle_through_hook
            self._respond_now = None
        self._task: asyncio.Task | None = None  # the connection task
        self._waiter: asyncio.Future | None = None
        self._handoff: tuple[Any, Any] | None = None
        self._context: Context | None = None
        self._running = False  # a handler is in progress
        self._next: Any = None  # a request that became ready meanwhile
        self._sweeper: TimeoutSweeper | None = None
        self._linger: asyncio.TimerHandle | None = None
        self.graceful_close_timeout = float(config.GRACEFUL_TCP_CLOSE_TIMEOUT)
        self._seen_stage = _IDLE
        self._seen_served = 0
        self._seen_since = 0.0
        self.access_log = bool(config.ACCESS_LOG)
        self.keep_alive_timeout = float(config.KEEP_ALIVE_TIMEOUT)
        self.request_timeout = float(config.REQUEST_TIMEOUT)
        self.response_timeout = float(config.RESPONSE_TIMEOUT)
        self._websocket: Any = None  # the websocket this connection became

    # ---- connection events -------------------------------------------------------

    def connection_made(self, transport: Any) -> None:
        super().connection_made(transport)
        signals = getattr(self.app, "_active_signals", ())
        if _SEND in signals:
            # Every write reports the bytes; without the signal, no cost at all.
            transport = self.transport = _ReportingTransport(transport, self)
        self.http = (self.holding_http_class if self._hooked else self.http_class)(self)
        if _BEGIN in signals:
            self._signal(_BEGIN, {"conn_info": self.conn_info})
        if _enter_task is not None:
            # Handlers run in this context whether they start here or in the task.
            self._context = copy_context()
            self._run = self._context.run
            self._task = self.loop.create_task(
                self._connection_task(), context=self._context
            )
        else:
            self._task = self.loop.create_task(self._connection_task())
        self._task.add_done_callback(self._task_ended)
        self._seen_since = self.loop.time()
        sweeper = self.state.get("timeout_sweeper")
        if sweeper is None:
            sweeper = self.state["timeout_sweeper"] = TimeoutSweeper(
                self.loop,
                min(
                    self.request_timeout, self.response_timeout, self.keep_alive_timeout
                ),
            )
        self._sweeper = sweeper
        sweeper.add(self)

    @property
    def _requests_served(self) -> int:
        """Requests answered in full on this connection."""
        http = self.http
        return http.served if http is not None else 0

    def data_received(self, data: bytes) -> None:
        http = self.http
        # Http.feed, without its frame: this runs for every packet.
        if http._closed_input:  # type: ignore[union-attr]
            if self._websocket is not None:  # upgraded: the bytes are frames
                self._websocket.data_received(data)
            return
        http._packet_len = len(data)  # type: ignore[union-attr]
        try:
            http.parser.feed_data(data)  # type: ignore[union-attr]
        except Exception as exc:
            http.feed_error(exc, data)  # type: ignore[union-attr]
            return
        if http._url:  # type: ignore[union-attr]
            # A head is still incomplete after this packet: bound its growth.
            http.count_head_bytes(len(data))  # type: ignore[union-attr]

    def close_unread(self) -> None:
        """Close a connection whose client may still be sending (after an error).

        Closing with unread bytes makes the kernel send a reset, which can
        destroy the error response before the client reads it. So: send what is
        buffered and our FIN, keep reading and discarding until the client
        closes too, and give up after GRACEFUL_TCP_CLOSE_TIMEOUT.
        """
        transport = self.transport
        if self._closing or transport is None:
            return
        if self.graceful_close_timeout <= 0 or not transport.can_write_eof():
            self.close()
            return
        self._closing = True
        transport.write_eof()
        if self._reading_paused:
            self._reading_paused = False
            transport.resume_reading()
        self._linger = self.loop.call_later(self.graceful_close_timeout, self.abort)

    def connection_lost(self, exc: Exception | None) -> None:
        super().connection_lost(exc)
        if self._linger is not None:
            self._linger.cancel()
            self._linger = None
        if _COMPLETE in getattr(self.app, "_active_signals", ()):
            self._signal(_COMPLETE, {"conn_info": self.conn_info})
        if self._sweeper is not None:
            self._sweeper.discard(self)
            state = self.state
            state["requests_closed"] = (
                state.get("requests_closed", 0) + self._requests_served
            )
        if self.http is not None:
            self.http.connection_lost()
        task = self._task
        if task is not None and not task.done():
            websocket = self._websocket
            if websocket is not None and self._running:
                # The handler sees WebsocketClosed first; cancelled only if
                # it does not end by itself.
                websocket.connection_lost(exc)
                self.loop.call_later(_WEBSOCKET_GRACE, task.cancel, CLIENT_GONE)
            else:
                if websocket is not None:
                    websocket.connection_lost(exc)
                task.cancel(CLIENT_GONE)
        elif self._websocket is not None:
            self._websocket.connection_lost(exc)

    def _signal(self, event: str, context: dict[str, Any]) -> None:
        """Dispatch a connection event; protocol callbacks cannot await it."""
        task = self.loop.create_task(
            self.app.dispatch(event, context=context, inline=True, fail_not_found=False)
        )
        _signal_tasks.add(task)
        task.add_done_callback(_signal_done)

    def attach_websocket(self, websocket: Any) -> None:
        """The request being handled upgraded: from now on the bytes read are
        the websocket's (including any read past the handshake already)."""
        self._websocket = websocket
        http = self.http
        if http is not None:
            tail = http.take_upgrade_tail()
            if tail:
                websocket.data_received(tail)

    # ---- the request cycle -------------------------------------------------------

    def _task_ended(self, task: asyncio.Task) -> None:
        if self._task is task:
            self._task = None  # no more requests start on this connection
        self._end_cycle()

    def _end_cycle(self) -> None:
        """The request cycle ended (an exception left it): the next request
        makes a new one."""
        self._cycle = self._cycle_send = None

    def dispatch(self, request: Any) -> None:
        """Run the handler for a routed request.

        The handler starts right here, with the connection task as the current
        task; most handlers finish without suspending and cost no trip through
        the event loop. One that suspends is handed to the connection task.
        """
        if self.access_log:
            request._access_start = self.loop.time()
        if self._running:
            # Called while a handler finishes (pipelining): run it after that one.
            self._next = request
            return
        task = self._task
        if task is None:
            return  # the connection is going away
        send = self._cycle_send
        if send is None:
            if task.done():
                return
            if self._respond_now is None:
                self._running = True
                self._hand_off(task, self.request_handler(request), None)
                return
            self._cycle = self._respond_now(self.http)
            send = self._cycle_send = self._cycle.send
            send(None)  # to its first yield: nothing of the app runs yet
        loop = self.loop
        run = self._run
        while True:
            self._running = True
            try:
                _enter_task(loop, task)  # type: ignore[misc]
            except RuntimeError:
                # Called from inside another task: let the connection task run it.
                self._hand_off(task, self.request_handler(request), None)
                return
            try:
                first = run(send, request)
            except BaseException:
                self._running = False
                self._end_cycle()
                raise
            finally:
                _leave_task(loop, task)  # type: ignore[misc]
            if first is not SERVED:
                # A handler suspended: the connection task drives the rest.
                self._hand_off(task, self._cycle, first)
                return
            self._running = False
            request = self._next
            if request is None:
                return
            self._next = None

    def _hand_off(self, task: asyncio.Task, coro: Any, first: Any) -> None:
        if task.done():
            coro.close()  # the connection is going away
            if coro is self._cycle:
                self._end_cycle()
            self._running = False
            return
        self._handoff = (coro, first)
        waiter = self._waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    async def _connection_task(self) -> None:
        """Finishes handlers that suspended, then any requests queued behind them."""
        loop = self.loop
        while True:
            handoff = self._handoff
            if handoff is None:
                self._waiter = waiter = loop.create_future()
                await waiter
                self._waiter = None
                handoff = self._handoff
                if handoff is None:
                    continue
            self._handoff = None
            coro, first = handoff
            if coro is self._cycle:
                try:
                    await _Cycle(coro, first)
                except BaseException:
                    self._end_cycle()
                    raise
            else:
                await Resumed(coro, first)
            if self._websocket is not None:
                self._running = False
                return  # the connection became a websocket, now over
            while self._next is not None:
                request, self._next = self._next, None
                await self.request_handler(request)
            self._running = False

    async def http_request_handler(self, request: Any) -> Any:
        """Handle ``request`` and return its response before it is written.

        Only called for subclasses that override it. A response the handler
        already streamed (``request.respond``) is returned too, but is sent.
        """
        http = self.http
        if not isinstance(http, HoldingHttp):
            raise RuntimeError("http_request_handler runs on its own connection")
        http.holding = True
        try:
            await self.app.handle_request(request)
        finally:
            http.holding = False
        return http.held if http.held is not None else http.streamed

    async def _handle_through_hook(self, request: Any) -> None:
        http: Any = self.http
        try:
            response = await self.http_request_handler(request)
        except Exception as exc:
            if http.request is request:
                http.held = None
                self.app._write_error(request, exc)
            else:
                error_logger.exception("Error in http_request_handler after responding")
            return
        finally:
            held, http.held, http.streamed = http.held, None, None
        if http.request is not request:
            return  # answered already (streamed, or failed)
        if response is None:
            response = held  # the hook returned nothing: write what the app made
        from sanic.response import BaseHTTPResponse

        if not isinstance(response, BaseHTTPResponse):
            self.app._write_error(
                request,
                ServerError(
                    f"http_request_handler returned {response!r}, not a response"
                ),
            )
            return
        http.write_response(response)

    def request_finished(self, request: Any, response: Any) -> None:
        """Called by ``Http`` after each request, when access logs are on."""
        if self.access_log and request is not None:
            self._log_access(request, response)

    def _log_access(self, request: Any, response: Any) -> None:
        """One ``sanic.access`` record: the fields the docs name (host, request,
        status, byte, duration), for formatters and ``%(...)s`` formats."""
        if not access_logger.isEnabledFor(20):  # logging.INFO
            return
        start = request._access_start
        duration = self.loop.time() - start if start else 0.0
        try:
            body = getattr(response, "body", None)
            http = self.http
            if body is not None and (http is None or http.stage is not Stage.RESPONSE):
                size = len(body)
            else:  # streamed: what the response declared, if anything
                length = response.headers.get("content-length", "") if response else ""
                size = int(length) if length.isdigit() else -1
            access_logger.info(
                "",
                extra={
                    "host": f"{request.ip}:{request.port}",
                    "request": f"{request.method} {request.url}",
                    "status": getattr(response, "status", 0),
                    "byte": size,
                    "duration": duration,
                },
            )
        except Exception:  # a log line must never break the connection
            error_logger.exception("Could not write the access log record")

    # ---- timeouts: checked by the server's sweeper, not on the request path ------

    def check_timeouts(self, now: float) -> None:
        """Called by the sweeper every tick: act on a stage that outlived its limit.

        The request path records nothing for this. A connection whose stage and
        count of answered requests are what the last tick saw has made no
        progress since then; the time since that state was first seen is what
        is compared with the limit (to within one tick).
        """
        http = self.http
        if http is None or self._closing or self._websocket is not None:
            return  # a websocket keeps itself alive with pings
        stage = http.current_stage()
        served = http.served
        if stage is not self._seen_stage or served != self._seen_served:
            self._seen_stage = stage
            self._seen_served = served
            self._seen_since = now
            return
        elapsed = now - self._seen_since
        if stage is _IDLE:
            limit = self.keep_alive_timeout if served else self.request_timeout
            if elapsed >= limit:
                self.close()
        elif stage is Stage.REQUEST:
            if elapsed >= self.request_timeout:
                http._fail(RequestTimeout("Request Timeout"))
        elif stage is Stage.HANDLER or stage is Stage.RESPONSE:
            if elapsed >= self.response_timeout:
                self._seen_since = now  # the keep-alive limit counts from here
                self._response_timeout(http)

    def _response_timeout(self, http: Http) -> None:
        task = self._task
        if http.stage is Stage.HANDLER and http.request is not None:
            request = http.request
            if isinstance(http, HoldingHttp):
                http.holding = False
            request._keep_alive = False
            if task is not None:
                task.cancel(RESPONSE_TIMED_OUT)
            self._task = None
            self.app._write_error(request, ServiceUnavailable("Response Timeout"))
        else:
            if task is not None:
                task.cancel(RESPONSE_TIMED_OUT)
            self.abort()

    # ---- graceful shutdown -----------------------------------------------------

    def close_if_idle(self) -> bool:
        """Close now if no request is in flight; True when closed.

        Called while the server shuts down. A request in flight is let finish,
        but not keep the connection alive: its response says
        ``connection: close`` (when its head is not sent yet) and the
        connection closes once it is written. Requests already queued behind
        it (pipelined) are answered first.
        """
        http = self.http
        if http is None:
            self.close()
            return True
        if self._websocket is not None:
            # 1001 Going Away; the handler ends when it next reads or writes.
            self._websocket.start_close(1001, "Server shutting down")
            return False
        stage = http.current_stage()
        if stage is Stage.IDLE or stage is Stage.FAILED:
            self.close()
            return True
        request = http.request
        if request is not None and not http._pending and http._parsing is None:
            request._keep_alive = False
        return False
