"""Reading the Cookie request header: ``request.cookies``."""

from __future__ import annotations

import re
from typing import Any

from sanic.request.parameters import RequestParameters

__all__ = ["CookieRequestParameters", "parse_cookie"]

# RFC 6265 §4.1.1: a cookie name is an RFC 2616 token.
_COOKIE_NAME = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
# Escapes inside a quoted value, as Python's http.cookies (and Sanic's own
# response cookies) write them: an octal byte or a backslashed character.
_ESCAPE = re.compile(r"\\(?:([0-3][0-7][0-7])|(.))", re.S)

HOST_PREFIX = "__Host-"
SECURE_PREFIX = "__Secure-"


def _unescape(match: re.Match[str]) -> str:
    octal = match[1]
    return chr(int(octal, 8)) if octal else match[2]


def _unquote(value: str) -> str:
    if len(value) < 2 or value[0] != '"' or value[-1] != '"':
        return value
    value = value[1:-1]
    if "\\" in value:
        value = _ESCAPE.sub(_unescape, value)
    return value


def parse_cookie(raw: str) -> dict[str, list[str]]:
    """Parse a Cookie header into ``{name: [value, ...]}``.

    Lenient like browsers: ``a=1; b=2`` splits on ``;``, quoted values are
    unquoted, entries without ``=`` or with a name that is not a token are
    skipped, and a name sent more than once keeps every value in order.
    """
    cookies: dict[str, list[str]] = {}
    for chunk in raw.split(";"):
        name, eq, value = chunk.partition("=")
        if not eq:
            continue
        name = name.strip()
        if not _COOKIE_NAME.fullmatch(name):
            continue
        value = _unquote(value.strip())
        values = cookies.get(name)
        if values is None:
            cookies[name] = [value]
        else:
            values.append(value)
    return cookies


def _prefixed(name: str, host_prefix: bool, secure_prefix: bool) -> str:
    if host_prefix:
        return HOST_PREFIX + name
    if secure_prefix:
        return SECURE_PREFIX + name
    return name


class CookieRequestParameters(RequestParameters):
    """The request's cookies: each name maps to the list of its values.

    ``cookies["name"]`` and ``cookies.get("name")`` give the first value,
    ``cookies.getlist("name")`` all of them. ``host_prefix=True`` reads the
    ``__Host-name`` cookie and ``secure_prefix=True`` the ``__Secure-name`` one.
    """

    def __getitem__(self, key: str) -> Any:
        values = super().__getitem__(key)
        if not values:
            raise KeyError(key)
        return values[0]

    def get(  # type: ignore[override]
        self,
        name: str,
        default: Any = None,
        *,
        host_prefix: bool = False,
        secure_prefix: bool = False,
    ) -> Any:
        """Return the first value of the cookie, or ``default``."""
        return super().get(_prefixed(name, host_prefix, secure_prefix), default)

    def getlist(  # type: ignore[override]
        self,
        name: str,
        default: Any = None,
        *,
        host_prefix: bool = False,
        secure_prefix: bool = False,
    ) -> Any:
        """Return every value of the cookie as a list, or ``default``."""
        return super().getlist(_prefixed(name, host_prefix, secure_prefix), default)
