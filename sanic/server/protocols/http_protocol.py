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
    ServiceUnavailable,
)
from sanic.helpers import Resumed
from sanic.http import Http, Stage
from sanic.log import access_logger, error_logger
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


def _signal_done(task: asyncio.Task) -> None:
    _signal_tasks.discard(task)
    if not task.cancelled() and task.exception() is not None:
        error_logger.error(
            "Exception in a connection signal handler", exc_info=task.exception()
        )


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
    """One HTTP/1.1 connection."""

    __slots__ = (
        "http",
        "request_handler",
        "_respond_now",
        "_task",
        "_waiter",
        "_handoff",
        "_context",
        "_running",
        "_next",
        "_timer",
        "_timer_deadline",
        "_last_active",
        "_request_start",
        "_handler_start",
        "_requests_served",
        "_timed_out",
        "access_log",
        "keep_alive_timeout",
        "request_timeout",
        "response_timeout",
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
        self._respond_now = app._respond_now if fast and _enter_task else None
        self._task: asyncio.Task | None = None  # the connection task
        self._waiter: asyncio.Future | None = None
        self._handoff: tuple[Any, Any] | None = None
        self._context: Context | None = None
        self._running = False  # a handler is in progress
        self._next: Any = None  # a request that became ready meanwhile
        self._timer: asyncio.TimerHandle | None = None
        self._timer_deadline = 0.0
        self._last_active = 0.0
        self._request_start = 0.0
        self._handler_start = 0.0
        self._requests_served = 0
        self._timed_out = False
        self.access_log = bool(config.ACCESS_LOG)
        self.keep_alive_timeout = float(config.KEEP_ALIVE_TIMEOUT)
        self.request_timeout = float(config.REQUEST_TIMEOUT)
        self.response_timeout = float(config.RESPONSE_TIMEOUT)

    # ---- connection events -------------------------------------------------------

    def connection_made(self, transport: Any) -> None:
        super().connection_made(transport)
        signals = getattr(self.app, "_active_signals", ())
        if _SEND in signals:
            # Every write reports the bytes; without the signal, no cost at all.
            transport = self.transport = _ReportingTransport(transport, self)
        self.http = Http(self)
        if _BEGIN in signals:
            self._signal(_BEGIN, {"conn_info": self.conn_info})
        if _enter_task is not None:
            # Handlers run in this context whether they start here or in the task.
            self._context = copy_context()
            self._task = self.loop.create_task(
                self._connection_task(), context=self._context
            )
        else:
            self._task = self.loop.create_task(self._connection_task())
        now = self.loop.time()
        self._last_active = self._request_start = now
        self._arm(now + self.request_timeout)

    def data_received(self, data: bytes) -> None:
        http = self.http
        now = self.loop.time()
        self._last_active = now
        if http.stage is _IDLE:  # type: ignore[union-attr]
            self._request_start = now
            if now + self.request_timeout < self._timer_deadline:
                self._arm(now + self.request_timeout)
        # Http.feed, without its frame: this runs for every packet.
        if http._closed_input:  # type: ignore[union-attr]
            return
        http._packet_len = len(data)  # type: ignore[union-attr]
        if http._parsing is None:  # type: ignore[union-attr]
            http._unparsed_head += len(data)  # type: ignore[union-attr]
            if http._unparsed_head > http.incomplete_head_limit:  # type: ignore[union-attr]
                http.count_head_bytes(0)  # type: ignore[union-attr]
                return
        try:
            http.parser.feed_data(data)  # type: ignore[union-attr]
        except Exception as exc:
            http.feed_error(exc)  # type: ignore[union-attr]

    def connection_lost(self, exc: Exception | None) -> None:
        super().connection_lost(exc)
        if _COMPLETE in getattr(self.app, "_active_signals", ()):
            self._signal(_COMPLETE, {"conn_info": self.conn_info})
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        if self.http is not None:
            self.http.connection_lost()
        task = self._task
        if task is not None and not task.done():
            task.cancel(CLIENT_GONE)

    def _signal(self, event: str, context: dict[str, Any]) -> None:
        """Dispatch a connection event; protocol callbacks cannot await it."""
        task = self.loop.create_task(
            self.app.dispatch(event, context=context, inline=True, fail_not_found=False)
        )
        _signal_tasks.add(task)
        task.add_done_callback(_signal_done)

    # ---- the request cycle -------------------------------------------------------

    def dispatch(self, request: Any) -> None:
        """Run the handler for a routed request.

        The handler starts right here, with the connection task as the current
        task; most handlers finish without suspending and cost no trip through
        the event loop. One that suspends is handed to the connection task.
        """
        self._handler_start = now = self._last_active
        if now + self.response_timeout < self._timer_deadline:
            self._arm(now + self.response_timeout)
        if self._running:
            # Called while a handler finishes (pipelining): run it after that one.
            self._next = request
            return
        task = self._task
        if task is None or task.done():
            return  # the connection is going away
        respond_now = self._respond_now
        if respond_now is None:
            self._running = True
            self._hand_off(task, self.request_handler(request), None)
            return
        loop = self.loop
        run = self._context.run  # type: ignore[union-attr]
        while request is not None:
            self._running = True
            try:
                _enter_task(loop, task)
            except RuntimeError:
                # Called from inside another task: let the connection task run it.
                self._hand_off(task, self.request_handler(request), None)
                return
            try:
                coro = run(respond_now, request)
                if coro is not None:
                    try:
                        first = run(coro.send, None)
                    except StopIteration:
                        pass
                    else:
                        self._hand_off(task, coro, first)
                        return  # still running: the connection task has it now
            except BaseException:
                self._running = False
                raise
            finally:
                _leave_task(loop, task)
            self._running = False
            request = self._next
            if request is not None:
                self._next = None

    def _hand_off(self, task: asyncio.Task, coro: Any, first: Any) -> None:
        if task.done():
            coro.close()  # the connection is going away
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
            await Resumed(*handoff)
            while self._next is not None:
                request, self._next = self._next, None
                await self.request_handler(request)
            self._running = False

    def request_finished(self, request: Any, response: Any) -> None:
        self._requests_served += 1
        now = self._last_active = self.loop.time()
        if now + self.keep_alive_timeout < self._timer_deadline:
            self._arm(now + self.keep_alive_timeout)
        if self.access_log and request is not None:
            self._log_access(request, response)

    def _log_access(self, request: Any, response: Any) -> None:
        body = getattr(response, "body", None)
        access_logger.info(
            "",
            extra={
                "status": getattr(response, "status", ""),
                "byte": len(body) if body else -1,
                "host": f"{request.ip}:{request.port}",
                "request": f"{request.method} {request.url}",
            },
        )

    # ---- timeouts: one timer per connection, re-armed for what is left -----------

    def _arm(self, deadline: float) -> None:
        """Make the timer fire at ``deadline`` (earlier than it would have)."""
        if self._timer is not None:
            self._timer.cancel()
        self._timer_deadline = deadline
        self._timer = self.loop.call_at(deadline, self._check_timeouts)

    def _check_timeouts(self) -> None:
        self._timer = None
        self._timer_deadline = float("inf")
        http = self.http
        if http is None or self._closing:
            return
        now = self.loop.time()
        stage = http.stage
        if stage is Stage.IDLE:
            if self._requests_served:
                limit, since = self.keep_alive_timeout, self._last_active
            else:
                limit, since = self.request_timeout, self._request_start
            if now - since >= limit:
                self.close()
                return
        elif stage is Stage.REQUEST:
            limit, since = self.request_timeout, self._request_start
            if now - since >= limit:
                http._fail(RequestTimeout("Request Timeout"))
                return
        elif stage in (Stage.HANDLER, Stage.RESPONSE):
            limit, since = self.response_timeout, self._handler_start
            if now - since >= limit:
                self._response_timeout(http)
                if self._closing:
                    return
                limit, since = self.keep_alive_timeout, now
        else:
            return
        self._arm(now + max(limit - (now - since), 0.01))

    def _response_timeout(self, http: Http) -> None:
        task = self._task
        self._timed_out = True
        if http.stage is Stage.HANDLER and http.request is not None:
            request = http.request
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
        """Close now if no request is in flight; True when closed."""
        http = self.http
        if http is None or http.stage is Stage.IDLE or http.stage is Stage.FAILED:
            self.close()
            return True
        return False
