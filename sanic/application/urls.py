"""Building URLs from route names: ``app.url_for`` and ``request.url_for``.

Keyword arguments naming a route parameter fill the path; the others become the
query string (a list gives the key once per value). The special arguments:

- ``_anchor``: the fragment;
- ``_external``: an absolute URL, on ``_server``, else the route's host, else
  ``config.SERVER_NAME``. With none of them the URL stays relative. A server
  name may carry a scheme ("https://example.com") and a path the app is mounted
  under ("example.com/api");
- ``_scheme``: the scheme of an external URL (``http`` unless the server name
  has one); giving it without ``_external`` is a ValueError;
- ``_method``: accepted and ignored (routes are found by name).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlencode, urlunsplit

from sanic.exceptions import URLBuildError

if TYPE_CHECKING:
    from sanic.app import Sanic
    from sanic.request import Request
    from sanic.routing.route import Route

# Characters a fragment may hold unencoded (RFC 3986), and "%" for escapes.
_FRAGMENT_SAFE = "!$&'()*+,;=:@-._~/?%"


def build_url(app: Sanic, view_name: str, **kwargs: Any) -> str:
    """The URL of the route named ``view_name``; see the module docstring."""
    return _build(app, view_name, kwargs, "")


def build_request_url(request: Request, view_name: str, **kwargs: Any) -> str:
    """``request.url_for``: always external. A ``SERVER_NAME`` that is a full
    URL ("https://example.com/api") gives scheme, host and path prefix, as in
    ``app.url_for``. Otherwise the URL is on ``request.scheme``,
    ``request.server_name`` and ``request.server_port`` (the port left out when
    it is the scheme's default), which follow a trusted proxy; a ``SERVER_NAME``
    without a scheme still gives its host and path prefix."""
    kwargs["_external"] = True
    app = request.app
    server_name = app.config.get("SERVER_NAME") or ""
    if "://" in server_name:
        return _build(app, view_name, kwargs, "")
    scheme = kwargs.setdefault("_scheme", request.scheme)
    if "_server" not in kwargs:
        host = request.server_name
        port = request.server_port
        if not host and request.conn_info is not None:
            sockname = request.conn_info.sockname
            if isinstance(sockname, tuple) and sockname:
                host = str(sockname[0])
                host = f"[{host}]" if ":" in host else host
        default = 443 if str(scheme).lower() in ("https", "wss") else 80
        netloc = host if port == default else f"{host}:{port}"
        prefix = server_name.partition("/")[2].strip("/")
        kwargs["_server"] = f"{netloc}/{prefix}" if prefix else netloc
    return _build(app, view_name, kwargs, "")


def _build(
    app: Sanic, view_name: str, kwargs: dict[str, Any], fallback_server: str
) -> str:
    if view_name == "static" or view_name.endswith(".static") or "filename" in kwargs:
        from sanic.static import prepare_static_url

        view_name = prepare_static_url(app, view_name, kwargs)
    route = _find_route(app, view_name)
    anchor = kwargs.pop("_anchor", "")
    external = kwargs.pop("_external", False)
    scheme = kwargs.pop("_scheme", "")
    server = kwargs.pop("_server", None)
    kwargs.pop("_method", None)
    if scheme and not external:
        raise ValueError("When specifying _scheme, _external must be True")
    params = {name: kwargs.pop(name) for name in list(kwargs) if name in route.params}
    path = route.build_path(params, encode=True)
    netloc = ""
    if external:
        if server is None:
            server = (
                route.requirements.get("host")
                or app.config.get("SERVER_NAME")
                or fallback_server
            )
        scheme, netloc, prefix = _split_server(
            server, scheme, app.config.get("SERVER_NAME") or ""
        )
        path = prefix + path
    query = urlencode(
        [
            (key, value)
            for key, values in kwargs.items()
            for value in (values if isinstance(values, (list, tuple)) else (values,))
        ]
    )
    fragment = quote(str(anchor), safe=_FRAGMENT_SAFE) if anchor else ""
    return urlunsplit((scheme, netloc, path, query, fragment))


def _find_route(app: Sanic, view_name: str) -> Route:
    """Find by full name, or without the app's prefix ("bp.handler")."""
    router = app.router
    route = router.find_route_by_view_name(view_name)
    if route is None and not view_name.startswith(f"{app.name}."):
        route = router.find_route_by_view_name(f"{app.name}.{view_name}")
    if route is None:
        raise URLBuildError(f"Endpoint with name `{view_name}` was not found")
    return route


def _split_server(server: str, scheme: str, server_name: str) -> tuple[str, str, str]:
    """(scheme, netloc, path prefix) for an external URL on ``server``.

    Without a server the URL stays relative: ("", "", ""). A scheme in
    ``SERVER_NAME`` is the default when the server (a route's host, say) has none.
    """
    if not server:
        return "", "", ""
    given, sep, rest = server.partition("://")
    if sep:
        server = rest
        scheme = scheme or given
    elif "://" in server_name:
        scheme = scheme or server_name.partition("://")[0]
    netloc, _, prefix = server.partition("/")
    prefix = prefix.strip("/")
    return scheme or "http", netloc, f"/{prefix}" if prefix else ""
