"""Signals: named events that handlers subscribe to (placeholder, being rewritten).

This minimal version only stores handlers and calls those of an exact event name;
the full SignalRouter (conditions, placeholders, priorities, waiting, reserved
namespaces) replaces it.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Callable
from enum import Enum
from inspect import isawaitable
from types import SimpleNamespace
from typing import Any

from sanic.exceptions import NotFound


class Event(Enum):
    SERVER_EXCEPTION_REPORT = "server.exception.report"
    SERVER_INIT_AFTER = "server.init.after"
    SERVER_INIT_BEFORE = "server.init.before"
    SERVER_SHUTDOWN_AFTER = "server.shutdown.after"
    SERVER_SHUTDOWN_BEFORE = "server.shutdown.before"
    HTTP_LIFECYCLE_BEGIN = "http.lifecycle.begin"
    HTTP_LIFECYCLE_COMPLETE = "http.lifecycle.complete"
    HTTP_LIFECYCLE_EXCEPTION = "http.lifecycle.exception"
    HTTP_LIFECYCLE_HANDLE = "http.lifecycle.handle"
    HTTP_LIFECYCLE_READ_BODY = "http.lifecycle.read_body"
    HTTP_LIFECYCLE_READ_HEAD = "http.lifecycle.read_head"
    HTTP_LIFECYCLE_REQUEST = "http.lifecycle.request"
    HTTP_LIFECYCLE_RESPONSE = "http.lifecycle.response"
    HTTP_ROUTING_AFTER = "http.routing.after"
    HTTP_ROUTING_BEFORE = "http.routing.before"
    HTTP_HANDLER_AFTER = "http.handler.after"
    HTTP_HANDLER_BEFORE = "http.handler.before"
    HTTP_LIFECYCLE_SEND = "http.lifecycle.send"
    HTTP_MIDDLEWARE_AFTER = "http.middleware.after"
    HTTP_MIDDLEWARE_BEFORE = "http.middleware.before"
    WEBSOCKET_HANDLER_AFTER = "websocket.handler.after"
    WEBSOCKET_HANDLER_BEFORE = "websocket.handler.before"
    WEBSOCKET_HANDLER_EXCEPTION = "websocket.handler.exception"


RESERVED_NAMESPACES = {
    "server": tuple(e.value for e in Event if e.value.startswith("server.")),
    "http": tuple(e.value for e in Event if e.value.startswith("http.")),
    "websocket": tuple(e.value for e in Event if e.value.startswith("websocket.")),
}


class Signal:
    def __init__(self, event: str, handler: Callable[..., Any]) -> None:
        self.event = event
        self.handler = handler


class SignalRouter:
    def __init__(self) -> None:
        self.ctx = SimpleNamespace(app=None, loop=None)
        self._handlers: dict[str, list[Callable[..., Any]]] = defaultdict(list)
        self.allow_fail_builtin = True

    def add(
        self,
        handler: Callable[..., Any],
        event: str | Enum,
        condition: dict[str, str] | None = None,
        exclusive: bool = True,
        *,
        priority: int = 0,
    ) -> Signal:
        name = event.value if isinstance(event, Enum) else event
        self._handlers[name].append(handler)
        return Signal(name, handler)

    def has_handlers(self, event: str | Enum) -> bool:
        name = event.value if isinstance(event, Enum) else event
        return bool(self._handlers.get(name))

    async def dispatch(
        self,
        event: str | Enum,
        *,
        context: dict[str, Any] | None = None,
        condition: dict[str, str] | None = None,
        fail_not_found: bool = True,
        inline: bool = False,
        reverse: bool = False,
    ) -> Any:
        name = event.value if isinstance(event, Enum) else event
        handlers = self._handlers.get(name)
        if not handlers:
            if fail_not_found:
                raise NotFound(f"Could not find signal {name}")
            return None
        if inline:
            return await self._run(handlers, context or {})
        return asyncio.get_running_loop().create_task(
            self._run(handlers, context or {})
        )

    async def _run(self, handlers: list[Callable[..., Any]], context: dict) -> Any:
        result = None
        for handler in handlers:
            result = handler(**context)
            if isawaitable(result):
                result = await result
        return result

    async def wait_for(
        self,
        event: str | Enum,
        *,
        condition: dict[str, str] | None = None,
        timeout: float | None = None,
        exclusive: bool = True,
        autoregister: bool = False,
    ) -> Any:
        raise NotImplementedError("waiting for events arrives with the SignalRouter")

    def finalize(self) -> None:
        pass

    def reset(self) -> None:
        self._handlers.clear()
