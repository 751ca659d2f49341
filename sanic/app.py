"""The Sanic application: a thin front over parts that each own one concern.

Routes live in a `Router`, lifecycle listeners in a `ListenerRegistry`,
exception handlers in an `ErrorHandler`, configuration in a `Config`. `Sanic`
keeps Sanic's public methods and delegates to them.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
import logging.config
import re
from asyncio import CancelledError
from collections import deque
from collections.abc import Callable, Iterable
from enum import Enum
from inspect import isawaitable
from types import CoroutineType, SimpleNamespace
from typing import Any, ClassVar, Generic, TypeVar, overload

import orjson

from sanic.application.state import ApplicationState, Mode
from sanic.application.urls import build_url
from sanic.config import Config
from sanic.constants import HTTP_METHODS
from sanic.decorators import DecoratorShortcuts
from sanic.exceptions import (
    CLIENT_GONE,
    RESPONSE_TIMED_OUT,
    RequestCancelled,
    SanicException,
    ServerError,
)
from sanic.handlers import ErrorHandler
from sanic.http.constants import Stage
from sanic.listeners import ListenerRegistry
from sanic.log import LOGGING_CONFIG_DEFAULTS, error_logger
from sanic.middleware import (
    Middleware,
    MiddlewareLocation,
    sort_request_middleware,
    sort_response_middleware,
)
from sanic.request import Request
from sanic.request.types import _current
from sanic.response import BaseHTTPResponse, HTTPResponse, JSONResponse, ResponseStream
from sanic.router import Router
from sanic.signals import Event, SignalRouter

config_type = TypeVar("config_type", bound=Config)
ctx_type = TypeVar("ctx_type")

_VALID_NAME = re.compile(r"^[a-zA-Z][a-zA-Z0-9_\-]*$")


async def _ready(value: Any) -> Any:
    return value


_HANDLER_BEFORE = Event.HTTP_HANDLER_BEFORE.value
_HANDLER_AFTER = Event.HTTP_HANDLER_AFTER.value
_MIDDLEWARE_BEFORE = Event.HTTP_MIDDLEWARE_BEFORE.value
_MIDDLEWARE_AFTER = Event.HTTP_MIDDLEWARE_AFTER.value
_LIFECYCLE_REQUEST = Event.HTTP_LIFECYCLE_REQUEST.value
_LIFECYCLE_READ_HEAD = Event.HTTP_LIFECYCLE_READ_HEAD.value
_LIFECYCLE_READ_BODY = Event.HTTP_LIFECYCLE_READ_BODY.value
_LIFECYCLE_HANDLE = Event.HTTP_LIFECYCLE_HANDLE.value
_LIFECYCLE_RESPONSE = Event.HTTP_LIFECYCLE_RESPONSE.value
_LIFECYCLE_EXCEPTION = Event.HTTP_LIFECYCLE_EXCEPTION.value
_ROUTING_BEFORE = Event.HTTP_ROUTING_BEFORE.value
_ROUTING_AFTER = Event.HTTP_ROUTING_AFTER.value
_EXCEPTION_REPORT = Event.SERVER_EXCEPTION_REPORT.value
_ATTACH_REQUEST = {"attach_to": "request"}
_ATTACH_RESPONSE = {"attach_to": "response"}
# Events dispatched around the handler: any of them registered turns the
# synchronous fast path off. (Exceptions reach handle_exception on both paths.)
_CYCLE_EVENTS = frozenset(
    {
        _HANDLER_BEFORE,
        _HANDLER_AFTER,
        _MIDDLEWARE_BEFORE,
        _MIDDLEWARE_AFTER,
        _LIFECYCLE_REQUEST,
        _LIFECYCLE_READ_HEAD,
        _LIFECYCLE_READ_BODY,
        _LIFECYCLE_HANDLE,
        _LIFECYCLE_RESPONSE,
        _ROUTING_BEFORE,
        _ROUTING_AFTER,
    }
)


def _rebuild_head(request: Request) -> bytes:
    """The request head as bytes, rebuilt from what the parser kept.

    The parser hands over the request line and header fields, not the raw
    bytes, so whitespace is normalised; names keep their case.
    """
    raw = request._headers
    if type(raw) is list:
        fields = raw
    else:
        fields = [
            (k.encode("latin-1"), v.encode("utf-8")) for k, v in request.headers.items()
        ]
    lines = [
        b"%s %s HTTP/%s"
        % (request.method.encode(), request.raw_url, request.version.encode())
    ]
    lines.extend(name + b": " + value for name, value in fields)
    return b"\r\n".join(lines) + b"\r\n\r\n"


def _as_middleware(
    items: Iterable[Any], location: MiddlewareLocation
) -> list[Middleware]:
    """The app's middleware deque as Middleware objects, keeping its order.

    Extensions may put plain functions in the deque (``appendleft``); they keep
    their place relative to their neighbours.
    """
    converted: list[Middleware] = []
    previous = -1.0
    for item in items:
        if isinstance(item, Middleware):
            converted.append(item)
            previous = item.definition
        else:
            wrapped = Middleware(item, location, 0)
            wrapped.definition = previous + 0.5  # type: ignore[assignment]
            converted.append(wrapped)
    return converted


def _takes_an_argument(func: Callable) -> bool:
    try:
        parameters = inspect.signature(func).parameters.values()
    except (TypeError, ValueError):
        return True
    return any(
        p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD, p.VAR_POSITIONAL)
        for p in parameters
    )


async def _ready_awaitable(awaitable: Any) -> Any:
    return await awaitable


class Sanic(DecoratorShortcuts, Generic[config_type, ctx_type]):
    """The application."""

    _app_registry: ClassVar[dict[str, Sanic]] = {}
    test_mode: ClassVar[bool] = False

    # Without config= or ctx=, type checkers see Sanic[Config, SimpleNamespace].
    @overload
    def __init__(
        self: Sanic[Config, SimpleNamespace],
        name: str,
        config: None = None,
        ctx: None = None,
        router: Router | None = None,
        signal_router: Any = None,
        error_handler: ErrorHandler | None = None,
        env_prefix: str | None = "SANIC_",
        load_env: bool | str = True,
        request_class: type[Request] | None = None,
        strict_slashes: bool = False,
        log_config: dict[str, Any] | None = None,
        configure_logging: bool = True,
        dumps: Callable[..., str | bytes] | None = None,
        loads: Callable[..., Any] | None = None,
        inspector: bool = False,
        inspector_class: type | None = None,
        certloader_class: type | None = None,
    ) -> None: ...

    @overload
    def __init__(
        self: Sanic[config_type, SimpleNamespace],
        name: str,
        config: config_type,
        ctx: None = None,
        router: Router | None = None,
        signal_router: Any = None,
        error_handler: ErrorHandler | None = None,
        env_prefix: str | None = "SANIC_",
        load_env: bool | str = True,
        request_class: type[Request] | None = None,
        strict_slashes: bool = False,
        log_config: dict[str, Any] | None = None,
        configure_logging: bool = True,
        dumps: Callable[..., str | bytes] | None = None,
        loads: Callable[..., Any] | None = None,
        inspector: bool = False,
        inspector_class: type | None = None,
        certloader_class: type | None = None,
    ) -> None: ...

    @overload
    def __init__(
        self: Sanic[Config, ctx_type],
        name: str,
        config: None = None,
        *,
        ctx: ctx_type,
        router: Router | None = None,
        signal_router: Any = None,
        error_handler: ErrorHandler | None = None,
        env_prefix: str | None = "SANIC_",
        load_env: bool | str = True,
        request_class: type[Request] | None = None,
        strict_slashes: bool = False,
        log_config: dict[str, Any] | None = None,
        configure_logging: bool = True,
        dumps: Callable[..., str | bytes] | None = None,
        loads: Callable[..., Any] | None = None,
        inspector: bool = False,
        inspector_class: type | None = None,
        certloader_class: type | None = None,
    ) -> None: ...

    @overload
    def __init__(
        self: Sanic[config_type, ctx_type],
        name: str,
        config: config_type,
        ctx: ctx_type,
        router: Router | None = None,
        signal_router: Any = None,
        error_handler: ErrorHandler | None = None,
        env_prefix: str | None = "SANIC_",
        load_env: bool | str = True,
        request_class: type[Request] | None = None,
        strict_slashes: bool = False,
        log_config: dict[str, Any] | None = None,
        configure_logging: bool = True,
        dumps: Callable[..., str | bytes] | None = None,
        loads: Callable[..., Any] | None = None,
        inspector: bool = False,
        inspector_class: type | None = None,
        certloader_class: type | None = None,
    ) -> None: ...

    def __init__(
        self,
        name: str,
        config: config_type | None = None,
        ctx: ctx_type | None = None,
        router: Router | None = None,
        signal_router: Any = None,
        error_handler: ErrorHandler | None = None,
        env_prefix: str | None = "SANIC_",
        load_env: bool | str = True,
        request_class: type[Request] | None = None,
        strict_slashes: bool = False,
        log_config: dict[str, Any] | None = None,
        configure_logging: bool = True,
        dumps: Callable[..., str | bytes] | None = None,
        loads: Callable[..., Any] | None = None,
        inspector: bool = False,
        inspector_class: type | None = None,
        certloader_class: type | None = None,
    ) -> None:
        if not isinstance(name, str) or not _VALID_NAME.match(name):
            raise SanicException(
                f"Sanic instance name {name!r} is invalid: it must start with a letter "
                "and contain only letters, digits, '_' and '-'"
            )
        self._configure_logging = configure_logging
        if configure_logging:
            logging.config.dictConfig(log_config or LOGGING_CONFIG_DEFAULTS)
        self.name = name
        if load_env is False:
            env_prefix = None  # the spelling of older Sanic docs
        elif isinstance(load_env, str):
            env_prefix = load_env
        self.config: config_type = config or Config(env_prefix=env_prefix)  # type: ignore[assignment]
        if inspector:
            self.config.INSPECTOR = True
        self.ctx: ctx_type = ctx if ctx is not None else SimpleNamespace()  # type: ignore[assignment]
        self.router = router or Router()
        self.signal_router: SignalRouter = signal_router or SignalRouter()
        self.signal_router.ctx.app = self
        self.error_handler = error_handler or ErrorHandler()
        self.error_handler.app = self
        self.request_class = request_class or Request
        self.strict_slashes = strict_slashes
        self.listeners_registry = ListenerRegistry()
        self._request_middleware: list[Middleware] = []
        self._response_middleware: list[Middleware] = []
        self.request_middleware: deque[Callable] = deque()
        self.response_middleware: deque[Callable] = deque()
        self.named_request_middleware: dict[str, deque] = {}
        self.named_response_middleware: dict[str, deque] = {}
        self.state = ApplicationState(app=self)
        if certloader_class is None:
            from sanic.worker.loader import CertLoader

            certloader_class = CertLoader
        self.certloader_class: type = certloader_class
        self.websocket_enabled = False
        self.blueprints: dict[str, Any] = {}
        self._loads = loads or orjson.loads
        if dumps is not None:
            BaseHTTPResponse._dumps = dumps  # type: ignore[assignment]
        self._dumps = dumps
        self._has_stream_routes = False
        self._stop_event: Any = None
        self._server: Any = None
        self._test_client: Any = None
        self._test_manager: Any = None
        self._asgi_client: Any = None
        self._active_signals: frozenset[str] = frozenset()
        self._cycle_signals = False
        self._unrouted_request_middleware: tuple[Callable, ...] = ()
        self._unrouted_response_middleware: tuple[Callable, ...] = ()
        self._task_registry: dict[str, asyncio.Task | None] = {}
        self._delayed_tasks: list[Any] = []
        # Objects the interactive console (`sanic ... --repl`) preloads.
        self.repl_ctx: Any = SimpleNamespace()
        # Custom commands for `sanic path.to:app exec NAME` (`app.command`).
        self._commands: dict[str, Callable[..., Any]] = {}
        # The process model (sanic.worker): set by the main process or a worker.
        self.inspector_class: type | None = inspector_class
        self._shared_ctx: Any = None
        self._multiplexer: Any = None
        self._manager: Any = None
        self._in_worker = False
        self._run_options: dict[str, Any] | None = None
        self._register(name)

    def _register(self, name: str) -> None:
        if name in self._app_registry and not self.test_mode:
            raise SanicException(
                f'Sanic app name "{name}" already in use: each app needs a unique name'
            )
        self._app_registry[name] = self

    # ---- the registry ---------------------------------------------------------

    @classmethod
    def get_app(cls, name: str | None = None, *, force_create: bool = False) -> Sanic:
        """The app registered as ``name``, or the only app when name is None."""
        if name is None:
            if len(cls._app_registry) > 1:
                raise SanicException(
                    'Multiple Sanic apps found, use Sanic.get_app("app_name")'
                )
            if not cls._app_registry:
                raise SanicException("No Sanic apps have been registered.")
            return next(iter(cls._app_registry.values()))
        try:
            return cls._app_registry[name]
        except KeyError:
            if force_create:
                return cls(name)
            raise SanicException(
                f'Sanic app name "{name}" not found.\n'
                "App instantiation must occur outside if __name__ == '__main__' "
                "block or by using an AppLoader."
            ) from None

    @classmethod
    def register_app(cls, app: Sanic) -> None:
        if not isinstance(app, cls):
            raise SanicException("Registered app must be an instance of Sanic")
        app._register(app.name)

    @classmethod
    def unregister_app(cls, app: Sanic) -> None:
        cls._app_registry.pop(app.name, None)

    def __repr__(self) -> str:
        return f'{self.__class__.__name__}(name="{self.name}")'

    # ---- state ------------------------------------------------------------------

    @property
    def debug(self) -> bool:
        return self.state.mode is Mode.DEBUG

    @property
    def loads(self) -> Callable[..., Any]:
        return self._loads

    @property
    def listeners(self) -> dict[str, list[Callable]]:
        events = (
            "before_server_start",
            "after_server_start",
            "before_server_stop",
            "after_server_stop",
        )
        return {event: self.listeners_registry[event] for event in events}

    def update_config(self, config: Any) -> None:
        self.config.update_config(config)

    # ---- routes -------------------------------------------------------------

    def route(
        self,
        uri: str,
        methods: Iterable[str] | None = None,
        host: str | list[str] | None = None,
        strict_slashes: bool | None = None,
        stream: bool = False,
        version: int | str | float | None = None,
        name: str | None = None,
        ignore_body: bool = False,
        apply: bool = True,
        subprotocols: list[str] | None = None,
        websocket: bool = False,
        unquote: bool = False,
        static: bool = False,
        version_prefix: str = "/v",
        error_format: str | None = None,
        **ctx_kwargs: Any,
    ) -> Callable[[Callable], Callable]:
        """Register the decorated function as the handler for ``uri``."""
        if not isinstance(uri, str):
            raise SanicException(
                f"Route path must be a string, not {type(uri).__name__}"
            )
        if uri and not uri.startswith("/") and not uri.startswith("<"):
            uri = "/" + uri
        route_methods = frozenset(m.upper() for m in (methods or ("GET",)))
        for method in route_methods:
            if method not in HTTP_METHODS and not websocket:
                raise SanicException(f"Invalid HTTP method {method!r} for route {uri}")

        def decorator(handler: Callable) -> Callable:
            original = handler
            if isinstance(handler, tuple):  # stacked route decorators
                handler = handler[1]
            if not callable(handler):
                raise SanicException(f"Route handler for {uri} must be callable")
            if apply:
                self._add_route(
                    handler,
                    uri,
                    route_methods,
                    host=host,
                    strict_slashes=strict_slashes,
                    stream=stream,
                    version=version,
                    name=name,
                    ignore_body=ignore_body,
                    websocket=websocket,
                    subprotocols=subprotocols,
                    unquote=unquote,
                    static=static,
                    version_prefix=version_prefix,
                    error_format=error_format,
                    **ctx_kwargs,
                )
            return original if not isinstance(original, tuple) else handler

        return decorator

    def _add_route(
        self,
        handler: Callable,
        uri: str,
        methods: frozenset[str],
        *,
        host: Any,
        strict_slashes: bool | None,
        name: str | None,
        version_prefix: str,
        error_format: str | None,
        subprotocols: Any = None,
        **kwargs: Any,
    ) -> Any:
        if strict_slashes is None:
            strict_slashes = self.strict_slashes
        if error_format is not None and error_format not in (
            "auto",
            "text",
            "json",
            "html",
        ):
            raise SanicException(
                f"Invalid error_format {error_format!r} for route {uri}: "
                "expected one of auto, text, json, html"
            )
        route_name = self._route_name(name or getattr(handler, "__name__", None), uri)
        stream = kwargs.get("stream", False) or getattr(handler, "is_stream", False)
        kwargs["stream"] = stream
        routes = self.router.add(
            uri,
            methods,
            handler,
            host=host,
            strict_slashes=strict_slashes,
            name=route_name,
            version_prefix=version_prefix,
            error_format=error_format,
            **kwargs,
        )
        for route in routes if isinstance(routes, list) else [routes]:
            if subprotocols is not None:
                route.extra.subprotocols = subprotocols
        return routes

    def _route_name(self, name: str | None, uri: str) -> str:
        if not name:
            name = uri.strip("/").replace("/", "_") or "index"
        if name.startswith(f"{self.name}."):
            return name
        return f"{self.name}.{name}"

    def add_route(
        self,
        handler: Callable,
        uri: str,
        methods: Iterable[str] = frozenset({"GET"}),
        host: str | list[str] | None = None,
        strict_slashes: bool | None = None,
        version: int | str | float | None = None,
        name: str | None = None,
        stream: bool = False,
        version_prefix: str = "/v",
        error_format: str | None = None,
        unquote: bool = False,
        **ctx_kwargs: Any,
    ) -> Callable:
        """Register ``handler`` (a function or a class-based view) for ``uri``."""
        view_class = getattr(handler, "view_class", None)
        if view_class is not None:
            methods = {
                method
                for method in HTTP_METHODS
                if getattr(view_class, method.lower(), None) is not None
            }
        if stream:
            handler.is_stream = stream  # type: ignore[attr-defined]
        self.route(
            uri=uri,
            methods=methods,
            host=host,
            strict_slashes=strict_slashes,
            stream=stream,
            version=version,
            name=name,
            version_prefix=version_prefix,
            error_format=error_format,
            unquote=unquote,
            **ctx_kwargs,
        )(handler)
        return handler

    def websocket(
        self,
        uri: str,
        host: str | list[str] | None = None,
        strict_slashes: bool | None = None,
        subprotocols: list[str] | None = None,
        version: int | str | float | None = None,
        name: str | None = None,
        apply: bool = True,
        version_prefix: str = "/v",
        error_format: str | None = None,
        **ctx_kwargs: Any,
    ) -> Callable[[Callable], Callable]:
        """Register the decorated ``handler(request, ws)`` as a websocket route."""
        from sanic.server.websockets.route import websocket_handler

        self.enable_websocket()
        register = self.route(
            uri,
            methods=("GET",),
            host=host,
            strict_slashes=strict_slashes,
            version=version,
            name=name,
            apply=apply,
            subprotocols=subprotocols,
            websocket=True,
            version_prefix=version_prefix,
            error_format=error_format,
            **ctx_kwargs,
        )

        def decorator(handler: Callable) -> Callable:
            original = handler
            if isinstance(handler, tuple):  # stacked route decorators
                handler = handler[1]
            register(websocket_handler(handler))
            return original if not isinstance(original, tuple) else handler

        return decorator

    def add_websocket_route(
        self,
        handler: Callable,
        uri: str,
        host: str | list[str] | None = None,
        strict_slashes: bool | None = None,
        subprotocols: list[str] | None = None,
        version: int | str | float | None = None,
        name: str | None = None,
        version_prefix: str = "/v",
        error_format: str | None = None,
        **ctx_kwargs: Any,
    ) -> Callable:
        """Register ``handler(request, ws)`` as the websocket route for ``uri``."""
        return self.websocket(
            uri,
            host=host,
            strict_slashes=strict_slashes,
            subprotocols=subprotocols,
            version=version,
            name=name,
            version_prefix=version_prefix,
            error_format=error_format,
            **ctx_kwargs,
        )(handler)

    def enable_websocket(self, enable: bool = True) -> None:
        """Mark the app as serving websockets (set by the first websocket route)."""
        self.websocket_enabled = enable

    # ---- url building ---------------------------------------------------------

    def url_for(self, view_name: str, **kwargs: Any) -> str:
        """Build the URL of the route named ``view_name``; extra kwargs become the query."""
        return build_url(self, view_name, **kwargs)

    # ---- middleware, listeners, exception handlers -------------------------------

    def middleware(
        self,
        middleware_or_request: Any = None,
        attach_to: str = "request",
        apply: bool = True,
        *,
        priority: int = 0,
    ) -> Any:
        """``@app.middleware``, ``@app.middleware("response")``, or a plain call."""
        if callable(middleware_or_request):
            return self.register_middleware(
                middleware_or_request, attach_to, priority=priority
            )

        location = middleware_or_request or attach_to

        def decorator(func: Callable) -> Callable:
            return self.register_middleware(func, location, priority=priority)

        return decorator

    def on_request(
        self, middleware: Callable | None = None, *, priority: int = 0
    ) -> Any:
        if middleware is None:
            return lambda func: self.register_middleware(
                func, "request", priority=priority
            )
        return self.register_middleware(middleware, "request", priority=priority)

    def on_response(
        self, middleware: Callable | None = None, *, priority: int = 0
    ) -> Any:
        if middleware is None:
            return lambda func: self.register_middleware(
                func, "response", priority=priority
            )
        return self.register_middleware(middleware, "response", priority=priority)

    def register_middleware(
        self, middleware: Callable, attach_to: str = "request", *, priority: int = 0
    ) -> Callable:
        if attach_to not in ("request", "response"):
            raise SanicException(
                f"Invalid middleware location {attach_to!r}: use 'request' or 'response'"
            )
        if attach_to == "request":
            item = Middleware(middleware, MiddlewareLocation.REQUEST, priority)
            if item not in self._request_middleware:
                self._request_middleware.append(item)
            self.request_middleware = deque(
                sort_request_middleware(self._request_middleware)
            )
        else:
            item = Middleware(middleware, MiddlewareLocation.RESPONSE, priority)
            if item not in self._response_middleware:
                self._response_middleware.append(item)
            self.response_middleware = deque(
                sort_response_middleware(self._response_middleware)
            )
        return middleware

    def listener(
        self,
        listener_or_event: Callable | str,
        event_or_none: str | None = None,
        apply: bool = True,
        *,
        priority: int = 0,
    ) -> Any:
        """``@app.listener("before_server_start")`` or ``app.listener(fn, "event")``."""
        if callable(listener_or_event):
            if event_or_none is None:
                raise SanicException("Listener registered without an event name")
            return self.listeners_registry.add(
                listener_or_event, event_or_none, priority
            )

        def decorator(listener: Callable) -> Callable:
            return self.listeners_registry.add(listener, listener_or_event, priority)  # type: ignore[arg-type]

        return decorator

    def register_listener(
        self, listener: Callable, event: str, *, priority: int = 0
    ) -> Callable:
        return self.listeners_registry.add(listener, event, priority)

    def exception(
        self, *exceptions: type[BaseException], apply: bool = True
    ) -> Callable:
        """Register the decorated function as the handler for these exceptions."""
        flat: list[type[BaseException]] = []
        for item in exceptions:
            flat.extend(item if isinstance(item, (list, tuple)) else [item])

        def decorator(handler: Callable) -> Callable:
            for exc in flat:
                self.error_handler.add(exc, handler)
            return handler

        return decorator

    def register_named_middleware(
        self,
        middleware: Callable,
        route_names: Iterable[str],
        attach_to: str = "request",
        *,
        priority: int = 0,
    ) -> Callable:
        """Middleware for the routes named in ``route_names`` only (blueprints use it)."""
        if attach_to not in ("request", "response"):
            raise SanicException(
                f"Invalid middleware location {attach_to!r}: use 'request' or 'response'"
            )
        location = (
            MiddlewareLocation.REQUEST
            if attach_to == "request"
            else MiddlewareLocation.RESPONSE
        )
        named = (
            self.named_request_middleware
            if attach_to == "request"
            else self.named_response_middleware
        )
        item = Middleware(middleware, location, priority)
        for route_name in route_names:
            chain = named.setdefault(route_name, deque())
            if item not in chain:
                chain.append(item)
        return middleware

    # ---- blueprints -------------------------------------------------------------

    def blueprint(self, blueprint: Any, **options: Any) -> None:
        """Register a blueprint, a group, or a list/tuple of them."""
        if isinstance(blueprint, (list, tuple)):
            for item in blueprint:
                self.blueprint(item, **options)
            return
        if getattr(blueprint, "_is_blueprint_group", False):
            # The group merges its options into each member's registration.
            blueprint.register(self, options)
            return
        name = blueprint.name
        if name in self.blueprints and self.blueprints[name] is not blueprint:
            raise SanicException(
                f'Blueprint name "{name}" is already in use: each blueprint on an '
                "app needs a unique name (use bp.copy() to register one twice)"
            )
        self.blueprints[name] = blueprint
        blueprint.register(self, options)

    # ---- signals ----------------------------------------------------------------

    def signal(
        self,
        event: str | Enum,
        *,
        apply: bool = True,
        condition: dict[str, Any] | None = None,
        exclusive: bool = True,
        priority: int = 0,
    ) -> Callable[[Callable], Callable]:
        """Register the decorated function as a handler of ``event``."""

        def decorator(handler: Callable) -> Callable:
            if apply:
                self.signal_router.add(
                    handler, event, condition, exclusive, priority=priority
                )
            return handler

        return decorator

    def add_signal(
        self,
        handler: Callable | None,
        event: str | Enum,
        condition: dict[str, Any] | None = None,
        exclusive: bool = True,
        *,
        priority: int = 0,
    ) -> Callable:
        if handler is None:

            async def noop(**_: Any) -> None: ...

            handler = noop
        self.signal(event, condition=condition, exclusive=exclusive, priority=priority)(
            handler
        )
        return handler

    async def dispatch(
        self,
        event: str | Enum,
        *,
        condition: dict[str, str] | None = None,
        context: dict[str, Any] | None = None,
        fail_not_found: bool = True,
        inline: bool = False,
        reverse: bool = False,
    ) -> Any:
        """Run the handlers of ``event``; a task unless ``inline``."""
        return await self.signal_router.dispatch(
            event,
            context=context,
            condition=condition,
            inline=inline,
            reverse=reverse,
            fail_not_found=fail_not_found,
        )

    async def event(
        self,
        event: str | Enum,
        timeout: float | None = None,
        *,
        condition: dict[str, Any] | None = None,
        exclusive: bool = True,
    ) -> Any:
        """Wait until ``event`` is dispatched (``asyncio.TimeoutError`` after timeout)."""
        return await self.signal_router.wait_for(
            event,
            condition=condition,
            timeout=timeout,
            exclusive=exclusive,
            autoregister=bool(self.config.EVENT_AUTOREGISTER),
        )

    def command(
        self, maybe_func: Callable[..., Any] | None = None, *, name: str = ""
    ) -> Any:
        """Register a command for ``sanic path.to:app exec NAME --arg=value``."""
        from sanic.application.commands import command_decorator

        return command_decorator(self, maybe_func, name=name)

    def static(
        self, uri: str, file_or_directory: Any, *args: Any, **kwargs: Any
    ) -> Any:
        """Serve a file, or the files under a directory, at ``uri``."""
        from sanic.static import register_static

        return register_static(self, uri, file_or_directory, *args, **kwargs)

    def report_exception(self, handler: Callable[[Sanic, Exception], Any]) -> Callable:
        """Register ``handler(app, exception)`` for every exception the app reports."""

        async def report(exception: Exception) -> None:
            result = handler(self, exception)
            if isawaitable(result):
                await result

        self.signal_router.add(report, Event.SERVER_EXCEPTION_REPORT)
        return handler

    # ---- background tasks --------------------------------------------------------

    def add_task(
        self,
        task: Any,
        *,
        name: str | None = None,
        register: bool = True,
    ) -> asyncio.Task | None:
        """Run ``task`` (a coroutine, or a callable taking the app or nothing).

        Before the loop runs, it is kept and started when the server starts.
        """
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            loop = None
        if loop is None or not self.state.is_started:
            self._delayed_tasks.append((task, name, register))
            if name and register:
                self._task_registry[name] = None
            return None
        created = loop.create_task(self._prepare_task(task), name=name)
        if name and register:
            if self._task_registry.get(name) is not None:
                created.cancel()
                raise RuntimeError(f"A task named {name!r} is already registered")
            self._task_registry[name] = created
        elif register:
            self._task_registry[created.get_name()] = created
        return created

    def _prepare_task(self, task: Any) -> Any:
        if callable(task) and not asyncio.iscoroutine(task):
            # The app is passed when the callable takes an argument (decided
            # from its signature: a TypeError raised inside it is its own).
            task = task(self) if _takes_an_argument(task) else task()
        if not asyncio.iscoroutine(task) and isawaitable(task):
            return _ready_awaitable(task)
        return task

    def _start_delayed_tasks(self) -> None:
        delayed, self._delayed_tasks = self._delayed_tasks, []
        for task, name, register in delayed:
            if name and register and self._task_registry.get(name, 0) is None:
                del self._task_registry[name]
            self.add_task(task, name=name, register=register)

    def get_task(
        self, name: str, *, raise_exception: bool = True
    ) -> asyncio.Task | None:
        try:
            return self._task_registry[name]
        except KeyError:
            if raise_exception:
                raise SanicException(
                    f'Registered task named "{name}" not found.'
                ) from None
            return None

    async def cancel_task(
        self, name: str, msg: str | None = None, *, raise_exception: bool = True
    ) -> None:
        task = self.get_task(name, raise_exception=raise_exception)
        if task is not None and not task.done():
            task.cancel(msg=msg)
            try:
                await task
            except asyncio.CancelledError:
                pass

    def purge_tasks(self) -> None:
        """Forget tasks that are done or cancelled."""
        for name, task in list(self._task_registry.items()):
            if task is not None and task.done():
                del self._task_registry[name]

    async def shutdown_tasks(
        self, timeout: float | None = None, increment: float = 0.1
    ) -> None:
        for task in self.tasks:
            if not task.done():
                task.cancel()
        if self.tasks:
            await asyncio.wait(self.tasks, timeout=timeout)
        self.purge_tasks()

    @property
    def tasks(self) -> list[asyncio.Task]:
        return [task for task in self._task_registry.values() if task is not None]

    # ---- the request cycle ------------------------------------------------------

    async def handle_request(self, request: Request) -> None:
        """Run middleware and the handler, and write the response."""
        _current.set(request)
        signals = self._active_signals
        try:
            if signals:
                await self._request_signals(request, signals)
            route = request.route
            chain = (
                route.request_middleware
                if route is not None
                else self._unrouted_request_middleware
            )
            response: Any = None
            if chain:
                response = await self._run_request_middleware(request, chain)
            if response is None:
                if route is None or request._route_error is not None:
                    raise request._route_error or ServerError("Request was not routed")
                if _HANDLER_BEFORE in signals:
                    await self._signal(_HANDLER_BEFORE, {"request": request})
                response = route.handler(request, **request.match_info)
                if response.__class__ is CoroutineType or isawaitable(response):
                    response = await response
                if _HANDLER_AFTER in signals:
                    await self._signal(_HANDLER_AFTER, {"request": request})
            await self._deliver(request, response)
        except CancelledError as exc:
            await self._cancelled(request, exc)
        except Exception as exc:
            await self.handle_exception(request, exc)

    handle_request.has_sync_fast_path = True  # type: ignore[attr-defined]

    from types import coroutine as _iterable_coroutine  # type: ignore[misc]

    @_iterable_coroutine
    def _serve_connection(self, http: Any) -> Any:
        """The request cycle of one connection's requests, as one generator.

        The server primes it once per connection, then sends it each request
        (inside the connection task's context, with that task entered). It
        yields ``SERVED`` when a request has been answered, or, when a handler
        suspends, what the handler waits on: the server hands the generator to
        the connection task, which drives it on until ``SERVED``.

        Why a generator that never returns: ``yield from`` finishes a handler's
        coroutine without raising StopIteration, and so does this generator
        itself. Driving a coroutine by hand (``coro.send``) pays for one
        exception per request, about a twentieth of a plaintext request.

        With no middleware or signals, the handler's response is written here;
        anything else goes through the general coroutines (``handle_request``,
        ``_respond_with_middleware``), run inside this generator. ``http`` is
        the connection's ``request.stream``.
        """
        from sanic.http.constants import SERVED

        write_response = http.write_response
        request = yield None
        while True:
            route = request.route
            if route is None or self._cycle_signals or request._route_error is not None:
                yield from self.handle_request(request)  # type: ignore[misc]
            elif route.request_middleware or route.response_middleware:
                yield from self._respond_with_middleware(request, route)  # type: ignore[misc]
            else:
                _current.set(request)
                try:
                    params = request.match_info
                    if params:
                        response = route.handler(request, **params)
                    else:
                        response = route.handler(request)
                    if response.__class__ is CoroutineType:
                        response = yield from response  # type: ignore[misc]
                    elif isawaitable(response):
                        response = yield from _ready_awaitable(response)  # type: ignore[misc]
                    cls = response.__class__
                    if (
                        cls is HTTPResponse or cls is JSONResponse
                    ) and not request.responded:
                        write_response(response)
                    else:
                        yield from self._deliver(request, response)  # type: ignore[misc]
                except CancelledError as exc:
                    yield from self._cancelled(request, exc)  # type: ignore[misc]
                except Exception as exc:
                    yield from self.handle_exception(request, exc)  # type: ignore[misc]
            request = yield SERVED

    async def _respond_with_middleware(self, request: Request, route: Any) -> None:
        """The cycle of a route with middleware and no signals, in one coroutine.

        Middleware and the handler are awaited directly: a coroutine that
        returns without suspending costs no exception this way, and the server
        runs this one with ``yield from`` (``_serve_connection``), so the
        cycle raises none. The tail is ``_deliver`` written out: its coroutine layers (response
        middleware runner, writers, signal checks) cost about 15% of a request.
        """
        _current.set(request)
        try:
            response: Any = None
            for middleware in route.request_middleware:
                response = middleware(request)
                if response is not None:
                    if response.__class__ is CoroutineType or isawaitable(response):
                        response = await response
                    if response is not None:
                        break
            if response is None:
                response = route.handler(request, **request.match_info)
                if response.__class__ is CoroutineType or isawaitable(response):
                    response = await response
            if request.responded:
                await self._finish_responded(request, response)
                return
            cls = response.__class__
            if cls is not HTTPResponse and not isinstance(response, BaseHTTPResponse):
                raise ServerError(
                    f"Invalid response type {response!r} (need HTTPResponse)"
                )
            for middleware in route.response_middleware:
                result = middleware(request, response)
                if result is not None:
                    if result.__class__ is CoroutineType or isawaitable(result):
                        result = await result
                    if result is not None:
                        response = result
            cls = response.__class__
            if cls is HTTPResponse or cls is JSONResponse:
                request.stream.write_response(response)
            else:
                await self._write_any(request, response)
        except CancelledError as exc:
            await self._cancelled(request, exc)
        except Exception as exc:
            await self.handle_exception(request, exc)

    async def _deliver(self, request: Request, response: Any) -> None:
        """Everything after the handler: respond(), middleware, streams, writing."""
        if request.responded:
            await self._finish_responded(request, response)
            return
        if response.__class__ is not HTTPResponse and not isinstance(
            response, BaseHTTPResponse
        ):
            raise ServerError(f"Invalid response type {response!r} (need HTTPResponse)")
        response = await self._run_response_middleware(request, response)
        await self._write_any(request, response)

    async def _write_any(self, request: Request, response: Any) -> None:
        """Write what response middleware left: a response or a stream."""
        if isinstance(response, ResponseStream):
            await self._stream(request, response)
        elif isinstance(response, BaseHTTPResponse):
            await self._write(request, response)
        else:
            raise ServerError(f"Invalid response type {response!r} (need HTTPResponse)")

    async def _write(self, request: Request, response: Any) -> None:
        if _LIFECYCLE_RESPONSE in self._active_signals:
            await self._signal(
                _LIFECYCLE_RESPONSE, {"request": request, "response": response}
            )
        request.stream.write_response(response)

    async def _finish_responded(self, request: Request, returned: Any) -> None:
        """The handler used ``request.respond()``: end what it started."""
        stream = request.stream
        response = stream.response
        if returned is not None and returned is not response:
            error_logger.error(
                "The handler for %s returned a response after calling "
                "request.respond(); the returned one is ignored",
                request.path,
            )
        if stream.request is request and response is not None:
            await response.send(end_stream=True)

    async def _stream(self, request: Request, response: ResponseStream) -> None:
        request.responded = True
        request.stream.respond(response)
        await response.streaming_fn(response)
        if request.stream.request is request:
            await response.send(end_stream=True)

    async def _run_request_middleware(
        self, request: Request, chain: tuple[Callable, ...]
    ) -> Any:
        signals = self._active_signals
        for middleware in chain:
            if _MIDDLEWARE_BEFORE in signals:
                await self._signal(
                    _MIDDLEWARE_BEFORE,
                    {"request": request, "response": None},
                    _ATTACH_REQUEST,
                )
            result = middleware(request)
            if isawaitable(result):
                result = await result
            if _MIDDLEWARE_AFTER in signals:
                await self._signal(
                    _MIDDLEWARE_AFTER,
                    {"request": request, "response": result},
                    _ATTACH_REQUEST,
                )
            if result is not None:
                return result
        return None

    async def _run_response_middleware(self, request: Request, response: Any) -> Any:
        """Response middleware may replace the response by returning another."""
        route = request.route
        chain = (
            route.response_middleware
            if route is not None
            else self._unrouted_response_middleware
        )
        signals = self._active_signals
        for middleware in chain:
            if _MIDDLEWARE_BEFORE in signals:
                await self._signal(
                    _MIDDLEWARE_BEFORE,
                    {"request": request, "response": response},
                    _ATTACH_RESPONSE,
                )
            result = middleware(request, response)
            if isawaitable(result):
                result = await result
            if _MIDDLEWARE_AFTER in signals:
                await self._signal(
                    _MIDDLEWARE_AFTER,
                    {"request": request, "response": result or response},
                    _ATTACH_RESPONSE,
                )
            if result is not None:
                response = result
        return response

    async def handle_exception(
        self, request: Request, exception: BaseException, run_middleware: bool = True
    ) -> None:
        """Answer ``exception`` with the error handler's response."""
        await self._report_exception(request, exception)
        stream = request.stream
        if stream is None or stream.request is not request:
            error_logger.exception(
                "Exception after the response was sent", exc_info=exception
            )
            return
        if stream.stage is Stage.RESPONSE:
            # Part of the response is on the wire: the only honest signal is to cut it.
            error_logger.exception(
                "Exception while streaming a response; the connection is closed",
                exc_info=exception,
            )
            stream.protocol.abort()
            return
        try:
            response = self.error_handler.response(request, exception)
            if isawaitable(response):
                response = await response
        except Exception as handler_error:
            response = self.error_handler.default(request, handler_error)
        if response is None:
            response = self.error_handler.default(
                request, ServerError("The error handler returned no response")
            )
        if run_middleware and not request.responded:
            try:
                response = await self._run_response_middleware(request, response)
            except Exception as middleware_error:
                response = self.error_handler.default(request, middleware_error)
        if stream.request is request:
            if request.responded and stream.response is not None:
                # respond() bound a response whose head never left: answer the
                # error instead of it.
                stream.response = None
            await self._write(request, response)

    async def _cancelled(self, request: Request, exc: CancelledError) -> None:
        """A cancellation of this task (client gone, timeout, shutdown) ends the
        request without a response; a CancelledError raised by the handler's own
        code is an error like any other."""
        task = asyncio.current_task()
        reason = exc.args[0] if exc.args else None
        cancelling = getattr(task, "cancelling", None)
        if cancelling is None:  # Python 3.10: the server's cancels carry a reason
            server_cancelled = reason in (CLIENT_GONE, RESPONSE_TIMED_OUT)
        else:
            server_cancelled = bool(cancelling())
        if server_cancelled:
            if reason == CLIENT_GONE and not isinstance(exc, RequestCancelled):
                raise RequestCancelled(CLIENT_GONE) from exc
            raise exc
        await self.handle_exception(request, exc)

    async def _report_exception(
        self, request: Request | None, exception: BaseException
    ) -> None:
        """The lifecycle.exception and server.exception.report signals."""
        signals = self._active_signals
        if not signals:
            return
        if _LIFECYCLE_EXCEPTION in signals and request is not None:
            await self._signal(
                _LIFECYCLE_EXCEPTION, {"request": request, "exception": exception}
            )
        if _EXCEPTION_REPORT in signals:
            await self.dispatch(
                _EXCEPTION_REPORT,
                context={"exception": exception},
                fail_not_found=False,
            )

    def _write_error(self, request: Request, exception: BaseException) -> None:
        """Synchronously answer ``exception`` (used for timeouts)."""
        response = self.error_handler.default(request, exception)
        if request.stream is not None and request.stream.request is request:
            request.stream.write_response(response)

    # ---- built-in signals --------------------------------------------------------

    async def _signal(
        self, event: str, context: dict[str, Any], condition: Any = None
    ) -> None:
        await self.signal_router.dispatch(
            event,
            context=context,
            condition=condition,
            inline=True,
            fail_not_found=False,
        )

    async def _request_signals(self, request: Request, signals: frozenset) -> None:
        """The events of a request read in full, before middleware runs."""
        if _LIFECYCLE_READ_HEAD in signals:
            await self._signal(_LIFECYCLE_READ_HEAD, {"head": _rebuild_head(request)})
        if _LIFECYCLE_REQUEST in signals:
            await self._signal(_LIFECYCLE_REQUEST, {"request": request})
        if _LIFECYCLE_READ_BODY in signals and request.body:
            await self._signal(_LIFECYCLE_READ_BODY, {"body": request.body})
        if _ROUTING_BEFORE in signals:
            await self._signal(_ROUTING_BEFORE, {"request": request})
        if _ROUTING_AFTER in signals and request.route is not None:
            route = request.route
            await self._signal(
                _ROUTING_AFTER,
                {
                    "request": request,
                    "route": route,
                    "kwargs": request.match_info,
                    "handler": route.handler,
                },
            )
        if _LIFECYCLE_HANDLE in signals:
            await self._signal(_LIFECYCLE_HANDLE, {"request": request})

    # ---- running ------------------------------------------------------------

    def finalize(self) -> None:
        self.router.finalize()
        self._has_stream_routes = any(
            getattr(route.extra, "stream", False) for route in self.router.routes
        )
        self._compile_cycle()

    def _compile_cycle(self) -> None:
        """Middleware chains and active signals, fixed for the requests to come."""
        self.finalize_middleware()
        self.signal_router.finalize()
        self._active_signals = frozenset(
            event.value for event in Event if self.signal_router.has_handlers(event)
        )
        self._cycle_signals = bool(self._active_signals & _CYCLE_EVENTS)

    def finalize_middleware(self) -> None:
        """Compile each route's middleware chain: the app's plus its blueprints'."""
        app_request = _as_middleware(
            self.request_middleware, MiddlewareLocation.REQUEST
        )
        app_response = _as_middleware(
            self.response_middleware, MiddlewareLocation.RESPONSE
        )
        self._unrouted_request_middleware = tuple(m.func for m in app_request)
        self._unrouted_response_middleware = tuple(m.func for m in app_response)
        for route in self.router.routes:
            named_request = self.named_request_middleware.get(route.name, ())
            named_response = self.named_response_middleware.get(route.name, ())
            route.request_middleware = tuple(
                m.func
                for m in (
                    sort_request_middleware([*app_request, *named_request])
                    if named_request
                    else app_request
                )
            )
            route.response_middleware = tuple(
                m.func
                for m in (
                    sort_response_middleware([*app_response, *named_response])
                    if named_response
                    else app_response
                )
            )

    async def _startup(self) -> None:
        self.finalize()
        self.error_handler.debug = self.debug
        self.state.is_started = True

    async def _server_event(self, concern: str, action: str, loop: Any = None) -> None:
        events = {
            ("init", "before"): "before_server_start",
            ("init", "after"): "after_server_start",
            ("shutdown", "before"): "before_server_stop",
            ("shutdown", "after"): "after_server_stop",
        }
        event = events.get((concern, action))
        if event is None:
            return
        if loop is None:
            loop = asyncio.get_running_loop()
        self.signal_router.ctx.loop = loop
        await self.listeners_registry.run(event, self, loop)
        if (concern, action) == ("init", "before"):
            # Listeners (extensions among them) may have added routes,
            # middleware or signals.
            self.finalize()
        signal_event = f"server.{concern}.{action}"
        if self.signal_router.has_handlers(signal_event):
            await self.dispatch(
                signal_event,
                context={"app": self, "loop": loop},
                inline=True,
                fail_not_found=False,
            )
        if (concern, action) == ("init", "after"):
            self._start_delayed_tasks()
        elif (concern, action) == ("shutdown", "before"):
            await self.shutdown_tasks(timeout=0)

    def _apply_run_options(
        self,
        *,
        debug: bool,
        dev: bool,
        access_log: bool | None,
        noisy_exceptions: bool | None,
        auto_reload: bool | None,
        host: str | None,
        port: int | None,
        unix: str | None,
        verbosity: int = 0,
        reload_dir: Any = None,
        workers: int = 1,
    ) -> None:
        # Worker processes apply the same options to the app they load.
        self._run_options = {
            "debug": debug,
            "dev": dev,
            "access_log": access_log,
            "noisy_exceptions": noisy_exceptions,
            "auto_reload": auto_reload,
            "host": host,
            "port": port,
            "unix": unix,
            "verbosity": verbosity,
            "reload_dir": reload_dir,
            "workers": workers,
        }
        if dev:
            debug = True
        self.state.mode = Mode.DEBUG if debug else Mode.PRODUCTION
        if access_log is not None:
            self.config.ACCESS_LOG = access_log
        elif debug:
            self.config.ACCESS_LOG = True
        if noisy_exceptions is not None:
            self.config.NOISY_EXCEPTIONS = noisy_exceptions
        self.state.auto_reload = bool(
            auto_reload
            or dev
            # enable_auto_reload() or AUTO_RELOAD, unless run() said otherwise
            or (
                auto_reload is None
                and (self.state.auto_reload or self.config.get("AUTO_RELOAD", False))
            )
        )
        self.state.host = host or "127.0.0.1"
        self.state.port = 8000 if port is None else port
        self.state.unix = unix or ""
        self.state.verbosity = verbosity
        self.state.workers = workers
        if reload_dir:
            from os import PathLike, fspath

            single = isinstance(reload_dir, (str, PathLike))
            dirs = [reload_dir] if single else reload_dir
            self.state.reload_dirs.update(fspath(path) for path in dirs)
        from sanic.logging.setup import setup_logging

        setup_logging(
            debug,
            self.config.NO_COLOR,
            self.config.LOG_EXTRA,
            verbosity=getattr(self.state, "verbosity", 0),
            set_levels=getattr(self, "_configure_logging", True),
        )

    def _server_settings(
        self,
        *,
        host: str | None,
        port: int | None,
        sock: Any,
        unix: str | None,
        unix_mode: Any,
        ssl: Any,
        protocol: type | None,
        backlog: int,
        version: Any = 1,
        register_sys_signals: bool = True,
        connections: set | None = None,
        signal: Any = None,
        state: dict | None = None,
        asyncio_server_kwargs: dict[str, Any] | None = None,
        stop_event: Any = None,
    ) -> dict[str, Any]:
        """Check the serving arguments; a clear error naming a bad one."""
        import socket

        from sanic.server.runners import (
            check_backlog,
            check_host,
            check_port,
            check_unix_path,
            unix_mode_for,
        )

        if version not in (1, "1", 1.1, "1.1"):
            raise SanicException(
                f"HTTP version {version!r} is not supported: serve with version=1"
            )
        if sock is not None and unix:
            raise ValueError("give either sock= or unix=, not both")
        if sock is not None and not isinstance(sock, socket.socket):
            raise TypeError(f"sock must be a socket.socket, not {sock!r}")
        if not (unix or sock is not None or host or port is not None):
            unix = self.config.get("UNIX") or None  # from config, if nothing given
        if unix:
            unix = check_unix_path(unix)
            unix_mode = unix_mode_for(self, unix_mode)
        host = "127.0.0.1" if host is None else check_host(host)
        port = 8000 if port is None else check_port(port)
        backlog = check_backlog(backlog)
        if protocol is not None and not (
            isinstance(protocol, type) and issubclass(protocol, asyncio.Protocol)
        ):
            raise TypeError(
                f"protocol must be a subclass of asyncio.Protocol, not {protocol!r}"
            )
        if asyncio_server_kwargs is not None and not isinstance(
            asyncio_server_kwargs, dict
        ):
            raise TypeError("asyncio_server_kwargs must be a dict")
        return {
            "host": host,
            "port": port,
            "sock": sock,
            "unix": unix or None,
            "unix_mode": unix_mode,
            "ssl": ssl,
            "protocol": protocol,
            "backlog": backlog,
            "register_sys_signals": register_sys_signals,
            "connections": connections,
            "signal": signal,
            "state": state,
            "asyncio_server_kwargs": asyncio_server_kwargs,
            "stop_event": stop_event,
        }

    @staticmethod
    def _check_process_options(workers: Any, fast: bool, run_multiple: bool) -> int:
        """The number of server workers: ``workers``, or one per CPU with ``fast``."""
        if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
            raise ValueError(f"workers must be a positive integer, not {workers!r}")
        if fast:
            if workers != 1:
                raise RuntimeError("You cannot use both fast=True and workers=X")
            import os

            try:
                workers = len(os.sched_getaffinity(0))
            except AttributeError:  # not on this OS
                workers = os.cpu_count() or 1
        return workers

    def run(
        self,
        host: str | None = None,
        port: int | None = None,
        *,
        dev: bool = False,
        debug: bool = False,
        auto_reload: bool | None = None,
        version: Any = 1,
        ssl: Any = None,
        sock: Any = None,
        workers: int = 1,
        protocol: type | None = None,
        backlog: int = 100,
        register_sys_signals: bool = True,
        access_log: bool | None = None,
        unix: str | None = None,
        unix_mode: int | str | None = None,
        loop: Any = None,
        reload_dir: Any = None,
        noisy_exceptions: bool | None = None,
        motd: bool = True,
        fast: bool = False,
        verbosity: int = 0,
        motd_display: dict[str, str] | None = None,
        auto_tls: bool = False,
        single_process: bool = False,
        legacy: bool = False,
        stop_event: Any = None,
        run_multiple: bool = False,
        run_async: bool = False,
        connections: set | None = None,
        signal: Any = None,
        state: dict | None = None,
        asyncio_server_kwargs: dict[str, Any] | None = None,
        return_asyncio_server: bool = False,
    ) -> Any:
        """Serve the app until it is stopped (Ctrl+C, SIGTERM, or ``app.stop()``).

        The same as ``app.prepare(...)`` then ``Sanic.serve(primary=app)``: other
        apps that were prepared are served too. With ``run_async=True`` or
        ``return_asyncio_server=True`` nothing is served: the `AsyncioServer` is
        returned (socket bound) for the current loop, to be driven by hand.
        """
        if not (single_process or run_async or return_asyncio_server):
            from sanic.worker.launcher import refuse_nested_run

            refuse_nested_run()  # the main module, imported again by a worker
        if run_async or return_asyncio_server:
            if loop is not None:
                raise TypeError(
                    "loop is not a valid argument to run(): use create_server() to "
                    "run the app inside an existing loop"
                )
            if self._check_process_options(workers, fast, run_multiple) != 1:
                raise SanicException(
                    "run_async and return_asyncio_server serve in this process: "
                    "they take no workers= or fast="
                )
            settings = self._server_settings(
                host=host,
                port=port,
                sock=sock,
                unix=unix,
                unix_mode=unix_mode,
                ssl=ssl,
                protocol=protocol,
                backlog=backlog,
                version=version,
                register_sys_signals=register_sys_signals,
                connections=connections,
                signal=signal,
                state=state,
                asyncio_server_kwargs=asyncio_server_kwargs,
                stop_event=stop_event,
            )
            self._apply_run_options(
                debug=debug,
                dev=dev,
                access_log=access_log,
                noisy_exceptions=noisy_exceptions,
                auto_reload=auto_reload,
                host=settings["host"],
                port=settings["port"],
                unix=settings["unix"],
                verbosity=verbosity,
                reload_dir=reload_dir,
                workers=workers,
            )
            self.state.auto_tls = auto_tls
            from sanic.server.runners import serve_async

            server = serve_async(self, settings)
            self._server = server
            return server
        self.prepare(
            host,
            port,
            dev=dev,
            debug=debug,
            auto_reload=auto_reload,
            version=version,
            ssl=ssl,
            sock=sock,
            workers=workers,
            protocol=protocol,
            backlog=backlog,
            register_sys_signals=register_sys_signals,
            access_log=access_log,
            unix=unix,
            unix_mode=unix_mode,
            loop=loop,
            reload_dir=reload_dir,
            noisy_exceptions=noisy_exceptions,
            motd=motd,
            fast=fast,
            verbosity=verbosity,
            motd_display=motd_display,
            auto_tls=auto_tls,
            single_process=single_process,
            stop_event=stop_event,
            run_multiple=run_multiple,
            connections=connections,
            signal=signal,
            state=state,
            asyncio_server_kwargs=asyncio_server_kwargs,
        )
        self.state.auto_tls = auto_tls
        if single_process:
            type(self).serve_single(primary=self)
        elif legacy:
            type(self).serve_legacy(primary=self)
        else:
            type(self).serve(primary=self)
        return None

    def run_unix_socket(self, path: str, mode: int | str = 0o666, **kwargs: Any) -> Any:
        """Serve on the unix socket ``path`` with file permissions ``mode``."""
        return self.run(unix=path, unix_mode=mode, **kwargs)

    def prepare(
        self,
        host: str | None = None,
        port: int | None = None,
        *,
        dev: bool = False,
        debug: bool = False,
        auto_reload: bool | None = None,
        version: Any = 1,
        ssl: Any = None,
        sock: Any = None,
        workers: int = 1,
        protocol: type | None = None,
        backlog: int = 100,
        register_sys_signals: bool = True,
        access_log: bool | None = None,
        unix: str | None = None,
        unix_mode: int | str | None = None,
        loop: Any = None,
        reload_dir: Any = None,
        noisy_exceptions: bool | None = None,
        motd: bool = True,
        fast: bool = False,
        verbosity: int = 0,
        motd_display: dict[str, str] | None = None,
        coffee: bool = False,
        auto_tls: bool = False,
        single_process: bool = False,
        stop_event: Any = None,
        run_multiple: bool = False,
        connections: set | None = None,
        signal: Any = None,
        state: dict | None = None,
        asyncio_server_kwargs: dict[str, Any] | None = None,
    ) -> None:
        """Record a server for this app, to be started by ``Sanic.serve()``.

        Call it more than once to serve the app on several addresses, or on
        several apps to serve them together. Arguments are checked here.
        """
        if loop is not None:
            raise TypeError(
                "loop is not a valid argument to run(): use create_server() to run "
                "the app inside an existing loop"
            )
        workers = self._check_process_options(workers, fast, run_multiple)
        from sanic.server.runners import ServerInfo

        settings = self._server_settings(
            host=host,
            port=port,
            sock=sock,
            unix=unix,
            unix_mode=unix_mode,
            ssl=ssl,
            protocol=protocol,
            backlog=backlog,
            version=version,
            register_sys_signals=register_sys_signals,
            connections=connections,
            signal=signal,
            state=state,
            asyncio_server_kwargs=asyncio_server_kwargs,
            stop_event=stop_event,
        )
        self._apply_run_options(
            debug=debug,
            dev=dev,
            access_log=access_log,
            noisy_exceptions=noisy_exceptions,
            auto_reload=auto_reload,
            host=settings["host"],
            port=settings["port"],
            unix=settings["unix"],
            verbosity=verbosity,
            reload_dir=reload_dir,
            workers=workers,
        )
        self.state.auto_tls = auto_tls
        self.state.motd = motd
        self.state.motd_display = dict(motd_display or {})
        self.state.server_info.append(ServerInfo(settings))

    @classmethod
    def serve(
        cls,
        primary: Sanic | None = None,
        *,
        app_loader: Any = None,
        factory: Callable[[], Sanic] | None = None,
    ) -> None:
        """Serve every prepared app from worker processes until stopped.

        The main process runs a `WorkerManager`: it binds the sockets, runs
        the ``main_process_*`` listeners, and spawns the server workers,
        which make the app anew with ``app_loader`` (by default, the app of
        the same name the main module makes when a worker imports it).
        ``primary`` (or the app ``app_loader.load()`` or ``factory()`` makes)
        comes first.
        """
        from sanic.worker.launcher import refuse_nested_run, serve_with_manager

        refuse_nested_run()
        if primary is None:
            if app_loader is not None:
                primary = app_loader.load()
            elif factory is not None:
                from sanic.worker.loader import AppLoader

                app_loader = AppLoader(factory=factory)
                primary = app_loader.load()
        apps = cls._prepared_apps(primary)
        try:
            serve_with_manager(apps, app_loader=app_loader)
        finally:
            for app in apps:
                app.state.server_info.clear()

    @classmethod
    def _prepared_apps(cls, primary: Sanic | None) -> list[Sanic]:
        """The apps to serve, ``primary`` first; a clear error if there is none."""
        apps = [app for app in cls._app_registry.values() if app.state.server_info]
        if primary is not None and primary not in apps:
            apps.append(primary)
        if primary is not None:
            if not primary.state.server_info:
                for app in apps:
                    app.state.server_info.clear()
                raise SanicException(
                    f"{primary!r} was not prepared: call app.prepare(...) "
                    "before Sanic.serve()"
                )
            apps.remove(primary)
            apps.insert(0, primary)
        if not apps:
            raise SanicException(
                "Did not find any applications to serve: "
                "call app.prepare(...) before Sanic.serve()"
            )
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            pass
        else:
            for app in apps:
                app.state.server_info.clear()
            raise SanicException(
                "Cannot serve from inside a running event loop: "
                "use 'await app.create_server(...)' there instead"
            )
        return apps

    @classmethod
    def serve_single(cls, primary: Sanic | None = None) -> None:
        """Serve the prepared apps in this process, with no worker processes."""
        from sanic.server.runners import serve_apps

        apps = cls._prepared_apps(primary)
        try:
            entries = [(app, info) for app in apps for info in app.state.server_info]
            register = entries[0][1].settings.get("register_sys_signals", True)
            serve_apps(entries, register_sys_signals=register)
        finally:
            for app in apps:
                app.state.server_info.clear()

    @classmethod
    def serve_legacy(cls, primary: Sanic | None = None) -> None:
        """Sanic's pre-worker-manager runner (deprecated): the workers are
        forked children of this process, with no manager."""
        from sanic.worker.legacy import serve_legacy

        apps = cls._prepared_apps(primary)
        try:
            serve_legacy(apps)
        finally:
            for app in apps:
                app.state.server_info.clear()

    # ---- the process model ------------------------------------------------------

    @property
    def shared_ctx(self) -> Any:
        """Objects shared by every worker: assign them in main_process_start."""
        if self._shared_ctx is None:
            from sanic.types.shared_ctx import SharedContext

            self._shared_ctx = SharedContext()
        return self._shared_ctx

    @property
    def multiplexer(self) -> Any:
        """This worker's `WorkerMultiplexer` (only in a worker process)."""
        if self._multiplexer is None:
            from sanic.worker.multiplexer import NoMultiplexer

            raise NoMultiplexer(
                "app.m (the multiplexer) only exists in worker processes that "
                "the worker manager started, not with single_process=True or "
                "in the main process"
            )
        return self._multiplexer

    @multiplexer.setter
    def multiplexer(self, value: Any) -> None:
        self._multiplexer = value

    m = multiplexer

    @property
    def manager(self) -> Any:
        """The `WorkerManager` (only in the main process, while it serves)."""
        if self._manager is None:
            raise SanicException(
                "app.manager only exists in the main process while it serves "
                "with worker processes: use it in a main_process_ready listener"
            )
        return self._manager

    async def create_server(
        self,
        host: str | None = None,
        port: int | None = None,
        *,
        debug: bool = False,
        ssl: Any = None,
        sock: Any = None,
        protocol: type | None = None,
        backlog: int = 100,
        access_log: bool | None = None,
        unix: str | None = None,
        unix_mode: int | str | None = None,
        return_asyncio_server: bool = True,
        asyncio_server_kwargs: dict[str, Any] | None = None,
        noisy_exceptions: bool | None = None,
    ) -> Any:
        """Bind a server in the running loop and return an `AsyncioServer`.

        Nothing is served until ``await server.startup()`` and then
        ``start_serving()`` or ``serve_forever()``. With
        ``return_asyncio_server=False`` the server is started here (startup and
        start listeners run), the asyncio server is returned, and
        ``app.stop()`` shuts it down gracefully.
        """
        from sanic.server.runners import serve_async

        settings = self._server_settings(
            host=host,
            port=port,
            sock=sock,
            unix=unix,
            unix_mode=unix_mode,
            ssl=ssl,
            protocol=protocol,
            backlog=backlog,
            asyncio_server_kwargs=asyncio_server_kwargs,
        )
        self._apply_run_options(
            debug=debug,
            dev=False,
            access_log=access_log,
            noisy_exceptions=noisy_exceptions,
            auto_reload=False,
            host=settings["host"],
            port=settings["port"],
            unix=settings["unix"],
        )
        loop = asyncio.get_running_loop()
        server = serve_async(self, settings, loop=loop)
        try:
            await server
        except BaseException:
            await server.wait_closed()  # closes the socket, removes a unix file
            raise
        self._server = server
        if return_asyncio_server:
            return server
        server._managed = True
        await server.startup()
        await server.before_start()
        await server.start_serving()
        self.state.is_running = True
        await server.after_start()
        return server.server

    def stop(self, terminate: bool = True, unregister: bool = False) -> None:
        """Stop serving, gracefully; callable from a handler, a task, or a thread.

        New connections are refused, requests in flight get up to
        GRACEFUL_SHUTDOWN_TIMEOUT to finish, then the stop listeners run and
        ``run()`` returns. A server driven by hand (``create_server``) is
        closed, which ends its ``serve_forever()``. In a worker process,
        ``terminate=True`` asks the manager to shut the whole server down.
        """
        if terminate and self._multiplexer is not None:
            self._multiplexer.terminate()
            if unregister:
                self.unregister_app(self)
            return
        stopper = self._stop_event
        if stopper is not None:
            stopper.set()
        elif self._server is not None:
            self._server._request_stop()
        if unregister:
            self.unregister_app(self)

    # ---- testing ----------------------------------------------------------------

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        """The app as an ASGI 3 application (uvicorn, hypercorn, granian...)."""
        from sanic.asgi import ASGIApp

        await ASGIApp.create(self, scope, receive, send)

    @property
    def logger(self) -> logging.Logger:
        """``sanic.log.logger`` ("sanic.root"), for ``app.logger.info(...)``."""
        from sanic.log import logger

        return logger

    @property
    def asgi_client(self) -> Any:
        """Like `test_client`, through the app's ASGI interface, without a socket."""
        if self._asgi_client is None:
            from sanic.testing import SanicASGITestClient

            self._asgi_client = SanicASGITestClient(self)
        return self._asgi_client

    @property
    def test_client(self) -> Any:
        """A client that starts the real server on a free port for each request."""
        if self._test_client is None:
            from sanic.testing import SanicTestClient

            self._test_client = SanicTestClient(self)
        return self._test_client
