"""Run a real Inspector in a spawned process, as the worker manager does, for tests.

The inspector gets the write end of a real pipe (its messages are read back
here) and a real ``multiprocessing.Manager().dict()`` as the worker state.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any

from sanic.worker.inspector import Inspector
from tests.net import free_port, port_opens

SPAWN = multiprocessing.get_context("spawn")

APP_INFO = {
    "app_name": "InspectedApp",
    "version": "25.12.0",
    "python": "3.11.7",
    "platform": "Linux-test",
    "mode": "production, 2 workers",
    "server": "sanic, HTTP/1.1",
    "workers": 2,
    "address": "http://127.0.0.1:8000",
    "pid": 4242,
}

WORKERS = {
    "Sanic-Server-0-0": {
        "pid": 5001,
        "state": "ACKED",
        "server": True,
        "start_at": "2026-01-02T03:04:05+00:00",
        "starts": 1,
        "requests": 7,
    },
    "Sanic-Server-1-0": {
        "pid": 5002,
        "state": "ACKED",
        "server": True,
        "start_at": "2026-01-02T03:04:06+00:00",
        "starts": 2,
        "restart_at": "2026-01-02T03:10:00+00:00",
        "requests": 3,
    },
    "Sanic-Inspector-0": {
        "pid": 5003,
        "state": "STARTED",
        "server": False,
        "start_at": "2026-01-02T03:04:05+00:00",
        "starts": 1,
    },
}


@dataclass
class RunningInspector:
    port: int
    reader: Connection
    state: Any
    process: Any
    scheme: str = "http"

    @property
    def url(self) -> str:
        return f"{self.scheme}://127.0.0.1:{self.port}"

    def message(self, timeout: float = 3.0) -> tuple[Any, ...]:
        """The next message the inspector sent the manager."""
        if not self.reader.poll(timeout):
            raise AssertionError(f"no message on the monitor pipe within {timeout} s")
        return self.reader.recv()

    def drain(self) -> list[tuple[Any, ...]]:
        """Whatever messages are waiting (none is expected)."""
        found = []
        while self.reader.poll(0.05):
            found.append(self.reader.recv())
        return found


def wait_for_port(port: int, process: Any, timeout: float = 20.0) -> None:
    if port_opens(port, timeout, alive=process.is_alive, connect_timeout=0.5):
        return
    if not process.is_alive():
        raise AssertionError(f"the inspector exited early ({process.exitcode})")
    raise AssertionError(f"the inspector did not listen on {port} within {timeout} s")


def stop(process: Any, timeout: float = 10.0) -> None:
    """SIGTERM, as the manager stops it; SIGKILL if it doesn't go in time."""
    if process.is_alive():
        process.terminate()
        process.join(timeout)
    if process.is_alive():
        process.kill()
        process.join(5)


@contextmanager
def running_inspector(
    inspector_class: type[Inspector] = Inspector,
    *,
    api_key: str = "",
    tls_cert: Any = None,
    tls_key: Any = None,
    workers: dict[str, Any] | None = None,
) -> Iterator[RunningInspector]:
    manager = SPAWN.Manager()
    try:
        state = manager.dict()
        for name, value in (WORKERS if workers is None else workers).items():
            state[name] = value
        reader, writer = SPAWN.Pipe(duplex=False)
        port = free_port()
        inspector = inspector_class(
            writer, APP_INFO, state, "127.0.0.1", port, api_key, tls_key, tls_cert
        )
        process = SPAWN.Process(target=inspector, name="Sanic-Inspector-0", daemon=True)
        process.start()
        try:
            wait_for_port(port, process)
            yield RunningInspector(
                port, reader, state, process, "https" if tls_cert else "http"
            )
        finally:
            stop(process)
            reader.close()
            writer.close()
    finally:
        manager.shutdown()


class CustomInspector(Inspector):
    """The docs' example: every public method of a subclass is a command."""

    def something(self, foo: str = "", count: int = 1) -> dict[str, Any]:
        return {"foo": foo, "count": count, "pid_of_main": self.app_info["pid"]}

    async def later(self, delay: float = 0.0) -> str:
        import asyncio

        await asyncio.sleep(delay)
        return "done later"

    def restart_one(self, name: str) -> None:
        """A command built from the stored publisher: restart one process."""
        from sanic.worker import messages

        self._publisher.send(messages.restart([name], reason="asked by a command"))
