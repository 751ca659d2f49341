"""Choosing the event loop: uvloop when installed and wanted."""

from __future__ import annotations

import asyncio

from sanic.compat import OS_IS_WINDOWS, UVLOOP_INSTALLED
from sanic.log import error_logger


def uses_uvloop(use_uvloop: bool | object = True) -> bool:
    """Whether `new_event_loop` gives uvloop for this USE_UVLOOP value."""
    return use_uvloop is not False and UVLOOP_INSTALLED and not OS_IS_WINDOWS


def new_event_loop(use_uvloop: bool | object = True) -> asyncio.AbstractEventLoop:
    """A fresh loop: uvloop unless disabled or unavailable."""
    if uses_uvloop(use_uvloop):
        import uvloop

        return uvloop.new_event_loop()
    if use_uvloop is True and not UVLOOP_INSTALLED:
        error_logger.warning("uvloop is not installed; using the asyncio event loop")
    return asyncio.new_event_loop()


def try_use_uvloop() -> None:
    """Kept for Sanic compatibility: loops are created with new_event_loop()."""
