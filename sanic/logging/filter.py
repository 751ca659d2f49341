"""Filters attached to Sanic's loggers."""

from __future__ import annotations

import logging


class VerbosityFilter(logging.Filter):
    """Drop records logged with ``extra={"verbosity": n}`` above the current level.

    ``VerbosityFilter.verbosity`` is the level the server runs with (0 unless
    raised); records without a verbosity always pass.
    """

    verbosity: int = 0

    def filter(self, record: logging.LogRecord) -> bool:
        return getattr(record, "verbosity", 0) <= self.verbosity
