"""``sanic inspect``: talk to the inspector of a running instance.

    sanic inspect                        its info and every worker's state
    sanic inspect reload [--zero-downtime]
    sanic inspect shutdown
    sanic inspect scale N
    sanic inspect <custom> [--key=value ...]   a command of an Inspector subclass

with ``--host``/``-H`` (localhost), ``--port``/``-p`` (6457), ``--secure``/``-s``
(HTTPS), ``--api-key``/``-k`` and ``--raw`` (JSON output) anywhere.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from typing import Any

from sanic.cli.arguments import port_number
from sanic.cli.base import PROG, CLIError, HelpFormatter, SanicArgumentParser

DESCRIPTION = f"""\
Inspect or control a running instance through its inspector (enable it with
INSPECTOR=True in the app's config).

  {PROG} inspect                     the app's info and every worker's state
  {PROG} inspect reload              restart the workers
  {PROG} inspect reload --zero-downtime
                                  start the new workers before stopping the old
  {PROG} inspect shutdown            stop the instance
  {PROG} inspect scale N             run N workers
  {PROG} inspect <command> --key=value
                                  a command added by an Inspector subclass"""


def build_parser() -> SanicArgumentParser:
    parser = SanicArgumentParser(
        prog=f"{PROG} inspect",
        usage=f"  {PROG} inspect [action] [args] [options]",
        description=DESCRIPTION,
        formatter_class=HelpFormatter,
        add_help=False,
    )
    parser.add_argument("action", nargs="?", help=argparse.SUPPRESS)
    parser.add_argument("params", nargs="*", help=argparse.SUPPRESS)
    options = parser.add_argument_group("Options")
    options.add_argument("-h", "--help", action="help", help="show this help and exit")
    options.add_argument(
        "-H",
        "--host",
        default="localhost",
        help="the inspector's host [default localhost]",
    )
    options.add_argument(
        "-p",
        "--port",
        type=port_number,
        default=6457,
        help="the inspector's port [default 6457]",
    )
    options.add_argument(
        "-s", "--secure", action="store_true", help="connect with TLS (HTTPS)"
    )
    options.add_argument(
        "-k", "--api-key", help="the inspector's INSPECTOR_API_KEY (a Bearer token)"
    )
    options.add_argument("--raw", action="store_true", help="print the JSON as sent")
    return parser


def run_inspect(argv: Sequence[str]) -> None:
    """Carry out ``sanic inspect ...``."""
    args, extras = build_parser().parse_known_args(list(argv))
    kwargs = _keyword_arguments(extras)
    action = args.action
    client = make_client(args.host, args.port, args.secure, args.raw, args.api_key)
    if action is None:
        _refuse_extra(args.params, kwargs, "inspect")
        call(client, None)
    elif action == "reload":
        _refuse_extra(args.params, kwargs, "reload", allowed={"zero_downtime"})
        zero_downtime = kwargs.get("zero_downtime", False)
        if zero_downtime not in (True, False):
            raise CLIError("reload: --zero-downtime takes no value")
        call(client, "reload", **({"zero_downtime": True} if zero_downtime else {}))
    elif action == "shutdown":
        _refuse_extra(args.params, kwargs, "shutdown")
        call(client, "shutdown")
    elif action == "scale":
        if len(args.params) != 1 or kwargs:
            raise CLIError("scale needs one number of workers: sanic inspect scale N")
        replicas = args.params[0]
        if not replicas.isdigit() or int(replicas) < 1:
            raise CLIError(
                f"scale: the number of workers must be 1 or more, not {replicas!r}"
            )
        call(client, "scale", replicas=int(replicas))
    else:
        if args.params:
            raise CLIError(
                f"{action}: unexpected {args.params[0]!r}: give arguments as --key=value"
            )
        call(client, action, **kwargs)


def _keyword_arguments(extras: list[str]) -> dict[str, Any]:
    kwargs: dict[str, Any] = {}
    for token in extras:
        if not token.startswith("--") or token == "--":
            raise CLIError(f"unexpected {token!r}: give arguments as --key=value")
        key, sep, value = token[2:].partition("=")
        kwargs[key.replace("-", "_")] = value if sep else True
    return kwargs


def _refuse_extra(
    params: list[str],
    kwargs: dict[str, Any],
    action: str,
    allowed: set[str] = frozenset(),  # type: ignore[assignment]
) -> None:
    if params:
        raise CLIError(f"{action}: unexpected {params[0]!r}")
    unknown = [k for k in kwargs if k not in allowed]
    if unknown:
        raise CLIError(f"{action}: unknown option --{unknown[0].replace('_', '-')}")


def make_client(
    host: str, port: int, secure: bool, raw: bool, api_key: str | None
) -> Any:
    try:
        from sanic.cli.inspector_client import InspectorClient
    except ImportError as exc:
        raise CLIError(f"the inspector client is not available: {exc}") from None
    return InspectorClient(host, port, secure, raw, api_key)


def call(client: Any, action: str | None, **kwargs: Any) -> None:
    """``client.info()`` or ``client.do(action, ...)``; an unreachable
    inspector is one line, not a traceback."""
    try:
        if action is None:
            client.info()
        else:
            client.do(action, **kwargs)
    except (SystemExit, CLIError):
        raise
    except OSError as exc:
        raise CLIError(f"cannot reach the inspector: {exc}") from None
    except Exception as exc:
        raise CLIError(
            f"inspector request failed: {type(exc).__name__}: {exc}"
        ) from None


def inspect_app(app: Any, *, raw: bool, action: str | None) -> None:
    """The 22.9 flags (``--inspect``, ``--inspect-raw``, ``--trigger-reload``,
    ``--trigger-shutdown``): reach the app's own inspector, by its config."""
    config = app.config
    cert = config.get("INSPECTOR_TLS_CERT")
    secure = bool(cert) and not type(cert).__name__ == "Default"
    client = make_client(
        config.get("INSPECTOR_HOST") or "localhost",
        int(config.get("INSPECTOR_PORT") or 6457),
        secure,
        raw,
        config.get("INSPECTOR_API_KEY") or None,
    )
    call(client, action)
