"""The startup box (MOTD) the main process prints before serving."""

from __future__ import annotations

from typing import Any

from sanic.log import server_logger


def show_motd(app: Any, serve_location: str, *, workers: int, mode: str) -> None:
    """Print the MOTD for ``app`` unless ``app.config.MOTD`` is off."""
    if not app.config.get("MOTD", True):
        return
    server_logger.info(
        "Sanic %s: %s, %s, %d worker%s",
        app.name,
        serve_location,
        mode,
        workers,
        "" if workers == 1 else "s",
    )
