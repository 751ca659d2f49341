"""Loading Python config files as modules, and reading booleans the way people
write them.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import re
import types
from pathlib import Path
from typing import Any

from sanic.exceptions import LoadFileException, PyFileError

_TRUE = frozenset(
    {"y", "yes", "yep", "yup", "t", "true", "on", "enable", "enabled", "1"}
)
_FALSE = frozenset({"n", "no", "nope", "f", "false", "off", "disable", "disabled", "0"})
_ENV_VAR = re.compile(r"\$\{(\w+)\}")


def str_to_bool(val: str) -> bool:
    """Read a human boolean: "yes"/"on"/"1"… or "no"/"nope"/"off"/"0"…, any case."""
    lowered = val.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ValueError(f"Invalid truth value {val!r}")


def expand_env_vars(location: str) -> str:
    """Replace every ``${NAME}`` with its environment value; ``$NAME`` is left as is.

    Every missing variable is named in one LoadFileException.
    """
    names = _ENV_VAR.findall(location)
    missing = [name for name in dict.fromkeys(names) if name not in os.environ]
    if missing:
        raise LoadFileException(
            "The following environment variables are not set: " + ", ".join(missing)
        )
    return _ENV_VAR.sub(lambda match: os.environ[match.group(1)], location)


def load_module_from_file_location(
    location: str | bytes | Path, encoding: str = "utf8", *args: Any, **kwargs: Any
) -> types.ModuleType:
    """Load a Python file, or import a module by its dotted name, and return it.

    ``location`` may hold ``${ENV_VAR}`` references. A location with a path
    separator, ending in ``.py`` or naming an existing file is read as a file (a
    file without the ``.py`` suffix is still executed as Python); anything else
    is imported as a module. ``args`` and ``kwargs`` go to
    ``importlib.util.spec_from_file_location`` for ``.py`` files.
    """
    if isinstance(location, bytes):
        location = location.decode(encoding)
    is_path = isinstance(location, Path)
    text = expand_env_vars(str(location))
    if is_path or _looks_like_file(text):
        return _load_file(Path(text), encoding, *args, **kwargs)
    return _import_module(text)


def _looks_like_file(location: str) -> bool:
    separators = {"/", os.sep} | ({os.altsep} if os.altsep else set())
    return (
        any(sep in location for sep in separators)
        or location.endswith(".py")
        or os.path.isfile(location)
    )


def _load_file(
    path: Path, encoding: str, *args: Any, **kwargs: Any
) -> types.ModuleType:
    if not path.is_file():
        reason = "it is a directory" if path.is_dir() else "no such file"
        raise LoadFileException(f"Unable to load configuration file {path}: {reason}")
    try:
        if path.suffix == ".py":
            spec = importlib.util.spec_from_file_location(
                path.stem, path, *args, **kwargs
            )
            if spec is None or spec.loader is None:
                raise LoadFileException(f"Unable to load configuration file {path}")
            module = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(module)
        else:
            module = types.ModuleType(path.stem)
            module.__file__ = str(path)
            source = path.read_text(encoding=encoding)
            exec(compile(source, str(path), "exec"), module.__dict__)
    except LoadFileException:
        raise
    except Exception as error:
        raise PyFileError(f"{path} ({type(error).__name__}: {error})") from error
    return module


def _import_module(name: str) -> types.ModuleType:
    try:
        return importlib.import_module(name)
    except ImportError as error:
        raise LoadFileException(
            f"Unable to load configuration {name!r}: not a file, and not an "
            f"importable module ({error})"
        ) from error
    except Exception as error:
        raise PyFileError(f"{name} ({type(error).__name__}: {error})") from error
