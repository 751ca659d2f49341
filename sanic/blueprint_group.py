"""Blueprint groups: a list of blueprints (and nested groups) sharing options.

A group's url_prefix is prepended to its members' prefixes; its version,
version_prefix and strict_slashes apply to members that do not set their own;
its name_prefix renames its blueprints ("{name_prefix}_{bp.name}") so one
blueprint can be registered through several groups. Middleware and exception
handlers added to a group apply to the routes its blueprints register through
it (https://sanic.dev/en/guide/best-practices/blueprints.html#blueprint-groups).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, MutableSequence
from typing import TYPE_CHECKING, Any, overload

from sanic.blueprints import (
    Blueprint,
    ScopedDecorators,
    first_given,
    join_prefixes,
    pick_version_prefix,
)
from sanic.exceptions import SanicException

if TYPE_CHECKING:
    from sanic.app import Sanic

__all__ = ("BlueprintGroup",)


def _checked(item: Any) -> Any:
    if not isinstance(item, (Blueprint, BlueprintGroup)):
        raise SanicException(
            f"A blueprint group holds blueprints and groups, not {item!r}"
        )
    return item


class BlueprintGroup(ScopedDecorators, MutableSequence):  # type: ignore[type-arg]
    """Blueprints registered together, with shared options."""

    _is_blueprint_group = True

    def __init__(
        self,
        url_prefix: str | None = None,
        version: int | str | float | None = None,
        strict_slashes: bool | None = None,
        version_prefix: str = "/v",
        name_prefix: str | None = "",
    ) -> None:
        self._blueprints: list[Blueprint | BlueprintGroup] = []
        self._url_prefix = url_prefix
        self._version = version
        self._strict_slashes = strict_slashes
        self._version_prefix = version_prefix
        self._name_prefix = name_prefix
        self._scoped: list[Any] = []

    def __repr__(self) -> str:
        return (
            f"{self.__class__.__name__}({self._blueprints!r}, "
            f"url_prefix={self._url_prefix!r}, version={self._version!r})"
        )

    # ---- options ---------------------------------------------------------------

    @property
    def blueprints(self) -> list[Blueprint | BlueprintGroup]:
        return self._blueprints

    @property
    def url_prefix(self) -> str | None:
        return self._url_prefix

    @property
    def version(self) -> int | str | float | None:
        return self._version

    @property
    def strict_slashes(self) -> bool | None:
        return self._strict_slashes

    @property
    def version_prefix(self) -> str:
        return self._version_prefix

    @property
    def name_prefix(self) -> str | None:
        return self._name_prefix

    # ---- the list ----------------------------------------------------------------

    @overload
    def __getitem__(self, index: int) -> Blueprint | BlueprintGroup: ...

    @overload
    def __getitem__(self, index: slice) -> list[Blueprint | BlueprintGroup]: ...

    def __getitem__(self, index: int | slice) -> Any:
        return self._blueprints[index]

    def __setitem__(self, index: int | slice, item: Any) -> None:
        if isinstance(index, slice):
            self._blueprints[index] = [_checked(each) for each in item]
        else:
            self._blueprints[index] = _checked(item)

    def __delitem__(self, index: int | slice) -> None:
        del self._blueprints[index]

    def __len__(self) -> int:
        return len(self._blueprints)

    def __iter__(self) -> Iterator[Blueprint | BlueprintGroup]:
        return iter(self._blueprints)

    def insert(self, index: int, item: Blueprint | BlueprintGroup) -> None:
        self._blueprints.insert(index, _checked(item))

    # ---- registration --------------------------------------------------------------

    def register(self, app: Sanic, options: dict[str, Any]) -> None:
        """Register every member on ``app`` with this group's options merged in."""
        for member in self._blueprints:
            app.blueprint(member, **self._member_options(member, options))

    def _member_options(
        self, member: Blueprint | BlueprintGroup, options: dict[str, Any]
    ) -> dict[str, Any]:
        """The outer options, with this group's applied (the group is more specific)."""
        prefixes = [options.get("url_prefix"), self._url_prefix]
        if isinstance(member, Blueprint):
            # A blueprint's registration prefix replaces its own: include it.
            prefixes.append(member.url_prefix)
        name_prefixes = [options.get("name_prefix"), self._name_prefix]
        return {
            **options,
            "url_prefix": join_prefixes(*prefixes),
            "version": first_given(self._version, options.get("version")),
            "version_prefix": pick_version_prefix(
                self._version_prefix, options.get("version_prefix")
            ),
            "strict_slashes": first_given(
                self._strict_slashes, options.get("strict_slashes")
            ),
            "name_prefix": "_".join(p for p in name_prefixes if p) or None,
            "_groups": (*options.get("_groups", ()), self),
        }

    def _add_scoped(self, future: Any) -> None:
        self._scoped.append(future)
        for blueprint in dict.fromkeys(self._walk()):
            blueprint._add_group_scoped(self, future)

    def _walk(self) -> Iterable[Blueprint]:
        """Every blueprint in this group and its nested groups."""
        for member in self._blueprints:
            if isinstance(member, BlueprintGroup):
                yield from member._walk()
            else:
                yield member
