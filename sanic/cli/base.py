"""What every part of the `sanic` command shares: its parser, its errors.

Two kinds of mistake, two exit statuses:

- a usage error (an unknown option, a missing argument, options that exclude
  each other) is argparse's business: one line, exit status 2, as for any
  POSIX command;
- a bad value (a port out of range, a missing certificate, an app that can't
  be loaded, a port already in use) is a `CLIError`: one line, exit status 1.

Neither prints a traceback, unless the command line asked for debug output.
"""

from __future__ import annotations

import argparse
import re
import sys
from typing import Any, NoReturn

PROG = "sanic"


class CLIError(Exception):
    """A mistake the user can fix; its message is one line naming it."""

    exit_status = 1


class BadValue(CLIError):
    """A flag's value is wrong (raised from argparse ``type=`` functions).

    argparse turns ``ValueError`` and ``ArgumentTypeError`` from a ``type=``
    function into a usage error (status 2); this class is neither, so it goes
    through argparse untouched and ends as a status-1 error naming the flag.
    """


class SanicArgumentParser(argparse.ArgumentParser):
    """An ArgumentParser whose usage errors are one line, not a usage dump."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see '{PROG} --help')\n")


class HelpFormatter(argparse.RawDescriptionHelpFormatter):
    """Help with room for long option names, and the description as written."""

    def __init__(self, prog: str) -> None:
        super().__init__(prog, max_help_position=32, width=min(_columns(), 100))

    def add_usage(
        self, usage: Any, actions: Any, groups: Any, prefix: Any = None
    ) -> None:
        super().add_usage(usage, actions, groups, "Usage:\n" if usage else prefix)


def _columns() -> int:
    import shutil

    return shutil.get_terminal_size((100, 24)).columns


def fail(message: str, status: int = 1) -> NoReturn:
    """Print ``sanic: error: message`` on stderr and exit with ``status``."""
    sys.stderr.write(f"{PROG}: error: {message}\n")
    sys.stderr.flush()
    raise SystemExit(status)


def one_line(exc: BaseException) -> str:
    """An exception as one line. The message alone for the errors that are
    written for users (this module's, the app loader's, Sanic's, the OS's);
    the type first for any other, where the type is half the story."""
    from sanic.exceptions import SanicException
    from sanic.worker.loader import AppLoadError

    text = " ".join(str(exc).split())
    if isinstance(exc, OSError):
        text = re.sub(r"^\[Errno \d+\] ", "", text)
    if isinstance(exc, (CLIError, SanicException, AppLoadError, OSError)):
        return text or type(exc).__name__
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__
