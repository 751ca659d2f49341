"""Decorator shortcuts shared by `Sanic` and `Blueprint`.

``app.get(...)`` is ``app.route(..., methods={"GET"})`` and
``app.before_server_start(fn)`` is ``app.listener(fn, "before_server_start")``;
both kinds of object build these methods from the same factories.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def method_route(method: str, default_ignore_body: bool) -> Callable[..., Any]:
    """A ``get``/``post``/... method: ``route`` for one HTTP method.

    ``default_ignore_body``: whether the route skips the request body unless
    told otherwise (GET, HEAD and OPTIONS do; DELETE reads it, as Sanic 23.3+).
    """

    def register(
        self: Any,
        uri: str,
        host: str | list[str] | None = None,
        strict_slashes: bool | None = None,
        version: int | str | float | None = None,
        name: str | None = None,
        ignore_body: bool | None = None,
        stream: bool = False,
        version_prefix: str = "/v",
        error_format: str | None = None,
        **ctx_kwargs: Any,
    ) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        return self.route(  # type: ignore[no-any-return]
            uri,
            methods=frozenset({method}),
            host=host,
            strict_slashes=strict_slashes,
            version=version,
            name=name,
            ignore_body=default_ignore_body if ignore_body is None else ignore_body,
            stream=stream,
            version_prefix=version_prefix,
            error_format=error_format,
            **ctx_kwargs,
        )

    register.__name__ = method.lower()
    register.__doc__ = f"Register the decorated function for {method} on ``uri``."
    return register


def named_listener(event: str) -> Callable[..., Any]:
    """A ``before_server_start``/... method: ``listener`` for one event, usable
    as ``@app.event_name``, ``@app.event_name(priority=...)`` or a plain call."""

    def register(
        self: Any, listener: Callable[..., Any] | None = None, *, priority: int = 0
    ) -> Any:
        if listener is None:
            return lambda fn: self.listener(fn, event, priority=priority)
        return self.listener(listener, event, priority=priority)

    register.__name__ = event
    register.__doc__ = f"Register a listener for the {event} event."
    return register


class DecoratorShortcuts:
    """The per-method route decorators and the named listener decorators, for a
    class that has ``route(uri, methods=..., ...)`` and ``listener(fn, event,
    priority=...)``."""

    get = method_route("GET", True)
    post = method_route("POST", False)
    put = method_route("PUT", False)
    patch = method_route("PATCH", False)
    delete = method_route("DELETE", False)
    head = method_route("HEAD", True)
    options = method_route("OPTIONS", True)

    before_server_start = named_listener("before_server_start")
    # The spelling of the 22.9 release notes' shared_ctx example.
    before_server_starts = named_listener("before_server_start")
    after_server_start = named_listener("after_server_start")
    before_server_stop = named_listener("before_server_stop")
    after_server_stop = named_listener("after_server_stop")
    main_process_start = named_listener("main_process_start")
    main_process_ready = named_listener("main_process_ready")
    main_process_stop = named_listener("main_process_stop")
    reload_process_start = named_listener("reload_process_start")
    reload_process_stop = named_listener("reload_process_stop")
    before_reload_trigger = named_listener("before_reload_trigger")
    after_reload_trigger = named_listener("after_reload_trigger")
