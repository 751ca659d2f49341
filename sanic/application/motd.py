"""The startup box (MOTD) the main process logs once before serving.

A logo, then the version and the address served, then one line each for the
mode, the server, Python, the platform, the packages, and whatever
``app.config.MOTD_DISPLAY`` adds. It goes through the ``sanic.server`` logger,
so logging configuration applies (a level above INFO hides it).

On a terminal (every stream the logger writes to is a TTY) without NO_COLOR
(``app.config.NO_COLOR`` or the environment variable), it is drawn as a box;
otherwise it is plain lines with no escape sequences, for log files and
collectors. ``app.config.MOTD = False`` replaces it with one line.
"""

from __future__ import annotations

import logging
import os
import platform
import shutil
from collections.abc import Mapping
from importlib import metadata
from typing import Any

from sanic.__version__ import __version__
from sanic.application.logo import get_logo
from sanic.log import Colors, server_logger
from sanic.logging.color import strip_colors

# Other Sanic packages worth naming when they are installed.
_COMPANIONS = ("sanic-ext", "sanic-testing")
_BOX = "─│┌┐└┘├┤┬┴"


def show_motd(
    app: Any,
    serve_location: str,
    *,
    workers: int,
    mode: Any,
    display: Mapping[str, Any] | None = None,
) -> None:
    """Log the MOTD for ``app`` serving at ``serve_location``.

    ``mode`` is "debug" or "production" (or the app's `Mode`); ``workers`` the
    number of server workers; ``display`` extra lines (``app.run(motd_display=)``)
    on top of ``app.config.MOTD_DISPLAY``.
    """
    mode_text = describe_mode(mode, workers)
    if not app.config.get("MOTD", True):
        server_logger.info(
            "Sanic v%s: %s at %s (%s)", __version__, app.name, serve_location, mode_text
        )
        return
    header = [f"Sanic v{__version__}", f"Goin' Fast @ {serve_location}"]
    data = motd_data(app, mode_text, display)
    logo = get_logo(app)
    box = render_box(header, logo, data) if _fancy(app) else None
    text = box if box is not None else render_plain(header, logo, data)
    server_logger.info("\n%s", text)


def describe_mode(mode: Any, workers: int) -> str:
    """``"debug, single worker"``, ``"production, 4 workers"``."""
    name = getattr(mode, "name", mode)
    text = str(name).lower() if name else "production"
    if "worker" in text:
        return text
    return f"{text}, {'single worker' if workers == 1 else f'{workers} workers'}"


def motd_data(
    app: Any, mode_text: str, display: Mapping[str, Any] | None = None
) -> dict[str, str]:
    """The key/value lines of the MOTD, MOTD_DISPLAY and ``display`` merged in last."""
    data = {
        "app": app.name,
        "mode": mode_text,
        "server": "ASGI" if getattr(app.state, "asgi", False) else "sanic, HTTP/1.1",
        "python": platform.python_version(),
        "platform": platform.platform(),
    }
    if getattr(app.state, "auto_reload", False):
        data["auto-reload"] = "enabled"
    data["packages"] = ", ".join(_packages())
    for extra in (app.config.get("MOTD_DISPLAY"), display):
        if isinstance(extra, Mapping):
            data.update(
                {_one_line(key): _one_line(value) for key, value in extra.items()}
            )
    return data


def render_plain(header: list[str], logo: list[str], data: Mapping[str, str]) -> str:
    """Lines with no box and no colour."""
    lines = [*logo, ""] if logo else []
    lines += header
    lines += _key_values(data)
    return "\n".join(lines)


def render_box(
    header: list[str],
    logo: list[str],
    data: Mapping[str, str],
    columns: int | None = None,
) -> str | None:
    """The box drawn with line characters; None when it is wider than ``columns``
    (the terminal's width by default)."""
    rows = _key_values(data)
    left = max((_width(line) for line in logo), default=0)
    right = max(len(row) for row in rows)
    inner = max(left + right + 5, *(len(line) + 4 for line in header))
    if columns is None:
        columns = shutil.get_terminal_size((100, 24)).columns
    if inner + 2 > columns:
        return None
    right_width = inner - left - 5 if logo else inner - 2
    height = max(len(logo), len(rows))
    logo_rows = _centered(logo, height)
    data_rows = _centered(rows, height)
    out = [f"┌{'─' * inner}┐"]
    out += [f"│{Colors.BOLD}{line.center(inner)}{Colors.END}│" for line in header[:1]]
    out += [f"│{line.center(inner)}│" for line in header[1:]]
    if logo:
        out.append(f"├{'─' * (left + 2)}┬{'─' * (inner - left - 3)}┤")
        for art, row in zip(logo_rows, data_rows, strict=True):
            out.append(
                f"│ {Colors.SANIC}{_pad(art, left)}{Colors.END} │ "
                f"{row:<{right_width}} │"
            )
        out.append(f"└{'─' * (left + 2)}┴{'─' * (inner - left - 3)}┘")
    else:
        out.append(f"├{'─' * inner}┤")
        out += [f"│ {row:<{right_width}} │" for row in data_rows]
        out.append(f"└{'─' * inner}┘")
    return "\n".join(out)


def _width(text: str) -> int:
    return len(strip_colors(text))


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def _key_values(data: Mapping[str, str]) -> list[str]:
    width = max((len(key) for key in data), default=0)
    return [f"{key:>{width}}: {value}" for key, value in data.items()]


def _centered(lines: list[str], height: int) -> list[str]:
    top = (height - len(lines)) // 2
    return [""] * top + lines + [""] * (height - len(lines) - top)


def _one_line(value: Any) -> str:
    """A display value on one line: control characters would break the box."""
    text = str(value)
    return "".join(char if char.isprintable() else " " for char in text).strip()


def _packages() -> list[str]:
    found = [f"sanic=={__version__}"]
    for name in _COMPANIONS:
        try:
            found.append(f"{name}=={metadata.version(name)}")
        except metadata.PackageNotFoundError:
            continue
    return found


def _fancy(app: Any) -> bool:
    """Box and colours: NO_COLOR unset, and every stream the MOTD reaches a TTY
    that can show the box characters."""
    if app.config.get("NO_COLOR") or os.environ.get("NO_COLOR"):
        return False
    streams = _streams(server_logger)
    return bool(streams) and all(_is_tty(stream) for stream in streams)


def _streams(log: logging.Logger) -> list[Any]:
    streams: list[Any] = []
    current: logging.Logger | None = log
    while current is not None:
        for handler in current.handlers:
            if isinstance(handler, logging.NullHandler):
                continue
            if isinstance(handler, logging.StreamHandler):
                streams.append(handler.stream)
            else:
                return []  # files, sockets, queues...: no terminal
        if not current.propagate:
            break
        current = current.parent
    return streams


def _is_tty(stream: Any) -> bool:
    try:
        if not stream.isatty():
            return False
    except (AttributeError, ValueError):
        return False
    encoding = getattr(stream, "encoding", None) or "ascii"
    try:
        _BOX.encode(encoding)
    except (UnicodeEncodeError, LookupError):
        return False
    return True
