"""ANSI colours for log output."""

from __future__ import annotations

import re
from enum import Enum

# An SGR escape sequence ("\x1b[...m"): what colours and bold are made of.
ANSI_ESCAPE = re.compile(r"\x1b\[[0-9;]*m")


class Colors(str, Enum):
    """Colours for log messages; they are stripped where colour is off
    (production, NO_COLOR, or output that is not a terminal).

    ``logger.info(f"{Colors.GREEN}This is a green message{Colors.END}")``
    """

    END = "\x1b[0m"
    BOLD = "\x1b[1m"
    BLUE = "\x1b[34m"
    GREEN = "\x1b[32m"
    PURPLE = "\x1b[35m"
    RED = "\x1b[31m"
    SANIC = "\x1b[38;2;255;13;104m"
    YELLOW = "\x1b[01;33m"
    GREY = "\x1b[38;5;245m"

    def __str__(self) -> str:
        return self.value

    def __format__(self, format_spec: str) -> str:
        return format(self.value, format_spec)


def strip_colors(text: str) -> str:
    """``text`` without ANSI colour sequences."""
    return ANSI_ESCAPE.sub("", text) if "\x1b" in text else text
