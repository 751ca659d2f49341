"""Platform facts and the header multi-dict type."""

from __future__ import annotations

import sys

from multidict import CIMultiDict

OS_IS_WINDOWS = sys.platform == "win32"

try:
    import uvloop  # noqa: F401

    UVLOOP_INSTALLED = True
except ImportError:  # pragma: no cover - depends on the platform
    UVLOOP_INSTALLED = False


class Header(CIMultiDict):
    """Case-insensitive multi-valued headers.

    Any header is also readable as an attribute, with underscores for dashes and a
    trailing underscore ignored (``headers.user_agent``, ``headers.from_``): the
    raw values of every field of that name joined by ",", or "" if there is none.
    ``getone`` and ``getall`` come from multidict.
    """

    def __getattr__(self, key: str) -> str:
        # Private and dunder names are never headers: copy, pickle and friends
        # probe for those and must get an AttributeError.
        if key.startswith("_"):
            raise AttributeError(key)
        return ",".join(self.getall(key.rstrip("_").replace("_", "-"), ()))

    def get_all(self, key: str) -> list[str]:
        return self.getall(key, [])


def enable_windows_color_support() -> None:  # pragma: no cover - Windows only
    pass
