"""Server lifecycle listeners: registered by event name, run in order."""

from __future__ import annotations

import inspect
from collections import defaultdict
from collections.abc import Callable
from enum import Enum
from typing import Any

from sanic.exceptions import SanicException


class ListenerEvent(str, Enum):
    BEFORE_SERVER_START = "server.init.before"
    AFTER_SERVER_START = "server.init.after"
    BEFORE_SERVER_STOP = "server.shutdown.before"
    AFTER_SERVER_STOP = "server.shutdown.after"
    MAIN_PROCESS_START = "main_process_start"
    MAIN_PROCESS_READY = "main_process_ready"
    MAIN_PROCESS_STOP = "main_process_stop"
    RELOAD_PROCESS_START = "reload_process_start"
    RELOAD_PROCESS_STOP = "reload_process_stop"
    BEFORE_RELOAD_TRIGGER = "before_reload_trigger"
    AFTER_RELOAD_TRIGGER = "after_reload_trigger"


_ALIASES = {
    "before_server_start": ListenerEvent.BEFORE_SERVER_START,
    "after_server_start": ListenerEvent.AFTER_SERVER_START,
    "before_server_stop": ListenerEvent.BEFORE_SERVER_STOP,
    "after_server_stop": ListenerEvent.AFTER_SERVER_STOP,
}
# Teardown listeners run in reverse order of declaration.
_REVERSED = {ListenerEvent.BEFORE_SERVER_STOP, ListenerEvent.AFTER_SERVER_STOP}
_MAIN_PROCESS = {
    ListenerEvent.MAIN_PROCESS_START,
    ListenerEvent.MAIN_PROCESS_READY,
    ListenerEvent.MAIN_PROCESS_STOP,
    ListenerEvent.RELOAD_PROCESS_START,
    ListenerEvent.RELOAD_PROCESS_STOP,
}


def normalize_event(event: str | ListenerEvent) -> ListenerEvent:
    """``"before_server_start"``, ``"server.init.before"`` or the enum member."""
    if isinstance(event, ListenerEvent):
        return event
    name = str(event).strip().lower()
    if name in _ALIASES:
        return _ALIASES[name]
    try:
        return ListenerEvent(name)
    except ValueError:
        valid = ", ".join(sorted(_ALIASES) + sorted(e.value for e in _MAIN_PROCESS))
        raise SanicException(
            f"Invalid listener event {event!r}; expected one of: {valid}"
        ) from None


class Listener:
    __slots__ = ("listener", "event", "priority", "order", "takes_loop")

    def __init__(
        self, listener: Callable, event: ListenerEvent, priority: int, order: int
    ) -> None:
        self.listener = listener
        self.event = event
        self.priority = priority
        self.order = order
        self.takes_loop = _accepts_two_args(listener)

    def __repr__(self) -> str:
        return (
            f"<Listener {self.event.value} {getattr(self.listener, '__name__', '?')}>"
        )


def _accepts_two_args(fn: Callable) -> bool:
    try:
        params = inspect.signature(fn).parameters.values()
    except (TypeError, ValueError):
        return False
    positional = [
        p for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
    ]
    return len(positional) >= 2 or any(p.kind is p.VAR_POSITIONAL for p in params)


class ListenerRegistry:
    """Listeners by event; each is called with ``(app)`` or ``(app, loop)``."""

    def __init__(self) -> None:
        self._listeners: dict[ListenerEvent, list[Listener]] = defaultdict(list)
        self._count = 0

    def add(
        self, listener: Callable, event: str | ListenerEvent, priority: int = 0
    ) -> Callable:
        if not callable(listener):
            raise SanicException(f"Listener for {event!r} must be callable")
        normalized = normalize_event(event)
        self._count += 1
        self._listeners[normalized].append(
            Listener(listener, normalized, priority, self._count)
        )
        return listener

    def ordered(self, event: str | ListenerEvent) -> list[Listener]:
        """Higher priority first; then declaration order (reversed for teardown)."""
        normalized = normalize_event(event)
        listeners = self._listeners.get(normalized, [])
        reverse = normalized in _REVERSED
        return sorted(
            listeners,
            key=lambda item: (-item.priority, -item.order if reverse else item.order),
        )

    def __getitem__(self, event: str | ListenerEvent) -> list[Callable]:
        return [item.listener for item in self.ordered(event)]

    def process_events_used(self) -> list[str]:
        """The main- and reload-process events that have listeners: those an
        outside server (ASGI, Gunicorn) owning the main process never runs."""
        return [
            event.value
            for event in ListenerEvent
            if event in _MAIN_PROCESS and self._listeners.get(event)
        ]

    async def run(self, event: str | ListenerEvent, app: Any, loop: Any) -> None:
        for item in self.ordered(event):
            result = item.listener(app, loop) if item.takes_loop else item.listener(app)
            if inspect.isawaitable(result):
                await result

    def run_sync(self, event: str | ListenerEvent, app: Any) -> None:
        """For main-process events, which run outside any event loop."""
        import asyncio

        for item in self.ordered(event):
            result = item.listener(app, None) if item.takes_loop else item.listener(app)
            if inspect.isawaitable(result):
                asyncio.run(_await(result))


async def _await(awaitable: Any) -> Any:
    return await awaitable
