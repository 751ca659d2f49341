"""Sanic's logging: the loggers, their default configuration, and the formatters.

- ``sanic.logging.loggers``: the five loggers (also importable from ``sanic.log``).
- ``sanic.logging.default``: ``LOGGING_CONFIG_DEFAULTS``, the dictConfig applied by
  ``Sanic(...)`` unless ``log_config=`` or ``configure_logging=False`` says otherwise.
- ``sanic.logging.formatter``: Auto/Debug/Prod/Legacy/JSON formatters, each with an
  ``...AccessFormatter`` twin for the ``sanic.access`` records.
- ``sanic.logging.setup``: ``setup_logging``, run when a server starts, which tells
  the formatters the mode (debug or production), colour and LOG_EXTRA.
- ``sanic.logging.color``: ``Colors``; ``sanic.logging.filter``: ``VerbosityFilter``.
"""
