"""The multi-valued mapping behind ``request.args``, ``form`` and ``files``."""

from __future__ import annotations

from typing import Any


class RequestParameters(dict):
    """A dict whose values are lists, as one name may be sent several times.

    ``get`` returns the first value of a name and ``getlist`` all of them.
    """

    def get(self, name: str, default: Any = None) -> Any:  # type: ignore[override]
        """Return the first value of ``name``, or ``default`` if there is none."""
        values = super().get(name)
        return values[0] if values else default

    def getlist(self, name: str, default: Any = None) -> Any:
        """Return every value of ``name`` as a list, or ``default`` if missing."""
        return super().get(name, default)
