"""Loaders run in each worker: `CertLoader` makes the server's SSLContext."""

from __future__ import annotations

from ssl import SSLContext
from typing import Any

from sanic.http.tls.context import build_context


class CertLoader:
    """Makes the SSLContext a server uses from its ``ssl=`` argument.

    ``ssl_data`` is what was given: an ``ssl.SSLContext`` (returned as it is),
    a dict of settings, a certificate directory, or a list of those (one
    context choosing a certificate by the client's server name). Give a
    subclass as ``Sanic(..., certloader_class=MyCertLoader)`` and override
    `load` for full control of how the context is made.
    """

    def __init__(self, ssl_data: Any) -> None:
        self._ssl_data = ssl_data

    @property
    def ssl_data(self) -> Any:
        return self._ssl_data

    def load(self, app: Any) -> SSLContext | None:
        """The context to serve with; None serves plain TCP.

        An encrypted key's password comes from the settings, or else from
        ``app.config.TLS_CERT_PASSWORD``.
        """
        password = app.config.get("TLS_CERT_PASSWORD") or None
        return build_context(self._ssl_data, password)
