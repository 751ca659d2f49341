"""Building URLs from route names: ``app.url_for`` and ``request.url_for``."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote, urlencode, urlunparse

from sanic.exceptions import URLBuildError


def build_url(app: Any, view_name: str, **kwargs: Any) -> str:
    """The URL of the route named ``view_name``; unknown kwargs become the query."""
    route = app.router.find_route_by_view_name(view_name)
    if route is None and not view_name.startswith(f"{app.name}."):
        route = app.router.find_route_by_view_name(f"{app.name}.{view_name}")
    if route is None:
        raise URLBuildError(f"Endpoint with name `{view_name}` was not found")
    anchor = kwargs.pop("_anchor", "")
    external = kwargs.pop("_external", False)
    scheme = kwargs.pop("_scheme", "")
    server = kwargs.pop("_server", None)
    kwargs.pop("_method", None)
    if scheme and scheme not in ("http", "https", "ws", "wss") and not external:
        raise ValueError("When specifying _scheme, _external must be True")
    params = {name: kwargs.pop(name) for name in list(kwargs) if name in route.params}
    path = route.build_path(params)
    if external:
        server_name = server or app.config.get("SERVER_NAME", "")
        if "://" in server_name:
            default_scheme, server_name = server_name.split("://", 1)
            scheme = scheme or default_scheme
        netloc = server_name.rstrip("/")
        scheme = scheme or "http"
    else:
        netloc = ""
        scheme = ""
    query = urlencode(
        [
            (k, v)
            for k, values in kwargs.items()
            for v in (values if isinstance(values, list) else [values])
        ]
    )
    return urlunparse(
        (scheme, netloc, quote(path, safe="/:@!$&'()*+,;=%"), "", query, anchor)
    )
