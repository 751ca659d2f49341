"""Proxy headers, as the "Proxy configuration" guide page describes them.

Every test runs a real server on a loopback port and asks it over HTTP what a
handler sees: ``request.ip`` (the peer of the socket), ``remote_addr`` (the
client as a trusted proxy reports it), ``client_ip``, ``scheme``, ``host``,
``server_name``/``server_port``/``server_path``, ``url``, ``url_for`` and
``forwarded``. Client headers count only when FORWARDED_SECRET, REAL_IP_HEADER
or PROXIES_COUNT says so; malformed ones are ignored, never a 500.
"""

from __future__ import annotations

import shutil
import socket
import ssl
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest

from sanic.response import json, text
from tests.server_thread import connect, read_responses, serve_in_thread

TIMEOUT = 10.0
PEER = "127.0.0.1"


def add_info_routes(app: Any) -> None:
    @app.get("/fwd")
    async def fwd(request):
        return json(
            {
                "ip": request.ip,
                "remote_addr": request.remote_addr,
                "client_ip": request.client_ip,
                "scheme": request.scheme,
                "host": request.host,
                "server_name": request.server_name,
                "server_port": request.server_port,
                "server_path": request.server_path,
                "url": request.url,
                "url_for": request.url_for("user", uid=7),
                "forwarded": request.forwarded,
            }
        )

    @app.get("/users/<uid:int>", name="user")
    async def user(request, uid):
        return text(str(uid))


class Server:
    """A running app and a way to ask its /fwd route what it saw."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.base = f"http://127.0.0.1:{port}"

    def get(self, headers: Any = None, path: str = "/fwd") -> dict[str, Any]:
        response = httpx.get(self.base + path, headers=headers, timeout=TIMEOUT)
        assert response.status_code == 200, response.text
        return response.json()


@pytest.fixture
def serve(app):
    """``serve(**config)`` sets the config and starts the app on a free port."""

    @contextmanager
    def start(**config: Any) -> Iterator[Server]:
        app.config.update(config)
        add_info_routes(app)
        with serve_in_thread(app) as port:
            yield Server(port)

    return start


# ---------------------------------------------------------------------------
# Nothing configured: nothing trusted

ALL_PROXY_HEADERS = {
    "Forwarded": "for=6.6.6.6;proto=https;host=evil.example;secret=guess",
    "X-Real-IP": "6.6.6.6",
    "X-Forwarded-For": "6.6.6.6",
    "CF-Connecting-IP": "6.6.6.6",
    "X-Forwarded-Proto": "https",
    "X-Scheme": "https",
    "X-Forwarded-Host": "evil.example",
    "X-Forwarded-Port": "8443",
    "X-Forwarded-Path": "/evil",
    "Host": "app.example:8000",
}


def test_without_proxy_config_every_proxy_header_is_ignored(serve):
    with serve() as server:
        seen = server.get(ALL_PROXY_HEADERS)
    assert seen == {
        "ip": PEER,
        "remote_addr": "",
        "client_ip": PEER,
        "scheme": "http",
        "host": "app.example:8000",
        "server_name": "app.example",
        "server_port": 8000,
        "server_path": "/fwd",
        "url": "http://app.example:8000/fwd",
        "url_for": "http://app.example:8000/users/7",
        "forwarded": {},
    }


def test_forwarded_is_not_even_parsed_without_a_secret(serve):
    # The proxy's secret is in the header, but the app has none configured.
    headers = {"Forwarded": "for=1.2.3.4;proto=https;secret=mySecret"}
    with serve(PROXIES_COUNT=1) as server:
        seen = server.get(headers)
    assert seen["forwarded"] == {}
    assert seen["remote_addr"] == ""
    assert seen["scheme"] == "http"


# ---------------------------------------------------------------------------
# The twelve examples of the guide, as a server answers them

DOCS_FORWARDED = (
    'for=1.1.1.1, for=injected;host=", for="[::2]";proto=https;host=me.tld;'
    'path="/app/";secret=mySecret,for=broken;;secret=b0rked, '
    "for=127.0.0.3;scheme=http;port=1234"
)
DOCS_X_HEADERS = {
    "X-Real-IP": "127.0.0.2",
    "X-Forwarded-For": "127.0.1.1",
    "X-Scheme": "ws",
    "Host": "local.site",
}
CURL_HOST = {"Host": "localhost:8000"}

DOCS_EXAMPLES = {
    "1-without-secret-x-headers-are-respected": (
        None,
        {"Forwarded": DOCS_FORWARDED, **DOCS_X_HEADERS},
        {
            "remote_addr": "127.0.0.2",
            "scheme": "ws",
            "server_name": "local.site",
            "server_port": 80,
            "forwarded": {"for": "127.0.0.2", "proto": "ws"},
        },
    ),
    "2-secret-configured": (
        "mySecret",
        {"Forwarded": DOCS_FORWARDED, **DOCS_X_HEADERS},
        {
            "remote_addr": "[::2]",
            "scheme": "https",
            "server_name": "me.tld",
            "server_port": 443,
            "forwarded": {
                "for": "[::2]",
                "proto": "https",
                "host": "me.tld",
                "path": "/app/",
                "secret": "mySecret",
            },
        },
    ),
    "3-no-forwarded-header-uses-x-headers": (
        "mySecret",
        DOCS_X_HEADERS,
        {
            "remote_addr": "127.0.0.2",
            "scheme": "ws",
            "server_name": "local.site",
            "server_port": 80,
            "forwarded": {"for": "127.0.0.2", "proto": "ws"},
        },
    ),
    "4-header-present-but-not-matching": (
        "mySecret",
        {"Forwarded": "nomatch", **CURL_HOST},
        {
            "remote_addr": "",
            "scheme": "http",
            "server_name": "localhost",
            "server_port": 8000,
            "forwarded": {},
        },
    ),
    "5-no-matching-secret-falls-back-to-x-headers": (
        "mySecret",
        {
            "Forwarded": "for=1.1.1.1;secret=x, for=127.0.0.1",
            "X-Real-IP": "127.0.0.2",
            **CURL_HOST,
        },
        {
            "remote_addr": "127.0.0.2",
            "scheme": "http",
            "server_name": "localhost",
            "server_port": 8000,
            "forwarded": {"for": "127.0.0.2"},
        },
    ),
    "6-formatting-and-both-ends-of-the-header": (
        "mySecret",
        {"Forwarded": 'Secret="mySecret";For=127.0.0.4;Port=1234', **CURL_HOST},
        {
            "remote_addr": "127.0.0.4",
            "scheme": "http",
            "server_name": "localhost",
            "server_port": 1234,
            "forwarded": {"secret": "mySecret", "for": "127.0.0.4", "port": 1234},
        },
    ),
    "7-quoted-values-are-taken-literally": (
        "mySecret",
        {"Forwarded": 'for=test;quoted="\\,x=x;y=\\";secret=mySecret', **CURL_HOST},
        {
            "remote_addr": "test",
            "scheme": "http",
            "server_name": "localhost",
            "server_port": 8000,
            "forwarded": {
                "for": "test",
                "quoted": "\\,x=x;y=\\",
                "secret": "mySecret",
            },
        },
    ),
    "8-secret-insulated-by-malformed-field-1": (
        "mySecret",
        {"Forwarded": "for=test;secret=mySecret;b0rked;proto=wss;", **CURL_HOST},
        {
            "remote_addr": "test",
            "scheme": "http",
            "server_name": "localhost",
            "server_port": 8000,
            "forwarded": {"for": "test", "secret": "mySecret"},
        },
    ),
    "9-secret-insulated-by-malformed-field-2": (
        "mySecret",
        {"Forwarded": "for=test;b0rked;secret=mySecret;proto=wss", **CURL_HOST},
        {
            "remote_addr": "",
            "scheme": "wss",
            "server_name": "localhost",
            "server_port": 8000,
            "forwarded": {"secret": "mySecret", "proto": "wss"},
        },
    ),
    "10-unexpected-termination-keeps-acceptable-values": (
        "mySecret",
        {"Forwarded": "b0rked;secret=mySecret;proto=wss", **CURL_HOST},
        {
            "remote_addr": "",
            "scheme": "wss",
            "server_name": "localhost",
            "server_port": 8000,
            "forwarded": {"secret": "mySecret", "proto": "wss"},
        },
    ),
    "11-field-normalization": (
        "mySecret",
        {
            "Forwarded": (
                'PROTO=WSS;BY="CAFE::8000";FOR=unknown;PORT=X;HOST="A:2";'
                'PATH="/With%20Spaces%22Quoted%22/sanicApp?key=val";SECRET=mySecret'
            ),
            **CURL_HOST,
        },
        {
            "remote_addr": "",
            "scheme": "wss",
            "server_name": "a",
            "server_port": 2,
            "forwarded": {
                "proto": "wss",
                "by": "[cafe::8000]",
                "host": "a:2",
                "path": '/With Spaces"Quoted"/sanicApp?key=val',
                "secret": "mySecret",
            },
        },
    ),
    "12-by-field-as-secret": (
        "_proxySecret",
        {"Forwarded": "for=1.2.3.4; by=_proxySecret", **CURL_HOST},
        {
            "remote_addr": "1.2.3.4",
            "scheme": "http",
            "server_name": "localhost",
            "server_port": 8000,
            "forwarded": {"for": "1.2.3.4", "by": "_proxySecret"},
        },
    ),
}


@pytest.mark.parametrize(
    ("secret", "headers", "expected"),
    list(DOCS_EXAMPLES.values()),
    ids=list(DOCS_EXAMPLES),
)
def test_guide_example(serve, secret, headers, expected):
    config = {"PROXIES_COUNT": 1, "REAL_IP_HEADER": "x-real-ip"}
    if secret:
        config["FORWARDED_SECRET"] = secret
    with serve(**config) as server:
        seen = server.get(headers)
    assert {key: seen[key] for key in expected} == expected


# ---------------------------------------------------------------------------
# FORWARDED_SECRET


def test_trusted_forwarded_element_sets_every_url_part(serve):
    headers = {
        "Forwarded": (
            'for=203.0.113.9;proto=https;host="public.example";'
            'path="/mounted/fwd";secret="s3cr3t"'
        ),
        "Host": "127.0.0.1:8000",
    }
    with serve(FORWARDED_SECRET="s3cr3t") as server:
        seen = server.get(headers)
    assert seen == {
        "ip": PEER,  # the socket's peer: the proxy
        "remote_addr": "203.0.113.9",
        "client_ip": "203.0.113.9",
        "scheme": "https",
        "host": "public.example",
        "server_name": "public.example",
        "server_port": 443,
        "server_path": "/mounted/fwd",
        "url": "https://public.example/fwd",
        "url_for": "https://public.example/users/7",
        "forwarded": {
            "for": "203.0.113.9",
            "proto": "https",
            "host": "public.example",
            "path": "/mounted/fwd",
            "secret": "s3cr3t",
        },
    }


def test_forwarded_with_a_wrong_secret_is_ignored(serve):
    headers = {"Forwarded": "for=6.6.6.6;proto=https;secret=s3cr3T"}
    with serve(FORWARDED_SECRET="s3cr3t") as server:
        seen = server.get(headers)
    assert seen["forwarded"] == {}
    assert seen["remote_addr"] == ""
    assert seen["client_ip"] == PEER
    assert seen["scheme"] == "http"


def test_forwarded_secret_must_be_a_whole_value(serve):
    # The secret appearing inside a longer value proves nothing.
    headers = {"Forwarded": "for=6.6.6.6;secret=xs3cr3tx;host=s3cr3t"}
    with serve(FORWARDED_SECRET="s3cr3t") as server:
        assert server.get(headers)["forwarded"] == {}


def test_forwarded_elements_without_the_secret_are_ignored(serve):
    # A client's own element to the left, a proxy's to the right without the
    # secret: only the element carrying it counts.
    headers = {
        "Forwarded": "for=6.6.6.6;proto=http, for=198.51.100.4;proto=https;"
        "secret=s3cr3t, for=10.0.0.1;proto=http"
    }
    with serve(FORWARDED_SECRET="s3cr3t") as server:
        seen = server.get(headers)
    assert seen["remote_addr"] == "198.51.100.4"
    assert seen["scheme"] == "https"


def test_forwarded_rightmost_trusted_element_wins(serve):
    # The trusted proxy appends on the right: an element to its left that also
    # carries the secret came from further out and is not believed over it.
    headers = {"Forwarded": "for=6.6.6.6;secret=s3cr3t, for=198.51.100.4;secret=s3cr3t"}
    with serve(FORWARDED_SECRET="s3cr3t") as server:
        assert server.get(headers)["remote_addr"] == "198.51.100.4"


def test_forwarded_over_several_header_lines(serve):
    headers = [
        ("Forwarded", "for=198.51.100.4;proto=https;secret=s3cr3t"),
        ("Forwarded", "for=10.0.0.1"),
    ]
    with serve(FORWARDED_SECRET="s3cr3t") as server:
        seen = server.get(headers)
    assert seen["remote_addr"] == "198.51.100.4"
    assert seen["scheme"] == "https"


def test_trusted_forwarded_wins_over_x_headers(serve):
    headers = {
        "Forwarded": "for=198.51.100.4;secret=s3cr3t",
        "X-Real-IP": "6.6.6.6",
        "X-Forwarded-For": "7.7.7.7",
        "X-Forwarded-Proto": "https",
        "X-Forwarded-Host": "evil.example",
    }
    config = {"REAL_IP_HEADER": "X-Real-IP", "PROXIES_COUNT": 1}
    with serve(FORWARDED_SECRET="s3cr3t", **config) as server:
        seen = server.get({**headers, "Host": "app.example"})
    assert seen["forwarded"] == {"for": "198.51.100.4", "secret": "s3cr3t"}
    assert seen["scheme"] == "http"
    assert seen["host"] == "app.example"


def test_forwarded_obfuscated_identifier_is_kept_as_is(serve):
    headers = {"Forwarded": 'for="_Hidden-Client";by=_Edge.1;secret=s3cr3t'}
    with serve(FORWARDED_SECRET="s3cr3t") as server:
        seen = server.get(headers)
    assert seen["remote_addr"] == "_Hidden-Client"
    assert seen["client_ip"] == "_Hidden-Client"
    assert seen["forwarded"]["by"] == "_Edge.1"


@pytest.mark.parametrize(
    ("node", "expected"),
    [
        ('"[2001:DB8::17]"', "[2001:db8::17]"),
        ('"[2001:DB8:CAFE::17]:4711"', "[2001:db8:cafe::17]:4711"),
        ('"2001:DB8::17"', "[2001:db8::17]"),
        ('"::FFFF:192.0.2.1"', "[::ffff:192.0.2.1]"),
        ("192.0.2.60", "192.0.2.60"),
        ('"192.0.2.60:8080"', "192.0.2.60:8080"),
    ],
)
def test_forwarded_addresses_are_normalised(serve, node, expected):
    headers = {"Forwarded": f"for={node};secret=s3cr3t"}
    with serve(FORWARDED_SECRET="s3cr3t") as server:
        seen = server.get(headers)
    assert seen["remote_addr"] == expected
    assert seen["client_ip"] == expected


def test_forwarded_quoted_values_are_unquoted(serve):
    headers = {
        "Forwarded": 'for="198.51.100.4";proto="HTTPS";host="Public.Example:8443";'
        'secret="s3cr3t"'
    }
    with serve(FORWARDED_SECRET="s3cr3t") as server:
        seen = server.get(headers)
    assert seen["forwarded"]["proto"] == "https"
    assert seen["host"] == "public.example:8443"
    assert seen["server_port"] == 8443
    assert seen["url_for"] == "https://public.example:8443/users/7"


def test_forwarded_for_unknown_falls_back_to_the_peer(serve):
    headers = {"Forwarded": "for=unknown;proto=https;secret=s3cr3t"}
    with serve(FORWARDED_SECRET="s3cr3t") as server:
        seen = server.get(headers)
    assert seen["remote_addr"] == ""
    assert seen["client_ip"] == PEER
    assert seen["scheme"] == "https"


@pytest.mark.parametrize(
    "value",
    [
        'for="<script>";secret=s3cr3t',
        'for="1.2.3.4, 5.6.7.8";secret=s3cr3t',
        'for="a b";secret=s3cr3t',
        "for=" + "9" * 300 + ";secret=s3cr3t",
    ],
    ids=["markup", "a-list", "a-space", "too-long"],
)
def test_forwarded_for_that_is_no_address_is_ignored(serve, value):
    with serve(FORWARDED_SECRET="s3cr3t") as server:
        seen = server.get({"Forwarded": value})
    assert seen["forwarded"] == {"secret": "s3cr3t"}
    assert seen["remote_addr"] == ""
    assert seen["client_ip"] == PEER


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("proto", '"https://evil"'),
        ("proto", "1http"),
        ("host", '"evil.example/path"'),
        ("host", '"a b"'),
        ("port", "99999"),
        ("port", "-1"),
        ("port", "http"),
        ("path", '"/a%0d%0aSet-Cookie:%20x=1"'),
    ],
)
def test_forwarded_garbage_url_parts_are_dropped(serve, field, value):
    headers = {
        "Forwarded": f"for=198.51.100.4;{field}={value};secret=s3cr3t",
        "Host": "app.example",
    }
    with serve(FORWARDED_SECRET="s3cr3t") as server:
        seen = server.get(headers)
    assert seen["forwarded"] == {"for": "198.51.100.4", "secret": "s3cr3t"}
    assert seen["scheme"] == "http"
    assert seen["host"] == "app.example"
    assert seen["server_port"] == 80
    assert seen["server_path"] == "/fwd"


@pytest.mark.parametrize(
    "value",
    [
        "",
        ";;;,,,",
        '"',
        'secret="s3cr3t',
        "=s3cr3t",
        "secret=" * 400 + "s3cr3t",
        '"s3cr3t"=secret',
        "for=1.1.1.1;" * 300 + "secret=s3cr3t",
    ],
    ids=[
        "empty",
        "separators",
        "a-quote",
        "unterminated",
        "no-key",
        "repeated-keys",
        "inverted",
        "long",
    ],
)
def test_malformed_forwarded_never_fails_the_request(serve, value):
    with serve(FORWARDED_SECRET="s3cr3t") as server:
        seen = server.get({"Forwarded": value})
    assert seen["remote_addr"] in ("", "1.1.1.1")


# ---------------------------------------------------------------------------
# REAL_IP_HEADER


def test_real_ip_header_gives_the_client_and_url_parts(serve):
    headers = {
        "X-Real-IP": "198.51.100.4",
        "X-Forwarded-Proto": "https",
        "X-Forwarded-Host": "public.example",
        "X-Forwarded-Port": "8443",
        "X-Forwarded-Path": "/mounted/fwd",
        "Host": "127.0.0.1:8000",
    }
    with serve(REAL_IP_HEADER="X-Real-IP") as server:
        seen = server.get(headers)
    assert seen == {
        "ip": PEER,
        "remote_addr": "198.51.100.4",
        "client_ip": "198.51.100.4",
        "scheme": "https",
        "host": "public.example",
        "server_name": "public.example",
        "server_port": 8443,
        "server_path": "/mounted/fwd",
        "url": "https://public.example/fwd",
        "url_for": "https://public.example:8443/users/7",
        "forwarded": {
            "for": "198.51.100.4",
            "proto": "https",
            "host": "public.example",
            "port": 8443,
            "path": "/mounted/fwd",
        },
    }


def test_real_ip_header_with_a_custom_name(serve):
    headers = {"CF-Connecting-IP": "198.51.100.4", "X-Real-IP": "6.6.6.6"}
    with serve(REAL_IP_HEADER="CF-Connecting-IP") as server:
        assert server.get(headers)["remote_addr"] == "198.51.100.4"


def test_real_ip_header_missing_trusts_no_x_header(serve):
    # "If a client IP is found by one of these methods, Sanic uses the
    # following headers for URL parts": without one, none of them count.
    headers = {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "evil.example"}
    with serve(REAL_IP_HEADER="X-Real-IP") as server:
        seen = server.get({**headers, "Host": "app.example"})
    assert seen["forwarded"] == {}
    assert seen["client_ip"] == PEER
    assert seen["scheme"] == "http"
    assert seen["host"] == "app.example"


def test_real_ip_header_ipv6_is_bracketed_and_lowered(serve):
    with serve(REAL_IP_HEADER="X-Real-IP") as server:
        seen = server.get({"X-Real-IP": "2001:DB8::A"})
    assert seen["remote_addr"] == "[2001:db8::a]"


@pytest.mark.parametrize("value", ["<script>", "1.2.3.4, 5.6.7.8", "unknown", "a b"])
def test_real_ip_header_garbage_is_ignored(serve, value):
    headers = {"X-Real-IP": value, "X-Forwarded-Proto": "https"}
    with serve(REAL_IP_HEADER="X-Real-IP") as server:
        seen = server.get(headers)
    assert seen["forwarded"] == {}
    assert seen["client_ip"] == PEER
    assert seen["scheme"] == "http"


def test_real_ip_header_wins_over_x_forwarded_for(serve):
    headers = {"X-Real-IP": "198.51.100.4", "X-Forwarded-For": "6.6.6.6"}
    with serve(REAL_IP_HEADER="X-Real-IP", PROXIES_COUNT=1) as server:
        assert server.get(headers)["remote_addr"] == "198.51.100.4"


def test_missing_real_ip_header_falls_back_to_x_forwarded_for(serve):
    with serve(REAL_IP_HEADER="X-Real-IP", PROXIES_COUNT=1) as server:
        seen = server.get({"X-Forwarded-For": "198.51.100.4"})
    assert seen["remote_addr"] == "198.51.100.4"


# ---------------------------------------------------------------------------
# PROXIES_COUNT and X-Forwarded-For


@pytest.mark.parametrize(
    ("count", "expected"),
    [(1, "10.0.0.3"), (2, "10.0.0.2"), (3, "6.6.6.6")],
)
def test_proxies_count_picks_that_many_entries_from_the_right(serve, count, expected):
    # The client forged "6.6.6.6"; each proxy appended the address it saw.
    headers = {"X-Forwarded-For": "6.6.6.6, 10.0.0.2, 10.0.0.3"}
    with serve(PROXIES_COUNT=count) as server:
        assert server.get(headers)["remote_addr"] == expected


def test_proxies_count_larger_than_the_chain_trusts_nothing(serve):
    headers = {"X-Forwarded-For": "198.51.100.4", "X-Forwarded-Proto": "https"}
    with serve(PROXIES_COUNT=2) as server:
        seen = server.get(headers)
    assert seen["forwarded"] == {}
    assert seen["remote_addr"] == ""
    assert seen["client_ip"] == PEER
    assert seen["scheme"] == "http"


@pytest.mark.parametrize("count", [None, 0])
def test_proxies_count_unset_or_zero_ignores_x_forwarded_for(serve, count):
    with serve(PROXIES_COUNT=count) as server:
        seen = server.get({"X-Forwarded-For": "198.51.100.4"})
    assert seen["remote_addr"] == ""
    assert seen["client_ip"] == PEER


def test_negative_proxies_count_is_refused_by_the_config(app):
    # Sanic dropped the old "-1 trusts the leftmost address" in 19.9: a
    # negative count is a configuration error, not a silent trust-everything.
    with pytest.raises(ValueError, match="PROXIES_COUNT"):
        app.config.PROXIES_COUNT = -1
    assert app.config.PROXIES_COUNT is None


def test_x_forwarded_for_over_several_header_lines(serve):
    headers = [
        ("X-Forwarded-For", "6.6.6.6, 198.51.100.4"),
        ("X-Forwarded-For", "10.0.0.2"),
    ]
    with serve(PROXIES_COUNT=2) as server:
        assert server.get(headers)["remote_addr"] == "198.51.100.4"


def test_x_forwarded_for_empty_entries_are_skipped(serve):
    headers = {"X-Forwarded-For": "198.51.100.4, ,,10.0.0.2,"}
    with serve(PROXIES_COUNT=2) as server:
        assert server.get(headers)["remote_addr"] == "198.51.100.4"


def test_forwarded_for_header_names_the_chain_header(serve):
    headers = {"X-Client-Chain": "198.51.100.4", "X-Forwarded-For": "6.6.6.6"}
    with serve(PROXIES_COUNT=1, FORWARDED_FOR_HEADER="X-Client-Chain") as server:
        assert server.get(headers)["remote_addr"] == "198.51.100.4"


def test_x_forwarded_for_ipv6_entry_is_normalised(serve):
    with serve(PROXIES_COUNT=1) as server:
        seen = server.get({"X-Forwarded-For": "10.0.0.9, 2001:DB8::1"})
    assert seen["remote_addr"] == "[2001:db8::1]"


def test_x_forwarded_for_garbage_entry_trusts_nothing(serve):
    headers = {"X-Forwarded-For": "198.51.100.4, <b>", "X-Forwarded-Proto": "https"}
    with serve(PROXIES_COUNT=1) as server:
        seen = server.get(headers)
    assert seen["forwarded"] == {}
    assert seen["client_ip"] == PEER
    assert seen["scheme"] == "http"


# ---------------------------------------------------------------------------
# The other X-headers


def test_x_scheme_is_used_without_x_forwarded_proto(serve):
    headers = {"X-Forwarded-For": "198.51.100.4", "X-Scheme": "https"}
    with serve(PROXIES_COUNT=1) as server:
        assert server.get(headers)["scheme"] == "https"


def test_x_forwarded_proto_wins_over_x_scheme(serve):
    headers = {
        "X-Forwarded-For": "198.51.100.4",
        "X-Scheme": "http",
        "X-Forwarded-Proto": "https",
    }
    with serve(PROXIES_COUNT=1) as server:
        assert server.get(headers)["scheme"] == "https"


def test_x_forwarded_port_without_host_keeps_the_host_header(serve):
    headers = {"X-Forwarded-For": "198.51.100.4", "X-Forwarded-Port": "8080"}
    with serve(PROXIES_COUNT=1) as server:
        seen = server.get({**headers, "Host": "app.example"})
    assert seen["host"] == "app.example"
    assert seen["server_port"] == 8080
    assert seen["url_for"] == "http://app.example:8080/users/7"


def test_default_port_of_a_proxied_scheme_is_left_out_of_urls(serve):
    headers = {
        "X-Forwarded-For": "198.51.100.4",
        "X-Forwarded-Proto": "https",
        "X-Forwarded-Port": "443",
        "Host": "app.example:8000",
        "X-Forwarded-Host": "app.example",
    }
    with serve(PROXIES_COUNT=1) as server:
        seen = server.get(headers)
    assert seen["server_port"] == 443
    assert seen["url_for"] == "https://app.example/users/7"


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("X-Forwarded-Proto", "javascript:alert(1)"),
        ("X-Forwarded-Host", "evil.example/x"),
        ("X-Forwarded-Port", "port"),
        ("X-Forwarded-Port", "70000"),
        ("X-Forwarded-Path", "/a%00b"),
    ],
)
def test_garbage_x_headers_are_dropped(serve, name, value):
    headers = {"X-Forwarded-For": "198.51.100.4", name: value, "Host": "app.example"}
    with serve(PROXIES_COUNT=1) as server:
        seen = server.get(headers)
    assert seen["forwarded"] == {"for": "198.51.100.4"}
    assert seen["url_for"] == "http://app.example/users/7"
    assert seen["server_path"] == "/fwd"


def test_non_utf8_proxy_headers_never_fail_the_request(serve):
    with serve(
        FORWARDED_SECRET="s3cr3t", REAL_IP_HEADER="X-Real-IP", PROXIES_COUNT=1
    ) as server:
        sock = connect(server.port)
        try:
            sock.sendall(
                b"GET /fwd HTTP/1.1\r\nHost: app.example\r\n"
                b"Forwarded: for=\xff\xfe;secret=s3cr3t\r\n"
                b"X-Real-IP: \xc3\x28\r\n"
                b"X-Forwarded-For: \x80\x81\r\n"
                b"X-Forwarded-Host: h\xe9llo\r\n\r\n"
            )
            (response,) = read_responses(sock, 1, limit=TIMEOUT)
        finally:
            sock.close()
    assert response.startswith(b"HTTP/1.1 200 ")


# ---------------------------------------------------------------------------
# SERVER_NAME, url_for and app.url_for


def test_full_url_server_name_wins_over_the_proxy_for_urls(serve):
    headers = {
        "X-Forwarded-For": "198.51.100.4",
        "X-Forwarded-Proto": "http",
        "X-Forwarded-Host": "other.example",
    }
    with serve(PROXIES_COUNT=1, SERVER_NAME="https://canonical.example") as server:
        seen = server.get(headers)
    assert seen["remote_addr"] == "198.51.100.4"  # the client still counts
    assert seen["scheme"] == "https"
    assert seen["host"] == "canonical.example"
    assert seen["url_for"] == "https://canonical.example/users/7"


def test_server_name_without_scheme_takes_the_proxied_scheme(serve):
    headers = {"X-Forwarded-For": "198.51.100.4", "X-Forwarded-Proto": "https"}
    with serve(PROXIES_COUNT=1, SERVER_NAME="canonical.example/api") as server:
        seen = server.get({**headers, "Host": "other.example"})
    assert seen["host"] == "canonical.example"
    assert seen["url_for"] == "https://canonical.example/api/users/7"


def test_app_url_for_external_is_not_swayed_by_proxy_headers(serve, app):
    @app.get("/app-url")
    async def app_url(request):
        return text(app.url_for("user", uid=7, _external=True))

    headers = {"X-Forwarded-For": "198.51.100.4", "X-Forwarded-Host": "evil.example"}
    with serve(PROXIES_COUNT=1, SERVER_NAME="canonical.example") as server:
        response = httpx.get(server.base + "/app-url", headers=headers, timeout=TIMEOUT)
    assert response.text == "http://canonical.example/users/7"


# ---------------------------------------------------------------------------
# Transports: unix sockets, TLS, websockets


def test_unix_socket_peer_has_no_ip_but_proxy_headers_work(app, tmp_path):
    app.config.REAL_IP_HEADER = "X-Real-IP"
    add_info_routes(app)
    path = str(tmp_path / "sanic.sock")
    with serve_in_thread(app, unix=path):
        transport = httpx.HTTPTransport(uds=path)
        with httpx.Client(transport=transport, timeout=TIMEOUT) as client:
            plain = client.get("http://app.example/fwd").json()
            proxied = client.get(
                "http://app.example/fwd", headers={"X-Real-IP": "198.51.100.4"}
            ).json()
    assert plain["ip"] == ""
    assert plain["client_ip"] == ""
    assert proxied["ip"] == ""
    assert proxied["remote_addr"] == "198.51.100.4"
    assert proxied["client_ip"] == "198.51.100.4"


def test_ipv6_peer_is_bare_in_ip_and_bracketed_in_urls(app):
    add_info_routes(app)
    try:
        sock = socket.socket(socket.AF_INET6)
        sock.bind(("::1", 0))
    except OSError as exc:
        reason = f"no IPv6 loopback here: {exc}"
        print(f"SKIP: {reason}")
        pytest.skip(reason)
    sock.listen(16)
    sock.setblocking(False)
    port = sock.getsockname()[1]
    try:
        with serve_in_thread(app, sock=sock):
            seen = httpx.get(f"http://[::1]:{port}/fwd", timeout=TIMEOUT).json()
    finally:
        sock.close()
    assert seen["ip"] == "::1"
    assert seen["client_ip"] == "::1"
    assert seen["remote_addr"] == ""
    assert seen["server_name"] == "[::1]"
    assert seen["server_port"] == port
    assert seen["url_for"] == f"http://[::1]:{port}/users/7"


@pytest.fixture(scope="module")
def tls_files() -> Iterator[tuple[str, str]]:
    openssl = shutil.which("openssl")
    if openssl is None:
        reason = "the openssl command is not installed"
        print(f"SKIP: {reason}")
        pytest.skip(reason)
    directory = Path(tempfile.mkdtemp(prefix="sanic-proxies-tls-"))
    cert, key = directory / "cert.pem", directory / "key.pem"
    subprocess.run(
        [
            openssl,
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "2",
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1,DNS:localhost",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
        timeout=60,
    )
    yield str(cert), str(key)
    shutil.rmtree(directory, ignore_errors=True)


def test_tls_connection_is_https_and_an_untrusted_proto_cannot_downgrade_it(
    app, tls_files
):
    cert, key = tls_files
    add_info_routes(app)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    client_context = ssl.create_default_context(cafile=cert)
    with serve_in_thread(app, ssl=context) as port:
        with httpx.Client(verify=client_context, timeout=TIMEOUT) as client:
            seen = client.get(
                f"https://127.0.0.1:{port}/fwd",
                headers={"X-Forwarded-Proto": "http", "X-Forwarded-For": "6.6.6.6"},
            ).json()
    assert seen["scheme"] == "https"
    assert seen["forwarded"] == {}
    assert seen["url_for"] == f"https://127.0.0.1:{port}/users/7"


def test_websocket_scheme_follows_the_trusted_proxy(app):
    websockets_client = pytest.importorskip(
        "websockets.sync.client", reason="the websockets package is not installed"
    )
    if not hasattr(app, "websocket"):
        reason = "this build has no app.websocket yet"
        print(f"SKIP: {reason}")
        pytest.skip(reason)
    app.config.REAL_IP_HEADER = "X-Real-IP"

    @app.websocket("/ws")
    async def ws(request, websocket):
        await websocket.send(f"{request.scheme} {request.client_ip}")

    with serve_in_thread(app) as port:
        url = f"ws://127.0.0.1:{port}/ws"
        with websockets_client.connect(
            url,
            additional_headers={
                "X-Real-IP": "198.51.100.4",
                "X-Forwarded-Proto": "https",
            },
            open_timeout=TIMEOUT,
        ) as connection:
            proxied = connection.recv(timeout=TIMEOUT)
        with websockets_client.connect(
            url,
            additional_headers={"X-Forwarded-Proto": "https"},
            open_timeout=TIMEOUT,
        ) as connection:
            direct = connection.recv(timeout=TIMEOUT)
    assert proxied == "wss 198.51.100.4"
    assert direct == f"ws {PEER}"
