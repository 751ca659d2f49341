"""Localhost certificates for development (``auto_tls``), by mkcert or trustme.

``config.LOCAL_CERT_CREATOR`` chooses: ``auto`` (mkcert when installed, else
trustme), ``mkcert`` or ``trustme``. The key and certificate are written to
``config.LOCAL_TLS_KEY`` and ``config.LOCAL_TLS_CERT`` (by default in a
private folder under the system temp directory), for ``config.LOCALHOST``,
127.0.0.1 and ::1. trustme's CA, which clients need to trust the certificate,
is written beside the certificate as ``<name>-ca.pem``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from sanic.config import LocalCertCreator
from sanic.exceptions import SanicException
from sanic.helpers import Default
from sanic.log import server_logger

MKCERT_TIMEOUT = 60.0


class CertCreator:
    """Writes a localhost key and certificate chain to the given paths."""

    name = ""

    def __init__(self, key: Path, cert: Path) -> None:
        self.key = key
        self.cert = cert

    @classmethod
    def available(cls) -> bool:
        raise NotImplementedError

    def generate(self, names: list[str]) -> None:
        raise NotImplementedError


class MkcertCreator(CertCreator):
    name = "mkcert"

    @classmethod
    def available(cls) -> bool:
        return shutil.which("mkcert") is not None

    def generate(self, names: list[str]) -> None:
        mkcert = shutil.which("mkcert")
        if mkcert is None:
            raise SanicException(
                "LOCAL_CERT_CREATOR is mkcert but mkcert is not installed: see "
                "https://github.com/FiloSottile/mkcert, or use trustme"
            )
        command = [mkcert, "-cert-file", str(self.cert), "-key-file", str(self.key)]
        try:
            done = subprocess.run(
                [*command, *names],
                capture_output=True,
                text=True,
                timeout=MKCERT_TIMEOUT,
                check=False,
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise SanicException(f"mkcert could not be run: {exc}") from None
        if done.returncode != 0:
            lines = (done.stderr or done.stdout or "").strip().splitlines()
            why = lines[-1] if lines else f"exit status {done.returncode}"
            raise SanicException(f"mkcert failed to make a certificate: {why}")
        try:
            os.chmod(self.key, 0o600)
        except OSError:
            pass
        server_logger.info(
            "Made a localhost TLS certificate with mkcert: %s (run 'mkcert "
            "-install' once to have browsers trust it)",
            self.cert,
        )


class TrustmeCreator(CertCreator):
    name = "trustme"

    @classmethod
    def available(cls) -> bool:
        try:
            import trustme  # noqa: F401
        except ImportError:
            return False
        return True

    @property
    def ca(self) -> Path:
        return self.cert.with_name(f"{self.cert.stem}-ca.pem")

    def generate(self, names: list[str]) -> None:
        try:
            import trustme
        except ImportError:
            raise SanicException(
                "LOCAL_CERT_CREATOR is trustme but trustme is not installed: "
                "pip install trustme"
            ) from None
        authority = trustme.CA()
        issued = authority.issue_cert(*names)
        _write(self.key, issued.private_key_pem.bytes(), 0o600)
        chain = b"".join(blob.bytes() for blob in issued.cert_chain_pems)
        _write(self.cert, chain, 0o644)
        _write(self.ca, authority.cert_pem.bytes(), 0o644)
        server_logger.info(
            "Made a localhost TLS certificate with trustme: %s (clients trust it "
            "through the CA in %s)",
            self.cert,
            self.ca,
        )


CREATORS: dict[LocalCertCreator, type[CertCreator]] = {
    LocalCertCreator.MKCERT: MkcertCreator,
    LocalCertCreator.TRUSTME: TrustmeCreator,
}


def choose_creator(setting: Any) -> type[CertCreator]:
    """The creator ``LOCAL_CERT_CREATOR`` asks for; auto prefers mkcert."""
    try:
        choice = LocalCertCreator(setting)
    except ValueError:
        options = ", ".join(repr(c.value.lower()) for c in LocalCertCreator)
        raise SanicException(
            f"LOCAL_CERT_CREATOR must be one of {options}, not {setting!r}"
        ) from None
    if choice is not LocalCertCreator.AUTO:
        return CREATORS[choice]
    for creator in (MkcertCreator, TrustmeCreator):
        if creator.available():
            return creator
    raise SanicException(
        "auto_tls needs mkcert or trustme to make a localhost certificate, and "
        "neither is installed: pip install trustme (or install mkcert)"
    )


def local_ssl_data(app: Any) -> dict[str, str]:
    """Make the localhost certificate for ``auto_tls``; its ``ssl=`` dict."""
    if not app.state.is_debug:
        raise SanicException(
            "auto_tls makes certificates for local development only: run with "
            "debug=True or dev=True, or give real certificates with ssl="
        )
    config = app.config
    creator_class = choose_creator(config.LOCAL_CERT_CREATOR)
    key = _setting_path(config.LOCAL_TLS_KEY, "localhost-key.pem", "LOCAL_TLS_KEY")
    cert = _setting_path(config.LOCAL_TLS_CERT, "localhost.pem", "LOCAL_TLS_CERT")
    for path in (key, cert):
        path.parent.mkdir(parents=True, exist_ok=True)
    localhost = str(config.get("LOCALHOST") or "localhost")
    names = list(dict.fromkeys([localhost, "127.0.0.1", "::1"]))
    made = (creator_class.name, str(key), str(cert), tuple(names))
    # Several servers in one run share the certificate (and trustme's CA).
    if made not in _MADE or not (key.is_file() and cert.is_file()):
        creator_class(key, cert).generate(names)
        _MADE.add(made)
    return {"cert": str(cert), "key": str(key)}


_MADE: set[tuple[str, str, str, tuple[str, ...]]] = set()


def _setting_path(value: Any, filename: str, setting: str) -> Path:
    if value is None or value == "" or isinstance(value, Default):
        return default_directory() / filename
    if not isinstance(value, (str, os.PathLike)):
        raise SanicException(f"{setting} must be a file path, not {value!r}")
    return Path(value).expanduser()


def default_directory() -> Path:
    """A folder under the temp directory that only this user can use."""
    user = os.getuid() if hasattr(os, "getuid") else os.getlogin()
    directory = Path(tempfile.gettempdir()) / f"sanic-localhost-tls-{user}"
    try:
        directory.mkdir(mode=0o700, exist_ok=True)
        info = directory.lstat()
    except OSError as exc:
        raise SanicException(
            f"cannot make the folder for localhost certificates {directory}: "
            f"{exc.strerror or exc}"
        ) from None
    if hasattr(os, "getuid") and (
        directory.is_symlink() or not directory.is_dir() or info.st_uid != os.getuid()
    ):
        raise SanicException(
            f"{directory} is not a folder of this user: set LOCAL_TLS_KEY and "
            "LOCAL_TLS_CERT to paths of your own"
        )
    return directory


def _write(path: Path, data: bytes, mode: int) -> None:
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
        with os.fdopen(fd, "wb") as file:
            file.write(data)
        os.chmod(path, mode)
    except OSError as exc:
        raise SanicException(
            f"cannot write {path} for auto_tls: {exc.strerror or exc}"
        ) from None
