"""The ``sanic`` command: load an app, map the flags onto ``app.prepare()``,
serve it (or run one of the other commands).

    sanic <target> [options]                  serve
    sanic <target> exec <command> [--k=v]     run an @app.command
    sanic <target> status|stop                the daemon started with -D
    sanic inspect [action] [options]          a running instance's inspector
    sanic status|kill --pid=N|--pidfile=FILE  any daemon, by pid
    sanic help                                the same as --help

A mistake is one line on stderr: status 2 for a usage error, 1 for anything
else (a bad value, an app that can't be loaded, a port in use). With
``--debug`` or ``--dev`` the traceback is shown as well.
"""

from __future__ import annotations

import argparse
import sys
import traceback
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sanic.cli import daemon as daemons
from sanic.cli.arguments import build_parser
from sanic.cli.base import PROG, CLIError, SanicArgumentParser, fail, one_line

ACTIONS = ("status", "stop")


class SanicCLI:
    """Parses the command line and does what it says."""

    def __init__(self) -> None:
        self.parser = build_parser()
        self.args: argparse.Namespace | None = None

    def run(self, argv: Sequence[str] | None = None) -> None:
        """Run the command line ``argv`` (``sys.argv[1:]`` by default).

        Returns when a server stops; exits (``SystemExit``) with a non-zero
        status on a mistake.
        """
        argv = list(sys.argv[1:] if argv is None else argv)
        show_traceback = _asks_for_debug(argv)
        try:
            status = self._dispatch(argv)
        except KeyboardInterrupt:
            raise SystemExit(130) from None
        except SystemExit:
            raise
        except CLIError as exc:
            self._report(exc, show_traceback, hint=False)
            raise SystemExit(exc.exit_status) from None
        except Exception as exc:
            self._report(exc, show_traceback, hint=not _is_user_error(exc))
            raise SystemExit(1) from None
        if status:
            raise SystemExit(status)

    @staticmethod
    def _report(exc: BaseException, show_traceback: bool, *, hint: bool) -> None:
        if show_traceback:
            traceback.print_exception(exc)
        message = one_line(exc)
        if hint and not show_traceback:
            message += " (run with --debug for the traceback)"
        sys.stderr.write(f"{PROG}: error: {message}\n")
        sys.stderr.flush()

    # ---- dispatch ---------------------------------------------------------------

    def _dispatch(self, argv: list[str]) -> int:
        if not argv:
            fail(
                f"no app given: {PROG} path.to.server:app (see '{PROG} --help')",
                status=2,
            )
        first = argv[0]
        if first == "help":
            self.parser.print_help()
            return 0
        if first == "inspect":
            from sanic.cli.inspector import run_inspect

            run_inspect(argv[1:])
            return 0
        if first in ("kill", "status") and (len(argv) == 1 or argv[1].startswith("-")):
            return self._control(first, argv[1:])
        exec_args: list[str] | None = None
        if "exec" in argv[1:]:
            at = argv.index("exec", 1)
            argv, exec_args = argv[:at], argv[at + 1 :]
        args = self.parser.parse_args(argv)
        self.args = args
        if not args.target:
            fail(
                f"no app given: {PROG} path.to.server:app (see '{PROG} --help')",
                status=2,
            )
        if args.action is not None:
            if args.action not in ACTIONS or exec_args is not None:
                self.parser.error(
                    f"unexpected {args.action!r} after the app: expected exec, "
                    "status or stop"
                )
            pidfile = Path(args.pidfile or daemons.default_pidfile(args.target))
            if args.action == "status":
                return daemons.status(pidfile=pidfile)
            return daemons.stop(pidfile=pidfile)
        loader = self._loader(args)
        app = loader.load()
        if exec_args is not None:
            from sanic.cli.executor import run_command

            run_command(app, exec_args)
            return 0
        if (
            args.inspect
            or args.inspect_raw
            or args.trigger_reload
            or args.trigger_shutdown
        ):
            from sanic.cli.inspector import inspect_app

            action = (
                "reload"
                if args.trigger_reload
                else "shutdown"
                if args.trigger_shutdown
                else None
            )
            inspect_app(app, raw=args.inspect_raw, action=action)
            return 0
        self._serve(app, loader, args)
        return 0

    def _control(self, command: str, argv: list[str]) -> int:
        """``sanic status|kill --pid=N|--pidfile=FILE``."""
        parser = SanicArgumentParser(
            prog=f"{PROG} {command}",
            description=(
                "Show whether a Sanic daemon runs"
                if command == "status"
                else "Stop a Sanic daemon: SIGTERM (a graceful shutdown), then "
                "SIGKILL if it outlives --timeout"
            ),
        )
        which = parser.add_mutually_exclusive_group(required=True)
        which.add_argument("--pid", type=int, help="the daemon's main process id")
        which.add_argument("--pidfile", help="the daemon's pidfile")
        if command == "kill":
            parser.add_argument(
                "--timeout",
                type=float,
                default=daemons.STOP_TIMEOUT,
                help="seconds to wait for a graceful stop [default 30]",
            )
        args = parser.parse_args(argv)
        pidfile = Path(args.pidfile) if args.pidfile else None
        if command == "status":
            return daemons.status(args.pid, pidfile)
        return daemons.stop(args.pid, pidfile, timeout=args.timeout, force=True)

    # ---- serving ------------------------------------------------------------------

    @staticmethod
    def _loader(args: argparse.Namespace) -> Any:
        from sanic.worker.loader import AppLoader

        return AppLoader(
            args.target, as_factory=args.factory, as_simple=args.simple, args=args
        )

    def _serve(self, app: Any, loader: Any, args: argparse.Namespace) -> None:
        from sanic.app import Sanic

        options = self.prepare_options(args)
        plan = daemons.ProcessPlan(
            target=args.target,
            daemon=args.daemon,
            pidfile=args.pidfile,
            logfile=args.logfile,
            user=args.user,
            group=args.group,
        )
        plan.check()
        console = self._console(app, args, options)
        app.prepare(**options)
        plan.enter(app)
        if console is not None:
            app.register_listener(console.ready, "main_process_ready", priority=-1000)
            console.start()
        try:
            if args.single_process:
                Sanic.serve_single(primary=app)
            elif args.legacy:
                Sanic.serve_legacy(primary=app)
            else:
                Sanic.serve(primary=app, app_loader=loader)
        except BaseException as exc:
            plan.failed(one_line(exc))
            raise
        finally:
            plan.leave()

    @staticmethod
    def prepare_options(args: argparse.Namespace) -> dict[str, Any]:
        """The ``app.prepare(...)`` keyword arguments the flags stand for."""
        if args.http == 3:
            raise CLIError("HTTP/3 is not supported: serve HTTP/1.1 (leave out --http)")
        if bool(args.cert) != bool(args.key):
            raise CLIError("--cert and --key go together: give both")
        if args.single_process and (args.auto_reload or args.reload_dir):
            raise CLIError(
                "auto-reload needs the worker manager: leave out --single-process"
            )
        if args.legacy and args.single_process:
            raise CLIError("--legacy and --single-process exclude each other")
        if args.daemon and args.repl:
            raise CLIError("--repl can't run with --daemon: a daemon has no terminal")
        if args.tls_strict_host and not args.tls:
            raise CLIError("--tls-strict-host needs one or more --tls directories")
        if args.unix and (args.host or args.port is not None):
            raise CLIError("--unix binds a unix socket: leave out --host and --port")
        ssl: Any = None
        entries: list[Any] = []
        if args.cert:
            entries.append({"cert": args.cert, "key": args.key})
        entries.extend(args.tls or [])
        if args.tls_strict_host:
            ssl = [None, *entries]
        elif len(entries) == 1:
            ssl = entries[0]
        elif entries:
            ssl = entries
        auto_reload = True if (args.auto_reload or args.reload_dir) else None
        return {
            "host": args.host,
            "port": args.port,
            "unix": args.unix,
            "ssl": ssl,
            "dev": args.dev,
            "debug": args.debug,
            "auto_reload": auto_reload,
            "reload_dir": args.reload_dir,
            "workers": args.workers,
            "fast": args.fast,
            "single_process": args.single_process,
            "access_log": args.access_log,
            "noisy_exceptions": args.noisy_exceptions,
            "motd": args.motd,
            "verbosity": args.verbosity,
            "coffee": args.coffee,
            "auto_tls": args.auto_tls,
        }

    @staticmethod
    def _console(app: Any, args: argparse.Namespace, options: dict[str, Any]) -> Any:
        """The console to open beside the server: with ``--repl``, or with
        ``--dev`` when stdin is a terminal (then it waits for ENTER)."""
        wanted = args.repl
        if wanted is None:
            wanted = bool(args.dev and not args.daemon and _isatty(sys.stdin))
            wait = True
        else:
            wait = False
        if not wanted:
            return None
        from sanic.cli.console import Console

        return Console(
            app,
            host=options["host"] or "127.0.0.1",
            port=8000 if options["port"] is None else options["port"],
            unix=options["unix"],
            tls=bool(options["ssl"] or options["auto_tls"]),
            wait_for_enter=wait,
        )


def _asks_for_debug(argv: list[str]) -> bool:
    """Whether the command line has --debug or --dev (-d, alone or in a
    cluster such as -dv); what follows ``exec`` belongs to the command."""
    for arg in argv:
        if arg == "exec":
            return False
        if arg in ("--debug", "--dev"):
            return True
        short = arg[1:]
        if arg.startswith("-") and short.isalpha() and "d" in short:
            return True
    return False


def _isatty(stream: Any) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False


def _is_user_error(exc: BaseException) -> bool:
    """Errors whose message says it all (no point pointing at a traceback)."""
    from sanic.exceptions import SanicException
    from sanic.worker.loader import AppLoadError

    if isinstance(exc, AppLoadError):
        return exc.__cause__ is None
    return isinstance(exc, (SanicException, OSError))
