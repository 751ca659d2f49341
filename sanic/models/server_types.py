"""Facts about one connection, shared by every request made on it."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any


class ConnInfo:
    """Local and peer addresses, TLS, and a ``ctx`` that lives as long as the
    connection (across keep-alive requests)."""

    __slots__ = (
        "client_port",
        "client",
        "client_ip",
        "ctx",
        "lost",
        "peername",
        "server_port",
        "server",
        "server_name",
        "sockname",
        "ssl",
        "cert",
        "network_paths",
    )

    def __init__(self, transport: Any, unix: str | None = None) -> None:
        self.ctx = SimpleNamespace()
        self.lost = False
        self.peername: Any = None
        self.server = self.client = ""
        self.server_port = self.client_port = 0
        self.client_ip = ""
        self.sockname = addr = transport.get_extra_info("sockname")
        ssl_object = transport.get_extra_info("ssl_object")
        self.ssl = ssl_object is not None
        self.server_name = ""
        self.cert: dict[str, Any] = {}
        self.network_paths: list[Any] = []
        if ssl_object is not None:
            self.server_name = getattr(ssl_object, "server_hostname", "") or ""
            # The active certificate's details, as the TLS setup recorded them
            # (paths and names, never the password); empty for a user's context.
            self.cert = dict(getattr(ssl_object.context, "sanic", {}))
        if isinstance(addr, str):  # a unix socket
            self.server = unix or addr
            return
        if isinstance(addr, tuple) and len(addr) >= 2:
            self.server = addr[0] if len(addr) == 2 else f"[{addr[0]}]"
            self.server_port = addr[1]
            if addr[1] != (443 if self.ssl else 80):
                self.server = f"{self.server}:{addr[1]}"
        self.peername = addr = transport.get_extra_info("peername")
        if isinstance(addr, tuple) and len(addr) >= 2:
            self.client = addr[0] if len(addr) == 2 else f"[{addr[0]}]"
            self.client_ip = addr[0]
            self.client_port = addr[1]
