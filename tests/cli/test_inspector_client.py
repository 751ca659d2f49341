"""InspectorClient against a real Inspector running in its own process."""

from __future__ import annotations

import json
import socket

import httpx
import pytest
import trustme

from sanic.cli.inspector_client import InspectorClient, InspectorClientError
from tests.net import occupied_port
from tests.worker.inspector_process import (
    APP_INFO,
    WORKERS,
    CustomInspector,
    free_port,
    running_inspector,
)

KEY = "client-key"


@pytest.fixture(scope="module")
def inspector():
    with running_inspector(CustomInspector, api_key=KEY) as running:
        yield running


@pytest.fixture
def running(inspector):
    inspector.drain()
    yield inspector
    assert inspector.drain() == [], "an unexpected message reached the manager"


def client(port: int, **options) -> InspectorClient:
    options.setdefault("api_key", KEY)
    return InspectorClient(
        "127.0.0.1",
        port,
        options.pop("secure", False),
        options.pop("raw", False),
        **options,
    )


def one_line_error(capsys) -> str:
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.splitlines()
    assert len(lines) == 1, captured.err
    assert "Traceback" not in captured.err
    return lines[0]


def test_info_prints_the_app_then_each_process_and_its_state(running, capsys):
    client(running.port).info()
    out = capsys.readouterr().out
    blocks = out.strip().split("\n\n")
    assert blocks[0].splitlines()[0] == "InspectedApp"
    assert "    mode:     production, 2 workers" in blocks[0]
    assert "    address:  http://127.0.0.1:8000" in blocks[0]
    assert [block.splitlines()[0] for block in blocks[1:]] == list(WORKERS)
    server = blocks[1].splitlines()
    assert server[1:] == [
        "    pid:      5001",
        "    state:    ACKED",
        "    server:   true",
        "    start_at: 2026-01-02T03:04:05+00:00",
        "    starts:   1",
        "    requests: 7",
    ]
    assert "    restart_at: 2026-01-02T03:10:00+00:00" in blocks[2]
    assert "{" not in out  # human-readable, not JSON


def test_info_raw_prints_the_json_exactly_as_received(running, capsys):
    client(running.port, raw=True).info()
    out = capsys.readouterr().out
    received = httpx.get(
        f"{running.url}/", headers={"Authorization": f"Bearer {KEY}"}
    ).text
    assert out == received + "\n"
    assert json.loads(out)["result"]["info"] == APP_INFO


def test_reload_with_zero_downtime(running, capsys):
    client(running.port).do("reload", zero_downtime=True)
    assert capsys.readouterr().out == "reload: ok\n"
    assert running.message() == ("restart", None, True, "")


def test_scale_prints_what_was_asked(running, capsys):
    client(running.port).do("scale", replicas=2)
    assert capsys.readouterr().out == "Scaling to 2 workers\n"
    assert running.message() == ("scale", 2)


def test_shutdown_raw(running, capsys):
    client(running.port, raw=True).do("shutdown")
    assert json.loads(capsys.readouterr().out) == {
        "meta": {"action": "shutdown"},
        "result": None,
    }
    assert running.message() == ("terminate",)


def test_custom_command_with_arguments(running, capsys):
    client(running.port).do("something", foo="bar")
    result = json.loads(capsys.readouterr().out)
    assert result == {"foo": "bar", "count": 1, "pid_of_main": 4242}


def test_request_returns_the_parsed_answer(running):
    answer = client(running.port).request()
    assert answer["result"]["workers"] == WORKERS
    assert client(running.port).request("later")["result"] == "done later"


def test_a_wrong_api_key_is_one_line_and_exit_status_1(running, capsys):
    with pytest.raises(SystemExit) as exit_info:
        client(running.port, api_key="wrong").do("shutdown")
    assert exit_info.value.code == 1
    line = one_line_error(capsys)
    assert line == (
        "sanic inspect: the inspector refused the request: "
        "a missing or wrong API key (--api-key)"
    )


def test_a_missing_api_key_is_refused(running, capsys):
    with pytest.raises(SystemExit):
        client(running.port, api_key="").info()
    assert "wrong API key" in one_line_error(capsys)


def test_an_unknown_action_is_one_line_and_exit_status_1(running, capsys):
    with pytest.raises(SystemExit) as exit_info:
        client(running.port).do("explode")
    assert exit_info.value.code == 1
    assert one_line_error(capsys) == (
        "sanic inspect: the inspector has no action 'explode'"
    )


def test_a_bad_argument_is_the_inspectors_message(running, capsys):
    with pytest.raises(SystemExit):
        client(running.port).do("scale", replicas="lots")
    line = one_line_error(capsys)
    assert line.startswith("sanic inspect: the inspector answered 400: cannot scale")


def test_an_action_that_is_not_a_name_is_refused_before_sending(capsys):
    with pytest.raises(SystemExit) as exit_info:
        client(free_port()).do("../etc")
    assert exit_info.value.code == 1
    assert (
        one_line_error(capsys) == "sanic inspect: '../etc' is not an inspector action"
    )


def test_a_refused_connection_is_one_line_and_exit_status_1(capsys):
    port = free_port()
    with pytest.raises(SystemExit) as exit_info:
        client(port).info()
    assert exit_info.value.code == 1
    line = one_line_error(capsys)
    assert line.startswith(
        f"sanic inspect: cannot reach the inspector at http://127.0.0.1:{port}: "
        "connection refused"
    )
    with pytest.raises(InspectorClientError, match="connection refused"):
        client(port).request()


def test_a_silent_server_times_out_with_one_line(capsys):
    with occupied_port() as port:  # accepts (backlog) and never answers
        with pytest.raises(SystemExit):
            client(port, timeout=0.5).info()
    assert one_line_error(capsys) == (
        f"sanic inspect: the inspector at http://127.0.0.1:{port} "
        "did not answer within 0.5 s"
    )


def test_something_that_is_not_the_inspector_is_a_clear_error(capsys):
    with socket.socket() as other:
        other.bind(("127.0.0.1", 0))
        other.listen()
        port = other.getsockname()[1]

        import threading

        def answer_html() -> None:
            conn, _ = other.accept()
            with conn:
                conn.recv(65536)
                conn.sendall(
                    b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n"
                    b"Content-Length: 6\r\nConnection: close\r\n\r\n<html>"
                )

        thread = threading.Thread(target=answer_html, daemon=True)
        thread.start()
        with pytest.raises(SystemExit):
            client(port, timeout=5).info()
        thread.join(5)
    assert "is not the inspector's JSON" in one_line_error(capsys)


@pytest.fixture(scope="module")
def tls_inspector(tmp_path_factory):
    ca = trustme.CA()
    cert = ca.issue_cert("127.0.0.1", "localhost")
    folder = tmp_path_factory.mktemp("client-tls")
    cert.private_key_pem.write_to_path(str(folder / "key.pem"))
    (folder / "cert.pem").write_bytes(
        b"".join(blob.bytes() for blob in cert.cert_chain_pems)
    )
    ca.cert_pem.write_to_path(str(folder / "ca.pem"))
    with running_inspector(
        tls_cert=folder / "cert.pem", tls_key=folder / "key.pem"
    ) as running:
        running.cafile = str(folder / "ca.pem")
        yield running


def test_secure_accepts_the_inspectors_self_made_certificate(tls_inspector, capsys):
    InspectorClient("127.0.0.1", tls_inspector.port, secure=True, raw=True).info()
    assert json.loads(capsys.readouterr().out)["result"]["workers"] == WORKERS


def test_secure_with_a_cafile_verifies_the_certificate(tls_inspector, capsys):
    verified = InspectorClient(
        "127.0.0.1", tls_inspector.port, True, False, None, cafile=tls_inspector.cafile
    )
    verified.do("reload")
    assert capsys.readouterr().out == "reload: ok\n"
    assert tls_inspector.message() == ("restart", None, False, "")
    other_ca = trustme.CA()
    with other_ca.cert_pem.tempfile() as wrong_ca:
        with pytest.raises(SystemExit):
            InspectorClient(
                "127.0.0.1", tls_inspector.port, True, False, None, cafile=wrong_ca
            ).info()
    assert "TLS with the inspector at https://127.0.0.1:" in one_line_error(capsys)


def test_plain_http_to_an_https_inspector_suggests_secure(tls_inspector, capsys):
    with pytest.raises(SystemExit):
        InspectorClient("127.0.0.1", tls_inspector.port, timeout=5).info()
    line = one_line_error(capsys)
    assert line.startswith(
        f"sanic inspect: the inspector at http://127.0.0.1:{tls_inspector.port} "
        "gave no valid answer"
    )
    assert "try --secure" in line


def test_https_to_a_plain_inspector_is_a_tls_error(running, capsys):
    with pytest.raises(SystemExit):
        client(running.port, secure=True, timeout=5).info()
    assert "TLS with the inspector at https://127.0.0.1:" in one_line_error(capsys)
