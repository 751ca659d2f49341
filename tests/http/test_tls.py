"""TLS: the ``ssl=`` forms, SNI, key passwords, modern defaults, startup errors,
development certificates (auto_tls) and custom certificate loaders.

Certificates are made at test time with trustme; every request is a real TLS
connection to a server on a loopback port.
"""

from __future__ import annotations

import asyncio
import json
import shutil
import socket
import ssl
import sys
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest

import tests.server_thread as server_thread
from sanic import Sanic
from sanic.compat import UVLOOP_INSTALLED
from sanic.exceptions import SanicException
from sanic.response import json as json_response
from sanic.worker.loader import CertLoader
from tests.server_thread import read_until_closed, serve_in_thread

trustme = pytest.importorskip(
    "trustme", reason="trustme makes the test certificates: pip install trustme"
)
from cryptography import x509  # noqa: E402
from cryptography.hazmat.primitives import serialization  # noqa: E402
from cryptography.hazmat.primitives.serialization import (  # noqa: E402
    load_pem_private_key,
)

# ---- certificates and clients ------------------------------------------------------


@pytest.fixture(scope="module")
def ca() -> Any:
    return trustme.CA()


def make_cert(ca: Any, directory: Path, *names: str) -> tuple[str, str]:
    """A certificate for ``names`` in ``directory`` as fullchain.pem and
    privkey.pem; their paths."""
    directory.mkdir(parents=True, exist_ok=True)
    issued = ca.issue_cert(*names)
    cert, key = directory / "fullchain.pem", directory / "privkey.pem"
    cert.write_bytes(b"".join(blob.bytes() for blob in issued.cert_chain_pems))
    key.write_bytes(issued.private_key_pem.bytes())
    return str(cert), str(key)


def encrypt_key(key: str, password: bytes, target: Path) -> str:
    private = load_pem_private_key(Path(key).read_bytes(), None)
    target.write_bytes(
        private.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.BestAvailableEncryption(password),
        )
    )
    return str(target)


@pytest.fixture
def localhost_cert(ca: Any, tmp_path: Path) -> tuple[str, str]:
    return make_cert(ca, tmp_path / "localhost", "localhost", "127.0.0.1")


def trusting(ca: Any) -> ssl.SSLContext:
    context = ssl.create_default_context()
    ca.configure_trust(context)
    return context


def trusting_file(ca_file: str | Path) -> ssl.SSLContext:
    return ssl.create_default_context(cafile=str(ca_file))


def insecure_client() -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


def tls_get(
    port: int, context: ssl.SSLContext, server_hostname: str | None, path: str = "/"
) -> tuple[dict[str, Any], bytes]:
    """A GET over TLS, sending ``server_hostname`` as SNI: the certificate the
    server presented (decoded; {} when not verified) and the raw response."""
    with socket.create_connection(("127.0.0.1", port), timeout=5) as raw:
        with context.wrap_socket(raw, server_hostname=server_hostname) as tls:
            cert = tls.getpeercert() or {}
            tls.sendall(
                f"GET {path} HTTP/1.1\r\nHost: {server_hostname or '127.0.0.1'}\r\n"
                "Connection: close\r\n\r\n".encode()
            )
            return cert, read_until_closed(tls)


def body_json(response: bytes) -> Any:
    head, _, body = response.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200"), head
    return json.loads(body)


def dns_names(cert: dict[str, Any]) -> set[str]:
    return {value for kind, value in cert.get("subjectAltName", ()) if kind == "DNS"}


@pytest.fixture
def tls_app(app: Sanic) -> Sanic:
    @app.get("/")
    async def show(request: Any) -> Any:
        info = request.conn_info
        return json_response(
            {
                "scheme": request.scheme,
                "ssl": info.ssl,
                "server_name": info.server_name,
                "cert": {k: v for k, v in info.cert.items() if isinstance(v, str)},
            }
        )

    return app


def start_error(app: Sanic, **kwargs: Any) -> str:
    """The error ``app.create_server(...)`` gives for these arguments."""

    async def main() -> None:
        server = await app.create_server(host="127.0.0.1", port=0, **kwargs)
        server.close()
        await server.wait_closed()

    with pytest.raises(SanicException) as info:
        asyncio.run(asyncio.wait_for(main(), 10))
    message = str(info.value)
    assert "\n" not in message
    return message


@contextmanager
def serving(app: Sanic, loop: str = "uvloop", **kwargs: Any) -> Iterator[int]:
    """serve_in_thread on uvloop (its default) or on the asyncio loop."""
    if loop == "asyncio":
        original = server_thread.new_event_loop
        server_thread.new_event_loop = asyncio.new_event_loop  # type: ignore[assignment]
        try:
            with serve_in_thread(app, **kwargs) as port:
                yield port
        finally:
            server_thread.new_event_loop = original
    else:
        with serve_in_thread(app, **kwargs) as port:
            yield port


# ---- the forms of ssl= -------------------------------------------------------------


def test_https_with_cert_and_key_dict_answers_with_scheme_https(
    tls_app: Sanic, ca: Any, localhost_cert: tuple[str, str]
) -> None:
    cert, key = localhost_cert
    with serve_in_thread(tls_app, ssl={"cert": cert, "key": key}) as port:
        response = httpx.get(f"https://127.0.0.1:{port}/", verify=trusting(ca))
    assert response.status_code == 200
    assert response.json()["scheme"] == "https"
    assert response.json()["ssl"] is True


def test_dict_accepts_certfile_and_keyfile_spellings(
    tls_app: Sanic, ca: Any, localhost_cert: tuple[str, str]
) -> None:
    cert, key = localhost_cert
    with serve_in_thread(tls_app, ssl={"certfile": cert, "keyfile": key}) as port:
        response = httpx.get(f"https://127.0.0.1:{port}/", verify=trusting(ca))
    assert response.json()["scheme"] == "https"


def test_directory_with_fullchain_and_privkey_is_loaded(
    tls_app: Sanic, ca: Any, localhost_cert: tuple[str, str]
) -> None:
    directory = str(Path(localhost_cert[0]).parent)
    with serve_in_thread(tls_app, ssl=directory) as port:
        response = httpx.get(f"https://127.0.0.1:{port}/", verify=trusting(ca))
        _, by_name = tls_get(port, trusting(ca), "localhost")
    assert response.status_code == 200
    assert response.json()["scheme"] == "https"
    assert response.json()["server_name"] == ""  # no SNI for an IP address
    assert body_json(by_name)["server_name"] == "localhost"


def test_ssl_context_is_used_as_given(
    tls_app: Sanic, ca: Any, localhost_cert: tuple[str, str]
) -> None:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(*localhost_cert)
    context.minimum_version = ssl.TLSVersion.TLSv1_3  # stricter than the default
    tls12_client = trusting(ca)
    tls12_client.maximum_version = ssl.TLSVersion.TLSv1_2
    with serve_in_thread(tls_app, ssl=context) as port:
        _, response = tls_get(port, trusting(ca), "localhost")
        assert body_json(response)["scheme"] == "https"
        with pytest.raises(ssl.SSLError):
            tls_get(port, tls12_client, "localhost")


def test_app_run_serves_https(
    app: Sanic, ca: Any, localhost_cert: tuple[str, str]
) -> None:
    @app.get("/")
    async def show(request: Any) -> Any:
        return json_response({"scheme": request.scheme})

    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    outcome: dict[str, Any] = {}

    @app.after_server_start
    async def drive(app_: Sanic) -> None:
        loop = asyncio.get_running_loop()

        async def client() -> None:
            try:
                outcome["response"] = await loop.run_in_executor(
                    None, tls_get, port, trusting(ca), "localhost"
                )
            except BaseException as exc:
                outcome["error"] = exc
            finally:
                app_.stop()

        outcome["task"] = asyncio.ensure_future(client())

    cert, key = localhost_cert
    try:
        app.run(
            sock=listener,
            ssl={"cert": cert, "key": key},
            single_process=True,
            register_sys_signals=False,
        )
    finally:
        listener.close()
    if "error" in outcome:
        raise outcome["error"]
    assert body_json(outcome["response"][1]) == {"scheme": "https"}


# ---- several certificates: SNI -----------------------------------------------------


@pytest.fixture
def two_sites(ca: Any, tmp_path: Path) -> tuple[str, str]:
    site_a = make_cert(ca, tmp_path / "a", "a.test")[0]
    site_b = make_cert(ca, tmp_path / "b", "b.test")[0]
    return str(Path(site_a).parent), str(Path(site_b).parent)


@pytest.mark.parametrize("loop", ["uvloop", "asyncio"])
def test_sni_chooses_the_certificate_for_the_name_asked(
    tls_app: Sanic, ca: Any, two_sites: tuple[str, str], loop: str
) -> None:
    if loop == "uvloop" and not UVLOOP_INSTALLED:
        pytest.skip("uvloop is not installed: the asyncio case covers SNI")
    with serving(tls_app, loop, ssl=list(two_sites)) as port:
        cert_a, response_a = tls_get(port, trusting(ca), "a.test")
        cert_b, response_b = tls_get(port, trusting(ca), "b.test")
    assert dns_names(cert_a) == {"a.test"}
    assert dns_names(cert_b) == {"b.test"}
    assert body_json(response_a)["server_name"] == "a.test"
    assert body_json(response_b)["server_name"] == "b.test"


def test_sni_falls_back_to_the_first_certificate(
    tls_app: Sanic, ca: Any, two_sites: tuple[str, str]
) -> None:
    site_a, site_b = two_sites
    with serve_in_thread(tls_app, ssl=[site_b, site_a]) as port:
        with pytest.raises(ssl.SSLCertVerificationError):
            tls_get(port, trusting(ca), "unknown.test")
        # Accepting any certificate shows which one was sent: the first.
        unknown = presented_names(port, "unknown.test")
        no_sni = presented_names(port, None)
        _, response = tls_get(port, insecure_client(), None)
    assert unknown == no_sni == {"b.test"}
    assert body_json(response)["server_name"] == ""


def presented_names(port: int, server_hostname: str | None) -> set[str]:
    """The DNS names on the certificate the server presents, unverified."""
    with socket.create_connection(("127.0.0.1", port), timeout=5) as raw:
        with insecure_client().wrap_socket(raw, server_hostname=server_hostname) as tls:
            der = tls.getpeercert(binary_form=True)
    assert der is not None
    cert = x509.load_der_x509_certificate(der)
    san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName)
    return set(san.value.get_values_for_type(x509.DNSName))


def test_sni_list_starting_with_none_refuses_unknown_names(
    tls_app: Sanic, ca: Any, two_sites: tuple[str, str]
) -> None:
    with serve_in_thread(tls_app, ssl=[None, *two_sites]) as port:
        cert, response = tls_get(port, trusting(ca), "b.test")
        assert dns_names(cert) == {"b.test"}
        assert body_json(response)["scheme"] == "https"
        for name in ("unknown.test", None):
            with pytest.raises(ssl.SSLError):
                tls_get(port, insecure_client(), name)


def test_sni_dict_names_choose_subdomains_by_wildcard(
    tls_app: Sanic, ca: Any, tmp_path: Path, two_sites: tuple[str, str]
) -> None:
    cert, key = make_cert(ca, tmp_path / "big", "*.bigcorp.test", "bigcorp.test")
    entry = {"cert": cert, "key": key, "names": ["*.bigcorp.test"]}
    with serve_in_thread(tls_app, ssl=[None, two_sites[0], entry]) as port:
        presented, response = tls_get(port, trusting(ca), "www.bigcorp.test")
        assert "*.bigcorp.test" in dns_names(presented)
        assert body_json(response)["server_name"] == "www.bigcorp.test"
        # Only the names given count: not the bare domain on the certificate.
        with pytest.raises(ssl.SSLError):
            tls_get(port, insecure_client(), "bigcorp.test")


# ---- encrypted keys ----------------------------------------------------------------


def test_encrypted_key_loads_with_password_setting(
    tls_app: Sanic, ca: Any, localhost_cert: tuple[str, str], tmp_path: Path
) -> None:
    cert, key = localhost_cert
    locked = encrypt_key(key, b"s3cret", tmp_path / "locked.pem")
    settings = {"cert": cert, "key": locked, "password": "s3cret"}
    with serve_in_thread(tls_app, ssl=settings) as port:
        response = httpx.get(f"https://127.0.0.1:{port}/", verify=trusting(ca))
    assert response.json()["scheme"] == "https"
    assert "password" not in response.json()["cert"]


def test_tls_cert_password_config_unlocks_the_key(
    tls_app: Sanic, ca: Any, localhost_cert: tuple[str, str], tmp_path: Path
) -> None:
    cert, key = localhost_cert
    locked = encrypt_key(key, b"from-config", tmp_path / "locked.pem")
    tls_app.config.TLS_CERT_PASSWORD = "from-config"
    with serve_in_thread(tls_app, ssl={"cert": cert, "key": locked}) as port:
        response = httpx.get(f"https://127.0.0.1:{port}/", verify=trusting(ca))
    assert response.json()["scheme"] == "https"


def test_encrypted_key_without_password_is_a_clear_error(
    app: Sanic, localhost_cert: tuple[str, str], tmp_path: Path
) -> None:
    cert, key = localhost_cert
    locked = encrypt_key(key, b"s3cret", tmp_path / "locked.pem")
    message = start_error(app, ssl={"cert": cert, "key": locked})
    assert message.startswith(f"TLS key {locked} is encrypted")
    assert "TLS_CERT_PASSWORD" in message


def test_wrong_key_password_is_a_clear_error(
    app: Sanic, localhost_cert: tuple[str, str], tmp_path: Path
) -> None:
    cert, key = localhost_cert
    locked = encrypt_key(key, b"s3cret", tmp_path / "locked.pem")
    settings = {"cert": cert, "key": locked, "password": "wrong"}
    assert start_error(app, ssl=settings) == f"wrong password for TLS key {locked}"


# ---- startup errors ----------------------------------------------------------------


def test_missing_certificate_file_is_named(
    app: Sanic, localhost_cert: tuple[str, str], tmp_path: Path
) -> None:
    missing = tmp_path / "nope" / "cert.pem"
    settings = {"cert": str(missing), "key": localhost_cert[1]}
    assert (
        start_error(app, ssl=settings) == f"TLS certificate file not found: {missing}"
    )


def test_missing_key_file_is_named(
    app: Sanic, localhost_cert: tuple[str, str], tmp_path: Path
) -> None:
    missing = tmp_path / "key.pem"
    settings = {"cert": localhost_cert[0], "key": str(missing)}
    assert start_error(app, ssl=settings) == f"TLS key file not found: {missing}"


def test_certificate_directory_errors_name_what_is_missing(
    app: Sanic, tmp_path: Path
) -> None:
    missing = tmp_path / "gone"
    assert start_error(app, ssl=str(missing)) == (
        f"TLS certificate directory not found: {missing}"
    )
    message = start_error(app, ssl=str(tmp_path))
    assert message.startswith(
        f"TLS certificate file not found: {tmp_path / 'fullchain.pem'}"
    )


def test_key_not_matching_certificate_is_a_clear_error(
    app: Sanic, ca: Any, tmp_path: Path
) -> None:
    cert, _ = make_cert(ca, tmp_path / "one", "localhost")
    _, other_key = make_cert(ca, tmp_path / "two", "localhost")
    message = start_error(app, ssl={"cert": cert, "key": other_key})
    assert message == f"TLS key {other_key} does not match certificate {cert}"


def test_file_that_is_not_a_certificate_is_a_clear_error(
    app: Sanic, localhost_cert: tuple[str, str], tmp_path: Path
) -> None:
    junk = tmp_path / "junk.pem"
    junk.write_text("not a certificate")
    settings = {"cert": str(junk), "key": localhost_cert[1]}
    assert start_error(app, ssl=settings) == (
        f"TLS certificate {junk} is not a PEM certificate"
    )


def test_bad_ssl_settings_are_named(
    app: Sanic, localhost_cert: tuple[str, str]
) -> None:
    cert, key = localhost_cert
    unknown = start_error(app, ssl={"cert": cert, "key": key, "pasword": "x"})
    assert unknown.startswith("unknown ssl setting 'pasword': the settings are cert,")
    both = start_error(app, ssl={"cert": cert, "certfile": cert, "key": key})
    assert both == "ssl settings 'cert' and 'certfile' are the same: give one"
    assert start_error(app, ssl={"cert": cert}).startswith(
        "ssl settings need 'key' (or 'keyfile')"
    )
    weak = start_error(app, ssl={"cert": cert, "key": key, "ssl_version": "TLSv1.1"})
    assert weak == "ssl_version TLSv1_1 is insecure and refused: use TLS 1.2 or newer"
    assert start_error(app, ssl=42).startswith("ssl must be an ssl.SSLContext, a dict")


# ---- modern defaults ---------------------------------------------------------------


def old_client(version: ssl.TLSVersion, ciphers: str = "ALL:@SECLEVEL=0") -> Any:
    """A client that offers only ``version`` (old ones allowed) and ``ciphers``."""
    client = insecure_client()
    client.set_ciphers(ciphers)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # TLS 1.1, on purpose
        client.minimum_version = version
        client.maximum_version = version
    return client


def test_tls_1_1_client_is_refused(
    tls_app: Sanic, localhost_cert: tuple[str, str]
) -> None:
    cert, key = localhost_cert
    with serve_in_thread(tls_app, ssl={"cert": cert, "key": key}) as port:
        # The same client settings at TLS 1.2 do connect...
        _, response = tls_get(port, old_client(ssl.TLSVersion.TLSv1_2), "localhost")
        assert body_json(response)["scheme"] == "https"
        # ...and at TLS 1.1 the server refuses the handshake.
        with pytest.raises(ssl.SSLError) as info:
            tls_get(port, old_client(ssl.TLSVersion.TLSv1_1), "localhost")
    # Refused by the server (an alert, or uvloop just closing), not by a client
    # that could not offer TLS 1.1 at all.
    assert info.value.reason != "NO_PROTOCOLS_AVAILABLE"


def test_cipher_without_forward_secrecy_is_refused(
    tls_app: Sanic, tmp_path: Path
) -> None:
    rsa_ca = trustme.CA(key_type=trustme.KeyType.RSA)
    issued = rsa_ca.issue_cert("localhost", key_type=trustme.KeyType.RSA)
    cert, key = tmp_path / "rsa.pem", tmp_path / "rsa-key.pem"
    cert.write_bytes(b"".join(blob.bytes() for blob in issued.cert_chain_pems))
    key.write_bytes(issued.private_key_pem.bytes())
    with serve_in_thread(tls_app, ssl={"cert": str(cert), "key": str(key)}) as port:
        fine = old_client(ssl.TLSVersion.TLSv1_2, "ECDHE-RSA-AES128-GCM-SHA256")
        _, response = tls_get(port, fine, "localhost")
        assert body_json(response)["scheme"] == "https"
        weak = old_client(ssl.TLSVersion.TLSv1_2, "AES128-SHA:@SECLEVEL=0")
        with pytest.raises(ssl.SSLError):
            tls_get(port, weak, "localhost")


# ---- what handlers see -------------------------------------------------------------


def test_conn_info_cert_shows_the_active_certificate(
    tls_app: Sanic, ca: Any, two_sites: tuple[str, str]
) -> None:
    with serve_in_thread(tls_app, ssl=list(two_sites)) as port:
        _, response = tls_get(port, trusting(ca), "b.test")
    cert = body_json(response)["cert"]
    assert cert["cert"] == str(Path(two_sites[1]) / "fullchain.pem")
    assert cert["key"] == str(Path(two_sites[1]) / "privkey.pem")


# ---- development certificates: auto_tls --------------------------------------------


def auto_tls_paths(app: Sanic, tmp_path: Path) -> tuple[Path, Path]:
    key, cert = tmp_path / "dev" / "localhost-key.pem", tmp_path / "dev" / "local.pem"
    app.config.LOCAL_TLS_KEY = str(key)
    app.config.LOCAL_TLS_CERT = str(cert)
    app.state.auto_tls = True
    return key, cert


def test_auto_tls_with_trustme_serves_a_localhost_certificate(
    tls_app: Sanic, tmp_path: Path
) -> None:
    key, cert = auto_tls_paths(tls_app, tmp_path)
    tls_app.config.LOCAL_CERT_CREATOR = "trustme"
    with serve_in_thread(tls_app, debug=True) as port:
        client = trusting_file(cert.with_name("local-ca.pem"))
        presented, response = tls_get(port, client, "localhost")
        by_ip = httpx.get(f"https://127.0.0.1:{port}/", verify=client)
    assert "localhost" in dns_names(presented)
    assert body_json(response)["scheme"] == "https"
    assert by_ip.json()["scheme"] == "https"
    assert key.stat().st_mode & 0o077 == 0  # the key is private


def test_auto_tls_is_refused_outside_debug_mode(tls_app: Sanic, tmp_path: Path) -> None:
    auto_tls_paths(tls_app, tmp_path)
    message = start_error(tls_app)
    assert message.startswith("auto_tls makes certificates for local development only")


def test_auto_tls_without_trustme_is_a_clear_error(
    tls_app: Sanic, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    auto_tls_paths(tls_app, tmp_path)
    tls_app.config.LOCAL_CERT_CREATOR = "trustme"
    monkeypatch.setitem(sys.modules, "trustme", None)  # as if not installed
    message = start_error(tls_app, debug=True)
    assert message == (
        "LOCAL_CERT_CREATOR is trustme but trustme is not installed: "
        "pip install trustme"
    )
    tls_app.config.LOCAL_CERT_CREATOR = "auto"
    monkeypatch.setenv("PATH", str(tmp_path))  # and no mkcert either
    assert start_error(tls_app, debug=True).startswith(
        "auto_tls needs mkcert or trustme to make a localhost certificate"
    )


def test_auto_tls_with_mkcert_missing_is_a_clear_error(
    tls_app: Sanic, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    auto_tls_paths(tls_app, tmp_path)
    tls_app.config.LOCAL_CERT_CREATOR = "mkcert"
    monkeypatch.setenv("PATH", str(tmp_path))
    assert start_error(tls_app, debug=True).startswith(
        "LOCAL_CERT_CREATOR is mkcert but mkcert is not installed"
    )


def test_auto_tls_with_mkcert(tls_app: Sanic, tmp_path: Path) -> None:
    if shutil.which("mkcert") is None:
        pytest.skip("mkcert is not installed: the trustme case covers auto_tls")
    key, cert = auto_tls_paths(tls_app, tmp_path)
    tls_app.config.LOCAL_CERT_CREATOR = "mkcert"
    with serve_in_thread(tls_app, debug=True) as port:
        presented, response = tls_get(port, insecure_client(), "localhost")
    assert key.is_file() and cert.is_file()
    assert body_json(response)["scheme"] == "https"
    assert presented == {}  # not verified: mkcert's CA may not be installed


# ---- custom certificate loaders ----------------------------------------------------


def test_custom_certloader_makes_the_context(
    ca: Any, localhost_cert: tuple[str, str]
) -> None:
    made: list[Any] = []

    class MyCertLoader(CertLoader):
        def load(self, app: Sanic) -> ssl.SSLContext:
            made.append(self.ssl_data)
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(*localhost_cert)
            return context

    app = Sanic("certloader_app", certloader_class=MyCertLoader)
    try:
        assert app.certloader_class is MyCertLoader

        @app.get("/")
        async def show(request: Any) -> Any:
            return json_response({"scheme": request.scheme})

        # Asked even with no ssl=: it may make the context from nothing.
        with serve_in_thread(app) as port:
            response = httpx.get(f"https://127.0.0.1:{port}/", verify=trusting(ca))
        assert response.json() == {"scheme": "https"}
        with serve_in_thread(app, ssl={"anything": "the loader reads"}) as port:
            response = httpx.get(f"https://127.0.0.1:{port}/", verify=trusting(ca))
        assert response.json() == {"scheme": "https"}
        assert made == [None, {"anything": "the loader reads"}]
    finally:
        Sanic.unregister_app(app)


def test_default_certloader_is_the_apps() -> None:
    app = Sanic("default_certloader_app")
    try:
        assert app.certloader_class is CertLoader
    finally:
        Sanic.unregister_app(app)


def test_certloader_returning_something_else_is_a_clear_error() -> None:
    class Broken(CertLoader):
        def load(self, app: Sanic) -> Any:
            return "not a context"

    app = Sanic("broken_certloader_app", certloader_class=Broken)
    try:
        assert start_error(app) == (
            "Broken.load() must return an ssl.SSLContext or None, not str"
        )
    finally:
        Sanic.unregister_app(app)


def test_app_run_reports_a_bad_certificate_before_binding_or_listeners(
    app: Sanic, localhost_cert: tuple[str, str], tmp_path: Path
) -> None:
    ran: list[str] = []

    @app.main_process_start
    def main_start(app_: Sanic) -> None:
        ran.append("main_process_start")

    @app.before_server_start
    async def before(app_: Sanic) -> None:
        ran.append("before_server_start")

    unix = tmp_path / "sanic.sock"
    missing = tmp_path / "nope.pem"
    with pytest.raises(SanicException, match="TLS certificate file not found"):
        app.run(
            unix=str(unix),
            ssl={"cert": str(missing), "key": localhost_cert[1]},
            single_process=True,
        )
    assert ran == []  # no listener ran
    assert not unix.exists()  # nothing was bound
