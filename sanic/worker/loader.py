"""Loaders run in each worker: `AppLoader` makes the app, `CertLoader` its SSLContext."""

from __future__ import annotations

import importlib
import importlib.util
import os
import sys
from pathlib import Path
from ssl import SSLContext
from typing import Any

from sanic.http.tls.context import build_context


class CertLoader:
    """Makes the SSLContext a server uses from its ``ssl=`` argument.

    ``ssl_data`` is what was given: an ``ssl.SSLContext`` (returned as it is),
    a dict of settings, a certificate directory, or a list of those (one
    context choosing a certificate by the client's server name). Give a
    subclass as ``Sanic(..., certloader_class=MyCertLoader)`` and override
    `load` for full control of how the context is made.
    """

    def __init__(self, ssl_data: Any) -> None:
        self._ssl_data = ssl_data

    @property
    def ssl_data(self) -> Any:
        return self._ssl_data

    def load(self, app: Any) -> SSLContext | None:
        """The context to serve with; None serves plain TCP.

        An encrypted key's password comes from the settings, or else from
        ``app.config.TLS_CERT_PASSWORD``.
        """
        password = app.config.get("TLS_CERT_PASSWORD") or None
        return build_context(self._ssl_data, password)


class AppLoadError(Exception):
    """The app named on the command line (or given to a loader) can't be had.

    Its message is one line that names the problem, for the CLI to print.
    """


class AppLoader:
    """Makes the app in each process that serves it.

    Worker processes are started with the ``spawn`` method, so each one
    builds its app anew: from ``module_input`` (``"module:app"``,
    ``"module:factory"`` with ``as_factory``, ``"package.module.app"``, a
    ``path/to/file.py``, or a directory with ``as_simple``), or by calling
    ``factory`` (which must be picklable: a module-level function, or
    ``functools.partial(Sanic.get_app, name)`` for an app created when its
    module is imported).
    """

    def __init__(
        self,
        module_input: str = "",
        as_factory: bool = False,
        as_simple: bool = False,
        args: Any = None,
        factory: Any = None,
    ) -> None:
        self.module_input = module_input
        self.as_factory = as_factory
        self.as_simple = as_simple
        self.args = args
        self.factory = factory
        self.cwd = os.getcwd()

    def load(self) -> Any:
        from sanic.app import Sanic

        if self.factory is not None:
            app = self.factory()
        else:
            if self.cwd not in sys.path:
                sys.path.insert(0, self.cwd)
            app = self._load_input()
        if not isinstance(app, Sanic):
            raise AppLoadError(
                f"cannot load {self.module_input or self.factory!r}: it is a "
                f"{type(app).__name__}, not a Sanic app"
            )
        return app

    def _load_input(self) -> Any:
        target = self.module_input
        if not target:
            raise AppLoadError("no app given: expected module:app")
        path = Path(target)
        if self.as_simple:
            return self._simple_app(path)
        file_part, colon, file_attribute = target.rpartition(":")
        if colon and file_part.endswith(".py") and "/" not in file_attribute:
            module = self._import_file(Path(file_part), target)
            return self._resolve(module, file_attribute or "app", target)
        if target.endswith(".py") or path.is_file():
            module = self._import_file(path, target)
            return self._resolve(module, "app", target)
        module_name, sep, attribute = target.partition(":")
        if not sep:
            module_name, _, attribute = target.rpartition(".")
            if not module_name:
                module_name, attribute = target, "app"
        module = self._import(module_name, target)
        return self._resolve(module, attribute or "app", target)

    def _import(self, module_name: str, target: str) -> Any:
        try:
            return importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name and _is_prefix(exc.name, module_name):
                raise AppLoadError(
                    f"cannot load {target!r}: no module named {exc.name!r}"
                ) from None
            raise _raised(target, f"importing {module_name}", exc) from exc
        except Exception as exc:
            raise _raised(target, f"importing {module_name}", exc) from exc

    def _import_file(self, path: Path, target: str) -> Any:
        if not path.is_file():
            raise AppLoadError(f"cannot load {target!r}: no such file")
        name = path.stem
        spec = importlib.util.spec_from_file_location(name, path)
        if spec is None or spec.loader is None:
            raise AppLoadError(f"cannot load {target!r}: not a Python file")
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        try:
            spec.loader.exec_module(module)
        except Exception as exc:
            sys.modules.pop(name, None)
            raise _raised(target, f"running {path}", exc) from exc
        return module

    def _resolve(self, module: Any, attribute: str, target: str) -> Any:
        from sanic.app import Sanic

        obj: Any = module
        for part in attribute.split("."):
            if not hasattr(obj, part):
                raise AppLoadError(
                    f"cannot load {target!r}: {module.__name__} has no {attribute!r}"
                )
            obj = getattr(obj, part)
        if self.as_factory or (callable(obj) and not isinstance(obj, Sanic)):
            if not callable(obj):
                raise AppLoadError(
                    f"cannot load {target!r}: {attribute!r} is not callable, "
                    "so it can't be a factory"
                )
            try:
                obj = obj(self.args) if _takes_an_argument(obj) else obj()
            except Exception as exc:
                raise _raised(target, f"calling {attribute}()", exc) from exc
        return obj

    def _simple_app(self, path: Path) -> Any:
        from sanic.app import Sanic

        if not path.is_dir():
            raise AppLoadError(f"cannot serve {str(path)!r}: not a directory")
        app: Any = Sanic("SimpleServer")
        try:
            app.static(
                "/", str(path.resolve()), index="index.html", directory_view=True
            )
        except ImportError as exc:  # static file serving not built yet
            raise AppLoadError(
                f"cannot serve {str(path)!r}: static file serving is not "
                f"available ({exc})"
            ) from None
        return app


def _is_prefix(name: str, dotted: str) -> bool:
    """Whether module ``name`` is ``dotted`` or one of its parent packages."""
    return dotted == name or dotted.startswith(name + ".")


def _raised(target: str, doing: str, exc: BaseException) -> AppLoadError:
    """An AppLoadError saying the app's own code raised ``exc`` (chained to it,
    so a debug run can show the traceback)."""
    message = " ".join(str(exc).split())
    what = f"{type(exc).__name__}: {message}" if message else type(exc).__name__
    return AppLoadError(f"cannot load {target!r}: {doing} raised {what}")


def _takes_an_argument(func: Any) -> bool:
    import inspect

    try:
        params = inspect.signature(func).parameters
    except (TypeError, ValueError):
        return False
    return any(
        p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD) and p.default is p.empty
        for p in params.values()
    )
