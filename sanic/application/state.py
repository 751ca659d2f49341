"""What the app knows about how and where it runs."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum, auto
from typing import Any


class Mode(Enum):
    PRODUCTION = auto()
    DEBUG = auto()


class Server(Enum):
    SANIC = auto()
    ASGI = auto()


@dataclass
class ApplicationState:
    app: Any
    asgi: bool = False
    fast: bool = False
    host: str = ""
    port: int = 0
    ssl: Any = None
    auto_tls: bool = False
    sock: Any = None
    unix: str = ""
    mode: Mode = Mode.PRODUCTION
    reload_dirs: set = field(default_factory=set)
    auto_reload: bool = False
    server: Server = Server.SANIC
    is_running: bool = False
    is_started: bool = False
    is_stopping: bool = False
    verbosity: int = 0
    workers: int = 0
    primary: bool = True
    server_info: list = field(default_factory=list)
    motd: bool = True
    motd_display: dict = field(default_factory=dict)

    @property
    def is_debug(self) -> bool:
        return self.mode is Mode.DEBUG
