"""Request and response middleware, ordered by priority."""

from __future__ import annotations

from collections.abc import Callable
from enum import IntEnum, auto
from typing import Any


class MiddlewareLocation(IntEnum):
    REQUEST = auto()
    RESPONSE = auto()


class Middleware:
    """A middleware function with its place in the order of execution."""

    _counter = 0

    __slots__ = ("func", "priority", "location", "definition", "__weakref__")

    def __init__(
        self,
        func: Callable[..., Any],
        location: MiddlewareLocation,
        priority: int = 0,
    ) -> None:
        self.func = func
        self.priority = priority
        self.location = location
        Middleware._counter += 1
        self.definition = Middleware._counter

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self.func(*args, **kwargs)

    def __hash__(self) -> int:
        return hash(self.func)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Middleware):
            return self.func == other.func and self.location == other.location
        return self.func == other

    def __repr__(self) -> str:
        name = getattr(self.func, "__name__", repr(self.func))
        return (
            f"Middleware({name}, location={self.location.name}, "
            f"priority={self.priority})"
        )

    @property
    def order(self) -> tuple[int, int]:
        return (self.priority, -self.definition)

    @classmethod
    def convert(
        cls, *middleware_collections: Any, location: MiddlewareLocation
    ) -> list[Middleware]:
        return [
            item if isinstance(item, Middleware) else Middleware(item, location)
            for collection in middleware_collections
            for item in collection
        ]

    @classmethod
    def reset_count(cls) -> None:
        cls._counter = 0


def sort_request_middleware(items: list[Middleware]) -> list[Middleware]:
    """Higher priority first; equal priority in order of definition."""
    return sorted(items, key=lambda m: (-m.priority, m.definition))


def sort_response_middleware(items: list[Middleware]) -> list[Middleware]:
    """Higher priority first; equal priority in reverse order of definition."""
    return sorted(items, key=lambda m: (-m.priority, -m.definition))
