"""Typing helpers shared by the server and the app."""

from __future__ import annotations

from typing import Any, Protocol


class TransportProtocol(Protocol):
    def get_extra_info(self, name: str, default: Any = None) -> Any: ...
