"""Connections queued in a listening socket's backlog, at a graceful stop.

Connections the kernel completed and queued on a listening socket that nobody
accepted yet are reset when the last descriptor of that socket closes. Their
clients sent a request (a proxy may have sent a POST it cannot retry), so a
graceful stop that ends the socket first accepts what is queued and serves
it like a request in flight: `ClosingListener` wraps the loop's server and
does that in ``close()``.
"""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Callable
from functools import partial
from typing import Any

from sanic.log import error_logger, server_logger


def accept_queued(sock: socket.socket) -> list[socket.socket]:
    """Accept every connection queued on the listening ``sock``, without waiting."""
    accepted: list[socket.socket] = []
    try:
        sock.setblocking(False)
    except OSError:
        return accepted
    while True:
        try:
            conn, _ = sock.accept()
        except BlockingIOError:
            break
        except ConnectionAbortedError:
            continue  # reset by its client while queued
        except OSError as exc:  # out of descriptors, say: the rest is lost
            error_logger.warning(
                "Could not accept a queued connection at shutdown: %s", exc
            )
            break
        conn.setblocking(False)
        accepted.append(conn)
    return accepted


_LAST_REQUEST_CLASSES: dict[type, type] = {}


def last_request_protocol(cls: type) -> type:
    """``cls`` answering with ``connection: close``: for connections accepted
    while the server stops, so that their client does not reuse them."""
    made = _LAST_REQUEST_CLASSES.get(cls)
    if made is None:
        made_connection: Callable[[Any, Any], None] = cls.connection_made  # type: ignore[attr-defined]

        def connection_made(self: Any, transport: Any) -> None:
            made_connection(self, transport)
            http = getattr(self, "http", None)
            if http is not None and hasattr(http, "keep_alive"):
                http.keep_alive = False

        namespace = {
            "__slots__": (),
            "__module__": cls.__module__,
            "__qualname__": cls.__qualname__,
            "connection_made": connection_made,
        }
        made = _LAST_REQUEST_CLASSES[cls] = type(cls.__name__, (cls,), namespace)
    return made


class Adopting:
    """A queued connection being handed to the loop (a TLS handshake, say).

    It stands in the server's connection set until its protocol is made, so
    that `shutdown_connections` waits for it, and aborts it at the deadline.
    """

    __slots__ = ("sock", "task", "handed")

    # What shutdown_connections asks of a connection.
    _websocket = None
    transport = None
    http = None
    _requests_served = 0

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self.task: asyncio.Task | None = None
        self.handed = False

    def close_if_idle(self) -> bool:
        return False  # its request has not been read yet

    def abort(self) -> None:
        if self.task is not None:
            self.task.cancel()


class Adopter:
    """Serves accepted sockets with the server's protocol and TLS context."""

    __slots__ = ("loop", "make_factory", "connections", "ssl", "ssl_kwargs")

    def __init__(
        self,
        loop: asyncio.AbstractEventLoop,
        make_factory: Callable[[], Callable[[], asyncio.Protocol]],
        connections: set,
        ssl: Any,
        ssl_kwargs: dict[str, Any],
    ) -> None:
        self.loop = loop
        self.make_factory = make_factory
        self.connections = connections
        self.ssl = ssl
        self.ssl_kwargs = ssl_kwargs

    def adopt(self, socks: list[socket.socket]) -> None:
        factory = self.make_factory()
        for sock in socks:
            placeholder = Adopting(sock)
            self.connections.add(placeholder)
            task = self.loop.create_task(self._connect(factory, placeholder))
            placeholder.task = task
            task.add_done_callback(partial(self._done, placeholder))

    async def _connect(
        self, factory: Callable[[], asyncio.Protocol], placeholder: Adopting
    ) -> None:
        placeholder.handed = True
        if self.ssl is None:
            await self.loop.connect_accepted_socket(factory, placeholder.sock)
        else:
            await self.loop.connect_accepted_socket(
                factory, placeholder.sock, ssl=self.ssl, **self.ssl_kwargs
            )

    def _done(self, placeholder: Adopting, task: asyncio.Task) -> None:
        # The protocol, once made, is in the set already (connection_made).
        self.connections.discard(placeholder)
        if not placeholder.handed:
            placeholder.sock.close()  # cancelled before the loop had it
        elif not task.cancelled() and task.exception() is not None:
            server_logger.debug(
                "A connection accepted at shutdown failed: %s", task.exception()
            )


class ClosingListener(asyncio.AbstractServer):
    """The asyncio server, whose ``close()`` first takes in what is queued.

    Everything else is the server's own (the loop's ``Server``). ``drain()`` is asked once, at the
    first ``close()`` of a server that is serving: True when this close ends
    the listening socket (a worker whose siblings or main process still
    hold it must leave their backlog to them).
    """

    __slots__ = ("server", "sock", "adopter", "drain")

    def __init__(
        self,
        server: Any,
        sock: socket.socket,
        adopter: Adopter,
        drain: Callable[[], bool],
    ) -> None:
        self.server = server
        self.sock = sock
        self.adopter = adopter
        self.drain = drain

    def close(self) -> None:
        server = self.server
        queued: list[socket.socket] = []
        if server.is_serving() and self.sock.fileno() != -1:
            try:
                wanted = self.drain()
            except Exception:
                error_logger.exception("Could not tell whether to drain the backlog")
                wanted = True
            if wanted:
                queued = accept_queued(self.sock)
        server.close()  # right after the last accept: the window stays tiny
        if queued:
            server_logger.debug(
                "Serving %s connection(s) queued when the server closed", len(queued)
            )
            try:
                self.adopter.adopt(queued)
            except Exception:
                error_logger.exception("Could not serve the connections queued")
                for sock in queued:
                    sock.close()

    # The rest is the server's.

    @property
    def sockets(self) -> Any:
        return self.server.sockets

    def get_loop(self) -> asyncio.AbstractEventLoop:
        return self.server.get_loop()

    def is_serving(self) -> bool:
        return self.server.is_serving()

    async def start_serving(self) -> None:
        await self.server.start_serving()

    async def serve_forever(self) -> None:
        await self.server.serve_forever()

    async def wait_closed(self) -> None:
        await self.server.wait_closed()

    def close_clients(self) -> None:
        self.server.close_clients()

    def abort_clients(self) -> None:
        self.server.abort_clients()

    def __getattr__(self, name: str) -> Any:
        return getattr(self.server, name)


async def closing_listener(
    coro: Any, sock: socket.socket, adopter: Adopter, drain: Callable[[], bool]
) -> ClosingListener:
    """The server ``coro`` (``loop.create_server(...)``) makes, wrapped."""
    return ClosingListener(await coro, sock, adopter, drain)
