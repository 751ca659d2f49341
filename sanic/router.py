"""The HTTP router: registers routes, compiles them, and resolves requests.

Resolution order: a static path is one dict lookup (``path -> {method: route}``);
anything else walks a segment trie compiled by ``finalize()`` (see
``sanic.routing.tree``). Adding a route after ``finalize()`` marks the tables
dirty; the next ``get()`` recompiles them.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from types import SimpleNamespace
from typing import Any

from sanic.exceptions import MethodNotAllowed, NotFound
from sanic.routing.encoding import canonical_path, needs_canonical
from sanic.routing.exceptions import RouteExists
from sanic.routing.parser import EMPTY, STATIC, Segment, parse_path
from sanic.routing.patterns import PatternRegistry
from sanic.routing.route import Route, RouteGroup
from sanic.routing.tree import Endpoint, HostKeys, Tree

__all__ = ("Route", "RouteGroup", "Router")

ResolveResult = tuple[Route, Callable[..., Any], dict[str, Any]]


# Dynamic paths remembered after resolution (Sanic's router caches 1024 too).
ROUTE_CACHE_SIZE = 1024


class Router:
    """Routes requests to handlers by path, method and Host header."""

    def __init__(self) -> None:
        self.ctx = SimpleNamespace()
        self._types = PatternRegistry()
        self.reset()

    # ---- registration ---------------------------------------------------------

    def reset(self) -> None:
        """Remove every route (registered parameter types are kept)."""
        self._routes: list[Route] = []
        self._taken: dict[tuple[tuple[str, ...], str | None, str], Route] = {}
        self.name_index: dict[str, Route] = {}
        self._suffixes: dict[str, list[str]] | None = None
        self.routes_all: dict[tuple[str, ...], RouteGroup] = {}
        self.routes_static: dict[tuple[str, ...], RouteGroup] = {}
        self.routes_dynamic: dict[tuple[str, ...], RouteGroup] = {}
        self.routes_regex: dict[tuple[str, ...], RouteGroup] = {}
        self.has_hosts = False
        # One dict object for the router's lifetime: servers keep a reference
        # to it for their inlined static lookup, so it is emptied and refilled
        # in place, and emptied whenever the routes change (lookups then miss
        # and go through get(), which compiles the table again).
        static = getattr(self, "_static", None)
        if static is None:
            self._static: dict[str, dict[str, Route]] = {}
        else:
            static.clear()
        self._static_hosts: dict[str, Endpoint] = {}
        self._tree: Tree | None = None
        # path -> method -> (route, params) for dynamic paths seen recently.
        self._cache: dict[str, dict[str, tuple[Route, dict[str, Any]]]] = {}
        self._dirty = True

    def register_pattern(
        self,
        label: str,
        cast: Callable[[str], Any],
        pattern: str | re.Pattern[str],
    ) -> None:
        """Add a parameter type: ``<name:label>`` matches ``pattern``, then ``cast``."""
        self._types.register(label, cast, pattern)

    def add(
        self,
        uri: str,
        methods: Iterable[str],
        handler: Callable[..., Any],
        host: str | Iterable[str] | None = None,
        strict_slashes: bool = False,
        stream: bool = False,
        ignore_body: bool = False,
        version: str | int | float | None = None,
        name: str | None = None,
        unquote: bool = False,
        static: bool = False,
        version_prefix: str = "/v",
        overwrite: bool = False,
        error_format: str | None = None,
        websocket: bool = False,
        **kwargs: Any,
    ) -> Route | list[Route]:
        """Register ``handler``; a list of routes is returned for several hosts."""
        path = _full_path(uri, version, version_prefix)
        parsed = parse_path(path, self._types)
        route_methods = _methods(methods)
        hosts = _hosts(host)
        ctx = {
            key[4:]: value for key, value in kwargs.items() if key.startswith("ctx_")
        }
        others = {k: v for k, v in kwargs.items() if not k.startswith("ctx_")}
        route_name = name or getattr(handler, "__name__", None) or repr(handler)
        targets: list[str | None] = [*hosts] or [None]
        routes = [
            Route(
                self,
                path,
                parsed,
                handler,
                route_methods,
                route_name,
                strict=bool(strict_slashes),
                unquote=unquote,
                requirements={"host": one_host} if one_host else {},
                ctx=SimpleNamespace(**ctx),
                extra=SimpleNamespace(
                    ignore_body=ignore_body,
                    stream=stream,
                    hosts=list(hosts) if hosts else None,
                    static=static,
                    error_format=error_format,
                    websocket=websocket,
                    version=version,
                    version_prefix=version_prefix,
                    **others,
                ),
            )
            for one_host in targets
        ]
        for route in routes:  # check them all before registering any
            self._check_free(route, overwrite)
        for route in routes:
            self._register(route)
        return routes if len(routes) > 1 else routes[0]

    def _signature(self, route: Route) -> tuple[str, ...]:
        return tuple(segment.key for segment in route.parsed)

    def _check_free(self, route: Route, overwrite: bool) -> None:
        signature = self._signature(route)
        host = _lower(route.requirements.get("host"))
        for method in route.methods:
            taken = self._taken.get((signature, host, method))
            if taken is None:
                continue
            if overwrite:
                self._unregister(taken)
                continue
            where = f" for host {host}" if host else ""
            raise RouteExists(
                f"Route already registered: {route.uri} [{method}]{where} "
                f"(handler {taken.name})"
            )

    def _register(self, route: Route) -> None:
        signature = self._signature(route)
        host = _lower(route.requirements.get("host"))
        for method in route.methods:
            self._taken[(signature, host, method)] = route
        self._routes.append(route)
        self.name_index.setdefault(route.name, route)
        self._suffixes = None
        for table in self._group_tables(route):
            group = table.get(route.segments)
            if group is None:
                group = table[route.segments] = RouteGroup(route.segments)
            group.routes.append(route)
        if host:
            self.has_hosts = True
        self._dirty = True
        self._static.clear()

    def _unregister(self, route: Route) -> None:
        self._routes.remove(route)
        self._taken = {key: r for key, r in self._taken.items() if r is not route}
        if self.name_index.get(route.name) is route:
            del self.name_index[route.name]
            for other in self._routes:
                if other.name == route.name:
                    self.name_index[route.name] = other
                    break
        self._suffixes = None
        for table in self._group_tables(route):
            group = table[route.segments]
            group.routes.remove(route)
            if not group.routes:
                del table[route.segments]
        self.has_hosts = any(r.requirements.get("host") for r in self._routes)
        self._dirty = True
        self._static.clear()

    def _group_tables(self, route: Route) -> list[dict[tuple[str, ...], RouteGroup]]:
        if route.static:
            kind = self.routes_static
        elif route.regex:
            kind = self.routes_regex
        else:
            kind = self.routes_dynamic
        return [self.routes_all, kind]

    # ---- introspection ------------------------------------------------------

    @property
    def routes(self) -> tuple[Route, ...]:
        return tuple(self._routes)

    @property
    def groups(self) -> dict[tuple[str, ...], RouteGroup]:
        return self.routes_all

    def find_route_by_view_name(
        self, view_name: str, name: str | None = None
    ) -> Route | None:
        """The route named ``view_name`` (or ``name``).

        A name without the app prefix ("index" for "myapp.index") is accepted when
        only one route ends with it.
        """
        if not view_name:
            return None
        for candidate in (view_name, name):
            if candidate and candidate in self.name_index:
                return self.name_index[candidate]
        app = getattr(self.ctx, "app", None)
        app_name = getattr(app, "name", None)
        if app_name and f"{app_name}.{view_name}" in self.name_index:
            return self.name_index[f"{app_name}.{view_name}"]
        if self._suffixes is None:
            self._suffixes = defaultdict(list)
            for full in self.name_index:
                pieces = full.split(".")
                for start in range(1, len(pieces)):
                    self._suffixes[".".join(pieces[start:])].append(full)
        matches = self._suffixes.get(view_name, ())
        return self.name_index[matches[0]] if len(matches) == 1 else None

    # ---- compilation --------------------------------------------------------

    def finalize(self, *args: Any, **kwargs: Any) -> None:
        """Compile the lookup tables; idempotent, and cheap when nothing changed."""
        if not self._dirty:
            return
        static_entries: dict[str, list[tuple[Route, bool]]] = defaultdict(list)
        tree = Tree()
        dynamic = False
        for route in self._routes:
            variants = [(route.parsed, False)]
            if not route.strict:
                alternate = _slash_alternate(route.parsed)
                if alternate is not None:
                    variants.append((alternate, True))
            for segments, is_alternate in variants:
                if route.static:
                    for key in _static_keys(segments):
                        static_entries[key].append((route, is_alternate))
                else:
                    tree.insert(segments, route, is_alternate)
                    dynamic = True
        static: dict[str, dict[str, Route]] = {}
        self._static_hosts = {}
        for key, entries in static_entries.items():
            endpoint = Endpoint(entries)
            if endpoint.hosts is None:
                static[key] = endpoint.any
            else:
                self._static_hosts[key] = endpoint
        self._static.clear()
        self._static.update(static)
        if dynamic:
            tree.compile()
        self._tree = tree if dynamic else None
        self._cache = {}
        self._dirty = False

    # ---- resolution ---------------------------------------------------------

    def get(self, path: str, method: str, host: str | None = None) -> ResolveResult:
        """Resolve a request: ``(route, handler, params)``, or NotFound / 405."""
        if self._dirty:
            self.finalize()
        methods = self._static.get(path)
        if methods is not None:
            route = methods.get(method)
            if route is not None:
                return route, route.handler, {}
        cached = self._cache.get(path)
        if cached is not None:
            hit = cached.get(method)
            if hit is not None:
                route, params = hit
                return route, route.handler, params.copy()
        return self._resolve(path, method, host)

    def _resolve(self, path: str, method: str, host: str | None) -> ResolveResult:
        """The common dynamic case: no backtracking, no percent-encoding."""
        hosts = _host_keys(host) if host and self.has_hosts else None
        if self._static_hosts:
            endpoint = self._static_hosts.get(path)
            if endpoint is not None:
                route = endpoint.lookup(method, hosts)
                if route is not None:
                    return route, route.handler, {}
        tree = self._tree
        if tree is not None and path[:1] == "/":
            found = tree.quick_match(path, method, hosts)
            if found is not None:
                route, values = found
                params = route.make_params(values)
                if not self.has_hosts:
                    self._remember(path, method, route, params)
                return route, route.handler, params.copy()
        return self._search(path, method, hosts)

    def _remember(self, path: str, method: str, route: Route, params: dict) -> None:
        """Cache a dynamic match; bounded, so hostile unique paths cost only a clear."""
        cache = self._cache
        if len(cache) >= ROUTE_CACHE_SIZE:
            cache.clear()
        cache.setdefault(path, {})[method] = (route, params)

    def _search(self, path: str, method: str, hosts: HostKeys | None) -> ResolveResult:
        """The full search: canonical encoding, backtracking, then 404 or 405."""
        if not path.startswith("/"):
            raise NotFound(f"Requested URL {path} not found")
        misses: list[Any] = []
        keys = [path]
        if needs_canonical(path):
            canonical = "/" + canonical_path(path[1:])
            if canonical != path:
                keys.append(canonical)
        for key in keys:
            endpoint = self._static_hosts.get(key)
            if endpoint is not None:
                route = endpoint.lookup(method, hosts)
                if route is not None:
                    return route, route.handler, {}
                misses.append(endpoint)
            methods = self._static.get(key)
            if methods is not None:
                route = methods.get(method)
                if route is not None:
                    return route, route.handler, {}
                misses.append(methods)
        if self._tree is not None:
            found = self._tree.match(path[1:].split("/"), method, hosts, misses)
            if found is not None:
                route, values = found
                return route, route.handler, route.make_params(values)
        allowed: set[str] = set()
        for miss in misses:  # every route whose path matched, whatever its method
            allowed.update(miss if isinstance(miss, dict) else miss.allowed(hosts))
        if allowed:
            raise MethodNotAllowed(
                f"Method {method} not allowed for URL {path}",
                method=method,
                allowed_methods=sorted(allowed),
            )
        raise NotFound(f"Requested URL {path} not found")


def _full_path(uri: str, version: Any, prefix: str) -> str:
    """The registered path, version-prefixed, without its leading slash."""
    if not isinstance(uri, str):
        raise TypeError(f"Route path must be a str, not {type(uri).__name__}")
    if version is not None:
        number = str(version).strip("/").lstrip("v")
        base = "/" + (prefix or "").strip("/")
        base = f"{base}{number}" if base != "/" else f"/{number}"
        uri = f"{base}/{uri.lstrip('/')}" if uri.strip("/") else base
    if not uri.startswith("/"):
        uri = "/" + uri
    return uri[1:]


def _methods(methods: Iterable[str] | str | None) -> frozenset[str]:
    if not methods:
        return frozenset({"GET"})
    if isinstance(methods, str):
        methods = [methods]
    return frozenset(str(method).upper() for method in methods)


def _hosts(host: str | Iterable[str] | None) -> list[str]:
    if not host:
        return []
    if isinstance(host, str):
        return [host]
    return list(dict.fromkeys(host))


def _lower(host: str | None) -> str | None:
    return host.lower() if host else None


def _host_keys(host: str) -> HostKeys:
    """The Host header as looked up: as sent (lower-cased), then without its port."""
    host = host.lower()
    bare = host
    if host.startswith("["):  # [::1]:8000
        end = host.find("]")
        if end > 0:
            bare = host[: end + 1]
    else:
        bare = host.partition(":")[0]
    return (host, bare) if bare != host else (host,)


def _slash_alternate(segments: tuple[Segment, ...]) -> tuple[Segment, ...] | None:
    """ "/a" for "/a/" and vice versa; the root has none."""
    if len(segments) > 1 and segments[-1].kind == STATIC and segments[-1].raw == "":
        return segments[:-1]
    if len(segments) == 1 and segments[0].kind == STATIC and segments[0].raw == "":
        return None
    return (*segments, EMPTY)


def _static_keys(segments: tuple[Segment, ...]) -> list[str]:
    canonical = "/" + "/".join(segment.canonical for segment in segments)
    raw = "/" + "/".join(segment.raw for segment in segments)
    return [canonical] if raw == canonical else [canonical, raw]
