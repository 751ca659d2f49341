"""The application's configuration: a dict whose UPPERCASE keys are also attributes.

Values come, in order, from DEFAULT_CONFIG, the ``defaults`` argument and
environment variables carrying the prefix (``SANIC_`` unless told otherwise).
Every write goes through ``__setitem__``, which checks the built-in keys Sanic
reads itself, so a bad value fails where it is set, naming the key.
"""

from __future__ import annotations

import os
import warnings
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Mapping, Sequence
from enum import Enum
from pathlib import Path
from typing import Any

from sanic.helpers import _default
from sanic.log import SanicDeprecationWarning
from sanic.utils import load_module_from_file_location, str_to_bool

SANIC_PREFIX = "SANIC_"


class LocalCertCreator(str, Enum):
    """Who makes the certificate for local TLS; matched case-insensitively."""

    AUTO = "AUTO"
    TRUSTME = "TRUSTME"
    MKCERT = "MKCERT"

    @classmethod
    def _missing_(cls, value: object) -> LocalCertCreator | None:
        if isinstance(value, str):
            return cls.__members__.get(value.upper())
        return None

    def __str__(self) -> str:
        return self.value


DEFAULT_CONFIG: dict[str, Any] = {
    "ACCESS_LOG": False,  # turned on by app.run(debug=True)
    "AUTO_EXTEND": True,
    "AUTO_RELOAD": False,
    "DEPRECATION_FILTER": "once",
    "EVENT_AUTOREGISTER": False,
    "FALLBACK_ERROR_FORMAT": "auto",
    "FORWARDED_FOR_HEADER": "X-Forwarded-For",
    "FORWARDED_SECRET": None,
    "GRACEFUL_SHUTDOWN_TIMEOUT": 15.0,
    "GRACEFUL_TCP_CLOSE_TIMEOUT": 5.0,
    "INSPECTOR": False,
    "INSPECTOR_API_KEY": "",
    "INSPECTOR_HOST": "localhost",
    "INSPECTOR_PORT": 6457,
    "INSPECTOR_TLS_CERT": _default,
    "INSPECTOR_TLS_KEY": _default,
    "KEEP_ALIVE": True,
    "KEEP_ALIVE_TIMEOUT": 120,
    "LOCAL_CERT_CREATOR": LocalCertCreator.AUTO,
    "LOCAL_TLS_CERT": _default,
    "LOCAL_TLS_KEY": _default,
    "LOCALHOST": "localhost",
    "LOG_EXTRA": _default,  # _default: on in debug mode only
    "MOTD": True,
    "MOTD_DISPLAY": {},
    "NO_COLOR": False,
    "NOISY_EXCEPTIONS": False,
    "PROXIES_COUNT": None,
    "REAL_IP_HEADER": None,
    "REQUEST_BUFFER_SIZE": 65536,  # 64 KiB
    "REQUEST_ID_HEADER": "X-Request-ID",
    "REQUEST_MAX_HEADER_SIZE": 8192,
    "REQUEST_MAX_SIZE": 100_000_000,  # 100 MB
    "REQUEST_TIMEOUT": 60,
    "RESPONSE_TIMEOUT": 60,
    "SERVER_NAME": "",
    "TLS_CERT_PASSWORD": "",
    "UNIX": "",
    "UNIX_MODE": 0o666,
    "USE_UVLOOP": _default,  # _default: uvloop when installed, no warning if not
    "WEBSOCKET_MAX_SIZE": 2**20,
    "WEBSOCKET_PING_INTERVAL": 20,
    "WEBSOCKET_PING_TIMEOUT": 20,
    # Seconds a worker process may take to start serving before it is a
    # startup error (beyond Sanic).
    "WORKER_ACK_TIMEOUT": 30.0,
    "WORKER_MAX_REQUESTS": 0,  # 0: never recycle a worker
    "WORKER_MAX_REQUESTS_JITTER": 0,
    # From the seed, for Gunicorn (`gunicorn app:app -k sanic.worker.GunicornWorker`).
    "WORKER_CLASS": "sanic.worker.GunicornWorker",
    "WORKER_CONNECTIONS": 1000,
}

FALLBACK_ERROR_FORMATS = ("auto", "text", "json", "html")
DEPRECATION_FILTER_ACTIONS = ("default", "error", "ignore", "always", "module", "once")


class DetailedConverter(ABC):
    """A converter for environment values that also sees where the value came from.

    It is tried before the plain converters. Return None to pass the value on to
    the next converter; raise ValueError for the same; any other exception stops
    loading and reaches the caller.
    """

    @abstractmethod
    def __call__(
        self, full_key: str, config_key: str, value: str, defaults: dict[str, Any]
    ) -> Any: ...


Converter = Callable[[str], Any] | DetailedConverter
_MISSING = object()
_dict_get = dict.get
_object_getattribute = object.__getattribute__
_BUILTIN_CONVERTERS: tuple[Callable[[str], Any], ...] = (int, float, str_to_bool)


class Config(dict):
    """Sanic's settings; ``config.KEY`` and ``config["KEY"]`` are the same value."""

    def __init__(
        self,
        defaults: Mapping[str, Any] | None = None,
        env_prefix: str | None = SANIC_PREFIX,
        keep_alive: bool | None = None,
        converters: Sequence[Converter] | None = None,
    ) -> None:
        super().__init__()
        object.__setattr__(self, "_converters", [])
        dict.update(self, DEFAULT_CONFIG)
        dict.__setitem__(self, "MOTD_DISPLAY", {})
        self._on_set("DEPRECATION_FILTER", self["DEPRECATION_FILTER"])
        class_values = _class_settings(type(self))
        self.update(class_values, defaults or {})
        if keep_alive is not None:
            self.KEEP_ALIVE = keep_alive
        object.__setattr__(
            self, "_defaults", {**DEFAULT_CONFIG, **class_values, **(defaults or {})}
        )
        for converter in converters or ():
            self.register_type(converter)
        if env_prefix:
            self.load_environment_vars(env_prefix)

    # ---- attribute access --------------------------------------------------

    def __getattribute__(self, name: str) -> Any:
        # Items win over class attributes, so a subclass's `FOO = "bar"` default
        # cannot hide a later `config.FOO = "baz"`. All-lowercase names (methods,
        # dunders, private state) always resolve normally.
        value = _dict_get(self, name, _MISSING)
        if value is _MISSING or name.islower():
            return _object_getattribute(self, name)
        return value

    def __getattr__(self, name: str) -> Any:
        try:
            return self[name]
        except KeyError:
            raise AttributeError(f"Config has no {name!r}") from None

    def __setattr__(self, name: str, value: Any) -> None:
        if name.startswith("_"):
            object.__setattr__(self, name, value)
        else:
            self[name] = value

    def __delattr__(self, name: str) -> None:
        if name.startswith("_"):
            object.__delattr__(self, name)
            return
        try:
            del self[name]
        except KeyError:
            raise AttributeError(f"Config has no {name!r}") from None

    # ---- writes: every path ends in __setitem__ ------------------------------

    def __setitem__(self, key: str, value: Any) -> None:
        if isinstance(key, str) and not key.isupper() and hasattr(type(self), key):
            raise ValueError(
                f"{key!r} cannot be a config key: it is the name of a Config "
                "attribute. Config keys are UPPERCASE by convention."
            )
        value = _check(key, value)
        super().__setitem__(key, value)
        self._on_set(key, value)

    def _on_set(self, key: str, value: Any) -> None:
        """Apply a key's side effects once it is stored; the app may extend this."""
        if key == "DEPRECATION_FILTER":
            warnings.filterwarnings(value, category=SanicDeprecationWarning)

    def update(self, *other: Any, **kwargs: Any) -> None:  # type: ignore[override]
        """dict.update, but each value is checked and applied like an assignment."""
        for source in (*other, kwargs):
            items: Iterable[tuple[str, Any]]
            if isinstance(source, Mapping):
                items = source.items()
            elif hasattr(source, "keys"):
                items = ((key, source[key]) for key in source.keys())
            else:
                items = source
            for key, value in items:
                self[key] = value

    def setdefault(self, key: str, default: Any = None) -> Any:
        if key not in self:
            self[key] = default
        return self[key]

    def __ior__(self, other: Any) -> Config:  # type: ignore[override, misc]
        self.update(other)
        return self

    # ---- loading ------------------------------------------------------------

    def update_config(
        self, config: bytes | str | Path | Mapping[str, Any] | Any
    ) -> None:
        """Load settings from a file, a mapping, a module, a class or an object.

        A file is given by its path (``str``, ``bytes`` or ``Path``), which may hold
        ``${ENV_VAR}`` references. Of a file, module, class or object only the
        UPPERCASE attributes are settings (the rest are imports, helpers,
        methods). A mapping holds nothing but settings, so a key that is not
        UPPERCASE is a mistake, reported rather than silently dropped.
        """
        if isinstance(config, (bytes, str, Path)):
            config = load_module_from_file_location(config)
        if isinstance(config, Mapping):
            wrong = [
                key for key in config if not (isinstance(key, str) and key.isupper())
            ]
            if wrong:
                names = ", ".join(repr(key) for key in wrong)
                raise ValueError(
                    f"update_config() takes UPPERCASE setting names; got {names}"
                )
            self.update(config)
        else:
            self.update(
                (name, getattr(config, name)) for name in dir(config) if name.isupper()
            )

    load = update_config

    def register_type(self, converter: Converter) -> None:
        """Add a converter for environment values; it is tried before int, float and
        bool. Register it before the variables are loaded (before the app exists),
        or call load_environment_vars() again.
        """
        if isinstance(converter, type) and issubclass(converter, DetailedConverter):
            raise TypeError(
                f"Register an instance of {converter.__name__}, not the class"
            )
        if not callable(converter):
            raise TypeError(f"A config converter must be callable, not {converter!r}")
        if converter not in self._converters:
            self._converters.append(converter)

    def load_environment_vars(self, prefix: str = SANIC_PREFIX) -> None:
        """Load each ``<prefix>KEY`` environment variable whose KEY is UPPERCASE.

        Values become int, float or bool when they read as one (after any
        registered converter has had its turn), else stay str.
        """
        for full_key, raw in os.environ.items():
            if not full_key.startswith(prefix):
                continue
            key = full_key[len(prefix) :]
            if not key.isupper():
                continue
            # Permissions are written in octal ("660", "0o660"): keep the text.
            value = raw if key == "UNIX_MODE" else self._convert(full_key, key, raw)
            try:
                self[key] = value
            except ValueError as error:
                raise ValueError(f"environment variable {full_key}: {error}") from None

    def _convert(self, full_key: str, key: str, raw: str) -> Any:
        for converter in (*self._converters, *_BUILTIN_CONVERTERS):
            try:
                if isinstance(converter, DetailedConverter):
                    value = converter(full_key, key, raw, self._defaults)
                    if value is None:
                        continue
                    return value
                return converter(raw)
            except ValueError:
                continue
        return raw


def _class_settings(cls: type) -> dict[str, Any]:
    """UPPERCASE class attributes of Config subclasses, base classes first."""
    settings: dict[str, Any] = {}
    for klass in reversed(cls.__mro__):
        if issubclass(klass, Config) and klass is not Config:
            settings.update(
                (key, value) for key, value in vars(klass).items() if key.isupper()
            )
    return settings


# ---- checks for the keys Sanic reads itself ----------------------------------


def _check(key: str, value: Any) -> Any:
    """Return the value to store for ``key``, or raise ValueError naming it."""
    check = _CHECKS.get(key)
    return value if check is None else check(key, value)


def _choice(allowed: tuple[str, ...]) -> Callable[[str, Any], Any]:
    def check(key: str, value: Any) -> Any:
        if value not in allowed:
            options = ", ".join(repr(option) for option in allowed)
            raise ValueError(f"{key} must be one of {options}, not {value!r}")
        return value

    return check


def _cert_creator(key: str, value: Any) -> LocalCertCreator:
    try:
        return LocalCertCreator(value)
    except ValueError:
        options = ", ".join(repr(member.value.lower()) for member in LocalCertCreator)
        raise ValueError(f"{key} must be one of {options}, not {value!r}") from None


def _number(
    *, integer: bool = False, optional: bool = False, maximum: int | None = None
):
    kind = "an integer" if integer else "a number"
    text = f"{'None or ' if optional else ''}{kind} >= 0"
    if maximum is not None:
        text += f" and <= {maximum}"

    def check(key: str, value: Any) -> Any:
        if value is None and optional:
            return value
        ok_type = isinstance(value, (int, float)) and not isinstance(value, bool)
        if ok_type and integer and isinstance(value, float):
            ok_type = value.is_integer()
            value = int(value) if ok_type else value
        if not ok_type or value < 0 or (maximum is not None and value > maximum):
            raise ValueError(f"{key} must be {text}, not {value!r}")
        return value

    return check


def _unix_mode(key: str, value: Any) -> int:
    """Permissions: an int, or octal text such as "0o660" (SANIC_UNIX_MODE=0o660)."""
    if isinstance(value, str):
        try:
            value = int(value.strip().lower().removeprefix("0o"), 8)
        except ValueError:
            raise ValueError(
                f"{key} must be octal permissions such as 0o660, not {value!r}"
            ) from None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 0o777:
        raise ValueError(
            f"{key} must be permissions from 0 to 0o777 (e.g. 0o660), not {value!r}"
        )
    return value


_CHECKS: dict[str, Callable[[str, Any], Any]] = {
    "FALLBACK_ERROR_FORMAT": _choice(FALLBACK_ERROR_FORMATS),
    "DEPRECATION_FILTER": _choice(DEPRECATION_FILTER_ACTIONS),
    "LOCAL_CERT_CREATOR": _cert_creator,
    **dict.fromkeys(
        (
            "REQUEST_TIMEOUT",
            "RESPONSE_TIMEOUT",
            "KEEP_ALIVE_TIMEOUT",
            "GRACEFUL_SHUTDOWN_TIMEOUT",
            "GRACEFUL_TCP_CLOSE_TIMEOUT",
            "WORKER_ACK_TIMEOUT",
        ),
        _number(),
    ),
    **dict.fromkeys(
        ("WEBSOCKET_PING_INTERVAL", "WEBSOCKET_PING_TIMEOUT"), _number(optional=True)
    ),
    **dict.fromkeys(
        (
            "REQUEST_MAX_SIZE",
            "REQUEST_BUFFER_SIZE",
            "REQUEST_MAX_HEADER_SIZE",
            "WORKER_MAX_REQUESTS",
            "WORKER_MAX_REQUESTS_JITTER",
        ),
        _number(integer=True),
    ),
    **dict.fromkeys(
        ("WEBSOCKET_MAX_SIZE", "PROXIES_COUNT"), _number(integer=True, optional=True)
    ),
    "INSPECTOR_PORT": _number(integer=True, maximum=65535),
    "UNIX_MODE": _unix_mode,
}
