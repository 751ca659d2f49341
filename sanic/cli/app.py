"""The `sanic` command: load an app by ``module:attribute`` and serve it.

Only single-process serving exists so far; the worker manager, the inspector
and the full set of flags come with the process-model work.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from typing import Any, NoReturn

from sanic.__version__ import __version__


class SanicArgumentParser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.exit(2, f"sanic: error: {message}\n")


class SanicCLI:
    """Parses the command line and runs the app it names."""

    def __init__(self) -> None:
        parser = SanicArgumentParser(
            prog="sanic",
            description="Serve a Sanic application: sanic path.to.module:app",
        )
        parser.add_argument(
            "target", help="the app as module:attribute, e.g. server:app"
        )
        parser.add_argument(
            "-v", "--version", action="version", version=f"Sanic {__version__}"
        )
        parser.add_argument("-H", "--host", default="127.0.0.1", help="host to bind")
        parser.add_argument("-p", "--port", type=int, default=8000, help="port to bind")
        parser.add_argument(
            "-u", "--unix", default=None, help="unix socket path to bind"
        )
        parser.add_argument(
            "--factory",
            action="store_true",
            help="treat target as a function that returns the app",
        )
        parser.add_argument("-d", "--debug", action="store_true", help="debug mode")
        parser.add_argument(
            "--dev", action="store_true", help="development mode (debug)"
        )
        access = parser.add_mutually_exclusive_group()
        access.add_argument(
            "--access-logs",
            dest="access_log",
            action="store_true",
            default=None,
            help="log every request",
        )
        access.add_argument(
            "--no-access-logs",
            dest="access_log",
            action="store_false",
            help="do not log requests",
        )
        parser.add_argument(
            "--single-process",
            action="store_true",
            help="serve in this process (the only mode so far)",
        )
        self.parser = parser

    def run(self, argv: list[str] | None = None) -> None:
        args = self.parser.parse_args(argv)
        if not 0 <= args.port <= 65535:
            self.parser.error(f"--port {args.port} is not a port number (0-65535)")
        app = self._load(args.target, factory=args.factory)
        app.run(
            host=args.host,
            port=args.port,
            unix=args.unix,
            debug=args.debug,
            dev=args.dev,
            access_log=args.access_log,
            single_process=True,
        )

    def _load(self, target: str, *, factory: bool) -> Any:
        from sanic.app import Sanic

        module_name, _, attribute = target.partition(":")
        if not module_name:
            self.parser.error(f"cannot load {target!r}: expected module:app")
        sys.path.insert(0, os.getcwd())
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name and module_name.startswith(exc.name):
                self.parser.error(
                    f"cannot load {target!r}: no module named {exc.name!r}"
                )
            raise
        attribute = attribute or "app"
        obj = getattr(module, attribute, None)
        if obj is None:
            self.parser.error(
                f"cannot load {target!r}: {module_name} has no {attribute!r}"
            )
        if factory or (callable(obj) and not isinstance(obj, Sanic)):
            obj = obj()
        if not isinstance(obj, Sanic):
            self.parser.error(
                f"cannot load {target!r}: it is a {type(obj).__name__}, not a Sanic app"
            )
        return obj
