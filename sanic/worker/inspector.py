"""The Inspector: a small HTTP app, in its own process, to look at and steer a server.

The worker manager starts it (when ``app.config.INSPECTOR`` is on) as a managed
process: the instance is pickled into a spawned process, and calling it there
serves the inspector app until SIGTERM/SIGINT. What it knows comes from the
shared worker state; what it does goes to the manager as messages on the
monitor pipe (`sanic.worker.messages`).

HTTP API, every answer ``{"meta": {"action": ...}, "result": ...}``:

- ``GET /``: the app's info and every process's state.
- ``POST /reload`` (body may be ``{"zero_downtime": true}``): restart the workers.
- ``POST /shutdown``: shut everything down.
- ``POST /scale`` with ``{"replicas": N}``: run N server workers.
- ``POST /<name>``: call the method ``name`` of an Inspector subclass with the
  JSON body as keyword arguments; its return value is the result.

With an API key, every request needs ``Authorization: Bearer <key>``.
"""

from __future__ import annotations

import hmac
import inspect
import json as stdlib_json
import os
import signal
import threading
from collections.abc import Mapping
from functools import partial
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from sanic.exceptions import (
    BadRequest,
    NotFound,
    SanicException,
    ServiceUnavailable,
    Unauthorized,
)
from sanic.helpers import Default
from sanic.log import error_logger, logger
from sanic.worker import messages

# States of a server worker that is no longer serving.
_ENDED = frozenset({"TERMINATED", "FAILED", "COMPLETED", "JOINED"})
# Results and states may hold values JSON doesn't know (datetimes...): as text.
_dumps = partial(stdlib_json.dumps, default=str)


class Inspector:
    """Serves the inspector app; subclass it to add commands.

    Every public method (a name not starting with ``_``) of a subclass is a
    command: ``POST /<method name>`` calls it with the JSON body as keyword
    arguments (``sanic inspect <name> --key=value`` from the CLI), sync or
    async, and answers with what it returns. A ``ValueError`` it raises is a
    400 with its message. Give the subclass as ``Sanic(..., inspector_class=...)``.

    The constructor only stores its arguments: the instance is pickled into
    the process that serves it.
    """

    def __init__(
        self,
        publisher: Connection,
        app_info: dict[str, Any],
        worker_state: Mapping[str, Any],
        host: str,
        port: int,
        api_key: str,
        tls_key: Path | str | Default | None,
        tls_cert: Path | str | Default | None,
    ) -> None:
        self._publisher = publisher
        self.app_info = app_info
        self.worker_state = worker_state
        self.host = host
        self.port = port
        self.api_key = api_key
        self.tls_key = tls_key
        self.tls_cert = tls_cert

    # ---- the built-in commands ------------------------------------------------

    def reload(self, zero_downtime: bool = False) -> None:
        """Restart every server worker (replacements first with zero_downtime)."""
        flag = _flag(zero_downtime)
        if flag is None:
            raise ValueError(
                f"zero_downtime must be true or false, not {zero_downtime!r}"
            )
        self._publisher.send(messages.restart(None, zero_downtime=flag))

    def scale(self, replicas: int | str) -> str:
        """Run ``replicas`` server workers; returns what was asked, as a sentence."""
        number = _replicas(replicas)
        self._publisher.send(messages.scale(number))
        return f"Scaling to {number} worker{'' if number == 1 else 's'}"

    def shutdown(self) -> None:
        """Shut down every process, gracefully (as SIGTERM to the main process)."""
        self._publisher.send(messages.terminate())

    # ---- serving --------------------------------------------------------------

    def __call__(self, run: bool = True) -> Any:
        """Serve the inspector here until SIGTERM/SIGINT (``run=False``: return its app)."""
        app = self._make_app()
        if not run:
            return app
        _exit_on_signals_until_serving()
        try:
            app.run(
                host=self.host,
                port=self.port,
                ssl=self._ssl(),
                single_process=True,
                motd=False,
                access_log=False,
            )
        except (OSError, SanicException) as exc:
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else exc
            error_logger.error("Inspector cannot start: %s", reason)
            raise SystemExit(1) from None
        return None

    def _ssl(self) -> dict[str, str] | None:
        cert, key = _setting(self.tls_cert), _setting(self.tls_key)
        if not cert and not key:
            return None
        if not (cert and key):
            raise SanicException(
                "INSPECTOR_TLS_CERT and INSPECTOR_TLS_KEY must be given together"
            )
        return {"cert": cert, "key": key}

    def _make_app(self) -> Any:
        from sanic.app import Sanic

        name = "Sanic-Inspector"
        count = 0
        while name in Sanic._app_registry:  # more than one in this process (tests)
            count += 1
            name = f"Sanic-Inspector-{count}"
        app: Any = Sanic(name, env_prefix=None)
        app.config.FALLBACK_ERROR_FORMAT = "json"
        app.config.ACCESS_LOG = False
        app.config.MOTD = False
        if self.api_key:
            app.on_request(self._authenticate)
        app.add_route(self._info_handler, "/", methods=["GET"], name="info")
        app.add_route(
            self._action_handler, "/<action:str>", methods=["POST"], name="action"
        )
        return app

    # ---- the HTTP side --------------------------------------------------------

    async def _authenticate(self, request: Any) -> None:
        given = request.headers.get("authorization", "")
        expected = f"Bearer {self.api_key}"
        if not hmac.compare_digest(given.encode(), expected.encode()):
            raise Unauthorized(
                "a missing or wrong API key: send Authorization: Bearer <key>",
                scheme="Bearer",
            )

    async def _info_handler(self, request: Any) -> Any:
        workers = self._workers()
        return _answer("info", {"info": self._info(workers), "workers": workers})

    def _info(self, workers: dict[str, Any]) -> dict[str, Any]:
        """The app info, its worker count made live (scaling changes it)."""
        info = dict(self.app_info)
        running = [
            state
            for state in workers.values()
            if isinstance(state, dict)
            and state.get("server")
            and state.get("state") not in _ENDED
        ]
        if running and "workers" in info:
            info["workers"] = len(running)
        return info

    async def _action_handler(self, request: Any, action: str) -> Any:
        method = self._command(action)
        if method is None:
            raise NotFound(f"the inspector has no action {action!r}")
        kwargs = _body(request)
        try:
            inspect.signature(method).bind(**kwargs)
        except TypeError as exc:
            raise BadRequest(f"bad arguments for {action!r}: {exc}") from None
        try:
            result = method(**kwargs)
            if inspect.isawaitable(result):
                result = await result
        except ValueError as exc:
            raise BadRequest(str(exc)) from None
        except OSError as exc:  # the monitor pipe: the manager is gone
            raise ServiceUnavailable(
                f"the worker manager is unreachable: {exc}"
            ) from None
        logger.info("Inspector: %s%s", action, f" {kwargs}" if kwargs else "")
        return _answer(action, result)

    def _command(self, name: str) -> Any:
        """The bound method for the command ``name``, or None if there's none."""
        if not name or name.startswith("_"):
            return None
        attribute = inspect.getattr_static(type(self), name, None)
        if isinstance(attribute, (staticmethod, classmethod)):
            attribute = attribute.__func__
        if not inspect.isfunction(attribute):
            return None
        return getattr(self, name)

    def _workers(self) -> dict[str, Any]:
        try:
            items = list(self.worker_state.items())
        except (OSError, EOFError) as exc:
            raise ServiceUnavailable(
                f"the worker state is unreachable: {exc}"
            ) from None
        return {
            str(name): dict(state) if isinstance(state, Mapping) else state
            for name, state in items
        }


def _exit_on_signals_until_serving() -> None:
    """SIGTERM/SIGINT before the server's own handlers are in: exit at once, status 0.

    The manager may stop the inspector while it is still starting (its port
    is bound before the event loop runs); there is nothing to drain yet.
    """
    if threading.current_thread() is not threading.main_thread():
        return

    def leave(signum: int, frame: Any) -> None:
        # Not SystemExit: raised inside the event loop's own startup it left
        # the loop half-started, and its cleanup failed with exit status 1.
        os._exit(0)

    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, leave)


def _answer(action: str, result: Any) -> Any:
    from sanic.response import json

    return json({"meta": {"action": action}, "result": result}, dumps=_dumps)


def _body(request: Any) -> dict[str, Any]:
    if not request.body:
        return {}
    try:
        body = stdlib_json.loads(request.body)
    except ValueError:
        raise BadRequest("the body must be a JSON object") from None
    if not isinstance(body, dict):
        raise BadRequest("the body must be a JSON object")
    return body


def _replicas(value: Any) -> int:
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"cannot scale to {value!r} workers: give a number >= 1")
    return value


def _flag(value: Any) -> bool | None:
    """A boolean given as JSON, or as the words a command line gives."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        return {"true": True, "1": True, "false": False, "0": False}.get(
            value.strip().lower()
        )
    return None


def _setting(value: Any) -> str:
    if value is None or isinstance(value, Default):
        return ""
    return str(value)
