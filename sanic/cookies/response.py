"""Response cookies: one ``Cookie`` per ``Set-Cookie`` header, gathered in a jar.

The jar keeps ``Cookie`` objects and renders them only when the server asks
(``header_values()``), so a cookie changed after it was added still goes out right.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterator
from datetime import datetime, timezone
from typing import Any

from sanic.exceptions import ServerError

__all__ = ["Cookie", "CookieJar"]

HOST_PREFIX = "__Host-"
SECURE_PREFIX = "__Secure-"
SAMESITE_VALUES = ("Strict", "Lax", "None")
_SAMESITE = {value.lower(): value for value in SAMESITE_VALUES}

# RFC 6265 cookie-name: an RFC 2616 token (no separators, no controls).
_is_token = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+").fullmatch
# Values made only of these characters go out unquoted (the stdlib's rule).
_LEGAL_VALUE_CHARS = frozenset(
    string.ascii_letters + string.digits + "!#$%&'*+-.^_`|~:"
)
_QUOTE_MAP = {i: f"\\{i:03o}" for i in (*range(32), *range(127, 256))}
_QUOTE_MAP[ord('"')] = '\\"'
_QUOTE_MAP[ord("\\")] = "\\\\"
# Attribute values that would let a caller inject further attributes or headers.
_UNSAFE_ATTR = re.compile(r"[;\x00-\x1f\x7f]")

_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = (
    "Jan", "Feb", "Mar", "Apr", "May", "Jun",
    "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
)  # fmt: skip

# Legacy ``cookie["max-age"] = 5`` style names and the property each one maps to.
_LEGACY_KEYS = {
    "path": "path",
    "domain": "domain",
    "max-age": "max_age",
    "max_age": "max_age",
    "expires": "expires",
    "secure": "secure",
    "httponly": "httponly",
    "samesite": "samesite",
    "partitioned": "partitioned",
    "comment": "comment",
}
_RESERVED_NAMES = frozenset(_LEGACY_KEYS) | {"version"}


def _quote(value: str) -> str:
    """Quote a cookie value unless every character is safe bare."""
    if not value or _LEGAL_VALUE_CHARS.issuperset(value):
        return value or '""'
    return '"' + value.translate(_QUOTE_MAP) + '"'


def _http_date(moment: datetime) -> str:
    """IMF-fixdate (RFC 9110 §5.6.7); a naive datetime is taken as UTC."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(timezone.utc)
    return (
        f"{_DAYS[moment.weekday()]}, {moment.day:02d} {_MONTHS[moment.month - 1]} "
        f"{moment.year:04d} {moment.hour:02d}:{moment.minute:02d}:"
        f"{moment.second:02d} GMT"
    )


def _make_key(key: str, host_prefix: bool = False, secure_prefix: bool = False) -> str:
    if host_prefix:
        return HOST_PREFIX + key
    if secure_prefix:
        return SECURE_PREFIX + key
    return key


def _check_attr(name: str, value: str | None) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise TypeError(f"Cookie {name} must be a str, not {type(value).__name__}")
    if _UNSAFE_ATTR.search(value):
        raise ValueError(f"Cookie {name} {value!r} contains ';' or a control character")
    return value


class Cookie:
    """One response cookie, rendered by ``str(cookie)`` as a ``Set-Cookie`` value.

    Attributes are properties; the legacy mapping style (``cookie["domain"] = ...``,
    ``cookie["max-age"] = 5``) reads and writes the same properties.
    """

    __slots__ = (
        "_key",
        "_value",
        "_path",
        "_domain",
        "_secure",
        "_max_age",
        "_expires",
        "_httponly",
        "_samesite",
        "_partitioned",
        "_comment",
        "_host_prefix",
        "_secure_prefix",
    )

    def __init__(
        self,
        key: str,
        value: str,
        *,
        path: str = "/",
        domain: str | None = None,
        secure: bool = True,
        max_age: int | None = None,
        expires: datetime | None = None,
        httponly: bool = False,
        samesite: str | None = "Lax",
        partitioned: bool = False,
        comment: str | None = None,
        host_prefix: bool = False,
        secure_prefix: bool = False,
    ) -> None:
        if not isinstance(key, str):
            raise TypeError(f"Cookie name must be a str, not {type(key).__name__}")
        if key.lower() in _RESERVED_NAMES:
            raise KeyError(f"Cookie name {key!r} is a reserved attribute name")
        if not _is_token(key):
            raise KeyError(f"Cookie name {key!r} contains illegal characters")
        if host_prefix:
            if not secure:
                raise ServerError(
                    "Cannot set host_prefix on a cookie without secure=True"
                )
            if path != "/":
                raise ServerError("Cannot set host_prefix on a cookie unless path='/'")
            if domain:
                raise ServerError("Cannot set host_prefix on a cookie with a domain")
        elif secure_prefix and not secure:
            raise ServerError(
                "Cannot set secure_prefix on a cookie without secure=True"
            )
        if partitioned and not secure:
            raise ServerError("Cannot set partitioned on a cookie without secure=True")
        self._host_prefix = bool(host_prefix)
        self._secure_prefix = bool(secure_prefix) and not host_prefix
        self._key = _make_key(key, host_prefix, secure_prefix)
        self._secure = bool(secure)
        self._partitioned = bool(partitioned)
        self._path: str | None = None
        self._domain: str | None = None
        self._max_age: int | None = None
        self._expires: datetime | None = None
        self._samesite: str | None = None
        self._comment: str | None = None
        self.value = value
        self.path = path
        self.domain = domain
        self.max_age = max_age
        self.expires = expires
        self.httponly = httponly
        self.samesite = samesite
        self.comment = comment

    # ---- attributes ----------------------------------------------------------

    @property
    def key(self) -> str:
        """The cookie name as sent, including any ``__Host-``/``__Secure-`` prefix."""
        return self._key

    @property
    def value(self) -> str:
        return self._value

    @value.setter
    def value(self, value: str | None) -> None:
        if value is None:
            value = ""
        elif not isinstance(value, str):
            raise TypeError(f"Cookie value must be a str, not {type(value).__name__}")
        self._value = value

    @property
    def path(self) -> str | None:
        return self._path

    @path.setter
    def path(self, value: str | None) -> None:
        value = _check_attr("path", value)
        if self._host_prefix and value != "/":
            raise ServerError("A host_prefix cookie must have path='/'")
        self._path = value

    @property
    def domain(self) -> str | None:
        return self._domain

    @domain.setter
    def domain(self, value: str | None) -> None:
        value = _check_attr("domain", value) or None
        if self._host_prefix and value:
            raise ServerError("A host_prefix cookie cannot have a domain")
        self._domain = value

    @property
    def secure(self) -> bool:
        return self._secure

    @secure.setter
    def secure(self, value: bool) -> None:
        if not value and (
            self._host_prefix or self._secure_prefix or self._partitioned
        ):
            raise ServerError("A prefixed or partitioned cookie must keep secure=True")
        self._secure = bool(value)

    @property
    def max_age(self) -> int | None:
        return self._max_age

    @max_age.setter
    def max_age(self, value: int | float | str | None) -> None:
        if value is None:
            self._max_age = None
            return
        try:
            if isinstance(value, bool):
                raise ValueError
            if isinstance(value, float) and not float(value).is_integer():
                raise ValueError
            number = int(value)
        except (TypeError, ValueError, OverflowError):
            raise ValueError(
                f"Cookie max-age must be an integer, got {value!r}"
            ) from None
        self._max_age = number

    @property
    def expires(self) -> datetime | None:
        return self._expires

    @expires.setter
    def expires(self, value: datetime | None) -> None:
        if value is not None and not isinstance(value, datetime):
            raise TypeError("Cookie 'expires' property must be a datetime")
        self._expires = value

    @property
    def httponly(self) -> bool:
        return self._httponly

    @httponly.setter
    def httponly(self, value: bool) -> None:
        self._httponly = bool(value)

    @property
    def samesite(self) -> str | None:
        return self._samesite

    @samesite.setter
    def samesite(self, value: str | None) -> None:
        if value is None:
            self._samesite = None
            return
        canonical = _SAMESITE.get(value.lower()) if isinstance(value, str) else None
        if canonical is None:
            raise ValueError(
                f"Cookie samesite must be one of {', '.join(SAMESITE_VALUES)}, "
                f"not {value!r}"
            )
        self._samesite = canonical

    @property
    def partitioned(self) -> bool:
        return self._partitioned

    @partitioned.setter
    def partitioned(self, value: bool) -> None:
        if value and not self._secure:
            raise ServerError("Cannot set partitioned on a cookie without secure=True")
        self._partitioned = bool(value)

    @property
    def comment(self) -> str | None:
        return self._comment

    @comment.setter
    def comment(self, value: str | None) -> None:
        if value is not None and not isinstance(value, str):
            raise TypeError(f"Cookie comment must be a str, not {type(value).__name__}")
        self._comment = value

    @property
    def host_prefix(self) -> bool:
        return self._host_prefix

    @property
    def secure_prefix(self) -> bool:
        return self._secure_prefix

    # ---- rendering -----------------------------------------------------------

    def __str__(self) -> str:
        parts = [f"{self._key}={_quote(self._value)}"]
        if self._path:
            parts.append(f"Path={self._path}")
        if self._comment:
            parts.append(f"Comment={_quote(self._comment)}")
        if self._domain:
            parts.append(f"Domain={self._domain}")
        if self._max_age is not None:
            parts.append(f"Max-Age={self._max_age}")
        if self._expires is not None:
            parts.append(f"Expires={_http_date(self._expires)}")
        if self._samesite:
            parts.append(f"SameSite={self._samesite}")
        if self._secure:
            parts.append("Secure")
        if self._httponly:
            parts.append("HttpOnly")
        if self._partitioned:
            parts.append("Partitioned")
        return "; ".join(parts)

    def encode(self, encoding: str) -> bytes:
        """The rendered ``Set-Cookie`` value in ``encoding``."""
        return str(self).encode(encoding)

    def __repr__(self) -> str:
        return f"<Cookie: {self}>"

    # ---- legacy mapping access -----------------------------------------------

    @staticmethod
    def _attr(name: str) -> str:
        attr = _LEGACY_KEYS.get(name.lower()) if isinstance(name, str) else None
        if attr is None:
            raise KeyError(f"Unknown cookie property: {name!r}")
        return attr

    def __getitem__(self, name: str) -> Any:
        return getattr(self, self._attr(name))

    def __setitem__(self, name: str, value: Any) -> None:
        setattr(self, self._attr(name), value)

    def __delitem__(self, name: str) -> None:
        attr = self._attr(name)
        setattr(
            self, attr, False if attr in ("secure", "httponly", "partitioned") else None
        )

    def __contains__(self, name: object) -> bool:
        if not isinstance(name, str) or name.lower() not in _LEGACY_KEYS:
            return False
        value = self[name]
        return value is not None and value is not False

    def get(self, name: str, default: Any = None) -> Any:
        try:
            value = self[name]
        except KeyError:
            return default
        return default if value is None else value


class CookieJar:
    """The cookies of one response, one ``Set-Cookie`` header each.

    Cookies are identified by (name, path, domain), as browsers do: adding a cookie
    with the same three replaces the earlier one.
    """

    __slots__ = ("headers", "_cookies")

    def __init__(self, headers: Any = None) -> None:
        self.headers = headers
        self._cookies: dict[tuple[str, str | None, str | None], Cookie] = {}

    def add_cookie(
        self,
        key: str,
        value: str,
        *,
        path: str = "/",
        domain: str | None = None,
        secure: bool = True,
        max_age: int | None = None,
        expires: datetime | None = None,
        httponly: bool = False,
        samesite: str | None = "Lax",
        partitioned: bool = False,
        comment: str | None = None,
        host_prefix: bool = False,
        secure_prefix: bool = False,
    ) -> Cookie:
        """Add (or replace) a cookie and return it for further changes."""
        cookie = Cookie(
            key,
            value,
            path=path,
            domain=domain,
            secure=secure,
            max_age=max_age,
            expires=expires,
            httponly=httponly,
            samesite=samesite,
            partitioned=partitioned,
            comment=comment,
            host_prefix=host_prefix,
            secure_prefix=secure_prefix,
        )
        index = (cookie.key, cookie.path, cookie.domain)
        self._cookies.pop(index, None)  # a replaced cookie moves to the end
        self._cookies[index] = cookie
        return cookie

    def get_cookie(
        self,
        key: str,
        path: str = "/",
        domain: str | None = None,
        host_prefix: bool = False,
        secure_prefix: bool = False,
    ) -> Cookie | None:
        return self._cookies.get(
            (_make_key(key, host_prefix, secure_prefix), path, domain)
        )

    def has_cookie(
        self,
        key: str,
        path: str = "/",
        domain: str | None = None,
        host_prefix: bool = False,
        secure_prefix: bool = False,
    ) -> bool:
        return (
            _make_key(key, host_prefix, secure_prefix),
            path,
            domain,
        ) in self._cookies

    def delete_cookie(
        self,
        key: str,
        *,
        path: str = "/",
        domain: str | None = None,
        host_prefix: bool = False,
        secure_prefix: bool = False,
    ) -> None:
        """Drop the cookie from this response and tell the browser to forget it.

        The replacement is an empty cookie with ``Max-Age=0``. It is only marked
        ``Secure`` when a prefix demands it, so deleting also works over plain HTTP.
        """
        prefixed = host_prefix or secure_prefix
        self.add_cookie(
            key,
            "",
            path=path,
            domain=domain,
            secure=prefixed,
            max_age=0,
            samesite=None,
            host_prefix=host_prefix,
            secure_prefix=secure_prefix,
        )

    @property
    def cookies(self) -> list[Cookie]:
        return list(self._cookies.values())

    def header_values(self) -> list[str]:
        """The ``Set-Cookie`` header values, rendered now."""
        return [str(cookie) for cookie in self._cookies.values()]

    def __repr__(self) -> str:
        return f"<CookieJar: {self.header_values()!r}>"

    # ---- legacy dict-style access: response.cookies["name"] ------------------

    def _by_name(self, name: str) -> Cookie | None:
        cookie = self._cookies.get((name, "/", None))
        if cookie is not None:
            return cookie
        for cookie in self._cookies.values():
            if cookie.key == name:
                return cookie
        return None

    def __getitem__(self, name: str) -> Cookie:
        cookie = self._by_name(name)
        if cookie is None:
            raise KeyError(name)
        return cookie

    def __setitem__(self, name: str, value: str) -> None:
        cookie = self._by_name(name)
        if cookie is not None and not (cookie.max_age == 0 and cookie.value == ""):
            cookie.value = value
        else:
            self.add_cookie(name, value)

    def __delitem__(self, name: str) -> None:
        """Forget a cookie set on this response, or else delete it in the browser."""
        matches = [index for index, c in self._cookies.items() if c.key == name]
        if not matches:
            self.delete_cookie(name)
        for index in matches:
            del self._cookies[index]

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and self._by_name(name) is not None

    def __iter__(self) -> Iterator[str]:
        return iter(self.keys())

    def __len__(self) -> int:
        return len(self._cookies)

    def keys(self) -> list[str]:
        return list(dict.fromkeys(cookie.key for cookie in self._cookies.values()))

    def values(self) -> list[Cookie]:
        return self.cookies

    def items(self) -> list[tuple[str, Cookie]]:
        return [(cookie.key, cookie) for cookie in self._cookies.values()]

    def get(self, name: str, default: Any = None) -> Any:
        cookie = self._by_name(name)
        return default if cookie is None else cookie
