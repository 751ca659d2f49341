"""The flags of ``sanic <target> [options]``, in the groups ``--help`` shows.

Each ``type=`` function checks its value and raises `BadValue` (exit
status 1, one line naming the flag) for a wrong one.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

from sanic.__version__ import __version__
from sanic.cli.base import PROG, BadValue, HelpFormatter, SanicArgumentParser

USAGE = f"""\
  {PROG} <target> [options]           Run a Sanic application
  {PROG} <target> exec <cmd> [--k=v]  Run a command registered with @app.command
  {PROG} <target> status|stop         Ask after, or stop, an app run with --daemon
  {PROG} inspect [action] [options]   Inspect or control a running instance
  {PROG} status|kill --pid=N|--pidfile=FILE
  {PROG} help                         This help"""

DESCRIPTION = f"""\
Build Fast. Run Fast.

The target names the app:
  {PROG} path.to.server:app             a Sanic() instance in a module
  {PROG} path.to.server.app             the same, as an attribute path
  {PROG} path/to/server.py              the 'app' in a Python file
  {PROG} path.to.factory:create_app --factory
                                    a callable returning a Sanic() instance
  {PROG} ./path/to/static --simple      a directory served as static files

Examples:
  {PROG} server:app --host=0.0.0.0 --port=1337 --workers=4
  {PROG} server:app --dev               debug, auto-reload and a console
  {PROG} server:app -D --pidfile=/run/app.pid --logfile=/var/log/app.log"""


def version_text() -> str:
    """What ``sanic --version`` prints: the routing is built in, so it shares
    the package's version."""
    return f"Sanic {__version__}; Routing {__version__}"


def _checked(
    name: str, convert: Callable[[str], Any], check: Callable[[Any], bool], want: str
) -> Callable[[str], Any]:
    def parse(value: str) -> Any:
        try:
            result = convert(value)
        except ValueError:
            result = None
        if result is None or not check(result):
            raise BadValue(f"{name} must be {want}, not {value!r}")
        return result

    parse.__name__ = name
    return parse


port_number = _checked(
    "--port", int, lambda n: 0 <= n <= 65535, "a port number (0-65535)"
)
worker_count = _checked("--workers", int, lambda n: n >= 1, "a positive integer")
http_version = _checked(
    "--http", int, lambda n: n in (1, 3), "1 (HTTP/1.1) or 3 (HTTP/3)"
)


def existing_file(flag: str) -> Callable[[str], str]:
    def parse(value: str) -> str:
        if not os.path.isfile(value):
            raise BadValue(f"{flag} {value!r}: no such file")
        return value

    return parse


def existing_dir(flag: str) -> Callable[[str], str]:
    def parse(value: str) -> str:
        if not os.path.isdir(value):
            raise BadValue(f"{flag} {value!r}: no such directory")
        return value

    return parse


def build_parser() -> SanicArgumentParser:
    """The parser for ``sanic <target> [status|stop] [options]``."""
    parser = SanicArgumentParser(
        prog=PROG,
        usage=USAGE,
        description=DESCRIPTION,
        formatter_class=HelpFormatter,
        add_help=False,
    )
    positional = parser.add_argument_group("Target")
    positional.add_argument(
        "target",
        nargs="?",
        help="the app: path.to.server:app, path/to/server.py, or a directory "
        "with --simple",
    )
    positional.add_argument(
        "action",
        nargs="?",
        help="status or stop: ask after, or stop, the app run with --daemon "
        "(its --pidfile)",
    )

    general = parser.add_argument_group("General")
    general.add_argument("-h", "--help", action="help", help="show this help and exit")
    general.add_argument(
        "--version",
        action="version",
        version=version_text(),
        help="show the version and exit",
    )

    app = parser.add_argument_group("Application")
    app.add_argument(
        "--factory",
        action="store_true",
        help="the target is a callable returning the app, e.g. module:create_app",
    )
    app.add_argument(
        "-s",
        "--simple",
        action="store_true",
        help="serve the files of the directory named by the target",
    )
    app.add_argument(
        "--inspect",
        action="store_true",
        help="show the state of the app's running instance (its inspector)",
    )
    app.add_argument(
        "--inspect-raw",
        action="store_true",
        help="the same, as JSON",
    )
    app.add_argument(
        "--trigger-reload",
        action="store_true",
        help="make the running instance restart its workers",
    )
    app.add_argument(
        "--trigger-shutdown",
        action="store_true",
        help="make the running instance shut down",
    )

    http = parser.add_argument_group("HTTP version")
    http.add_argument(
        "--http",
        dest="http",
        type=http_version,
        default=1,
        metavar="{1,3}",
        help="HTTP/1.1 (1) or HTTP/3 (3) [default 1]; only 1 is supported",
    )
    http.add_argument(
        "-1", dest="http", action="store_const", const=1, help="serve HTTP/1.1"
    )
    http.add_argument(
        "-3",
        dest="http",
        action="store_const",
        const=3,
        help="serve HTTP/3 (not supported: an error)",
    )

    socket = parser.add_argument_group("Socket binding")
    socket.add_argument("-H", "--host", help="host address to bind [default 127.0.0.1]")
    socket.add_argument(
        "-p",
        "--port",
        type=port_number,
        help="port to bind [default 8000]",
    )
    socket.add_argument(
        "-u", "--unix", metavar="PATH", help="unix socket to bind instead of TCP"
    )

    tls = parser.add_argument_group("TLS certificate")
    tls.add_argument(
        "--cert",
        type=existing_file("--cert"),
        help="certificate chain: fullchain.pem, bundle.crt or the like",
    )
    tls.add_argument(
        "--key",
        type=existing_file("--key"),
        help="private key: privkey.pem or the like",
    )
    tls.add_argument(
        "--tls",
        metavar="DIR",
        type=existing_dir("--tls"),
        action="append",
        help="directory holding fullchain.pem and privkey.pem; repeat it for "
        "several certificates, chosen by the name the client asks for (SNI)",
    )
    tls.add_argument(
        "--tls-strict-host",
        action="store_true",
        help="refuse clients whose server name matches no certificate",
    )

    worker = parser.add_argument_group("Worker")
    count = worker.add_mutually_exclusive_group()
    count.add_argument(
        "-w",
        "--workers",
        type=worker_count,
        default=1,
        help="number of worker processes [default 1]",
    )
    count.add_argument(
        "--fast", action="store_true", help="as many workers as the CPUs allow"
    )
    count.add_argument(
        "--single-process",
        action="store_true",
        help="serve in this process, with no worker manager (no auto-reload)",
    )
    worker.add_argument(
        "--legacy",
        action="store_true",
        help="run the workers without the worker manager (deprecated)",
    )
    access = worker.add_mutually_exclusive_group()
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

    dev = parser.add_argument_group("Development")
    dev.add_argument("--debug", action="store_true", help="run in debug mode")
    dev.add_argument(
        "-r",
        "--reload",
        "--auto-reload",
        dest="auto_reload",
        action="store_true",
        help="restart the workers when a source file changes",
    )
    dev.add_argument(
        "-R",
        "--reload-dir",
        dest="reload_dir",
        metavar="PATH",
        type=existing_dir("--reload-dir"),
        action="append",
        help="one more directory to watch (implies --reload); repeatable",
    )
    dev.add_argument(
        "-d",
        "--dev",
        action="store_true",
        help="debug + auto-reload (+ the console, on a terminal)",
    )
    dev.add_argument(
        "--auto-tls",
        action="store_true",
        help="make a temporary localhost certificate (not for production)",
    )
    repl = dev.add_mutually_exclusive_group()
    repl.add_argument(
        "--repl",
        dest="repl",
        action="store_true",
        default=None,
        help="open an interactive console beside the running server",
    )
    repl.add_argument(
        "--no-repl",
        dest="repl",
        action="store_false",
        help="no console, even with --dev on a terminal",
    )

    output = parser.add_argument_group("Output")
    coffee = output.add_mutually_exclusive_group()
    coffee.add_argument(
        "--coffee",
        dest="coffee",
        action="store_true",
        default=False,
        help="uhm, coffee?",
    )
    coffee.add_argument(
        "--no-coffee", dest="coffee", action="store_false", help="no coffee"
    )
    motd = output.add_mutually_exclusive_group()
    motd.add_argument(
        "--motd",
        dest="motd",
        action="store_true",
        default=True,
        help="show the startup box [default]",
    )
    motd.add_argument(
        "--no-motd", dest="motd", action="store_false", help="no startup box"
    )
    output.add_argument(
        "-v",
        "--verbosity",
        action="count",
        default=0,
        help="more logging detail: -v, -vv",
    )
    noisy = output.add_mutually_exclusive_group()
    noisy.add_argument(
        "--noisy-exceptions",
        dest="noisy_exceptions",
        action="store_true",
        default=None,
        help="log a traceback for every exception, even quiet ones",
    )
    noisy.add_argument(
        "--no-noisy-exceptions",
        dest="noisy_exceptions",
        action="store_false",
        help="log quiet exceptions quietly",
    )

    daemon = parser.add_argument_group("Daemon")
    daemon.add_argument(
        "-D",
        "--daemon",
        action="store_true",
        help="detach and run in the background",
    )
    daemon.add_argument(
        "--pidfile",
        metavar="FILE",
        help="where the main process writes its pid [with -D, default: "
        "$XDG_RUNTIME_DIR/sanic/ or ~/.sanic/, named after the target]",
    )
    daemon.add_argument(
        "--logfile",
        metavar="FILE",
        help="where stdout and stderr go [with -D, default: /dev/null]",
    )
    daemon.add_argument(
        "--user", help="run as this user (name or uid), dropping privileges"
    )
    daemon.add_argument(
        "--group", help="run as this group (name or gid) [default: the user's]"
    )
    return parser
