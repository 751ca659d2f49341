"""TLS: turning the ``ssl=`` argument (and ``auto_tls``) into an SSLContext.

``ssl=`` may be an ``ssl.SSLContext`` (used as given), a dict of settings
(``cert``/``certfile``, ``key``/``keyfile``, ``password``, ``ca_certs``,
``ciphers``, ``ssl_version``, ...), a directory holding ``fullchain.pem`` and
``privkey.pem``, or a list of those for several names (SNI). The app's
``certloader_class`` (`sanic.worker.loader.CertLoader` unless replaced) makes
the context, so a subclass has full control.
"""

from __future__ import annotations

import ssl as _ssl
from typing import Any

from sanic.exceptions import SanicException
from sanic.http.tls.context import (
    SanicSSLContext,
    SanicSSLObject,
    build_context,
    load_certificate,
    server_context,
    sni_context,
)
from sanic.http.tls.creators import local_ssl_data
from sanic.log import server_logger

__all__ = [
    "SanicSSLContext",
    "SanicSSLObject",
    "build_context",
    "get_ssl_context",
    "load_certificate",
    "server_context",
    "sni_context",
]


def get_ssl_context(app: Any, ssl: Any) -> _ssl.SSLContext | None:
    """The SSLContext to serve with, or None for plain TCP.

    With ``auto_tls`` and no ``ssl=``, a localhost certificate is made first.
    The default `CertLoader` is used only when there is something to load; a
    custom ``certloader_class`` is always asked, so it may make a context from
    nothing.
    """
    from sanic.worker.loader import CertLoader

    if getattr(app.state, "auto_tls", False):
        if ssl is None:
            ssl = local_ssl_data(app)
        else:
            server_logger.warning("auto_tls is ignored: ssl= was given")
    loader_class = getattr(app, "certloader_class", None) or CertLoader
    if ssl is None and loader_class is CertLoader:
        return None
    context = loader_class(ssl).load(app)
    if context is not None and not isinstance(context, _ssl.SSLContext):
        raise SanicException(
            f"{loader_class.__name__}.load() must return an ssl.SSLContext or "
            f"None, not {type(context).__name__}"
        )
    return context
