"""Re-run the project's app-behaviour tests through ``app.asgi_client``.

``reexport("tests.test_routing", globals())`` copies into the calling module
every test of that module that uses ``app.test_client`` (and the module's own
fixtures), plus an autouse fixture that makes ``app.test_client`` return the
ASGI client for them. The assertions are the originals: the same behaviour
is asserted over a real socket in the original module and over ASGI here.
"""

from __future__ import annotations

import importlib
import inspect
import types
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from sanic import Sanic
from sanic.testing import SanicASGITestClient


@pytest.fixture(autouse=True)
def _test_client_is_the_asgi_client(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(
        Sanic, "test_client", property(lambda app: SanicASGITestClient(app))
    )
    yield


def _is_fixture(obj: Any) -> bool:
    return type(obj).__name__ == "FixtureFunctionDefinition" or hasattr(
        obj, "_pytestfixturefunction"
    )


def _copy_tests(
    module_name: str,
    namespace: dict[str, Any],
    not_over_asgi: dict[str, str] | None,
    copy: Callable[[str, Any], Any],
) -> None:
    """Put ``copy(name, test)`` of each test of the module into ``namespace``
    (a None copy is left out), and the module's fixtures; skip the tests named
    in ``not_over_asgi`` with their reason."""
    module = importlib.import_module(module_name)
    reasons = dict(not_over_asgi or {})
    for name, obj in vars(module).items():
        if _is_fixture(obj):
            namespace.setdefault(name, obj)
        elif name.startswith("test_") and inspect.isfunction(obj):
            test = copy(name, obj)
            if test is None:
                continue
            reason = reasons.pop(name, None)
            if reason is not None:
                test = pytest.mark.skip(reason=f"not over ASGI: {reason}")(test)
            namespace[name] = test
    if reasons:
        raise LookupError(f"{module_name} has no such tests to copy: {reasons}")


def reexport(
    module_name: str,
    namespace: dict[str, Any],
    *,
    not_over_asgi: dict[str, str] | None = None,
) -> None:
    """Copy ``module_name``'s test_client tests into ``namespace``.

    ``not_over_asgi`` maps test names to the reason they do not apply to an
    ASGI app (they assert something of Sanic's own server); those are
    collected too, and skipped with that reason.
    """

    def uses_the_test_client(name: str, test: Any) -> Any:
        try:
            source = inspect.getsource(test)
        except OSError:  # pragma: no cover
            return None
        return test if "test_client" in source else None

    _copy_tests(module_name, namespace, not_over_asgi, uses_the_test_client)
    namespace["_test_client_is_the_asgi_client"] = _test_client_is_the_asgi_client


def rebind(
    module_name: str,
    namespace: dict[str, Any],
    replacements: dict[str, Any],
    *,
    not_over_asgi: dict[str, str] | None = None,
) -> None:
    """Copy every test of ``module_name`` into ``namespace``, its globals replaced.

    The copies run the original test code with ``replacements`` in place of
    the module's names (for example its server and client helpers), so the
    same assertions are made over another transport. ``not_over_asgi`` is as
    for `reexport`.
    """
    scope = {**vars(importlib.import_module(module_name)), **replacements}

    def with_replacements(name: str, test: Any) -> Any:
        copy = types.FunctionType(
            test.__code__, scope, name, test.__defaults__, test.__closure__
        )
        copy.__dict__.update(test.__dict__)  # pytest marks (parametrize...)
        copy.__kwdefaults__ = test.__kwdefaults__
        copy.__annotations__ = dict(test.__annotations__)
        copy.__qualname__ = test.__qualname__
        copy.__doc__ = test.__doc__
        return copy

    _copy_tests(module_name, namespace, not_over_asgi, with_replacements)
