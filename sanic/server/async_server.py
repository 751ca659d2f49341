"""AsyncioServer: a handle for running the app inside a loop you already have."""

from __future__ import annotations

import asyncio
from typing import Any

from sanic.exceptions import SanicException


class AsyncioServer:
    """Wraps the asyncio server so the app's lifecycle can be driven by hand.

    ``server = await app.create_server(..., return_asyncio_server=True)``, then
    ``await server.startup()``, ``await server.before_start()``,
    ``await server.after_start()``, ``await server.serve_forever()``.
    """

    __slots__ = ("app", "connections", "loop", "serve_coro", "server", "_graceful")

    def __init__(self, app: Any, loop: Any, serve_coro: Any, connections: set) -> None:
        self.app = app
        self.connections = connections
        self.loop = loop
        self.serve_coro = serve_coro
        self.server: Any = None  # asyncio.Server or uvloop.Server

    @property
    def init(self) -> bool:
        return self.app.state.is_started

    async def startup(self) -> None:
        """Finalize the app: routes compiled, state ready."""
        await self.app._startup()

    async def before_start(self) -> None:
        await self.app._server_event("init", "before", loop=self.loop)

    async def after_start(self) -> None:
        await self.app._server_event("init", "after", loop=self.loop)

    async def before_stop(self) -> None:
        await self.app._server_event("shutdown", "before", loop=self.loop)

    async def after_stop(self) -> None:
        await self.app._server_event("shutdown", "after", loop=self.loop)

    def is_serving(self) -> bool:
        return self.server.is_serving() if self.server is not None else False

    async def wait_closed(self) -> None:
        if self.server is not None:
            await self.server.wait_closed()

    def close(self) -> None:
        if self.server is not None:
            self.server.close()
            for connection in list(self.connections):
                connection.close_if_idle()

    async def start_serving(self) -> None:
        await self._ensure_server()
        await self.server.start_serving()  # type: ignore[union-attr]

    async def serve_forever(self) -> None:
        await self._ensure_server()
        try:
            await self.server.serve_forever()  # type: ignore[union-attr]
        except asyncio.CancelledError:
            pass

    async def _ensure_server(self) -> None:
        if self.server is None:
            if not self.app.state.is_started:
                raise SanicException(
                    "Cannot serve before startup: call 'await server.startup()' first"
                )
            self.server = await self.serve_coro

    @property
    def port(self) -> int | None:
        if self.server is None or not self.server.sockets:
            return None
        name = self.server.sockets[0].getsockname()
        return name[1] if isinstance(name, tuple) else None

    def __await__(self) -> Any:
        async def _create() -> AsyncioServer:
            if self.server is None:
                self.server = await self.serve_coro
            return self

        return _create().__await__()
