"""Signals: named events that handlers subscribe to and code dispatches.

An event is ``namespace.reference.action`` (or, since Sanic 23.12, a single part
such as ``"foo"``). The action, or the single part, may be a placeholder with the
syntax of path parameters: ``"foo.bar.<thing>"``, ``"order.paid.<id:int>"``; the
matched values reach the handler as keyword arguments, next to the context.

Dispatching costs one dict lookup when no handler, placeholder or waiter could
match: the app dispatches its built-in events on every request only when
``has_handlers`` said so at startup.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from enum import Enum
from inspect import isawaitable
from itertools import count
from types import SimpleNamespace
from typing import Any

from sanic.exceptions import InvalidSignal, NotFound
from sanic.routing.exceptions import RoutingError
from sanic.routing.parser import MIXED, PARAM, ParamInfo, parse_path
from sanic.routing.patterns import PatternRegistry


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


# Sanic's own namespaces: only its built-in events may be declared in them.
RESERVED_NAMESPACES = {
    "server": tuple(e.value for e in Event if e.value.startswith("server.")),
    "http": tuple(e.value for e in Event if e.value.startswith("http.")),
    "websocket": tuple(e.value for e in Event if e.value.startswith("websocket.")),
}

_REPORT = Event.SERVER_EXCEPTION_REPORT.value
# The condition key a blueprint adds to its handlers and to ``bp.dispatch()``:
# app-level dispatches ignore it, so they reach blueprint handlers too.
BLUEPRINT_CONDITION = "__blueprint__"
_NO_PARAMS: dict[str, Any] = {}
# Placeholders take the built-in path parameter types.
_TYPES = PatternRegistry()

ActionMatcher = Callable[[str], dict[str, Any] | None]
Condition = dict[str, Any]


def _split_condition(condition: Condition | None) -> tuple[Any, Condition | None]:
    """A condition -> (its blueprint tag or None, the rest or None)."""
    if not condition:
        return None, None
    if BLUEPRINT_CONDITION not in condition:
        return None, condition
    rest = {k: v for k, v in condition.items() if k != BLUEPRINT_CONDITION}
    return condition[BLUEPRINT_CONDITION], rest or None


class _Listener:
    """What handlers and waiters share: who they listen to."""

    __slots__ = ("blueprint", "condition", "exclusive")

    def __init__(self, condition: Condition | None, exclusive: bool) -> None:
        # ``condition`` holds the condition without the blueprint tag.
        self.blueprint, self.condition = _split_condition(condition)
        self.exclusive = exclusive

    def hears(self, blueprint: Any, condition: Condition | None) -> bool:
        """Whether a dispatch with this (split) condition reaches the listener.

        A dispatch with a condition reaches those registered with exactly that
        condition; one without reaches the unconditioned and the non-exclusive.
        A blueprint's dispatch reaches only that blueprint's listeners.
        """
        if blueprint is not None and blueprint != self.blueprint:
            return False
        if condition:
            return self.condition == condition
        return self.condition is None or not self.exclusive


class Signal(_Listener):
    """One handler registered for one event (which may hold a placeholder).

    ``condition`` is the registered condition without the blueprint tag, which
    ``blueprint`` holds.
    """

    __slots__ = (
        "event",
        "handler",
        "match",
        "priority",
        "sort_key",
    )

    def __init__(
        self,
        event: str,
        handler: Callable[..., Any],
        condition: Condition | None = None,
        exclusive: bool = True,
        priority: int = 0,
        match: ActionMatcher | None = None,
    ) -> None:
        super().__init__(condition, exclusive)
        self.event = event
        self.handler = handler
        self.priority = priority
        # Dynamic signals: the action -> its parameters, or None when it differs.
        self.match = match
        # Running order: priority descending, then registration order.
        self.sort_key = (-priority, 0)

    def __repr__(self) -> str:
        return f"<Signal {self.event!r} handler={self.handler!r}>"


class _Waiter(_Listener):
    """One ``wait_for`` call: resolved with a copy of the dispatched context."""

    __slots__ = ("future",)

    def __init__(
        self,
        future: asyncio.Future[dict[str, Any]],
        condition: Condition | None,
        exclusive: bool,
    ) -> None:
        super().__init__(condition, exclusive)
        self.future = future


def _event_name(event: str | Enum) -> str:
    return event.value if isinstance(event, Enum) else event


def _wildcard(prefix: str) -> str:
    """The ``app.event()`` name that catches any action after ``prefix``."""
    return f"{prefix}.*" if prefix else "*"


def _split_event(event: str) -> tuple[str, str]:
    """Validate a declared event; return its fixed prefix and its action."""
    if not isinstance(event, str):
        raise InvalidSignal(f"A signal event is a str or an Event, not {event!r}")
    parts = event.split(".")
    if len(parts) not in (1, 3) or not all(parts):
        raise InvalidSignal(
            f"Invalid signal event {event!r}: use three dot-separated parts, "
            "namespace.reference.action (or a single part)"
        )
    if len(parts) == 3:
        if "<" in parts[0] or "<" in parts[1]:
            raise InvalidSignal(
                f"Invalid signal event {event!r}: only the action (the third part) "
                "may be dynamic"
            )
        allowed = RESERVED_NAMESPACES.get(parts[0])
        if allowed is not None and event not in allowed:
            raise InvalidSignal(
                f"Cannot declare reserved signal event {event!r}: the "
                f"{parts[0]!r} namespace holds only Sanic's built-in events"
            )
    prefix, _, action = event.rpartition(".")
    return prefix, action


def _compile_action(event: str, action: str) -> ActionMatcher:
    """Match an action against a placeholder, casting like a path parameter."""
    try:
        segments = parse_path(action, _TYPES)
    except RoutingError as exc:
        raise InvalidSignal(f"Invalid signal event {event!r}: {exc}") from exc
    segment = segments[0]
    groups: tuple[tuple[ParamInfo, int | str], ...]
    if len(segments) == 1 and segment.kind == PARAM:
        param = segment.params[0]
        pattern, groups = param.pattern, ((param, param.group),)
    elif len(segments) == 1 and segment.kind == MIXED and segment.regex is not None:
        pattern = segment.regex
        groups = tuple((p, f"_m{i}") for i, p in enumerate(segment.params))
    else:
        raise InvalidSignal(
            f"Invalid signal event {event!r}: the placeholder must sit within the "
            "action and cannot be an ext parameter"
        )

    def match(value: str) -> dict[str, Any] | None:
        found = pattern.fullmatch(value)
        if found is None:
            return None
        try:
            return {param.name: param.cast(found.group(g)) for param, g in groups}
        except ValueError:
            return None

    return match


def _running_order(pair: tuple[Signal, dict[str, Any]]) -> tuple[int, int]:
    return pair[0].sort_key


def _noop(**_: Any) -> None:
    """The handler of an event declared only so that it can be awaited."""


class SignalRouter:
    """Registers signal handlers, dispatches events to them and to waiters."""

    def __init__(self) -> None:
        self.ctx = SimpleNamespace(app=None, loop=None)
        self._order = count()
        # Static events: name -> (signal, params) pairs, in running order.
        self._static: dict[str, tuple[tuple[Signal, dict[str, Any]], ...]] = {}
        # Dynamic events by their fixed prefix ("foo.bar", or "" for one part).
        self._dynamic: dict[str, list[Signal]] = {}
        # Waiters by the name given to wait_for ("foo.bar.baz" or "foo.bar.*").
        self._waiters: dict[str, list[_Waiter]] = {}
        # Background dispatches, referenced until done (the loop holds tasks weakly).
        self._tasks: set[asyncio.Task[Any]] = set()

    def reset(self) -> None:
        """Forget every signal; pending waiters are cancelled."""
        for waiters in self._waiters.values():
            for waiter in waiters:
                waiter.future.cancel()
        self._static.clear()
        self._dynamic.clear()
        self._waiters.clear()

    def finalize(self) -> None:
        """Nothing to compile: registration keeps the lookup tables current."""

    # ---- registration ----------------------------------------------------------

    def add(
        self,
        handler: Callable[..., Any],
        event: str | Enum,
        condition: Condition | None = None,
        exclusive: bool = True,
        *,
        priority: int = 0,
    ) -> Signal:
        """Register ``handler`` for ``event``; raise InvalidSignal for a bad name."""
        name = _event_name(event)
        prefix, action = _split_event(name)
        dynamic = "<" in action
        signal = Signal(
            name,
            handler,
            condition,
            exclusive,
            priority,
            _compile_action(name, action) if dynamic else None,
        )
        signal.sort_key = (-priority, next(self._order))
        if dynamic:
            signals = self._dynamic.setdefault(prefix, [])
            signals.append(signal)
            signals.sort(key=lambda s: s.sort_key)
        else:
            pairs = [*self._static.get(name, ()), (signal, _NO_PARAMS)]
            pairs.sort(key=_running_order)
            self._static[name] = tuple(pairs)
        return signal

    def has_handlers(self, event: str | Enum) -> bool:
        """Whether dispatching ``event`` would reach any registered signal."""
        name = _event_name(event)
        return name in self._static or bool(self._dynamic and self._matches(name))

    def _matches(self, name: str) -> list[tuple[Signal, dict[str, Any]]]:
        """The dynamic signals whose placeholder accepts ``name``."""
        prefix, _, action = name.rpartition(".")
        return [
            (signal, params)
            for signal in self._dynamic.get(prefix, ())
            if signal.match is not None and (params := signal.match(action)) is not None
        ]

    def _find(self, name: str) -> tuple[tuple[Signal, dict[str, Any]], ...]:
        """Every signal of ``name`` with its parameters, in running order."""
        found = self._static.get(name, ())
        if self._dynamic:
            matched = self._matches(name)
            if matched:
                return tuple(sorted([*found, *matched], key=_running_order))
        return found

    def _waiting(self, name: str) -> list[_Waiter]:
        """Whoever waits for ``name``, whatever their condition."""
        keys = (name, _wildcard(name.rpartition(".")[0]))
        return [waiter for key in keys for waiter in self._waiters.get(key, ())]

    # ---- dispatching -----------------------------------------------------------

    async def dispatch(
        self,
        event: str | Enum,
        *,
        context: dict[str, Any] | None = None,
        condition: Condition | None = None,
        fail_not_found: bool = True,
        inline: bool = False,
        reverse: bool = False,
    ) -> Any:
        """Run the handlers of ``event`` and release whoever waits for it.

        ``inline``: run them now and return the first result that is not None;
        a handler's exception propagates. Otherwise they run in a background
        task, returned once it has started (a handler that never awaits has
        finished by then); an exception there is reported through
        ``server.exception.report`` and kept in the task. Raises NotFound when
        nothing listens to ``event``, unless ``fail_not_found`` is False (then
        returns None).
        """
        name = _event_name(event)
        found = self._find(name)
        waiters = self._waiting(name) if self._waiters else []
        if not found and not waiters:
            if fail_not_found:
                raise NotFound(f"Could not find signal {name}")
            return None
        blueprint, rest = _split_condition(condition)
        waiters = [w for w in waiters if w.hears(blueprint, rest)]
        handlers = [pair for pair in found if pair[0].hears(blueprint, rest)]
        if reverse:
            handlers.reverse()
        run = self._run(name, handlers, context or {}, waiters, report=not inline)
        if inline:
            return await run
        task = asyncio.get_running_loop().create_task(run)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        await asyncio.sleep(0)
        return task

    async def _run(
        self,
        name: str,
        handlers: list[tuple[Signal, dict[str, Any]]],
        context: dict[str, Any],
        waiters: list[_Waiter],
        report: bool,
    ) -> Any:
        result = None
        try:
            for signal, params in handlers:
                value = signal.handler(**({**context, **params} if params else context))
                if isawaitable(value):
                    value = await value
                if result is None:
                    result = value
        except Exception as exc:
            # Inline dispatches leave reporting to their caller (the request
            # cycle reports what reaches it); a background task has no caller.
            if report and name != _REPORT:
                await self.dispatch(
                    _REPORT,
                    context={"exception": exc},
                    inline=True,
                    fail_not_found=False,
                )
            raise
        finally:
            for waiter in waiters:
                if not waiter.future.done():
                    waiter.future.set_result(dict(context))
        return result

    # ---- waiting ---------------------------------------------------------------

    def _declared(self, name: str) -> bool:
        """Whether a signal is registered that ``wait_for(name)`` could hear."""
        prefix, _, action = name.rpartition(".")
        if action != "*":
            return self.has_handlers(name)
        return prefix in self._dynamic or any(
            key.rpartition(".")[0] == prefix for key in self._static
        )

    async def wait_for(
        self,
        event: str | Enum,
        *,
        condition: Condition | None = None,
        timeout: float | None = None,
        exclusive: bool = True,
        autoregister: bool = False,
    ) -> dict[str, Any]:
        """Wait for the next dispatch of ``event``; return a copy of its context.

        ``"foo.bar.*"`` waits for any action of a dynamic ``foo.bar.<x>`` signal.
        An event no signal declares raises NotFound, unless ``autoregister``
        (the app's EVENT_AUTOREGISTER) declares it first. ``timeout`` raises
        ``asyncio.TimeoutError``.
        """
        name = _event_name(event)
        if not self._declared(name):
            if not autoregister:
                raise NotFound(f"Could not find signal {name}")
            self.add(_noop, name)
        future: asyncio.Future[dict[str, Any]] = (
            asyncio.get_running_loop().create_future()
        )
        waiter = _Waiter(future, condition, exclusive)
        waiters = self._waiters.setdefault(name, [])
        waiters.append(waiter)
        try:
            return await asyncio.wait_for(future, timeout)
        finally:
            waiters.remove(waiter)
            if not waiters and self._waiters.get(name) is waiters:
                del self._waiters[name]
