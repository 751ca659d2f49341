"""AsyncioServer: a handle for running the app inside a loop you already have."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from sanic.exceptions import SanicException

_tasks: set[asyncio.Task] = set()  # shutdowns in progress, kept alive


class AsyncioServer:
    """Wraps the asyncio server so the app's lifecycle can be driven by hand.

    ``server = await app.create_server(..., return_asyncio_server=True)``, then
    ``await server.startup()``, ``await server.before_start()``,
    ``await server.start_serving()`` (or ``serve_forever()``),
    ``await server.after_start()``; to stop: ``await server.before_stop()``,
    ``server.close()``, ``await server.wait_closed()``,
    ``await server.after_stop()``.

    ``close()`` stops accepting and closes idle connections; ``wait_closed()``
    lets requests in flight finish within GRACEFUL_SHUTDOWN_TIMEOUT, aborts
    what is left, and removes a unix socket file the server created.
    """

    __slots__ = (
        "app",
        "connections",
        "loop",
        "serve_coro",
        "server",
        "_managed",
        "_on_closed",
        "_stopping",
    )

    def __init__(self, app: Any, loop: Any, serve_coro: Any, connections: set) -> None:
        self.app = app
        self.connections = connections
        self.loop = loop
        self.serve_coro = serve_coro
        self.server: Any = None  # asyncio.Server or uvloop.Server
        self._managed = False  # started by create_server itself
        self._on_closed: list[Callable[[], Any]] = []
        self._stopping: asyncio.Future | None = None

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

    def close(self) -> None:
        """Stop accepting connections; `wait_closed` then drains the open ones.

        Open connections are left to `shutdown_connections`, which also gives a
        connection accepted a moment ago the chance to send its first request
        (its client could not know the server was stopping).
        """
        from sanic.server.runners import end_keep_alive

        end_keep_alive(self.connections)
        if self.server is not None:
            self.server.close()

    async def wait_closed(self) -> None:
        """Wait for the connections to finish (within the graceful timeout)."""
        from sanic.server.runners import shutdown_connections

        if self.connections:
            await shutdown_connections(
                self.connections,
                float(self.app.config.GRACEFUL_SHUTDOWN_TIMEOUT),
                self.loop,
            )
        if self.server is not None:
            await self.server.wait_closed()
        callbacks, self._on_closed = self._on_closed, []
        for callback in callbacks:
            callback()

    def on_closed(self, callback: Callable[[], Any]) -> None:
        """Call ``callback`` once the server is closed (after ``wait_closed``)."""
        self._on_closed.append(callback)

    async def start_serving(self) -> None:
        await self._ensure_server()
        await self.server.start_serving()  # type: ignore[union-attr]

    async def serve_forever(self) -> None:
        await self._ensure_server()
        try:
            await self.server.serve_forever()  # type: ignore[union-attr]
        except asyncio.CancelledError:
            pass

    async def shutdown(self) -> None:
        """The whole stop sequence: before_stop, close, wait_closed, after_stop."""
        if self._stopping is not None:
            await asyncio.shield(self._stopping)
            return
        self._stopping = self.loop.create_future()
        state = self.app.state
        state.is_running = False
        state.is_stopping = True
        try:
            if self.server is not None:
                self.server.close()  # refuse new connections from now on
            await self.before_stop()
            self.close()
            await self.wait_closed()
            await self.after_stop()
        finally:
            state.is_stopping = False
            if self.app._server is self:
                self.app._server = None
            self._stopping.set_result(None)

    def _request_stop(self) -> None:
        """``app.stop()``, from any thread: a server that create_server started
        itself is shut down in full; one driven by hand is closed."""

        def stop() -> None:
            if self._managed:
                task = self.loop.create_task(self.shutdown())
                _tasks.add(task)
                task.add_done_callback(_tasks.discard)
            else:
                self.close()

        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is self.loop:
            stop()
        elif not self.loop.is_closed():
            self.loop.call_soon_threadsafe(stop)

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
