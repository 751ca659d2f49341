"""The segment trie that resolves dynamic paths in O(depth).

Each node tries, in order: the static child for the segment (one dict lookup),
the dynamic children by priority (typed parameters before ``str``), then the
"tails" (a ``path`` parameter and whatever follows it). When a later segment
fails, the walk backtracks to the next candidate.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from sanic.routing.encoding import canonical_segment, needs_canonical
from sanic.routing.matchers import NOMATCH, Converter, Tail, segment_converter
from sanic.routing.parser import STATIC, Segment

if TYPE_CHECKING:
    from sanic.routing.route import Route

HostKeys = tuple[str, ...]


class Endpoint:
    """The routes ending at one path, by method, with host-specific ones apart."""

    __slots__ = ("any", "hosts")

    def __init__(self, entries: Sequence[tuple[Route, bool]]) -> None:
        self.any: dict[str, Route] = {}
        self.hosts: dict[str, dict[str, Route]] | None = None
        # Slash alternates first, so an exact registration wins for its method.
        for route, _ in sorted(entries, key=lambda entry: not entry[1]):
            host = route.requirements.get("host")
            if host is None:
                table = self.any
            else:
                if self.hosts is None:
                    self.hosts = {}
                table = self.hosts.setdefault(host.lower(), {})
            for method in route.methods:
                table[method] = route
        for table in (self.any, *(self.hosts or {}).values()):
            if "GET" in table and "HEAD" not in table:
                table["HEAD"] = table["GET"]

    def lookup(self, method: str, hosts: HostKeys | None) -> Route | None:
        if hosts is not None and self.hosts is not None:
            for host in hosts:
                table = self.hosts.get(host)
                if table is not None:
                    route = table.get(method)
                    if route is not None:
                        return route
                    break
        return self.any.get(method)

    def allowed(self, hosts: HostKeys | None) -> set[str]:
        """The methods this path answers for the host (empty: not for this host)."""
        allowed = set(self.any)
        if hosts is not None and self.hosts is not None:
            for host in hosts:
                if host in self.hosts:
                    allowed.update(self.hosts[host])
                    break
        return allowed


class Node:
    __slots__ = (
        "static",
        "dynamic",
        "tails",
        "endpoint",
        "_dynamic",
        "_tails",
        "_entries",
    )

    def __init__(self) -> None:
        self.static: dict[str, Node] = {}
        self.dynamic: tuple[tuple[Converter, Node], ...] = ()
        self.tails: tuple[Tail, ...] = ()
        self.endpoint: Endpoint | None = None
        # Build-time state, folded into the fields above by compile().
        self._dynamic: dict[tuple[str, bool], tuple[float, int, Segment, Node]] = {}
        self._tails: dict[tuple[str, ...], tuple[Tail, list[tuple[Route, bool]]]] = {}
        self._entries: list[tuple[Route, bool]] = []


class Tree:
    """Dynamic routes, compiled from their parsed segments."""

    __slots__ = ("root", "_order")

    def __init__(self) -> None:
        self.root = Node()
        self._order = 0

    def insert(
        self, segments: Sequence[Segment], route: Route, alternate: bool
    ) -> None:
        node = self.root
        unquote = route.unquote
        for index, segment in enumerate(segments):
            if segment.kind == STATIC:
                child = node.static.get(segment.canonical)
                if child is None:
                    child = node.static[segment.canonical] = Node()
                    node.static.setdefault(segment.raw, child)
                node = child
            elif segment.spans:
                self._insert_tail(node, segments[index:], route, alternate)
                return
            else:
                key = (segment.key, unquote)
                found = node._dynamic.get(key)
                if found is None:
                    self._order += 1
                    found = (segment.priority, self._order, segment, Node())
                    node._dynamic[key] = found
                node = found[3]
        node._entries.append((route, alternate))

    def _insert_tail(
        self, node: Node, segments: Sequence[Segment], route: Route, alternate: bool
    ) -> None:
        key = (*(segment.key for segment in segments), str(route.unquote))
        found = node._tails.get(key)
        if found is None:
            self._order += 1
            tail = Tail(segments, route.unquote)
            literal = sum(len(s.raw) for s in segments if s.kind == STATIC)
            first = segments[0].params[0]
            # Regex spans before ``path``; longer, more literal tails first.
            tail.sort_key = (
                alternate,
                not first.regex,
                -len(segments),
                -literal,
                self._order,
            )
            found = node._tails[key] = (tail, [])
        found[1].append((route, alternate))

    def compile(self) -> None:
        stack = [self.root]
        while stack:
            node = stack.pop()
            stack.extend(node.static.values())
            ordered = sorted(node._dynamic.items(), key=lambda item: item[1][:2])
            node.dynamic = tuple(
                (segment_converter(segment, key[1]), child)
                for key, (_, _, segment, child) in ordered
            )
            stack.extend(child for _, child in node.dynamic)
            tails = []
            for tail, entries in node._tails.values():
                tail.endpoint = Endpoint(entries)
                tails.append(tail)
            node.tails = tuple(sorted(tails, key=lambda tail: tail.sort_key))
            node.endpoint = Endpoint(node._entries) if node._entries else None

    def quick_match(
        self, path: str, method: str, hosts: HostKeys | None
    ) -> tuple[Route, list[Any]] | None:
        """Follow the first candidate at each segment, without backtracking.

        This is the first path the full search would explore, so when it ends on a
        route for the method, that is the answer. Otherwise (or when the path needs
        canonical encoding) the caller falls back to ``match``.
        """
        if "%" in path or not path.isascii():
            return None
        node = self.root
        values: list[Any] = []
        for segment in path[1:].split("/"):
            child = node.static.get(segment)
            if child is None:
                for convert, candidate in node.dynamic:
                    value = convert(segment)
                    if value is not NOMATCH:
                        values.append(value)
                        child = candidate
                        break
                else:
                    return None
            node = child
        endpoint = node.endpoint
        if endpoint is None:
            return None
        if hosts is None:
            route = endpoint.any.get(method)
        else:
            route = endpoint.lookup(method, hosts)
        return None if route is None else (route, values)

    def match(
        self,
        parts: list[str],
        method: str,
        hosts: HostKeys | None,
        misses: list[Endpoint],
    ) -> tuple[Route, list[Any]] | None:
        """Find the route for ``parts``; record path-only matches in ``misses``."""
        values: list[Any] = []
        route = _walk(self.root, parts, 0, len(parts), values, method, hosts, misses)
        return None if route is None else (route, values)


def _walk(
    node: Node,
    parts: list[str],
    index: int,
    count: int,
    values: list[Any],
    method: str,
    hosts: HostKeys | None,
    misses: list[Endpoint],
) -> Route | None:
    if index == count:
        endpoint = node.endpoint
        if endpoint is not None:
            if hosts is None:
                route = endpoint.any.get(method)
            else:
                route = endpoint.lookup(method, hosts)
            if route is not None:
                return route
            misses.append(endpoint)
    else:
        segment = parts[index]
        static = node.static
        child = static.get(segment) if static else None
        if child is None and static and needs_canonical(segment):
            child = static.get(canonical_segment(segment))
        if child is not None:
            route = _walk(child, parts, index + 1, count, values, method, hosts, misses)
            if route is not None:
                return route
        for convert, child in node.dynamic:
            value = convert(segment)
            if value is not NOMATCH:
                values.append(value)
                route = _walk(
                    child, parts, index + 1, count, values, method, hosts, misses
                )
                if route is not None:
                    return route
                values.pop()
    if node.tails:
        rest = "/".join(parts[index:])
        for tail in node.tails:
            found = tail.match(rest)
            if found is not None:
                route = tail.endpoint.lookup(method, hosts)
                if route is not None:
                    values.extend(found)
                    return route
                misses.append(tail.endpoint)
    return None
