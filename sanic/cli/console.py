"""The development console: ``sanic path.to:app --repl`` (and ``--dev`` on a
terminal).

A Python console runs in a thread of the main process, beside the server,
once the server answers. Its namespace holds:

- ``app``: the application (the main process's copy: workers have their own);
- ``sanic``: the ``sanic`` module;
- ``client``: an ``httpx.Client`` bound to the running server, so
  ``client.get("/")`` is a real request (as in Sanic's docs);
- ``do(path, method="GET", **kwargs)``: the same request in one call,
  returning the ``httpx.Response``;
- every attribute of ``app.repl_ctx``.

Leaving the console (``exit()``, Ctrl-D, or the end of its input) shuts the
server down, as Ctrl-C does.
"""

from __future__ import annotations

import code
import os
import signal
import socket
import sys
import threading
import time
from collections.abc import Callable
from typing import Any

# Seconds to wait for the ready event before asking the socket instead.
FALLBACK_AFTER = 15.0

BANNER = """\
Sanic console: the server is running. In scope:
  app       the application            sanic    the sanic module
  client    an httpx client bound to the server, e.g. client.get("/")
  do(path, method="GET", **kwargs)  one request, returns the response
{extra}Leave with exit() or Ctrl-D: that stops the server."""


class Console:
    """Starts the console thread once the server is ready."""

    def __init__(
        self,
        app: Any,
        *,
        host: str,
        port: int,
        unix: str | None = None,
        tls: bool = False,
        wait_for_enter: bool = False,
    ) -> None:
        self.app = app
        self.host = host
        self.port = port
        self.unix = unix
        self.tls = tls
        self.wait_for_enter = wait_for_enter
        self._ready = threading.Event()
        self._thread = threading.Thread(
            target=self._run, name="sanic-console", daemon=True
        )

    def start(self) -> None:
        """Start waiting (the console opens when the server is up)."""
        self._thread.start()

    def ready(self, *_: Any) -> None:
        """The server is ready (a ``main_process_ready`` listener)."""
        self._ready.set()

    def _run(self) -> None:
        if not self._wait_until_serving(60.0):
            sys.stderr.write("sanic: the console did not start: no server answered\n")
            return
        if self.wait_for_enter:
            sys.stdout.write("\nPress ENTER at any time to start the console.\n")
            sys.stdout.flush()
            if not sys.stdin.readline():
                return
        namespace = self.namespace()
        extra = _describe(self.app)
        console = code.InteractiveConsole(namespace)
        try:
            console.interact(banner=BANNER.format(extra=extra), exitmsg="")
        except SystemExit:
            pass
        finally:
            client = namespace.get("client")
            if client is not None:
                client.close()
            _stop_server()

    def _wait_until_serving(self, timeout: float) -> bool:
        """Wait for ``main_process_ready``; should it never come, a server
        that accepts connections for a while will do."""
        if self._ready.wait(FALLBACK_AFTER):
            return True
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._ready.wait(0.1) or self._accepts():
                return True
        return False

    def _accepts(self) -> bool:
        try:
            if self.unix:
                with socket.socket(socket.AF_UNIX) as sock:
                    sock.settimeout(0.5)
                    sock.connect(self.unix)
            else:
                host = "127.0.0.1" if self.host in ("", "0.0.0.0") else self.host
                host = "::1" if host == "::" else host
                with socket.create_connection((host, self.port), timeout=0.5):
                    pass
        except OSError:
            return False
        return True

    def namespace(self) -> dict[str, Any]:
        import sanic

        client = self.client()
        namespace: dict[str, Any] = {
            "app": self.app,
            "sanic": sanic,
            "client": client,
            "do": _doer(client),
        }
        namespace.update(vars(getattr(self.app, "repl_ctx", None) or _Empty()))
        return namespace

    def client(self) -> Any:
        try:
            import httpx
        except ImportError:
            return None
        scheme = "https" if self.tls else "http"
        if self.unix:
            return httpx.Client(
                transport=httpx.HTTPTransport(uds=self.unix),
                base_url=f"{scheme}://localhost",
                verify=False,
            )
        host = "127.0.0.1" if self.host in ("", "0.0.0.0") else self.host
        host = "[::1]" if host == "::" else (f"[{host}]" if ":" in host else host)
        return httpx.Client(base_url=f"{scheme}://{host}:{self.port}", verify=False)


class _Empty:
    pass


def _describe(app: Any) -> str:
    names = sorted(vars(getattr(app, "repl_ctx", None) or _Empty()))
    if not names:
        return ""
    return "  and from app.repl_ctx: " + ", ".join(names) + "\n"


def _doer(client: Any) -> Callable[..., Any]:
    def do(path: str = "/", method: str = "GET", **kwargs: Any) -> Any:
        """Send one request to the running server; the httpx.Response."""
        if client is None:
            raise RuntimeError("the console's client needs httpx: pip install httpx")
        return client.request(method.upper(), path, **kwargs)

    return do


def _stop_server() -> None:
    """Shut the server down gracefully, as Ctrl-C would."""
    try:
        os.kill(os.getpid(), signal.SIGINT)
    except OSError:
        pass
