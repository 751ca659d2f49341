"""Error pages in three formats: HTML for browsers, JSON for API clients, text
for curl. Production pages never show a traceback; debug pages do."""

from __future__ import annotations

import html
import traceback
from typing import Any

from sanic.exceptions import SanicException
from sanic.helpers import STATUS_CODES

FALLBACK_TEXT = (
    "The server encountered an internal error and cannot complete your request."
)
FALLBACK_STATUS = 500
RENDERERS_BY_NAME: dict[str, type[BaseRenderer]] = {}
JSON_TYPES = ("application/json",)


def _status_of(exception: BaseException) -> int:
    status = getattr(exception, "status_code", None)
    return int(status) if isinstance(status, int) else FALLBACK_STATUS


class BaseRenderer:
    """Renders one exception for one request; subclasses pick the format."""

    content_type = "text/plain; charset=utf-8"

    def __init__(self, request: Any, exception: BaseException, debug: bool) -> None:
        self.request = request
        self.exception = exception
        self.debug = debug
        self.status = _status_of(exception)

    @property
    def title(self) -> str:
        phrase = STATUS_CODES.get(self.status, b"Error").decode("latin-1")
        return f"⚠️ {self.status} — {phrase}"

    @property
    def description(self) -> str:
        return STATUS_CODES.get(self.status, b"Error").decode("latin-1")

    @property
    def text(self) -> str:
        """The message a client may see: never an internal error's details."""
        exc = self.exception
        if isinstance(exc, SanicException) and (exc.message or str(exc)):
            return exc.message or str(exc)
        if self.debug:
            return str(exc) or exc.__class__.__name__
        return FALLBACK_TEXT

    @property
    def context(self) -> dict[str, Any] | None:
        return getattr(self.exception, "context", None) or None

    @property
    def extra(self) -> dict[str, Any] | None:
        return (getattr(self.exception, "extra", None) or None) if self.debug else None

    def frames(self) -> list[dict[str, Any]]:
        return _exception_chain(self.exception)

    def render(self) -> Any:
        from sanic.response import HTTPResponse

        body = self.full() if self.debug else self.minimal()
        headers = getattr(self.exception, "headers", None) or None
        return HTTPResponse(
            body, status=self.status, headers=headers, content_type=self.content_type
        )

    def full(self) -> str:
        raise NotImplementedError

    def minimal(self) -> str:
        raise NotImplementedError


class TextRenderer(BaseRenderer):
    content_type = "text/plain; charset=utf-8"

    def _lines(self) -> list[str]:
        title = self.title
        lines = [title, "=" * len(title), self.text, ""]
        for label, data in (("Context", self.context), ("Extra", self.extra)):
            if data:
                lines.append(f"{label}:")
                lines.extend(f"    {key}: {value}" for key, value in data.items())
                lines.append("")
        return lines

    def minimal(self) -> str:
        return "\n".join(self._lines()) + "\n"

    def full(self) -> str:
        lines = self._lines()
        lines.append(
            f"{self.exception.__class__.__name__}: {self.exception} while "
            f"handling path {getattr(self.request, 'path', '')}"
        )
        lines.append("Traceback of __BASE__ (most recent call last):")
        lines.append("")
        for chain in self.frames():
            lines.append(f"{chain['type']}: {chain['exception']}")
            for frame in chain["frames"]:
                lines.append(
                    f'  File "{frame["file"]}", line {frame["line"]}, in {frame["name"]}'
                )
                if frame["src"]:
                    lines.append(f"    {frame['src']}")
            lines.append("")
        return "\n".join(lines) + "\n"


class JSONRenderer(BaseRenderer):
    content_type = "application/json"

    def _base(self) -> dict[str, Any]:
        output: dict[str, Any] = {
            "description": self.description,
            "status": self.status,
            "message": self.text,
        }
        if self.context:
            output["context"] = self.context
        if self.extra:
            output["extra"] = self.extra
        return output

    def _dumps(self, data: dict[str, Any]) -> str:
        from sanic.response.types import json_dumps

        return json_dumps(data)

    def minimal(self) -> str:
        return self._dumps(self._base())

    def full(self) -> str:
        output = self._base()
        output["path"] = getattr(self.request, "path", None)
        try:
            output["args"] = dict(self.request.args) if self.request is not None else {}
        except Exception:
            output["args"] = {}
        output["exceptions"] = self.frames()
        return self._dumps(output)


class HTMLRenderer(BaseRenderer):
    content_type = "text/html; charset=utf-8"
    _PAGE = (
        "<!DOCTYPE html><html lang=en><meta charset=UTF-8>"
        '<meta name=viewport content="width=device-width, initial-scale=1">'
        "<title>{title}</title>\n"
        "<style>body{{font-family:system-ui,sans-serif;margin:2rem;}}"
        "pre{{background:#f5f5f5;padding:1rem;overflow:auto}}</style>\n"
        "<h1>{title}</h1>\n<p>{text}</p>\n{details}</html>\n"
    )

    def _details(self, debug: bool) -> str:
        parts = []
        for label, data in (("Context", self.context), ("Extra", self.extra)):
            if data:
                rows = "".join(
                    f"<dt>{html.escape(str(k))}</dt><dd>{html.escape(str(v))}</dd>"
                    for k, v in data.items()
                )
                parts.append(f"<h2>{label}</h2><dl>{rows}</dl>")
        if debug:
            for chain in self.frames():
                frames = "\n".join(
                    f'File "{f["file"]}", line {f["line"]}, in {f["name"]}\n    {f["src"]}'
                    for f in chain["frames"]
                )
                parts.append(
                    f"<h2>{html.escape(chain['type'])}: "
                    f"{html.escape(str(chain['exception']))}</h2>"
                    f"<pre>Traceback (most recent call last):\n{html.escape(frames)}</pre>"
                )
        return "\n".join(parts)

    def _page(self, debug: bool) -> str:
        return self._PAGE.format(
            title=html.escape(self.title),
            text=html.escape(self.text),
            details=self._details(debug),
        )

    def minimal(self) -> str:
        return self._page(False)

    def full(self) -> str:
        return self._page(True)


RENDERERS_BY_NAME.update(
    {"text": TextRenderer, "json": JSONRenderer, "html": HTMLRenderer}
)


def _exception_chain(exception: BaseException) -> list[dict[str, Any]]:
    chain: list[dict[str, Any]] = []
    seen: set[int] = set()
    exc: BaseException | None = exception
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        frames = [
            {"file": f.filename, "line": f.lineno, "name": f.name, "src": f.line or ""}
            for f in traceback.extract_tb(exc.__traceback__)
        ]
        chain.append(
            {"type": exc.__class__.__name__, "exception": str(exc), "frames": frames}
        )
        exc = exc.__cause__ or (None if exc.__suppress_context__ else exc.__context__)
    chain.reverse()
    return chain


def guess_format(request: Any, fallback: str = "auto") -> str:
    """Pick html/json/text: route's error_format, then config, then the request."""
    route = getattr(request, "route", None) if request is not None else None
    route_format = getattr(getattr(route, "extra", None), "error_format", None)
    if route_format and route_format != "auto":
        return str(route_format)
    if fallback and fallback != "auto":
        return fallback
    if request is None:
        return "text"
    try:
        headers = request.headers
        if "json" in headers.getone("content-type", ""):
            return "json"
        accept = headers.getone("accept", "")
    except Exception:
        return "text"
    if not accept or accept.strip() == "*/*":
        return "text"
    try:
        best = request.accept.match(
            "text/html", "application/json", "text/plain", accept_wildcards=False
        )
    except Exception:
        return "text"
    if best == "application/json":
        return "json"
    if best == "text/html":
        return "html"
    return "text"


def exception_response(
    request: Any,
    exception: BaseException,
    debug: bool,
    base: type[BaseRenderer] = TextRenderer,
    renderer: type[BaseRenderer] | None = None,
    fallback: str = "auto",
) -> Any:
    """Render ``exception`` as an HTTPResponse in the format the client wants."""
    if renderer is None:
        chosen = guess_format(request, fallback)
        renderer = RENDERERS_BY_NAME.get(chosen, base)
    return renderer(request, exception, debug).render()
