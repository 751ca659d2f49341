"""Routing internals: path parsing, parameter types, the segment trie.

The public entry point is ``sanic.router.Router``; these names are re-exported for
code that inspects routes or catches registration errors.
"""

from sanic.routing.exceptions import (
    InvalidRoute,
    ParameterNameConflicts,
    RouteExists,
    RoutingError,
)
from sanic.routing.parser import ParamInfo
from sanic.routing.route import Route, RouteGroup

__all__ = (
    "InvalidRoute",
    "ParamInfo",
    "ParameterNameConflicts",
    "Route",
    "RouteExists",
    "RouteGroup",
    "RoutingError",
)
