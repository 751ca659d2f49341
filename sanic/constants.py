"""HTTP method names and the defaults shared across the package."""

from __future__ import annotations

from enum import Enum


class HTTPMethod(str, Enum):
    """The HTTP methods Sanic routes; members compare equal to their upper-case names."""

    def _generate_next_value_(name, start, count, last_values):  # type: ignore[override]
        return name.upper()

    def __eq__(self, value: object) -> bool:
        return str(self.value) == str(value).upper()

    def __hash__(self) -> int:
        return hash(self.value)

    def __str__(self) -> str:
        return self.value

    GET = "GET"
    POST = "POST"
    PUT = "PUT"
    HEAD = "HEAD"
    OPTIONS = "OPTIONS"
    PATCH = "PATCH"
    DELETE = "DELETE"


HTTP_METHODS: tuple[HTTPMethod, ...] = tuple(HTTPMethod.__members__.values())
DEFAULT_HTTP_CONTENT_TYPE = "application/octet-stream"
DEFAULT_LOCAL_TLS_KEY = "key.pem"
DEFAULT_LOCAL_TLS_CERT = "cert.pem"

# RFC 9110 §9.2: properties of the request methods.
SAFE_HTTP_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
IDEMPOTENT_HTTP_METHODS = frozenset(
    {"GET", "HEAD", "PUT", "DELETE", "OPTIONS", "TRACE"}
)
CACHEABLE_HTTP_METHODS = frozenset({"GET", "HEAD"})
