"""Loopback ports for tests: a free one, a taken one, waiting for one to open."""

from __future__ import annotations

import contextlib
import socket
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

LOOPBACK = "127.0.0.1"


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now.

    The port is released before it is returned, so a server started next can
    bind it (another process could, in principle, take it first).
    """
    with socket.socket() as sock:
        sock.bind((LOOPBACK, 0))
        return int(sock.getsockname()[1])


@contextmanager
def occupied_port() -> Iterator[int]:
    """A port on 127.0.0.1 held by a listening socket that never accepts:
    a server told to listen there finds it in use; a client's connection
    is queued and never answered."""
    with socket.socket() as taken:
        taken.bind((LOOPBACK, 0))
        taken.listen()
        yield int(taken.getsockname()[1])


def port_opens(
    port: int,
    timeout: float,
    *,
    alive: Callable[[], bool] = lambda: True,
    interval: float = 0.05,
    connect_timeout: float = 1.0,
) -> bool:
    """Whether something accepts TCP connections on 127.0.0.1:``port`` within
    ``timeout`` seconds; gives up early (False) once ``alive()`` is False,
    e.g. when the process meant to listen there has exited."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not alive():
            return False
        with contextlib.suppress(OSError):
            socket.create_connection((LOOPBACK, port), timeout=connect_timeout).close()
            return True
        time.sleep(interval)
    return False
