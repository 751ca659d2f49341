"""The Inspector served for real in a spawned process, as the manager runs it."""

from __future__ import annotations

import signal
import socket
import ssl

import httpx
import pytest
import trustme

from sanic.worker.inspector import Inspector
from tests.net import occupied_port
from tests.worker.inspector_process import (
    APP_INFO,
    SPAWN,
    WORKERS,
    CustomInspector,
    running_inspector,
    stop,
)


@pytest.fixture(scope="module")
def inspector():
    with running_inspector() as running:
        yield running


@pytest.fixture
def client(inspector):
    inspector.drain()
    with httpx.Client(base_url=inspector.url, timeout=5) as http:
        yield http
    assert inspector.drain() == [], "an unexpected message reached the manager"


def test_get_root_shows_the_app_info_and_every_process_state(client):
    response = client.get("/")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert body["meta"] == {"action": "info"}
    assert body["result"]["info"] == APP_INFO
    assert body["result"]["workers"] == WORKERS
    worker = body["result"]["workers"]["Sanic-Server-1-0"]
    assert (worker["pid"], worker["state"], worker["starts"], worker["requests"]) == (
        5002,
        "ACKED",
        2,
        3,
    )


def test_get_root_reads_the_shared_state_live(inspector, client):
    inspector.state["Sanic-Server-2-0"] = {"pid": 6000, "state": "STARTING"}
    try:
        workers = client.get("/").json()["result"]["workers"]
        assert workers["Sanic-Server-2-0"] == {"pid": 6000, "state": "STARTING"}
    finally:
        del inspector.state["Sanic-Server-2-0"]
    assert "Sanic-Server-2-0" not in client.get("/").json()["result"]["workers"]


def test_post_reload_asks_the_manager_to_restart_every_worker(inspector, client):
    response = client.post("/reload")
    assert response.status_code == 200
    assert response.json() == {"meta": {"action": "reload"}, "result": None}
    assert inspector.message() == ("restart", None, False, "")


def test_post_reload_with_zero_downtime(inspector, client):
    response = client.post("/reload", json={"zero_downtime": True})
    assert response.status_code == 200
    assert inspector.message() == ("restart", None, True, "")


def test_reload_zero_downtime_as_a_command_line_word(inspector, client):
    assert client.post("/reload", json={"zero_downtime": "true"}).is_success
    assert inspector.message() == ("restart", None, True, "")


def test_reload_zero_downtime_must_be_a_boolean(client):
    response = client.post("/reload", json={"zero_downtime": "maybe"})
    assert response.status_code == 400
    assert "zero_downtime must be true or false" in response.json()["message"]


def test_post_shutdown_asks_the_manager_to_terminate(inspector, client):
    response = client.post("/shutdown")
    assert response.status_code == 200
    assert response.json() == {"meta": {"action": "shutdown"}, "result": None}
    assert inspector.message() == ("terminate",)


@pytest.mark.parametrize("replicas", [3, "3"])
def test_post_scale_asks_for_that_many_workers(inspector, client, replicas):
    response = client.post("/scale", json={"replicas": replicas})
    assert response.status_code == 200
    assert response.json() == {
        "meta": {"action": "scale"},
        "result": "Scaling to 3 workers",
    }
    assert inspector.message() == ("scale", 3)


@pytest.mark.parametrize("replicas", ["many", 0, -2, 1.5, True, None])
def test_scale_with_a_bad_number_is_a_400_with_a_clear_message(client, replicas):
    response = client.post("/scale", json={"replicas": replicas})
    assert response.status_code == 400
    assert "cannot scale to" in response.json()["message"]
    assert "give a number >= 1" in response.json()["message"]


def test_scale_without_replicas_is_a_400(client):
    response = client.post("/scale")
    assert response.status_code == 400
    assert "replicas" in response.json()["message"]


@pytest.mark.parametrize("action", ["nope", "_make_app", "__init__", "api_key"])
def test_an_unknown_action_is_a_404(client, action):
    response = client.post(f"/{action}")
    assert response.status_code == 404
    assert response.json()["message"] == f"the inspector has no action {action!r}"


@pytest.mark.parametrize("body", [b"{not json", b"[1, 2]", b'"reload"'])
def test_a_body_that_is_not_a_json_object_is_a_400(client, body):
    response = client.post(
        "/reload", content=body, headers={"content-type": "application/json"}
    )
    assert response.status_code == 400
    assert response.json()["message"] == "the body must be a JSON object"


def test_unexpected_arguments_are_a_400(client):
    response = client.post("/shutdown", json={"now": True})
    assert response.status_code == 400
    assert "bad arguments for 'shutdown'" in response.json()["message"]


def test_sigterm_stops_the_inspector_cleanly():
    with running_inspector() as running:
        running.process.terminate()
        running.process.join(10)
        assert running.process.exitcode == 0
        with pytest.raises(OSError):
            socket.create_connection(("127.0.0.1", running.port), timeout=1).close()


def test_sigint_stops_the_inspector_cleanly():
    import os

    with running_inspector() as running:
        os.kill(running.process.pid, signal.SIGINT)
        running.process.join(10)
        assert running.process.exitcode == 0


def test_api_key_is_required_as_a_bearer_token():
    with running_inspector(api_key="s3cret") as running:
        with httpx.Client(base_url=running.url, timeout=5) as http:
            missing = http.get("/")
            assert missing.status_code == 401
            assert missing.headers["www-authenticate"].startswith("Bearer")
            wrong = http.post("/shutdown", headers={"Authorization": "Bearer nope"})
            assert wrong.status_code == 401
            assert "API key" in wrong.json()["message"]
            not_bearer = http.get("/", headers={"Authorization": "s3cret"})
            assert not_bearer.status_code == 401
            assert running.drain() == []  # nothing reached the manager

            good = {"Authorization": "Bearer s3cret"}
            assert http.get("/", headers=good).json()["result"]["info"] == APP_INFO
            assert http.post("/shutdown", headers=good).status_code == 200
            assert running.message() == ("terminate",)


@pytest.fixture(scope="module")
def certificate(tmp_path_factory):
    ca = trustme.CA()
    cert = ca.issue_cert("127.0.0.1", "localhost")
    folder = tmp_path_factory.mktemp("inspector-tls")
    cert_path, key_path, ca_path = (
        folder / "cert.pem",
        folder / "key.pem",
        folder / "ca.pem",
    )
    cert.private_key_pem.write_to_path(str(key_path))
    cert_path.write_bytes(b"".join(blob.bytes() for blob in cert.cert_chain_pems))
    ca.cert_pem.write_to_path(str(ca_path))
    return cert_path, key_path, ca_path


def test_tls_serves_https_with_the_given_certificate(certificate):
    cert_path, key_path, ca_path = certificate
    with running_inspector(tls_cert=cert_path, tls_key=str(key_path)) as running:
        assert running.url.startswith("https://")
        verify = ssl.create_default_context(cafile=str(ca_path))
        with httpx.Client(base_url=running.url, verify=verify, timeout=5) as http:
            assert http.get("/").json()["result"]["workers"] == WORKERS
            assert http.post("/reload").status_code == 200
        assert running.message() == ("restart", None, False, "")
        # Plain http is not answered as the inspector.
        with pytest.raises(httpx.HTTPError):
            httpx.get(f"http://127.0.0.1:{running.port}/", timeout=3)


def test_a_subclass_adds_custom_commands():
    with running_inspector(CustomInspector) as running:
        with httpx.Client(base_url=running.url, timeout=5) as http:
            response = http.post("/something", json={"foo": "bar", "count": 2})
            assert response.status_code == 200
            assert response.json() == {
                "meta": {"action": "something"},
                "result": {"foo": "bar", "count": 2, "pid_of_main": 4242},
            }
            later = http.post("/later", json={"delay": 0.01})
            assert later.json()["result"] == "done later"
            bad = http.post("/something", json={"colour": "red"})
            assert bad.status_code == 400
            assert "colour" in bad.json()["message"]
            assert http.post(
                "/restart_one", json={"name": "Sanic-Server-0-0"}
            ).is_success
            assert running.message() == (
                "restart",
                ["Sanic-Server-0-0"],
                False,
                "asked by a command",
            )
            # The built-in commands are still there.
            assert http.post("/shutdown").status_code == 200
            assert running.message() == ("terminate",)


def test_a_port_in_use_ends_the_inspector_with_status_1(capfd):
    with occupied_port() as port:
        reader, writer = SPAWN.Pipe(duplex=False)
        inspector = Inspector(writer, APP_INFO, {}, "127.0.0.1", port, "", None, None)
        process = SPAWN.Process(target=inspector, daemon=True)
        process.start()
        try:
            process.join(20)
            assert process.exitcode == 1
        finally:
            stop(process)
            reader.close()
            writer.close()
    err = capfd.readouterr().err
    assert f"Inspector cannot start: cannot listen on 127.0.0.1:{port}" in err
    assert "Traceback" not in err


def test_tls_needs_both_a_certificate_and_a_key(certificate, capfd):
    cert_path, _, _ = certificate
    reader, writer = SPAWN.Pipe(duplex=False)
    inspector = Inspector(
        writer, APP_INFO, {}, "127.0.0.1", 0, "", None, str(cert_path)
    )
    process = SPAWN.Process(target=inspector, daemon=True)
    process.start()
    try:
        process.join(20)
        assert process.exitcode == 1
    finally:
        stop(process)
        reader.close()
        writer.close()
    err = capfd.readouterr().err
    assert "INSPECTOR_TLS_CERT and INSPECTOR_TLS_KEY must be given together" in err
    assert "Traceback" not in err


def test_the_worker_count_in_the_info_follows_scaling(inspector, client):
    inspector.state["Sanic-Server-2-0"] = {
        "pid": 6001,
        "state": "ACKED",
        "server": True,
    }
    inspector.state["Sanic-Server-3-0"] = {
        "pid": 6002,
        "state": "TERMINATED",
        "server": True,
    }
    try:
        assert client.get("/").json()["result"]["info"]["workers"] == 3
    finally:
        del inspector.state["Sanic-Server-2-0"]
        del inspector.state["Sanic-Server-3-0"]
    assert client.get("/").json()["result"]["info"]["workers"] == 2
