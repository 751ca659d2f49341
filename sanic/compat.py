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

    Any header is also readable as an attribute, with underscores for dashes:
    ``request.headers.user_agent``. ``getone`` and ``getall`` come from multidict.
    """

    def __getattr__(self, key: str) -> str:
        if key.startswith("_"):
            raise AttributeError(key)
        return self.get(key.replace("_", "-")) or ""

    def get_all(self, key: str) -> list[str]:
        return self.getall(key, [])


def enable_windows_color_support() -> None:  # pragma: no cover - Windows only
    pass
