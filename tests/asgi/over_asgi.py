"""Stand-ins that let socket-based tests run through ``app.asgi_client``.

``serve_over_asgi`` replaces ``serve_in_thread``: no server, the app is
reached through the token yielded in place of a port. ``connect_over_asgi``
replaces the `websockets` client's ``connect`` and ``httpx_over_asgi`` the
``httpx`` module's ``get``/``post``: both find the app by that token in the
URL and talk to it through its ASGI interface.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from contextlib import contextmanager
from types import SimpleNamespace
from typing import Any
from urllib.parse import urlsplit

from sanic.websocket_testing import ASGIWebsocketConnection

_apps: dict[int, Any] = {}
_tokens = itertools.count(1)


@contextmanager
def serve_over_asgi(
    app: Any, *, check_still_answers: bool = False, **server_kwargs: Any
) -> Iterator[int]:
    token = next(_tokens)
    _apps[token] = app
    try:
        yield token
        if check_still_answers:  # as the original: the app still gives an answer
            response = app.asgi_client.get("/__still_answers__", gather_request=False)
            assert 100 <= response.status < 600, response
    finally:
        del _apps[token]


def _app_and_target(url: str) -> tuple[Any, str]:
    parts = urlsplit(url)
    assert parts.port is not None, url
    return _apps[parts.port], parts.path + (f"?{parts.query}" if parts.query else "")


def connect_over_asgi(
    uri: str, subprotocols: Any = None, **kwargs: Any
) -> ASGIWebsocketConnection:
    app, target = _app_and_target(uri)
    return app.asgi_client.websocket(target, subprotocols=subprotocols)


def _request(method: str) -> Any:
    def call(url: str, *, timeout: Any = None, **kwargs: Any) -> Any:
        app, target = _app_and_target(url)
        return app.asgi_client.request(method, target, gather_request=False, **kwargs)

    return call


httpx_over_asgi = SimpleNamespace(
    **{name: _request(name.upper()) for name in ("get", "post", "put", "delete")}
)
