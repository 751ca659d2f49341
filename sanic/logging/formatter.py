"""Formatters for Sanic's log records.

Every family comes as a pair: ``XFormatter`` for the general loggers and
``XAccessFormatter`` for ``sanic.access``, whose records carry ``host``,
``request``, ``status``, ``byte`` and ``duration``.

- ``Debug...``: readable and coloured; no timestamp except on access lines.
- ``Prod...``: concise, timestamped, never coloured.
- ``Auto...`` (the default): Debug in debug mode, Prod otherwise.
- ``Legacy...``: the formats of Sanic before 24.3.
- ``JSON...``: one JSON object per line, for log shippers.

Colour needs a terminal: it is off where NO_COLOR is set (``app.config.NO_COLOR``
or the ``NO_COLOR`` environment variable) or where output is not a TTY, and ANSI
sequences in messages (``Colors``) are stripped too. Extra record fields
(``logger.info(..., extra={...})``) are shown when LOG_EXTRA is on, which by
default it is in debug mode only; JSON output always carries them.

A ``format`` given in a logging config is honoured by every text formatter here,
e.g. ``{"class": "sanic.logging.formatter.AutoAccessFormatter", "format": ...}``.
"""

from __future__ import annotations

import json
import logging
from datetime import datetime, timezone
from typing import Any, ClassVar

import orjson

from sanic.logging.color import Colors, strip_colors

DEFAULT_DATEFMT = "[%Y-%m-%d %H:%M:%S %z]"
LEGACY_FORMAT = "%(asctime)s [%(process)s] [%(levelname)s] %(message)s"
LEGACY_ACCESS_FORMAT = (
    "%(asctime)s - (%(name)s)[%(levelname)s][%(host)s]: "
    "%(request)s %(message)s %(status)s %(byte)s"
)
ACCESS_FIELDS = ("host", "request", "status", "byte", "duration")

# Attributes every LogRecord has; anything else on a record came from ``extra=``.
_RECORD_ATTRIBUTES = frozenset(
    vars(logging.LogRecord("", 0, "", 0, "", None, None))
) | {"message", "asctime", "taskName", "verbosity"}
_ACCESS_SKIP = _RECORD_ATTRIBUTES | set(ACCESS_FIELDS)

_END = Colors.END.value
_BOLD = Colors.BOLD.value
_GREY = Colors.GREY.value
_LEVEL_COLORS = {
    logging.DEBUG: Colors.BLUE.value,
    logging.INFO: Colors.GREEN.value,
    logging.WARNING: Colors.YELLOW.value,
    logging.ERROR: Colors.RED.value,
    logging.CRITICAL: Colors.BOLD.value + Colors.RED.value,
}
_STATUS_COLORS = {
    1: Colors.GREY.value,
    2: Colors.GREEN.value,
    3: Colors.BLUE.value,
    4: Colors.YELLOW.value,
    5: Colors.RED.value,
}


class LoggingSettings:
    """What ``setup_logging`` decided for the running server (read when formatting)."""

    debug: ClassVar[bool] = False
    colors: ClassVar[bool] = False
    log_extra: ClassVar[bool] = False


def extra_fields(record: logging.LogRecord, skip: frozenset[str] | set[str]) -> dict:
    """The fields given to the log call with ``extra=``."""
    return {
        key: value
        for key, value in vars(record).items()
        if key not in skip and not key.startswith("_")
    }


def _extras_text(record: logging.LogRecord, skip: frozenset[str] | set[str]) -> str:
    if not LoggingSettings.log_extra:
        return ""
    fields = extra_fields(record, skip)
    if not fields:
        return ""
    return " " + " ".join(
        f"{_GREY}{key}={value}{_END}" for key, value in fields.items()
    )


def _duration_text(record: logging.LogRecord) -> str:
    duration = getattr(record, "duration", None)
    if not isinstance(duration, (int, float)):
        return "-"
    return f"{duration * 1000:.1f}ms"


def _byte_text(record: logging.LogRecord) -> str:
    size = getattr(record, "byte", -1)
    return "-" if not isinstance(size, int) or size < 0 else f"{size}B"


class SanicFormatter(logging.Formatter):
    """The shared base: a ``format`` passed in wins; otherwise the class's layout."""

    FORMAT: ClassVar[str | None] = None

    def __init__(
        self,
        fmt: str | None = None,
        datefmt: str | None = None,
        style: Any = "%",
        validate: bool = True,
        *,
        defaults: dict[str, Any] | None = None,
    ) -> None:
        if fmt is None:
            fmt = self.FORMAT
        self.custom = fmt is not None
        super().__init__(
            fmt, datefmt or DEFAULT_DATEFMT, style, validate, defaults=defaults
        )

    def use_colors(self) -> bool:
        return False

    def layout(self, record: logging.LogRecord) -> str:
        return super().formatMessage(record)

    def format(self, record: logging.LogRecord) -> str:
        if self.custom:
            text = super().format(record)
        else:
            record.message = record.getMessage()
            text = self.layout(record)
            if record.exc_info and not record.exc_text:
                record.exc_text = self.formatException(record.exc_info)
            if record.exc_text:
                text = f"{text}\n{record.exc_text}"
            if record.stack_info:
                text = f"{text}\n{self.formatStack(record.stack_info)}"
        return text if self.use_colors() else strip_colors(text)

    # ---- the layouts -------------------------------------------------------------

    def _debug_line(self, record: logging.LogRecord) -> str:
        color = _LEVEL_COLORS.get(record.levelno, "")
        return (
            f"{_BOLD}[{_END}{color}{record.levelname}{_END}{_BOLD}]{_END} "
            f"{record.message}{_extras_text(record, _RECORD_ATTRIBUTES)}"
        )

    def _prod_line(self, record: logging.LogRecord) -> str:
        return (
            f"{self.formatTime(record, self.datefmt)} [{record.process}] "
            f"[{record.levelname}] {record.message}"
            f"{_extras_text(record, _RECORD_ATTRIBUTES)}"
        )

    def _debug_access_line(self, record: logging.LogRecord) -> str:
        status = getattr(record, "status", "")
        color = _STATUS_COLORS.get(status // 100, "") if isinstance(status, int) else ""
        message = f" {record.message}" if record.message else ""
        return (
            f"{_GREY}{self.formatTime(record, self.datefmt)}{_END} "
            f"{getattr(record, 'host', '')} "
            f"{_BOLD}{getattr(record, 'request', '')}{_END}{message} "
            f"{color}{status}{_END} {_byte_text(record)} {_duration_text(record)}"
            f"{_extras_text(record, _ACCESS_SKIP)}"
        )

    def _prod_access_line(self, record: logging.LogRecord) -> str:
        message = f" {record.message}" if record.message else ""
        return (
            f"{self.formatTime(record, self.datefmt)} [{record.process}] "
            f"[{record.levelname}] {getattr(record, 'host', '')} "
            f"{getattr(record, 'request', '')}{message} {getattr(record, 'status', '')} "
            f"{_byte_text(record)} {_duration_text(record)}"
            f"{_extras_text(record, _ACCESS_SKIP)}"
        )


class DebugFormatter(SanicFormatter):
    """Development output: ``[LEVEL] message``, coloured on a terminal."""

    def use_colors(self) -> bool:
        return LoggingSettings.colors

    def layout(self, record: logging.LogRecord) -> str:
        return self._debug_line(record)


class ProdFormatter(SanicFormatter):
    """Production output: ``[time] [pid] [LEVEL] message``, never coloured."""

    def layout(self, record: logging.LogRecord) -> str:
        return self._prod_line(record)


class AutoFormatter(SanicFormatter):
    """``DebugFormatter`` in debug mode, ``ProdFormatter`` otherwise (the default)."""

    def use_colors(self) -> bool:
        return LoggingSettings.debug and LoggingSettings.colors

    def layout(self, record: logging.LogRecord) -> str:
        if LoggingSettings.debug:
            return self._debug_line(record)
        return self._prod_line(record)


class LegacyFormatter(SanicFormatter):
    """The general format of Sanic before 24.3."""

    FORMAT = LEGACY_FORMAT


class DebugAccessFormatter(DebugFormatter):
    """``[time] host METHOD url status size duration``, coloured on a terminal."""

    def layout(self, record: logging.LogRecord) -> str:
        return self._debug_access_line(record)


class ProdAccessFormatter(ProdFormatter):
    """``[time] [pid] [INFO] host METHOD url status size duration``."""

    def layout(self, record: logging.LogRecord) -> str:
        return self._prod_access_line(record)


class AutoAccessFormatter(AutoFormatter):
    """``DebugAccessFormatter`` in debug mode, ``ProdAccessFormatter`` otherwise."""

    def layout(self, record: logging.LogRecord) -> str:
        if LoggingSettings.debug:
            return self._debug_access_line(record)
        return self._prod_access_line(record)


class LegacyAccessFormatter(LegacyFormatter):
    """The access format of Sanic before 24.3."""

    FORMAT = LEGACY_ACCESS_FORMAT


def _dumps(data: dict[str, Any]) -> str:
    try:
        return orjson.dumps(data, default=str).decode()
    except TypeError:  # e.g. an int beyond 64 bits: the slower, laxer encoder
        return json.dumps(data, default=str)


class JSONFormatter(SanicFormatter):
    """One JSON object per record and line: ``timestamp`` (ISO 8601, UTC),
    ``level``, ``logger``, ``process``, ``message``, every ``extra=`` field, and
    ``exc_info`` / ``stack_info`` as text when present."""

    def format(self, record: logging.LogRecord) -> str:
        data: dict[str, Any] = {
            "timestamp": datetime.fromtimestamp(
                record.created, tz=timezone.utc
            ).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "process": record.process,
            "message": strip_colors(record.getMessage()),
        }
        for key, value in extra_fields(record, _RECORD_ATTRIBUTES).items():
            data.setdefault(key, value)
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            data["exc_info"] = record.exc_text
        if record.stack_info:
            data["stack_info"] = self.formatStack(record.stack_info)
        return _dumps(data)


class JSONAccessFormatter(JSONFormatter):
    """``JSONFormatter`` for access records: ``host``, ``request``, ``status``,
    ``byte`` and ``duration`` (seconds) are always present."""

    def format(self, record: logging.LogRecord) -> str:
        for field in ACCESS_FIELDS:
            if not hasattr(record, field):
                setattr(record, field, None)
        return super().format(record)


__all__ = [
    "AutoAccessFormatter",
    "AutoFormatter",
    "DebugAccessFormatter",
    "DebugFormatter",
    "JSONAccessFormatter",
    "JSONFormatter",
    "LegacyAccessFormatter",
    "LegacyFormatter",
    "LoggingSettings",
    "ProdAccessFormatter",
    "ProdFormatter",
    "SanicFormatter",
]
