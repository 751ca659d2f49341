"""Maps exceptions to responses: user handlers by class hierarchy, else a page."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sanic.errorpages import BaseRenderer, TextRenderer, exception_response
from sanic.log import error_logger


class ErrorHandler:
    """Looks up the handler registered for an exception's closest class.

    Subclass it and override ``default`` to change every error response.
    """

    def __init__(self, base: type[BaseRenderer] = TextRenderer) -> None:
        self.cached_handlers: dict[
            tuple[type[BaseException], str | None], Callable | None
        ] = {}
        self.handlers: dict[tuple[type[BaseException], str | None], Callable] = {}
        self.debug = False
        self.base = base
        self.app: Any = None

    def add(
        self,
        exception: type[BaseException],
        handler: Callable,
        route_names: list[str] | None = None,
    ) -> None:
        if route_names:
            for name in route_names:
                self.handlers[(exception, name)] = handler
        else:
            self.handlers[(exception, None)] = handler
        self.cached_handlers.clear()

    def lookup(
        self, exception: BaseException, route_name: str | None = None
    ) -> Callable | None:
        """The handler for the nearest class in the exception's MRO."""
        exc_class = type(exception)
        key = (exc_class, route_name)
        if key in self.cached_handlers:
            return self.cached_handlers[key]
        found = None
        for cls in exc_class.__mro__:
            if cls is BaseException:
                break
            if route_name is not None and (cls, route_name) in self.handlers:
                found = self.handlers[(cls, route_name)]
                break
            if (cls, None) in self.handlers:
                found = self.handlers[(cls, None)]
                break
        self.cached_handlers[key] = found
        return found

    _lookup = lookup

    def response(self, request: Any, exception: BaseException) -> Any:
        """A response for ``exception``; may be a coroutine from a user handler."""
        route_name = getattr(request, "name", None) if request is not None else None
        handler = self.lookup(exception, route_name)
        if handler is None:
            return self.default(request, exception)
        try:
            return handler(request, exception)
        except Exception as handler_error:
            url = getattr(request, "url", "unknown")
            error_logger.exception(
                "Exception raised in exception handler %r for uri: %s",
                getattr(handler, "__name__", handler),
                url,
            )
            return self.default(request, handler_error)

    def default(self, request: Any, exception: BaseException) -> Any:
        """The built-in error page for ``exception``."""
        self.log(request, exception)
        app = self.app or getattr(request, "app", None)
        debug = bool(getattr(app, "debug", False)) if app is not None else self.debug
        fallback = "auto"
        if app is not None:
            fallback = app.config.FALLBACK_ERROR_FORMAT
        return exception_response(
            request, exception, debug, base=self.base, fallback=fallback
        )

    @staticmethod
    def log(request: Any, exception: BaseException) -> None:
        app = getattr(request, "app", None)
        noisy = bool(getattr(getattr(app, "config", None), "NOISY_EXCEPTIONS", False))
        if getattr(exception, "quiet", False) and not noisy:
            return
        url = getattr(request, "url", "unknown")
        error_logger.exception(
            "Exception occurred while handling uri: %r", url, exc_info=exception
        )
