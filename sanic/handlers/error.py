"""Maps exceptions to responses: user handlers by class hierarchy, else a page."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sanic.errorpages import BaseRenderer, TextRenderer, exception_response
from sanic.exceptions import ServerError
from sanic.log import error_logger

_HandlerKey = tuple[type[BaseException], str | None]


class ErrorHandler:
    """Finds the handler registered for the closest class of an exception.

    Handlers registered with ``route_names`` (blueprint handlers) apply to those
    routes only, and win over an app-wide handler for the same class. Subclass
    it and override ``default`` to change every unhandled error's response;
    ``base`` is the renderer used when no format can be agreed with the client.
    """

    def __init__(self, base: type[BaseRenderer] = TextRenderer) -> None:
        self.handlers: dict[_HandlerKey, Callable[..., Any]] = {}
        self.cached_handlers: dict[_HandlerKey, Callable[..., Any] | None] = {}
        self.debug = False
        self.base = base
        self.app: Any = None

    def add(
        self,
        exception: type[BaseException],
        handler: Callable[..., Any],
        route_names: list[str] | None = None,
    ) -> None:
        """Register ``handler`` for ``exception``, app-wide or for some routes.

        Registering a second handler for the same exception and scope is an
        error, as it is in Sanic since v23.3.
        """
        keys = [(exception, name) for name in route_names or (None,)]
        for exc, name in keys:
            if (exc, name) in self.handlers:
                scope = f"route {name!r}" if name else "all routes"
                raise ServerError(
                    f"An exception handler for {exc.__name__} on {scope} is "
                    "already registered"
                )
        for key in keys:
            self.handlers[key] = handler
        self.cached_handlers.clear()

    def lookup(
        self, exception: BaseException, route_name: str | None = None
    ) -> Callable[..., Any] | None:
        """The handler for the nearest class in the exception's MRO.

        At each class a handler for ``route_name`` comes before an app-wide one.
        """
        exc_class = type(exception)
        key = (exc_class, route_name)
        try:
            return self.cached_handlers[key]
        except KeyError:
            pass
        found = None
        for cls in exc_class.__mro__[:-1]:  # every class but object
            found = self.handlers.get((cls, route_name)) if route_name else None
            found = found or self.handlers.get((cls, None))
            if found is not None:
                break
        self.cached_handlers[key] = found
        return found

    def response(self, request: Any, exception: BaseException) -> Any:
        """A response for ``exception``; may be a coroutine from a user handler."""
        route = getattr(request, "route", None)
        handler = self.lookup(exception, route.name if route is not None else None)
        if handler is None:
            return self.default(request, exception)
        try:
            return handler(request, exception)
        except Exception as handler_error:
            error_logger.exception(
                "Exception raised in exception handler %r for uri: %s",
                getattr(handler, "__name__", handler),
                getattr(request, "url", "unknown"),
            )
            return self.default(request, handler_error)

    def default(self, request: Any, exception: BaseException) -> Any:
        """The built-in error page for ``exception``, logged unless quiet."""
        self.log(request, exception)
        app = getattr(request, "app", None) or self.app
        debug = bool(app.debug) if app is not None else self.debug
        fallback = app.config.FALLBACK_ERROR_FORMAT if app is not None else "auto"
        return exception_response(
            request, exception, debug, fallback=fallback, base=self.base
        )

    @staticmethod
    def log(request: Any, exception: BaseException) -> None:
        """Log ``exception`` with its traceback, unless it is quiet.

        NOISY_EXCEPTIONS logs quiet exceptions too.
        """
        config = getattr(getattr(request, "app", None), "config", None)
        noisy = bool(getattr(config, "NOISY_EXCEPTIONS", False))
        if getattr(exception, "quiet", False) and not noisy:
            return
        error_logger.exception(
            "Exception occurred while handling uri: %r",
            getattr(request, "url", "unknown"),
            exc_info=exception,
        )
