"""The loggers Sanic apps and extensions import, and their default configuration.

The implementation lives in the ``sanic.logging`` package; this module is the
import path the docs and the ecosystem use.
"""

from __future__ import annotations

from sanic.logging.color import Colors
from sanic.logging.default import LOGGING_CONFIG_DEFAULTS
from sanic.logging.deprecation import SanicDeprecationWarning, deprecation
from sanic.logging.filter import VerbosityFilter
from sanic.logging.loggers import (
    access_logger,
    error_logger,
    logger,
    server_logger,
    websockets_logger,
)

__all__ = [
    "LOGGING_CONFIG_DEFAULTS",
    "Colors",
    "SanicDeprecationWarning",
    "VerbosityFilter",
    "access_logger",
    "deprecation",
    "error_logger",
    "logger",
    "server_logger",
    "websockets_logger",
]
