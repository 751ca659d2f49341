"""The asyncio protocol for HTTP/1.1: feeds bytes to `Http`, runs handlers as tasks,
and keeps the timeouts as timer handles."""

from __future__ import annotations

import asyncio
import sys
from typing import Any

from sanic.exceptions import RequestTimeout, ServiceUnavailable
from sanic.http import Http, Stage
from sanic.log import access_logger
from sanic.server.protocols.base_protocol import SanicProtocol

if sys.version_info >= (3, 12):

    def _start_task(loop: asyncio.AbstractEventLoop, coro: Any) -> asyncio.Task:
        # Eager start: a handler that never suspends finishes right here,
        # without a trip through the event loop.
        return asyncio.Task(coro, loop=loop, eager_start=True)

else:

    def _start_task(loop: asyncio.AbstractEventLoop, coro: Any) -> asyncio.Task:
        return loop.create_task(coro)


class HttpProtocol(SanicProtocol):
    """One HTTP/1.1 connection."""

    __slots__ = (
        "http",
        "request_handler",
        "_task",
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

    def __init__(self, *, loop: asyncio.AbstractEventLoop, app: Any, **kwargs: Any) -> None:
        super().__init__(loop=loop, app=app, **kwargs)
        config = app.config
        self.http: Http | None = None
        self.request_handler = app.handle_request
        self._task: asyncio.Task | None = None
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
        self.http = Http(self)
        now = self.loop.time()
        self._last_active = self._request_start = now
        self._arm(now + self.request_timeout)

    def data_received(self, data: bytes) -> None:
        http = self.http
        now = self.loop.time()
        self._last_active = now
        if http.stage is Stage.IDLE:  # type: ignore[union-attr]
            self._request_start = now
            if now + self.request_timeout < self._timer_deadline:
                self._arm(now + self.request_timeout)
        http.feed(data)  # type: ignore[union-attr]

    def connection_lost(self, exc: Exception | None) -> None:
        super().connection_lost(exc)
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        if self.http is not None:
            self.http.connection_lost()
        task = self._task
        if task is not None and not task.done():
            task.cancel()

    # ---- the request cycle -------------------------------------------------------

    def dispatch(self, request: Any) -> None:
        """Run the handler for a fully routed request."""
        now = self._handler_start = self.loop.time()
        if now + self.response_timeout < self._timer_deadline:
            self._arm(now + self.response_timeout)
        task = _start_task(self.loop, self.request_handler(request))
        if not task.done():
            self._task = task

    def request_finished(self, request: Any, response: Any) -> None:
        self._task = None
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
                task.cancel()
            self._task = None
            self.app._write_error(request, ServiceUnavailable("Response Timeout"))
        else:
            if task is not None:
                task.cancel()
            self.abort()

    # ---- graceful shutdown -----------------------------------------------------

    def close_if_idle(self) -> bool:
        """Close now if no request is in flight; True when closed."""
        http = self.http
        if http is None or http.stage is Stage.IDLE or http.stage is Stage.FAILED:
            self.close()
            return True
        return False
