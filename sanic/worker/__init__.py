"""Worker processes: the manager, the loaders, and what workers share."""

from __future__ import annotations

from typing import Any


def __getattr__(name: str) -> Any:
    # Lazily: importing sanic.worker must not import gunicorn (an optional extra).
    if name == "GunicornWorker":
        from sanic.worker.gunicorn import GunicornWorker

        return GunicornWorker
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
