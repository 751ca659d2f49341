"""TLS: turning the ``ssl=`` argument (and ``auto_tls``) into an SSLContext."""

from __future__ import annotations

from typing import Any


def get_ssl_context(app: Any, ssl: Any) -> Any:
    """The SSLContext to serve with, or None for plain TCP."""
    return ssl
