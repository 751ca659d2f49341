"""The client side of the Inspector: ``sanic inspect ...`` and ``--inspect``.

Stdlib only (http.client). `InspectorClient.info` and `InspectorClient.do`
print what the inspector answers, human-readable or (``raw``) the JSON as
received; when anything goes wrong they print one line on stderr and raise
``SystemExit(1)``. `InspectorClient.request` is the same call for code: it
returns the parsed answer or raises `InspectorClientError`.

With ``secure=True`` the client speaks https and, unless given a ``cafile``,
does not verify the inspector's certificate: the inspector mostly runs on the
same machine with a self-made certificate, as ``curl -k`` would be used.
"""

from __future__ import annotations

import http.client
import json
import ssl
import sys
from typing import Any, NoReturn

# The keys of a process's state shown first, in this order; the rest follow.
_STATE_ORDER = (
    "pid",
    "state",
    "server",
    "start_at",
    "starts",
    "restart_at",
    "requests",
)
# Info keys shown in the header line rather than in the block.
_TITLE_KEYS = ("app_name",)


class InspectorClientError(Exception):
    """The inspector could not be reached or refused the request (one line)."""


class InspectorClient:
    """Talks to a running Inspector at ``host:port``."""

    def __init__(
        self,
        host: str = "localhost",
        port: int = 6457,
        secure: bool = False,
        raw: bool = False,
        api_key: str | None = None,
        *,
        timeout: float = 10.0,
        cafile: str | None = None,
    ) -> None:
        self.host = host
        self.port = int(port)
        self.secure = secure
        self.raw = raw
        self.api_key = api_key or ""
        self.timeout = timeout
        self.cafile = cafile

    @property
    def base_url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{'https' if self.secure else 'http'}://{host}:{self.port}"

    # ---- for the CLI: print, or one line on stderr and exit 1 -----------------

    def info(self) -> None:
        """Print the app's info and every process's state (``GET /``)."""
        text, data = self._call("GET", "/", None)
        if self.raw:
            print(text)
        else:
            print(format_info(data.get("result") or {}))

    def do(self, action: str, **kwargs: Any) -> None:
        """Run ``action`` (``POST /<action>`` with ``kwargs`` as its JSON body)."""
        if not action.isidentifier():
            _fail(f"{action!r} is not an inspector action")
        text, data = self._call("POST", f"/{action}", kwargs)
        if self.raw:
            print(text)
        else:
            print(format_result(action, data.get("result")))

    # ---- for code -------------------------------------------------------------

    def request(self, action: str = "", **kwargs: Any) -> Any:
        """The parsed answer of ``GET /`` (no action) or ``POST /<action>``.

        Raises `InspectorClientError` (one line) when anything goes wrong.
        """
        if not action:
            return self._request("GET", "/", None)[1]
        return self._request("POST", f"/{action}", kwargs)[1]

    # ---- the HTTP exchange ----------------------------------------------------

    def _call(self, method: str, path: str, body: Any) -> tuple[str, dict[str, Any]]:
        try:
            return self._request(method, path, body)
        except InspectorClientError as exc:
            _fail(str(exc))

    def _request(self, method: str, path: str, body: Any) -> tuple[str, dict[str, Any]]:
        headers = {"Accept": "application/json"}
        payload = None
        if body is not None:
            payload = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        if self.api_key:
            headers["Authorization"] = f"Bearer {self.api_key}"
        where = self.base_url
        connection = self._connection()
        try:
            connection.request(method, path, body=payload, headers=headers)
            response = connection.getresponse()
            status = response.status
            text = response.read().decode("utf-8", "replace")
        except ConnectionRefusedError:
            raise InspectorClientError(
                f"cannot reach the inspector at {where}: connection refused "
                "(is the app running with INSPECTOR enabled, on this host and port?)"
            ) from None
        except TimeoutError:
            raise InspectorClientError(
                f"the inspector at {where} did not answer within {self.timeout:g} s"
            ) from None
        except ssl.SSLError as exc:
            raise InspectorClientError(
                f"TLS with the inspector at {where} failed: {exc.reason or exc}"
                + ("" if self.cafile else " (is it serving https?)")
            ) from None
        except (http.client.HTTPException, ConnectionError) as exc:
            hint = "" if self.secure else " (is it serving https? try --secure)"
            raise InspectorClientError(
                f"the inspector at {where} gave no valid answer: "
                f"{exc.__class__.__name__}{hint}"
            ) from None
        except OSError as exc:
            raise InspectorClientError(
                f"cannot reach the inspector at {where}: {exc.strerror or exc}"
            ) from None
        finally:
            connection.close()
        data = _parse(text)
        if status >= 400:
            raise InspectorClientError(_refusal(status, data, path))
        if data is None:
            raise InspectorClientError(
                f"the answer from {where} is not the inspector's JSON (status {status})"
            )
        return text, data

    def _connection(self) -> http.client.HTTPConnection:
        if not self.secure:
            return http.client.HTTPConnection(
                self.host, self.port, timeout=self.timeout
            )
        if self.cafile:
            context = ssl.create_default_context(cafile=self.cafile)
        else:
            context = ssl.create_default_context()
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
        return http.client.HTTPSConnection(
            self.host, self.port, timeout=self.timeout, context=context
        )


def format_info(result: dict[str, Any]) -> str:
    """The human-readable view of ``GET /``: the app, then one block per process."""
    info = result.get("info") or {}
    workers = result.get("workers") or {}
    title = " ".join(str(info[key]) for key in _TITLE_KEYS if info.get(key)) or "Sanic"
    blocks = [_block(title, {k: v for k, v in info.items() if k not in _TITLE_KEYS})]
    for name, state in workers.items():
        if isinstance(state, dict):
            ordered = {key: state[key] for key in _STATE_ORDER if key in state}
            ordered.update(state)
        else:
            ordered = {"state": state}
        blocks.append(_block(str(name), ordered))
    return "\n\n".join(blocks)


def format_result(action: str, result: Any) -> str:
    """The human-readable view of an action's result."""
    if result is None:
        return f"{action}: ok"
    if isinstance(result, str):
        return result
    return json.dumps(result, indent=2, default=str)


def _block(title: str, values: dict[str, Any]) -> str:
    if not values:
        return title
    width = max(len(str(key)) for key in values)
    lines = [title]
    for key, value in values.items():
        shown = value if isinstance(value, str) else json.dumps(value, default=str)
        lines.append(f"    {str(key) + ':':<{width + 1}} {shown}")
    return "\n".join(lines)


def _parse(text: str) -> dict[str, Any] | None:
    try:
        data = json.loads(text)
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


def _refusal(status: int, data: dict[str, Any] | None, path: str) -> str:
    message = str((data or {}).get("message") or "").strip()
    if status == 401:
        return (
            "the inspector refused the request: a missing or wrong API key (--api-key)"
        )
    if status == 404:
        action = path.lstrip("/")
        return message or f"the inspector has no action {action!r}"
    return f"the inspector answered {status}" + (f": {message}" if message else "")


def _fail(message: str) -> NoReturn:
    print(f"sanic inspect: {message}", file=sys.stderr)
    raise SystemExit(1)
