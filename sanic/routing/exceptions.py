"""Errors raised while registering routes (never while resolving a request).

They surface at import time, when a route is declared, so each message names the
offending path.
"""

from __future__ import annotations

from sanic.exceptions import SanicException


class RoutingError(SanicException):
    """The base of every route registration error."""


class InvalidRoute(RoutingError):
    """The path cannot be parsed: unknown type, bad regex, bad parameter syntax."""


class ParameterNameConflicts(InvalidRoute):
    """The same parameter name appears twice in one path."""


class RouteExists(RoutingError):
    """A route is already registered for this path, method and host."""
