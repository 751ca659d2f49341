"""What a websocket route runs: the handshake, the handler, the close.

The route's handler is `websocket_handler(handler)`: request middleware runs
before it like for any route (a middleware response refuses the upgrade).
The handler returning closes with 1000; raising closes with 1011 after the
``websocket.handler.exception`` signal and the app's error handlers have
seen the exception. The HTTP side writes nothing for the request afterwards.
"""

from __future__ import annotations

from asyncio import CancelledError
from functools import wraps
from inspect import isawaitable
from typing import Any, Callable

from sanic.exceptions import WebsocketClosed
from sanic.log import error_logger
from sanic.server.websockets.handshake import accept_websocket

_BEFORE = "websocket.handler.before"
_AFTER = "websocket.handler.after"
_EXCEPTION = "websocket.handler.exception"


def websocket_handler(handler: Callable[..., Any]) -> Callable[..., Any]:
    """Wrap ``handler(request, ws, **params)`` as a route handler."""

    @wraps(handler)
    async def websocket_route(request: Any, *args: Any, **kwargs: Any) -> None:
        app = request.app
        route = request.route
        subprotocols = getattr(route.extra, "subprotocols", None) if route else None
        asgi_accept = getattr(request.stream, "accept_websocket", None)
        if asgi_accept is not None:  # a websocket scope under ASGI
            ws = await asgi_accept(request, subprotocols)
        else:
            ws = accept_websocket(request, subprotocols)
        signals = app._active_signals
        context = {"request": request, "websocket": ws}
        try:
            if _BEFORE in signals:
                await app._signal(_BEFORE, context)
            result = handler(request, ws, *args, **kwargs)
            if isawaitable(result):
                await result
        except WebsocketClosed:
            pass  # the client went away: nothing to report
        except CancelledError:
            ws.fail_connection(1001, "")
            raise
        except Exception as exc:
            await _report(app, request, ws, exc)
            await ws.close(1011, "")
        else:
            if _AFTER in signals:
                await app._signal(_AFTER, context)
            await ws.close(1000, "")
        finally:
            if not ws._lost.done():
                ws.fail_connection(1006, "")

    websocket_route.is_websocket = True  # type: ignore[attr-defined]
    return websocket_route


async def _report(app: Any, request: Any, ws: Any, exc: Exception) -> None:
    """Let the signal, exception reporting and error handlers see ``exc``; the
    response an error handler makes has nowhere to go and is dropped."""
    try:
        if _EXCEPTION in app._active_signals:
            await app._signal(
                _EXCEPTION, {"request": request, "websocket": ws, "exception": exc}
            )
        await app._report_exception(request, exc)
        response = app.error_handler.response(request, exc)
        if isawaitable(response):
            await response
    except Exception:
        error_logger.exception("Error while handling a websocket handler's error")
