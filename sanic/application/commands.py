"""``@app.command``: functions run by ``sanic path.to:app exec NAME --arg=value``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def command_decorator(
    app: Any, maybe_func: Callable[..., Any] | None = None, *, name: str = ""
) -> Any:
    """Register a command on ``app``, bare (``@app.command``) or called
    (``@app.command(name="greet")``); the function itself is returned unchanged.

    The command is named after the function unless ``name`` is given. A
    later registration under the same name replaces the earlier one.
    """

    def register(func: Callable[..., Any]) -> Callable[..., Any]:
        if not callable(func):
            raise TypeError(
                f"@app.command decorates a function, not {type(func).__name__}"
            )
        if name is not None and not isinstance(name, str):
            raise TypeError(f"command name must be a string, not {name!r}")
        command_name = name or getattr(func, "__name__", "")
        if (
            not command_name
            or command_name.startswith("-")
            or any(c.isspace() for c in command_name)
        ):
            raise ValueError(
                f"command name {command_name!r} can't be typed after 'exec': "
                "give a name with no spaces that doesn't start with '-'"
            )
        app._commands[command_name] = func
        return func

    if maybe_func is None:
        return register
    return register(maybe_func)
