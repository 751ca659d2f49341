"""The logo at the top of the startup box (``app.config.LOGO`` replaces it)."""

from __future__ import annotations

from typing import Any

# Plain ASCII, so it shows the same in a terminal, a log file or a container log.
DEFAULT_LOGO = "\n".join(
    (
        r"  ___              _     ",
        r" / __| __ _  _ _  (_) __ ",
        r" \__ \/ _` || ' \ | |/ _|",
        r" |___/\__,_||_||_||_|\__|",
    )
)


def get_logo(app: Any) -> list[str]:
    """The logo's lines: ``app.config.LOGO`` when set, else Sanic's.

    Blank lines around a custom logo are dropped, its indentation kept; an
    empty string (``LOGO = ""``) means no logo at all.
    """
    logo = app.config.get("LOGO")
    if logo is None:
        logo = DEFAULT_LOGO
    lines = [line.rstrip() for line in str(logo).expandtabs().splitlines()]
    while lines and not lines[0].strip():
        lines.pop(0)
    while lines and not lines[-1].strip():
        lines.pop()
    return lines
