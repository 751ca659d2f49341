"""Building server SSLContexts from certificate files, with modern defaults.

Every context made here refuses TLS below 1.2 and weak ciphers, records the
server name the client asked for (SNI), and carries a ``sanic`` dict: the
certificate's details and the settings it was made from (no password), which
is what ``request.conn_info.cert`` shows. A list of certificates becomes one
context that picks a certificate by the client's server name.
"""

from __future__ import annotations

import os
import ssl
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from sanic.exceptions import SanicException

# Forward secrecy and AEAD only; TLS 1.3 suites are all strong and unaffected.
DEFAULT_CIPHERS = (
    "ECDHE+AESGCM:ECDHE+CHACHA20:DHE+AESGCM:DHE+CHACHA20:!aNULL:!eNULL:!MD5:!DSS"
)

# Every spelling accepted in an ``ssl=`` dict, and the setting it names.
SETTINGS = {
    "cert": "cert",
    "certfile": "cert",
    "key": "key",
    "keyfile": "key",
    "password": "password",
    "ca_certs": "ca_certs",
    "ciphers": "ciphers",
    "ssl_version": "ssl_version",
    "check_hostname": "check_hostname",
    "do_handshake_on_connect": "do_handshake_on_connect",
    "names": "names",
}

_WEAK_VERSIONS = {"SSLv2", "SSLv3", "TLSv1", "TLSv1_1"}


class SanicSSLObject(ssl.SSLObject):
    """An SSLObject whose ``server_hostname`` is, on the server side, the name
    the client sent (SNI), or None when it sent none."""

    _sanic_server_name: str | None = None

    @property
    def server_hostname(self) -> str | None:  # type: ignore[override]
        if self.server_side:
            return self._sanic_server_name
        return super().server_hostname


class SanicSSLContext(ssl.SSLContext):
    """A server context with the certificate details it serves in ``sanic``."""

    sslobject_class = SanicSSLObject
    sanic: dict[str, Any]


def server_context() -> SanicSSLContext:
    """A server context with modern defaults and no certificate yet."""
    context = SanicSSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.set_ciphers(DEFAULT_CIPHERS)
    context.options |= ssl.OP_NO_COMPRESSION | ssl.OP_CIPHER_SERVER_PREFERENCE
    context.options |= getattr(ssl, "OP_NO_RENEGOTIATION", 0)
    context.set_alpn_protocols(["http/1.1"])
    context.sanic = {}
    context.sni_callback = _record_server_name
    return context


def _record_server_name(
    sslobj: Any, server_name: str | None, context: ssl.SSLContext
) -> None:
    try:
        sslobj._sanic_server_name = server_name
    except AttributeError:
        pass


def build_context(ssl_data: Any, password: Any = None) -> ssl.SSLContext | None:
    """The context for an ``ssl=`` argument; ``password`` is the fallback for
    encrypted keys (TLS_CERT_PASSWORD)."""
    if ssl_data is None or isinstance(ssl_data, ssl.SSLContext):
        return ssl_data
    if isinstance(ssl_data, (list, tuple)):
        return sni_context(ssl_data, password)
    return load_certificate(ssl_data, password)


def load_certificate(data: Any, password: Any = None) -> SanicSSLContext:
    """A context serving one certificate: ``data`` is a dict of settings or a
    directory holding ``fullchain.pem`` and ``privkey.pem``."""
    if isinstance(data, (str, os.PathLike)):
        data = _directory_settings(data)
    elif not isinstance(data, Mapping):
        raise SanicException(
            "ssl must be an ssl.SSLContext, a dict of settings, a directory "
            f"holding fullchain.pem and privkey.pem, or a list of those, not {data!r}"
        )
    settings = _normalize(data)
    cert, key = settings["cert"], settings["key"]
    context = server_context()
    info = decode_certificate(cert)
    _load_chain(context, cert, key, settings.get("password") or password or None)
    if "ca_certs" in settings:
        _load_ca_certs(context, settings["ca_certs"])
    if "ciphers" in settings:
        _set_ciphers(context, settings["ciphers"])
    if "ssl_version" in settings:
        _set_version(context, settings["ssl_version"])
    names = settings.get("names") or certificate_names(info)
    fields = {k: v for k, v in data.items() if SETTINGS.get(k) != "password"}
    context.sanic = {**info, **fields, "cert": cert, "key": key, "names": names}
    return context


def _directory_settings(path: str | os.PathLike) -> dict[str, Any]:
    directory = Path(path)
    if not directory.exists():
        raise SanicException(f"TLS certificate directory not found: {directory}")
    if not directory.is_dir():
        raise SanicException(
            f"ssl={str(path)!r} is not a directory: give a directory holding "
            "fullchain.pem and privkey.pem, or a dict with 'cert' and 'key'"
        )
    settings = {"cert": directory / "fullchain.pem", "key": directory / "privkey.pem"}
    for name, file in settings.items():
        if not file.is_file():
            what = "certificate" if name == "cert" else "key"
            raise SanicException(
                f"TLS {what} file not found: {file} (a certificate directory "
                "holds fullchain.pem and privkey.pem)"
            )
    return {name: str(file) for name, file in settings.items()}


def _normalize(data: Mapping[Any, Any]) -> dict[str, Any]:
    """The settings of an ``ssl=`` dict, under their canonical names, checked."""
    settings: dict[str, Any] = {}
    given: dict[str, str] = {}
    for raw, value in data.items():
        name = SETTINGS.get(raw) if isinstance(raw, str) else None
        if name is None:
            allowed = ", ".join(SETTINGS)
            raise SanicException(
                f"unknown ssl setting {raw!r}: the settings are {allowed}"
            )
        if name in given:
            raise SanicException(
                f"ssl settings {given[name]!r} and {raw!r} are the same: give one"
            )
        given[name] = raw
        settings[name] = _check(raw, name, value)
    for name, spelling in (("cert", "certfile"), ("key", "keyfile")):
        if settings.get(name) is None:
            raise SanicException(
                f"ssl settings need {name!r} (or {spelling!r}): the path of the "
                f"{'certificate chain' if name == 'cert' else 'private key'} file"
            )
    return settings


def _check(raw: str, name: str, value: Any) -> Any:
    if name in ("cert", "key", "ca_certs"):
        if not isinstance(value, (str, os.PathLike)) or not os.fspath(value):
            raise SanicException(
                f"ssl setting {raw!r} must be a file path, not {value!r}"
            )
        path = Path(value)
        if not path.is_file():
            what = {"cert": "certificate", "key": "key", "ca_certs": "CA"}[name]
            raise SanicException(f"TLS {what} file not found: {path}")
        return str(path)
    if name == "password":
        if value is not None and not isinstance(value, (str, bytes)):
            raise SanicException("ssl setting 'password' must be a string")
        return value
    if name == "ciphers":
        if not isinstance(value, str) or not value:
            raise SanicException(
                f"ssl setting 'ciphers' must be a string, not {value!r}"
            )
        return value
    if name in ("check_hostname", "do_handshake_on_connect"):
        if not isinstance(value, bool):
            raise SanicException(f"ssl setting {raw!r} must be True or False")
        return value
    if name == "names":
        names = [value] if isinstance(value, str) else value
        if not isinstance(names, Iterable) or not all(
            isinstance(n, str) and n for n in names
        ):
            raise SanicException("ssl setting 'names' must be a list of host names")
        return [_normal_name(n) for n in names]
    return value  # ssl_version: checked when applied


def _load_chain(context: ssl.SSLContext, cert: str, key: str, password: Any) -> None:
    asked = False

    def give_password() -> Any:
        nonlocal asked
        asked = True
        if password is None:
            raise _MissingPassword
        return password

    try:
        context.load_cert_chain(cert, key, password=give_password)
    except _MissingPassword:
        raise SanicException(
            f"TLS key {key} is encrypted: give its password in the ssl settings "
            "('password') or in config TLS_CERT_PASSWORD"
        ) from None
    except ssl.SSLError as exc:
        if getattr(exc, "reason", None) == "KEY_VALUES_MISMATCH":
            raise SanicException(
                f"TLS key {key} does not match certificate {cert}"
            ) from None
        if asked:
            raise SanicException(f"wrong password for TLS key {key}") from None
        raise SanicException(
            f"could not load TLS key {key}: not a PEM private key for {cert}"
        ) from None
    except OSError as exc:
        raise SanicException(
            f"could not read TLS files {cert} and {key}: {exc.strerror or exc}"
        ) from None


class _MissingPassword(Exception):
    pass


def _load_ca_certs(context: ssl.SSLContext, path: str) -> None:
    try:
        context.load_verify_locations(cafile=path)
    except (ssl.SSLError, OSError):
        raise SanicException(
            f"could not load CA certificates {path}: not a PEM certificate file"
        ) from None
    # Clients may present a certificate; one that does must verify.
    context.verify_mode = ssl.CERT_OPTIONAL


def _set_ciphers(context: ssl.SSLContext, ciphers: str) -> None:
    try:
        context.set_ciphers(ciphers)
    except ssl.SSLError:
        raise SanicException(
            f"ssl ciphers {ciphers!r} select no cipher this OpenSSL supports"
        ) from None


def _set_version(context: ssl.SSLContext, version: Any) -> None:
    """Pin ``ssl_version``: a TLSVersion, a PROTOCOL_* constant or "TLSv1.3"."""
    name = _version_name(version)
    if name in _WEAK_VERSIONS:
        raise SanicException(
            f"ssl_version {name} is insecure and refused: use TLS 1.2 or newer"
        )
    if name in ("TLS", "TLS_SERVER", "SSLv23", "MINIMUM_SUPPORTED"):
        return  # the default: negotiate the best version from TLS 1.2 up
    if name in ("TLSv1_2", "TLSv1_3"):
        pinned = ssl.TLSVersion[name]
        context.minimum_version = pinned
        context.maximum_version = pinned
        return
    if name == "MAXIMUM_SUPPORTED":
        return
    raise SanicException(
        f"unknown ssl_version {version!r}: use ssl.TLSVersion.TLSv1_2 or TLSv1_3"
    )


def _version_name(version: Any) -> str:
    if isinstance(version, ssl.TLSVersion):
        return version.name
    if isinstance(version, ssl._SSLMethod):
        return version.name.removeprefix("PROTOCOL_")
    if isinstance(version, str):
        text = version.strip().replace(".", "_")
        text = text.removeprefix("PROTOCOL_")
        if text.lower().startswith("tlsv"):
            return "TLSv" + text[4:]
        return text.upper()
    return repr(version)


# ---- certificate details --------------------------------------------------------


def decode_certificate(path: str) -> dict[str, Any]:
    """The first certificate in ``path``, as ``getpeercert()`` shows one."""
    try:
        with open(path, "rb") as file:
            pem = file.read()
    except OSError as exc:
        raise SanicException(
            f"could not read TLS certificate {path}: {exc.strerror or exc}"
        ) from None
    if b"-----BEGIN CERTIFICATE-----" not in pem:
        raise SanicException(f"TLS certificate {path} is not a PEM certificate")
    decode = getattr(getattr(ssl, "_ssl", None), "_test_decode_cert", None)
    if decode is None:  # pragma: no cover - every CPython has it
        return {}
    try:
        return dict(decode(path))
    except (ssl.SSLError, OSError, ValueError):
        raise SanicException(
            f"TLS certificate {path} is not a PEM certificate"
        ) from None


def certificate_names(info: Mapping[str, Any]) -> list[str]:
    """The DNS names a certificate is for: its subjectAltName, or else its CN."""
    names = [
        _normal_name(value)
        for kind, value in info.get("subjectAltName", ())
        if kind == "DNS"
    ]
    if not names:
        for rdn in info.get("subject", ()):
            names += [_normal_name(v) for k, v in rdn if k == "commonName"]
    return names


def _normal_name(name: str) -> str:
    return name.strip().rstrip(".").lower()


# ---- several certificates: choose by server name (SNI) ----------------------------


class _Chooser:
    """The sni_callback of a certificate list: switches the connection to the
    certificate matching the name the client asked for."""

    __slots__ = ("default", "exact", "wildcard")

    def __init__(self, contexts: list[SanicSSLContext], strict: bool) -> None:
        self.default: SanicSSLContext | None = None if strict else contexts[0]
        self.exact: dict[str, SanicSSLContext] = {}
        self.wildcard: dict[str, SanicSSLContext] = {}
        for context in contexts:
            for name in context.sanic.get("names", ()):
                if name.startswith("*."):
                    self.wildcard.setdefault(name[2:], context)
                else:
                    self.exact.setdefault(name, context)

    def choose(self, server_name: str | None) -> SanicSSLContext | None:
        if server_name:
            name = _normal_name(server_name)
            found = self.exact.get(name)
            if found is None and "." in name:
                found = self.wildcard.get(name.partition(".")[2])
            if found is not None:
                return found
        return self.default

    def __call__(
        self, sslobj: Any, server_name: str | None, context: ssl.SSLContext
    ) -> int | None:
        _record_server_name(sslobj, server_name, context)
        chosen = self.choose(server_name)
        if chosen is None:
            return ssl.ALERT_DESCRIPTION_UNRECOGNIZED_NAME
        if chosen is not context:
            sslobj.context = chosen
        return None


def sni_context(entries: list | tuple, password: Any = None) -> SanicSSLContext:
    """One context for a list of certificates, chosen by the client's server
    name; the first is the default, unless the list starts with None (then a
    client asking for no known name is refused)."""
    strict = bool(entries) and entries[0] is None
    items = list(entries[1:] if strict else entries)
    if not items:
        raise SanicException(
            "ssl list has no certificates: give certificate directories or dicts"
        )
    contexts: list[SanicSSLContext] = []
    for item in items:
        if item is None:
            raise SanicException(
                "ssl list may hold None only as its first entry (no default "
                "certificate)"
            )
        if isinstance(item, (ssl.SSLContext, list, tuple)):
            raise SanicException(
                "ssl list entries must be certificate directories or dicts of "
                f"settings, not {type(item).__name__}"
            )
        contexts.append(load_certificate(item, password))
    chooser = _Chooser(contexts, strict)
    front = server_context() if strict else contexts[0]
    front.sni_callback = chooser
    return front
