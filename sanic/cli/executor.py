"""``sanic path.to:app exec NAME --arg=value``: run a command of the app.

Arguments come as ``--name=value`` (or ``--name value``; a bare ``--flag``
for a ``bool``), ``-`` in a name standing for ``_``. Each value is converted
by the parameter's annotation: ``int``, ``float``, ``bool`` (true/false,
yes/no, on/off, 1/0), ``str``, ``X | None``, or any class built from one
string (``pathlib.Path``); an unannotated parameter gets the string. The
command may be sync or async; what it returns is ignored, as Sanic's docs say.
"""

from __future__ import annotations

import asyncio
import inspect
import types
import typing
from collections.abc import Callable, Sequence
from typing import Any

from sanic.cli.base import CLIError

_TRUE = {"1", "true", "yes", "on", "y", "t"}
_FALSE = {"0", "false", "no", "off", "n", "f"}


def run_command(app: Any, argv: Sequence[str]) -> None:
    """Run ``argv[0]`` of ``app._commands`` with the ``--key=value`` after it."""
    commands: dict[str, Callable[..., Any]] = getattr(app, "_commands", {}) or {}
    if not argv or argv[0].startswith("-"):
        raise CLIError(f"exec needs a command name: {_available(commands)}")
    name, rest = argv[0], list(argv[1:])
    func = commands.get(name)
    if func is None:
        raise CLIError(f"unknown command {name!r}: {_available(commands)}")
    kwargs = parse_arguments(name, func, rest)
    result = func(**kwargs)
    if inspect.isawaitable(result):
        asyncio.run(_await(result))


async def _await(awaitable: Any) -> Any:
    return await awaitable


def _available(commands: dict[str, Any]) -> str:
    if not commands:
        return "the app has no commands (register one with @app.command)"
    return "the app's commands are " + ", ".join(sorted(commands))


def parse_arguments(
    name: str, func: Callable[..., Any], argv: list[str]
) -> dict[str, Any]:
    """The keyword arguments for ``func`` from ``argv``, converted and checked."""
    signature = inspect.signature(func)
    hints = _hints(func)
    params = {
        p.name: p
        for p in signature.parameters.values()
        if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)
    }
    takes_any = any(p.kind is p.VAR_KEYWORD for p in signature.parameters.values())
    kwargs: dict[str, Any] = {}
    i = 0
    while i < len(argv):
        token = argv[i]
        i += 1
        if not token.startswith("--") or token == "--":
            raise CLIError(
                f"exec {name}: unexpected {token!r}: give arguments as --name=value"
            )
        key, sep, value = token[2:].partition("=")
        key = key.replace("-", "_")
        param = params.get(key)
        if param is None and not takes_any:
            raise CLIError(
                f"exec {name}: unknown argument --{key.replace('_', '-')} "
                f"({_takes(params)})"
            )
        annotation = _target_type(hints.get(key, param.annotation if param else None))
        if not sep:
            if annotation is bool:
                value = "true"
            elif i < len(argv) and not argv[i].startswith("--"):
                value = argv[i]
                i += 1
            else:
                raise CLIError(f"exec {name}: --{key} needs a value: --{key}=VALUE")
        if key in kwargs:
            raise CLIError(f"exec {name}: --{key} given twice")
        kwargs[key] = _convert(name, key, value, annotation)
    missing = [
        p.name for p in params.values() if p.default is p.empty and p.name not in kwargs
    ]
    if missing:
        flags = ", ".join(f"--{m.replace('_', '-')}" for m in missing)
        raise CLIError(f"exec {name}: missing {flags}")
    return kwargs


def _takes(params: dict[str, inspect.Parameter]) -> str:
    if not params:
        return "it takes no arguments"
    return "it takes " + ", ".join(f"--{p.replace('_', '-')}" for p in params)


def _hints(func: Callable[..., Any]) -> dict[str, Any]:
    try:
        return typing.get_type_hints(func)
    except Exception:  # an annotation that can't be resolved: use it as written
        return {}


def _target_type(annotation: Any) -> Any:
    """The type to convert to: ``X`` for ``X | None``; None for "leave a str"."""
    if annotation is None or annotation is inspect.Parameter.empty:
        return None
    if isinstance(annotation, str):  # unresolved: the simple spellings only
        return {"int": int, "float": float, "bool": bool, "str": str}.get(
            annotation.replace(" ", "").removesuffix("|None")
        )
    origin = typing.get_origin(annotation)
    if origin is typing.Union or origin is getattr(types, "UnionType", None):
        options = [a for a in typing.get_args(annotation) if a is not type(None)]
        return _target_type(options[0]) if len(options) == 1 else None
    if annotation is typing.Any or origin is not None:
        return None
    return annotation if isinstance(annotation, type) else None


def _convert(command: str, key: str, value: str, annotation: Any) -> Any:
    flag = f"--{key.replace('_', '-')}"
    if annotation is None or annotation is str:
        return value
    if annotation is bool:
        lowered = value.strip().lower()
        if lowered in _TRUE:
            return True
        if lowered in _FALSE:
            return False
        raise CLIError(f"exec {command}: {flag} expects true or false, not {value!r}")
    try:
        return annotation(value)
    except Exception:
        what = {int: "an integer", float: "a number"}.get(
            annotation, f"a {annotation.__name__}"
        )
        raise CLIError(
            f"exec {command}: {flag} expects {what}, not {value!r}"
        ) from None
