"""Settle logging for a server about to run: mode, colour, extras and levels."""

from __future__ import annotations

import logging
import os
import sys
from typing import Any

from sanic.helpers import Default, _default
from sanic.logging.filter import VerbosityFilter
from sanic.logging.formatter import LoggingSettings

_SANIC_LOGGERS = ("sanic.root", "sanic.error", "sanic.server", "sanic.websockets")


def _is_tty(stream: Any) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):  # no stream, or a closed one
        return False


def setup_logging(
    debug: bool,
    no_color: bool = False,
    log_extra: bool | Default = _default,
    *,
    verbosity: int = 0,
    set_levels: bool = True,
) -> None:
    """Tell Sanic's formatters how the server runs, and set its log levels.

    - ``debug``: the Auto formatters pick their Debug layout, and (with
      ``set_levels``) Sanic's loggers log from DEBUG up; production keeps INFO.
    - colour is on only when ``no_color`` is false, the ``NO_COLOR`` environment
      variable is unset or empty (https://no-color.org), and both stdout and
      stderr are terminals.
    - ``log_extra``: show ``extra=`` fields in text output; left as the default,
      it follows ``debug``.
    - ``verbosity``: records logged with ``extra={"verbosity": n}`` show only
      when ``n`` is at most this (``app.run(verbosity=...)``).

    ``set_levels=False`` (an app built with ``configure_logging=False``) leaves
    every logger's level as the application configured it.
    """
    VerbosityFilter.verbosity = verbosity
    LoggingSettings.debug = bool(debug)
    LoggingSettings.colors = (
        not no_color
        and not os.environ.get("NO_COLOR")
        and _is_tty(sys.stdout)
        and _is_tty(sys.stderr)
    )
    LoggingSettings.log_extra = (
        bool(debug) if isinstance(log_extra, Default) else bool(log_extra)
    )
    if set_levels and debug:
        for name in _SANIC_LOGGERS:
            logging.getLogger(name).setLevel(logging.DEBUG)
