"""Error pages in three formats: HTML for browsers, JSON for API clients, text
for curl. Production pages never show a traceback; debug pages do.

The format comes from the route's ``error_format``, else FALLBACK_ERROR_FORMAT;
"auto" (the default) lets the request's Accept header choose, see guess_format.
"""

from __future__ import annotations

import ast
import html
import inspect
import textwrap
import traceback
from collections.abc import Callable
from functools import lru_cache
from types import CodeType
from typing import Any

from sanic.exceptions import SanicException
from sanic.helpers import STATUS_CODES
from sanic.response.types import HTTPResponse, json_dumps

FALLBACK_TEXT = (
    "The server encountered an internal error and cannot complete your request."
)
FALLBACK_STATUS = 500

# The formats in the order Sanic prefers them when the client has no preference.
MIME_BY_FORMAT = {
    "text": "text/plain",
    "json": "application/json",
    "html": "text/html",
}
FORMAT_BY_MIME = {mime: name for name, mime in MIME_BY_FORMAT.items()}

# Response helpers whose name, in a handler's ``return`` statements, shows the
# format the handler answers in.
_FORMAT_OF_RETURNED_CALL = {
    "json": "json",
    "JSONResponse": "json",
    "text": "text",
    "html": "html",
}


class BaseRenderer:
    """Renders one exception for one request; subclasses pick the format.

    ``render()`` answers ``full()`` in debug mode and ``minimal()`` otherwise;
    both return an HTTPResponse.
    """

    content_type = "text/plain; charset=utf-8"

    def __init__(self, request: Any, exception: BaseException, debug: bool) -> None:
        self.request = request
        self.exception = exception
        self.debug = debug

    @property
    def status(self) -> int:
        """The exception's ``status_code``, else 500."""
        status = getattr(self.exception, "status_code", None)
        if isinstance(status, int) and 100 <= status <= 999:
            return status
        return FALLBACK_STATUS

    @property
    def headers(self) -> dict[str, str]:
        """The headers a SanicException asked for (``headers=``)."""
        if isinstance(self.exception, SanicException):
            return dict(self.exception.headers)
        return {}

    @property
    def description(self) -> str:
        """The reason phrase of the status."""
        return STATUS_CODES.get(self.status, b"Error").decode("latin-1")

    @property
    def title(self) -> str:
        return f"⚠️ {self.status} — {self.description}"

    @property
    def text(self) -> str:
        """The message: a SanicException's own, or in debug mode any exception's.

        An unexpected exception's message may hold internals, so production
        pages show a generic sentence instead.
        """
        exc = self.exception
        if isinstance(exc, SanicException):
            return str(exc.message or exc)
        if self.debug:
            return str(exc) or exc.__class__.__name__
        return FALLBACK_TEXT

    @property
    def context(self) -> dict[str, Any] | None:
        """``context=`` of a SanicException: shown to every client."""
        return getattr(self.exception, "context", None) or None

    @property
    def extra(self) -> dict[str, Any] | None:
        """``extra=`` of a SanicException: shown in debug mode only."""
        if not self.debug:
            return None
        return getattr(self.exception, "extra", None) or None

    @property
    def path(self) -> str:
        return str(getattr(self.request, "path", "") or "")

    @property
    def app_name(self) -> str:
        return str(getattr(getattr(self.request, "app", None), "name", "__BASE__"))

    def render(self) -> HTTPResponse:
        return self.full() if self.debug else self.minimal()

    def full(self) -> HTTPResponse:
        """Every detail, traceback included: for debug mode only."""
        raise NotImplementedError

    def minimal(self) -> HTTPResponse:
        """No traceback and nothing internal: what production clients see."""
        raise NotImplementedError

    def _response(self, body: str) -> HTTPResponse:
        return HTTPResponse(
            body,
            status=self.status,
            headers=self.headers or None,
            content_type=self.content_type,
        )


class TextRenderer(BaseRenderer):
    """Plain text, as curl users see it."""

    content_type = "text/plain; charset=utf-8"

    def _head(self) -> list[str]:
        title = self.title
        lines = [title, "=" * len(title), self.text]
        for label, data in (("Context", self.context), ("Extra", self.extra)):
            if data:
                lines.append("")
                lines.append(f"{label}:")
                lines.extend(f"    {key}: {value}" for key, value in data.items())
        return lines

    def minimal(self) -> HTTPResponse:
        return self._response("\n".join(self._head()) + "\n")

    def full(self) -> HTTPResponse:
        exc = self.exception
        lines = self._head()
        lines.append("")
        lines.append(f"{exc.__class__.__name__}: {exc} while handling path {self.path}")
        lines.append(f"Traceback of {self.app_name} (most recent call last):")
        for chain in exception_chain(exc):
            lines.append("")
            lines.append(f"  {chain['type']}: {chain['exception']}")
            for frame in chain["frames"]:
                lines.append(
                    f"    File {frame['file']}, line {frame['line']}, in {frame['name']}"
                )
                lines.append(f"    {frame['src']}")
                lines.append("")
        return self._response("\n".join(lines).rstrip("\n") + "\n")


class JSONRenderer(BaseRenderer):
    """A JSON object: description, status, message (and context/extra)."""

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

    def minimal(self) -> HTTPResponse:
        return self._response(json_dumps(self._base(), default=str))

    def full(self) -> HTTPResponse:
        output = self._base()
        output["path"] = self.path
        args = getattr(self.request, "args", None)
        output["args"] = dict(args) if args else {}
        output["exceptions"] = exception_chain(self.exception)
        return self._response(json_dumps(output, default=str))


class HTMLRenderer(BaseRenderer):
    """A small HTML page, for browsers."""

    content_type = "text/html; charset=utf-8"
    _PAGE = (
        "<!DOCTYPE html><html lang=en><meta charset=UTF-8>"
        '<meta name=viewport content="width=device-width, initial-scale=1">'
        "<title>{title}</title>\n"
        "<style>body{{font-family:system-ui,sans-serif;margin:2rem}}"
        "pre{{background:#f5f5f5;padding:1rem;overflow:auto}}</style>\n"
        "<h1>{title}</h1>\n<p>{text}</p>\n{details}</html>\n"
    )

    def _mappings(self) -> list[str]:
        parts = []
        for label, data in (("Context", self.context), ("Extra", self.extra)):
            if data:
                rows = "".join(
                    f"<dt>{html.escape(str(key))}</dt><dd>{html.escape(str(value))}</dd>"
                    for key, value in data.items()
                )
                parts.append(f"<h2>{label}</h2><dl>{rows}</dl>")
        return parts

    def _tracebacks(self) -> list[str]:
        parts = [
            f"<p>{html.escape(self.exception.__class__.__name__)} while handling "
            f"path <code>{html.escape(self.path)}</code></p>"
        ]
        for chain in exception_chain(self.exception):
            frames = "\n".join(
                f'File "{frame["file"]}", line {frame["line"]}, in {frame["name"]}'
                f"\n    {frame['src']}"
                for frame in chain["frames"]
            )
            parts.append(
                f"<h2>{html.escape(chain['type'])}: "
                f"{html.escape(str(chain['exception']))}</h2>"
                f"<pre>Traceback (most recent call last):\n{html.escape(frames)}</pre>"
            )
        return parts

    def _page(self, details: list[str]) -> HTTPResponse:
        return self._response(
            self._PAGE.format(
                title=html.escape(self.title),
                text=html.escape(self.text),
                details="\n".join(details),
            )
        )

    def minimal(self) -> HTTPResponse:
        return self._page(self._mappings())

    def full(self) -> HTTPResponse:
        return self._page(self._mappings() + self._tracebacks())


RENDERERS_BY_NAME: dict[str, type[BaseRenderer]] = {
    "text": TextRenderer,
    "json": JSONRenderer,
    "html": HTMLRenderer,
}


def exception_chain(exception: BaseException) -> list[dict[str, Any]]:
    """The exception and its causes, oldest first, each with its frames."""
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


def handler_format(handler: Callable[..., Any]) -> str | None:
    """The format a route handler answers in, read from its source code.

    A handler whose ``return`` statements all call the same one of ``json()``,
    ``text()`` or ``html()`` (``JSONResponse()`` counts as json) answers in that
    format. Anything else, or source that cannot be read, gives None.
    """
    code = getattr(inspect.unwrap(handler), "__code__", None)
    return _format_of_code(code) if isinstance(code, CodeType) else None


@lru_cache(maxsize=1024)
def _format_of_code(code: CodeType) -> str | None:
    try:
        tree = ast.parse(textwrap.dedent(inspect.getsource(code)))
    except (OSError, TypeError, SyntaxError):
        return None
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Return) and isinstance(node.value, ast.Call):
            func = node.value.func
            name = (
                func.id
                if isinstance(func, ast.Name)
                else func.attr
                if isinstance(func, ast.Attribute)
                else ""
            )
            if name in _FORMAT_OF_RETURNED_CALL:
                found.add(_FORMAT_OF_RETURNED_CALL[name])
    return found.pop() if len(found) == 1 else None


def guess_format(request: Any, fallback: str = "auto") -> str | None:
    """The error page format for ``request``; None leaves it to the base renderer.

    1. The route's ``error_format``, when it names a format.
    2. ``fallback`` (FALLBACK_ERROR_FORMAT), when it names a format.
    3. "auto": the client's Accept header picks among all three formats. Where
       it has no preference (``*/*``, or no header), the handler's own format
       (see handler_format) comes first, else JSON when the request is JSON
       (its Content-Type, or application/json named in Accept), else text.
       An Accept header that allows none of them gives None.
    """
    if request is None:
        return fallback if fallback in MIME_BY_FORMAT else None
    route = getattr(request, "route", None)
    route_format = getattr(getattr(route, "extra", None), "error_format", None)
    if route_format in MIME_BY_FORMAT:
        return str(route_format)
    if fallback in MIME_BY_FORMAT:
        return fallback
    try:
        accept = request.accept
        preferred: list[str] = []
        own = handler_format(route.handler) if route is not None else None
        if own:
            preferred.append(own)
        elif "application/json" in accept or "json" in request.headers.getone(
            "content-type", ""
        ):
            preferred.append("json")
        preferred.extend(name for name in MIME_BY_FORMAT if name not in preferred)
        match = accept.match(*(MIME_BY_FORMAT[name] for name in preferred))
    except (SanicException, AttributeError):
        # A malformed Accept header, or a request object without one.
        return None
    return FORMAT_BY_MIME.get(match.mime) if match else None


def exception_response(
    request: Any,
    exception: BaseException,
    debug: bool,
    fallback: str = "auto",
    base: type[BaseRenderer] = TextRenderer,
    renderer: type[BaseRenderer] | None = None,
) -> HTTPResponse:
    """Render ``exception`` as an HTTPResponse in the format the client wants."""
    if renderer is None:
        chosen = guess_format(request, fallback)
        renderer = RENDERERS_BY_NAME.get(chosen, base) if chosen else base
    return renderer(request, exception, debug).render()
