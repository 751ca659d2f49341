"""`WorkerState`: a process's view of its own entry in the shared worker state.

The worker state is a mapping shared between processes (a
``multiprocessing.Manager().dict()`` proxy): process name → plain dict. A
proxy hands out copies of its values, so a change to one entry is a read,
a change and a write back of the whole dict.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from sanic.log import error_logger

# What a broken link to the state server looks like (it went away first).
_GONE = (OSError, EOFError, BrokenPipeError, ConnectionError, TypeError)


class WorkerState(Mapping):
    """The entry named ``current`` in the shared ``state`` mapping."""

    RESTRICTED = ("pid", "server", "state", "start_at", "starts", "restart_at")

    def __init__(self, state: Any, current: str) -> None:
        self._name = current
        self._state = state

    @property
    def name(self) -> str:
        return self._name

    def __getitem__(self, key: str) -> Any:
        return self._entry()[key]

    def __setitem__(self, key: str, value: Any) -> None:
        if key in self.RESTRICTED:
            raise LookupError(f"Cannot set restricted key {key!r} on WorkerState")
        self._write({key: value})

    def __delitem__(self, key: str) -> None:
        if key in self.RESTRICTED:
            raise LookupError(f"Cannot delete restricted key {key!r} on WorkerState")
        entry = self._entry()
        entry.pop(key, None)
        self._put(entry)

    def __iter__(self) -> Iterator[str]:
        return iter(self._entry())

    def __len__(self) -> int:
        return len(self._entry())

    def __repr__(self) -> str:
        return repr(self._entry())

    def __eq__(self, other: object) -> bool:
        return self._entry() == other

    def update(self, mapping: Mapping[str, Any] | None = None, **kwargs: Any) -> None:
        """Set several keys at once (restricted ones included: Sanic's own use)."""
        self._write({**(mapping or {}), **kwargs})

    def pop(self, key: str, *default: Any) -> Any:
        if key in self.RESTRICTED:
            raise LookupError(f"Cannot delete restricted key {key!r} on WorkerState")
        entry = self._entry()
        value = entry.pop(key, *default)
        self._put(entry)
        return value

    def full(self) -> dict[str, Any]:
        """Every process's entry, as plain dicts."""
        try:
            return {name: dict(value) for name, value in self._state.items()}
        except _GONE:
            return {}

    def _entry(self) -> dict[str, Any]:
        try:
            return dict(self._state.get(self._name) or {})
        except _GONE:
            return {}

    def _write(self, values: dict[str, Any]) -> None:
        entry = self._entry()
        entry.update(values)
        self._put(entry)

    def _put(self, entry: dict[str, Any]) -> None:
        try:
            self._state[self._name] = entry
        except _GONE:
            pass  # the main process is shutting down: nothing left to tell
        except Exception:
            error_logger.exception("Could not update the worker state")
