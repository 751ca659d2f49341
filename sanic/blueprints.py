"""Blueprints: routes, middleware, handlers and listeners recorded for later.

A `Blueprint` records what its decorators are given as *futures*. When an app
registers it (``app.blueprint(bp, **options)``) the blueprint is *mounted*: its
url_prefix, version, version_prefix, strict_slashes and host are resolved
against the options and the enclosing groups, and every future is replayed onto
the app. Futures recorded after registration are replayed onto every mount at
once, so a blueprint may be registered before or after it is filled.

Precedence, most specific first (https://sanic.dev/en/guide/advanced/versioning.html):
route, blueprint, blueprint group (inner, then outer), ``app.blueprint`` options.
An ``app.blueprint(bp, url_prefix=...)`` prefix replaces the blueprint's own;
group prefixes are prepended.
"""

from __future__ import annotations

import copy as _copy
import itertools
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

from sanic.app import _VALID_NAME
from sanic.constants import HTTP_METHODS
from sanic.decorators import DecoratorShortcuts
from sanic.exceptions import SanicException
from sanic.helpers import Default, _default
from sanic.listeners import normalize_event
from sanic.signals import Event

if TYPE_CHECKING:
    from sanic.app import Sanic
    from sanic.blueprint_group import BlueprintGroup

__all__ = ("Blueprint",)

_DEFAULT_VERSION_PREFIX = "/v"
# Declaration order of middleware across blueprints and groups: a mount applies
# its blueprint's and its groups' middleware in the order they were declared.
_declared = itertools.count()


def first_given(*values: Any) -> Any:
    """The first value that is not None (the most specific setting given)."""
    return next((value for value in values if value is not None), None)


def pick_version_prefix(*prefixes: str | None) -> str:
    """The most specific version prefix: "/v" is the default, so it means unset."""
    return next(
        (p for p in prefixes if p and p != _DEFAULT_VERSION_PREFIX),
        _DEFAULT_VERSION_PREFIX,
    )


def join_prefixes(*prefixes: str | None) -> str | None:
    """``("/api/", "v2", None)`` -> ``"/api/v2"``; None when all are empty."""
    parts = [p.strip("/") for p in prefixes if p and p.strip("/")]
    return "/" + "/".join(parts) if parts else None


def _join_uri(prefix: str | None, uri: str, strict_slashes: bool | None) -> str:
    """A route's path under a prefix.

    The root route of a prefixed blueprint is the prefix itself ("/api"), or
    "/api/" when slashes are strict.
    """
    base = (prefix or "").rstrip("/")
    if not base:
        return uri
    if not uri.strip("/"):
        return base + "/" if strict_slashes else base
    return f"{base}/{uri.lstrip('/')}"


# ---- what a blueprint records -------------------------------------------------


@dataclass
class _Mount:
    """One registration of a blueprint on an app, with its options resolved."""

    blueprint: Blueprint
    app: Sanic
    name: str
    url_prefix: str | None
    host: Any
    version: Any
    version_prefix: str
    strict_slashes: bool | None
    groups: tuple[BlueprintGroup, ...]
    route_names: list[str] = field(default_factory=list)

    def route_name(self, name: str) -> str:
        """The full route name, "app.bp.handler" (the app keeps it as given)."""
        return f"{self.app.name}.{self.name}.{name}"

    def app_method(self, method: str, feature: str) -> Callable[..., Any]:
        """``app.<method>``, or a clear error when the app lacks the feature."""
        found = getattr(self.app, method, None)
        if found is None:
            raise SanicException(
                f'Blueprint "{self.blueprint.name}" has {feature}, which app '
                f'"{self.app.name}" does not support yet'
            )
        return found  # type: ignore[no-any-return]

    def scoped_futures(self) -> list[Any]:
        """Middleware and exception handlers for this mount's routes."""
        futures = list(self.blueprint._scoped)
        for group in self.groups:
            futures.extend(group._scoped)
        return sorted(futures, key=lambda future: future.declared)


@dataclass(frozen=True)
class _FutureRoute:
    handler: Callable[..., Any]
    uri: str
    host: Any
    strict_slashes: bool | None
    version: Any
    version_prefix: str
    name: str | None
    websocket: bool
    options: dict[str, Any]

    def apply(self, mount: _Mount) -> str:
        strict_slashes = first_given(self.strict_slashes, mount.strict_slashes)
        name = mount.route_name(
            self.name or getattr(self.handler, "__name__", None) or repr(self.handler)
        )
        register = (
            mount.app_method("websocket", "websocket routes")
            if self.websocket
            else mount.app.route
        )
        register(
            _join_uri(mount.url_prefix, self.uri, strict_slashes),
            host=first_given(self.host, mount.host),
            strict_slashes=strict_slashes,
            version=first_given(self.version, mount.version),
            version_prefix=pick_version_prefix(
                self.version_prefix, mount.version_prefix
            ),
            name=name,
            **self.options,
        )(self.handler)
        return name


@dataclass(frozen=True)
class _FutureStatic:
    uri: str
    file_or_directory: Any
    name: str
    host: Any
    strict_slashes: bool | None
    options: dict[str, Any]

    def apply(self, mount: _Mount) -> str:
        strict_slashes = first_given(self.strict_slashes, mount.strict_slashes)
        name = mount.route_name(self.name)
        mount.app_method("static", "static files")(
            _join_uri(mount.url_prefix, self.uri, strict_slashes),
            self.file_or_directory,
            name=name,
            host=first_given(self.host, mount.host),
            strict_slashes=strict_slashes,
            **self.options,
        )
        return name


@dataclass(frozen=True)
class _FutureMiddleware:
    func: Callable[..., Any]
    attach_to: str
    priority: int
    declared: int = field(default_factory=lambda: next(_declared))

    def apply(self, app: Sanic, route_names: Sequence[str]) -> None:
        if route_names:
            app.register_named_middleware(
                self.func, route_names, self.attach_to, priority=self.priority
            )


@dataclass(frozen=True)
class _FutureException:
    handler: Callable[..., Any]
    exceptions: tuple[type[BaseException], ...]
    declared: int = field(default_factory=lambda: next(_declared))

    def apply(self, app: Sanic, route_names: Sequence[str]) -> None:
        if route_names:  # no names would make the handler app-wide
            for exception in self.exceptions:
                app.error_handler.add(exception, self.handler, list(route_names))


@dataclass(frozen=True)
class _FutureListener:
    func: Callable[..., Any]
    event: str
    priority: int

    def apply(self, app: Sanic, blueprint: Blueprint) -> None:
        app.register_listener(self.func, self.event, priority=self.priority)


@dataclass(frozen=True)
class _FutureSignal:
    handler: Callable[..., Any]
    event: str | Event
    condition: dict[str, Any] | None
    exclusive: bool
    priority: int

    def apply(self, app: Sanic, blueprint: Blueprint) -> None:
        # The condition lets bp.dispatch() reach this blueprint's handlers only.
        condition = {**(self.condition or {}), "__blueprint__": blueprint.name}
        app.signal(
            self.event,
            condition=condition,
            exclusive=self.exclusive,
            priority=self.priority,
        )(self.handler)


def _flatten_exceptions(
    exceptions: Iterable[Any],
) -> tuple[type[BaseException], ...]:
    flat: list[type[BaseException]] = []
    for item in exceptions:
        flat.extend(item if isinstance(item, (list, tuple)) else [item])
    return tuple(flat)


def _check_location(attach_to: str) -> str:
    if attach_to not in ("request", "response"):
        raise SanicException(
            f"Invalid middleware location {attach_to!r}: use 'request' or 'response'"
        )
    return attach_to


class ScopedDecorators:
    """``middleware``, ``on_request``, ``on_response`` and ``exception``.

    Shared by blueprints and groups: what they register applies only to the
    routes of the blueprints concerned.
    """

    _scoped: list[Any]

    def _add_scoped(self, future: Any) -> None:
        raise NotImplementedError

    def middleware(
        self,
        middleware_or_request: Callable[..., Any] | str | None = None,
        attach_to: str = "request",
        *,
        priority: int = 0,
    ) -> Any:
        """``@bp.middleware``, ``@bp.middleware("response")`` or ``bp.middleware(fn)``."""
        if callable(middleware_or_request):
            return self._add_middleware(middleware_or_request, attach_to, priority)
        location = middleware_or_request or attach_to
        return lambda func: self._add_middleware(func, location, priority)

    def on_request(
        self, middleware: Callable[..., Any] | None = None, *, priority: int = 0
    ) -> Any:
        return self.middleware(middleware, "request", priority=priority)

    def on_response(
        self, middleware: Callable[..., Any] | None = None, *, priority: int = 0
    ) -> Any:
        return self.middleware(middleware, "response", priority=priority)

    def _add_middleware(
        self, func: Callable[..., Any], attach_to: str, priority: int
    ) -> Callable[..., Any]:
        self._add_scoped(_FutureMiddleware(func, _check_location(attach_to), priority))
        return func

    def exception(
        self, *exceptions: type[BaseException] | Sequence[type[BaseException]]
    ) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        """Handle these exceptions when they arise in this scope's routes."""
        flat = _flatten_exceptions(exceptions)

        def decorator(handler: Callable[..., Any]) -> Callable[..., Any]:
            self._add_scoped(_FutureException(handler, flat))
            return handler

        return decorator


class Blueprint(DecoratorShortcuts, ScopedDecorators):
    """A named collection of routes, middleware, handlers and listeners."""

    def __init__(
        self,
        name: str,
        url_prefix: str | None = None,
        host: str | list[str] | None = None,
        version: int | str | float | None = None,
        strict_slashes: bool | None = None,
        version_prefix: str = _DEFAULT_VERSION_PREFIX,
    ) -> None:
        if not isinstance(name, str) or not _VALID_NAME.match(name):
            raise SanicException(
                f"Blueprint name {name!r} is invalid: it must start with a letter "
                "and contain only letters, digits, '_' and '-'"
            )
        self.name = name
        self.url_prefix = url_prefix
        self.host = host
        self.version = version
        self.strict_slashes = strict_slashes
        self.version_prefix = version_prefix
        self.ctx: Any = SimpleNamespace()
        self._routes: list[_FutureRoute | _FutureStatic] = []
        self._scoped: list[_FutureMiddleware | _FutureException] = []
        self._app_wide: list[_FutureListener | _FutureSignal] = []
        self._mounts: list[_Mount] = []
        self._apps: dict[Sanic, None] = {}  # ordered set

    def __repr__(self) -> str:
        return (
            f'{self.__class__.__name__}(name="{self.name}", '
            f"url_prefix={self.url_prefix!r}, host={self.host!r}, "
            f"version={self.version!r}, strict_slashes={self.strict_slashes!r})"
        )

    # ---- registration ----------------------------------------------------------

    @property
    def apps(self) -> set[Sanic]:
        """The apps this blueprint is registered on."""
        if not self._apps:
            raise SanicException(
                f"{self} has not yet been registered to an app, so it has no apps"
            )
        return set(self._apps)

    @property
    def registered(self) -> bool:
        return bool(self._apps)

    def register(self, app: Sanic, options: dict[str, Any]) -> None:
        """Mount this blueprint on ``app`` (called by ``app.blueprint``).

        ``options`` are those given to ``app.blueprint`` (or computed by a
        group): url_prefix, version, version_prefix, strict_slashes, host,
        name_prefix.
        """
        name_prefix = options.get("name_prefix")
        url_prefix = options.get("url_prefix")
        mount = _Mount(
            blueprint=self,
            app=app,
            name=f"{name_prefix}_{self.name}" if name_prefix else self.name,
            url_prefix=self.url_prefix if url_prefix is None else url_prefix,
            host=first_given(self.host, options.get("host")),
            version=first_given(self.version, options.get("version")),
            version_prefix=pick_version_prefix(
                self.version_prefix, options.get("version_prefix")
            ),
            strict_slashes=first_given(
                self.strict_slashes, options.get("strict_slashes")
            ),
            groups=tuple(options.get("_groups", ())),
        )
        self._mount_routes(mount, self._routes)
        self._mounts.append(mount)
        if app not in self._apps:  # listeners and signals once per app
            self._apps[app] = None
            for app_wide in self._app_wide:
                app_wide.apply(app, self)

    def _mount_routes(
        self, mount: _Mount, routes: Sequence[_FutureRoute | _FutureStatic]
    ) -> None:
        names = [route.apply(mount) for route in routes]
        for scoped in mount.scoped_futures():
            scoped.apply(mount.app, names)
        mount.route_names.extend(names)

    def _add_route(self, future: _FutureRoute | _FutureStatic) -> None:
        self._routes.append(future)
        for mount in self._mounts:
            self._mount_routes(mount, [future])

    def _add_scoped(self, future: _FutureMiddleware | _FutureException) -> None:
        self._scoped.append(future)
        for mount in self._mounts:
            future.apply(mount.app, mount.route_names)

    def _add_group_scoped(
        self, group: BlueprintGroup, future: _FutureMiddleware | _FutureException
    ) -> None:
        """A group's new middleware or handler, for the mounts made through it."""
        for mount in self._mounts:
            if group in mount.groups:
                future.apply(mount.app, mount.route_names)

    def _add_app_wide(self, future: _FutureListener | _FutureSignal) -> None:
        self._app_wide.append(future)
        for app in self._apps:
            future.apply(app, self)

    def copy(
        self,
        name: str,
        url_prefix: str | None | Default = _default,
        version: int | str | float | None | Default = _default,
        version_prefix: str | Default = _default,
        strict_slashes: bool | None | Default = _default,
        with_registration: bool = True,
        with_ctx: bool = False,
    ) -> Blueprint:
        """A new blueprint with everything attached to this one.

        Arguments left out keep this blueprint's values. ``with_registration``
        registers the copy on every app this blueprint is registered on;
        ``with_ctx`` gives the copy a shallow copy of ``ctx`` (else an empty one).
        """
        new = Blueprint(
            name,
            url_prefix=self.url_prefix if url_prefix is _default else url_prefix,  # type: ignore[arg-type]
            host=self.host,
            version=self.version if version is _default else version,  # type: ignore[arg-type]
            strict_slashes=(
                self.strict_slashes if strict_slashes is _default else strict_slashes  # type: ignore[arg-type]
            ),
            version_prefix=(
                self.version_prefix if version_prefix is _default else version_prefix  # type: ignore[arg-type]
            ),
        )
        new._routes = list(self._routes)
        new._scoped = list(self._scoped)
        new._app_wide = list(self._app_wide)
        if with_ctx:
            new.ctx = _copy.copy(self.ctx)
        if with_registration:
            for app in self._apps:
                app.blueprint(new)
        return new

    @staticmethod
    def group(
        *blueprints: Blueprint | BlueprintGroup | Sequence[Any],
        url_prefix: str | None = None,
        version: int | str | float | None = None,
        strict_slashes: bool | None = None,
        version_prefix: str = _DEFAULT_VERSION_PREFIX,
        name_prefix: str | None = "",
    ) -> BlueprintGroup:
        """A `BlueprintGroup` of these blueprints (lists and tuples are flattened)."""
        from sanic.blueprint_group import BlueprintGroup

        group = BlueprintGroup(
            url_prefix=url_prefix,
            version=version,
            strict_slashes=strict_slashes,
            version_prefix=version_prefix,
            name_prefix=name_prefix,
        )
        group.extend(_flatten_blueprints(blueprints))
        return group

    # ---- routes ------------------------------------------------------------------

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
        subprotocols: list[str] | None = None,
        websocket: bool = False,
        unquote: bool = False,
        static: bool = False,
        version_prefix: str = _DEFAULT_VERSION_PREFIX,
        error_format: str | None = None,
        **ctx_kwargs: Any,
    ) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        """Record the decorated function as the handler for ``uri``."""
        if websocket:
            options: dict[str, Any] = {"subprotocols": subprotocols}
        else:
            options = {
                "methods": frozenset(m.upper() for m in (methods or ("GET",))),
                "stream": stream,
                "ignore_body": ignore_body,
                "unquote": unquote,
                "static": static,
            }
        options.update(error_format=error_format, **ctx_kwargs)

        def decorator(handler: Callable[..., Any]) -> Callable[..., Any]:
            if isinstance(handler, tuple):  # stacked route decorators
                handler = handler[1]
            self._add_route(
                _FutureRoute(
                    handler,
                    uri,
                    host,
                    strict_slashes,
                    version,
                    version_prefix,
                    name,
                    websocket,
                    options,
                )
            )
            return handler

        return decorator

    def add_route(
        self,
        handler: Callable[..., Any],
        uri: str,
        methods: Iterable[str] = frozenset({"GET"}),
        host: str | list[str] | None = None,
        strict_slashes: bool | None = None,
        version: int | str | float | None = None,
        name: str | None = None,
        stream: bool = False,
        version_prefix: str = _DEFAULT_VERSION_PREFIX,
        error_format: str | None = None,
        unquote: bool = False,
        **ctx_kwargs: Any,
    ) -> Callable[..., Any]:
        """Record ``handler`` (a function or a class-based view) for ``uri``."""
        view_class = getattr(handler, "view_class", None)
        if view_class is not None:
            methods = [m for m in HTTP_METHODS if getattr(view_class, m.lower(), None)]
        return self.route(
            uri,
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

    def websocket(
        self,
        uri: str,
        host: str | list[str] | None = None,
        strict_slashes: bool | None = None,
        subprotocols: list[str] | None = None,
        version: int | str | float | None = None,
        name: str | None = None,
        version_prefix: str = _DEFAULT_VERSION_PREFIX,
        error_format: str | None = None,
        **ctx_kwargs: Any,
    ) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        """Record the decorated function as the websocket handler for ``uri``."""
        return self.route(
            uri,
            host=host,
            strict_slashes=strict_slashes,
            subprotocols=subprotocols,
            version=version,
            name=name,
            websocket=True,
            version_prefix=version_prefix,
            error_format=error_format,
            **ctx_kwargs,
        )

    def add_websocket_route(
        self,
        handler: Callable[..., Any],
        uri: str,
        host: str | list[str] | None = None,
        strict_slashes: bool | None = None,
        subprotocols: list[str] | None = None,
        version: int | str | float | None = None,
        name: str | None = None,
        version_prefix: str = _DEFAULT_VERSION_PREFIX,
        error_format: str | None = None,
        **ctx_kwargs: Any,
    ) -> Callable[..., Any]:
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

    def static(
        self,
        uri: str,
        file_or_directory: Any,
        pattern: str | None = None,
        *,
        name: str = "static",
        host: str | list[str] | None = None,
        strict_slashes: bool | None = None,
        **options: Any,
    ) -> None:
        """Record a static file or directory; ``options`` go to ``app.static``."""
        if pattern is not None:
            options["pattern"] = pattern
        self._add_route(
            _FutureStatic(uri, file_or_directory, name, host, strict_slashes, options)
        )

    # ---- listeners and signals --------------------------------------------------

    def listener(
        self,
        listener_or_event: Callable[..., Any] | str,
        event_or_none: str | None = None,
        *,
        priority: int = 0,
    ) -> Any:
        """``@bp.listener("before_server_start")`` or ``bp.listener(fn, "event")``."""
        if callable(listener_or_event):
            if event_or_none is None:
                raise SanicException("Listener registered without an event name")
            normalize_event(event_or_none)  # an unknown event fails here, not later
            self._add_app_wide(
                _FutureListener(listener_or_event, event_or_none, priority)
            )
            return listener_or_event
        event = listener_or_event
        return lambda fn: self.listener(fn, event, priority=priority)

    def signal(
        self,
        event: str | Event,
        *,
        condition: dict[str, Any] | None = None,
        exclusive: bool = True,
        priority: int = 0,
    ) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        """Record the decorated function as a handler of ``event``."""

        def decorator(handler: Callable[..., Any]) -> Callable[..., Any]:
            self._add_app_wide(
                _FutureSignal(handler, event, condition, exclusive, priority)
            )
            return handler

        return decorator

    def add_signal(
        self,
        handler: Callable[..., Any],
        event: str | Event,
        condition: dict[str, Any] | None = None,
        exclusive: bool = True,
        *,
        priority: int = 0,
    ) -> Callable[..., Any]:
        return self.signal(
            event, condition=condition, exclusive=exclusive, priority=priority
        )(handler)

    async def dispatch(
        self,
        event: str,
        *,
        condition: dict[str, Any] | None = None,
        context: dict[str, Any] | None = None,
        fail_not_found: bool = True,
        inline: bool = False,
        reverse: bool = False,
    ) -> None:
        """Dispatch ``event`` to this blueprint's signal handlers only, on each app."""
        condition = {**(condition or {}), "__blueprint__": self.name}
        for app in self.apps:
            await app.dispatch(
                event,
                condition=condition,
                context=context,
                fail_not_found=fail_not_found,
                inline=inline,
                reverse=reverse,
            )


def _flatten_blueprints(items: Iterable[Any]) -> list[Blueprint | BlueprintGroup]:
    """Lists and tuples are unpacked; groups stay nested."""
    flat: list[Blueprint | BlueprintGroup] = []
    for item in items:
        if isinstance(item, (list, tuple)):
            flat.extend(_flatten_blueprints(item))
        else:
            flat.append(item)
    return flat
