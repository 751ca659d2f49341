"""A registered route, and the group of routes sharing one path."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from datetime import date
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from sanic.exceptions import URLBuildError
from sanic.routing.encoding import canonical_segment
from sanic.routing.parser import EXT, MIXED, PARAM, STATIC, ParamInfo, Segment

if TYPE_CHECKING:
    from sanic.router import Router


class Route:
    """One handler for one path, set of methods and (optionally) host.

    ``path`` is the registered path without its leading slash ("" for the root);
    ``uri`` adds the slash back.
    """

    __slots__ = (
        "router",
        "handler",
        "name",
        "methods",
        "path",
        "strict",
        "unquote",
        "requirements",
        "ctx",
        "extra",
        "params",
        "labels",
        "static",
        "regex",
        "segments",
        "parsed",
        "_slots",
        "_flat",
        "request_middleware",
        "response_middleware",
    )

    def __init__(
        self,
        router: Router,
        path: str,
        parsed: tuple[Segment, ...],
        handler: Callable[..., Any],
        methods: frozenset[str],
        name: str,
        *,
        strict: bool = False,
        unquote: bool = False,
        requirements: dict[str, Any] | None = None,
        ctx: SimpleNamespace | None = None,
        extra: SimpleNamespace | None = None,
    ) -> None:
        self.router = router
        self.handler = handler
        self.name = name
        self.methods = methods
        self.path = path
        self.strict = strict
        self.unquote = unquote
        self.requirements = requirements or {}
        self.ctx = ctx if ctx is not None else SimpleNamespace()
        self.extra = extra if extra is not None else SimpleNamespace()
        self.parsed = parsed
        self.segments = tuple(segment.raw for segment in parsed)
        self.params: dict[str, ParamInfo] = {
            param.name: param for segment in parsed for param in segment.params
        }
        self.labels = tuple(self.params)
        self.static = not self.params
        self.regex = any(
            segment.kind == MIXED or (segment.kind == PARAM and segment.params[0].regex)
            for segment in parsed
        )
        # One slot per dynamic segment: a name, or a tuple of names for segments
        # yielding several values (ext, mixed).
        self._slots: tuple[str | tuple[str, ...], ...] = tuple(
            segment.params[0].name
            if segment.kind == PARAM
            else tuple(p.name for p in segment.params)
            for segment in parsed
            if segment.kind != STATIC
        )
        self._flat = all(isinstance(slot, str) for slot in self._slots)
        # The middleware that applies to this route, in order of execution: the
        # app's and its blueprints'. Compiled when the app starts.
        self.request_middleware: tuple[Callable[..., Any], ...] = ()
        self.response_middleware: tuple[Callable[..., Any], ...] = ()

    @property
    def uri(self) -> str:
        return "/" + self.path

    @property
    def parts(self) -> tuple[str, ...]:
        return self.segments

    def make_params(self, values: list[Any]) -> dict[str, Any]:
        """Key the values matched for each dynamic segment by parameter name."""
        if self._flat:
            return dict(zip(self._slots, values, strict=False))  # type: ignore[arg-type]
        params: dict[str, Any] = {}
        for slot, value in zip(self._slots, values, strict=False):
            if isinstance(slot, tuple):
                params.update(zip(slot, value, strict=True))
            else:
                params[slot] = value
        return params

    def build_path(self, params: Mapping[str, Any], *, encode: bool = False) -> str:
        """Build "/user/5" from parameter values, checking each against its type.

        With ``encode`` the result is ready for a URL: values are percent-encoded
        (a "/" is kept only in ``path``-like values) and literal segments are in
        their canonical encoding.
        """
        built: list[str] = []
        for segment in self.parsed:
            if segment.kind == STATIC:
                built.append(segment.canonical if encode else segment.raw)
            elif segment.kind == EXT:
                built.append(self._build_ext(segment, params, encode))
            else:
                built.append(
                    "".join(
                        (canonical_segment(part) if encode else part)
                        if isinstance(part, str)
                        else self._build_value(part, params, encode)
                        for part in segment.parts
                    )
                )
        return "/" + "/".join(built)

    def _build_value(
        self, param: ParamInfo, params: Mapping[str, Any], encode: bool
    ) -> str:
        if param.name not in params:
            raise URLBuildError(
                f"Required parameter `{param.name}` was not passed to url_for "
                f"(route {self.uri})"
            )
        text = _to_text(params[param.name])
        if param.pattern.fullmatch(text) is None:
            raise URLBuildError(
                f'Value "{text}" for parameter `{param.name}` does not match '
                f"pattern for type `{param.label}`: {param.pattern.pattern}"
            )
        if param.cast is not str and not param.regex:
            try:
                param.cast(text)
            except ValueError as exc:
                raise URLBuildError(
                    f'Value "{text}" for parameter `{param.name}` is not a valid '
                    f"`{param.label}`"
                ) from exc
        if encode:
            return quote(text, safe=(_PCHAR + "/") if param.spans else _PCHAR)
        return text

    def _build_ext(
        self, segment: Segment, params: Mapping[str, Any], encode: bool
    ) -> str:
        file_param, ext_param = segment.params
        name = self._build_value(file_param, params, encode)
        extensions = file_param.extensions
        ext = params.get("ext")
        if ext is None and extensions and len(extensions) == 1:
            ext = extensions[0]
        if ext is None:
            raise URLBuildError(
                f"Required parameter `ext` was not passed to url_for (route {self.uri})"
            )
        ext = str(ext).lstrip(".")
        if ext_param.pattern.fullmatch(ext) is None:
            allowed = "|".join(extensions) if extensions else "any"
            raise URLBuildError(
                f'Value "{ext}" for parameter `ext` is not an allowed extension '
                f"({allowed})"
            )
        return f"{name}.{quote(ext, safe=_PCHAR) if encode else ext}"

    def __repr__(self) -> str:
        methods = ",".join(sorted(self.methods))
        host = self.requirements.get("host")
        where = f" host={host}" if host else ""
        return f"<Route: name={self.name} path={self.uri} methods={methods}{where}>"


# RFC 3986 ``pchar`` without "%": what a path segment may hold unencoded.
_PCHAR = "!$&'()*+,;=:@-._~"


def _to_text(value: Any) -> str:
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


class RouteGroup:
    """The routes registered for one path (different methods and hosts)."""

    __slots__ = ("segments", "routes")

    def __init__(self, segments: tuple[str, ...]) -> None:
        self.segments = segments
        self.routes: list[Route] = []

    @property
    def route(self) -> Route:
        return self.routes[0]

    @property
    def path(self) -> str:
        return self.routes[0].path

    @property
    def uri(self) -> str:
        return self.routes[0].uri

    @property
    def parts(self) -> tuple[str, ...]:
        return self.segments

    @property
    def handler(self) -> Callable[..., Any]:
        return self.routes[0].handler

    @property
    def name(self) -> str:
        return self.routes[0].name

    @property
    def methods(self) -> frozenset[str]:
        return frozenset().union(*(route.methods for route in self.routes))

    def __iter__(self) -> Iterator[Route]:
        return iter(self.routes)

    def __len__(self) -> int:
        return len(self.routes)

    def __getitem__(self, index: int) -> Route:
        return self.routes[index]

    def __repr__(self) -> str:
        return (
            f"<RouteGroup: path=/{'/'.join(self.segments)} routes={len(self.routes)}>"
        )
