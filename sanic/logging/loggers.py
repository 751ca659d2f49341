"""The loggers Sanic writes to; apps and extensions import them from sanic.log."""

from __future__ import annotations

import logging

from sanic.logging.filter import VerbosityFilter

_verbosity_filter = VerbosityFilter()

logger = logging.getLogger("sanic.root")
"""Sanic's general logger (internal messages; free for apps to use)."""
error_logger = logging.getLogger("sanic.error")
"""Errors, with their tracebacks (free for apps to use)."""
access_logger = logging.getLogger("sanic.access")
"""One record per answered request, when access logs are on."""
server_logger = logging.getLogger("sanic.server")
"""The server's lifecycle: binding, workers, shutdown."""
websockets_logger = logging.getLogger("sanic.websockets")
"""Websocket connections and their protocol."""

for _logger in (logger, error_logger, access_logger, server_logger, websockets_logger):
    _logger.addFilter(_verbosity_filter)
