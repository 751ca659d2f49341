"""The flags of ``sanic <target>``: help, version, process modes, bad values."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from sanic.cli.app import SanicCLI
from sanic.cli.arguments import build_parser
from sanic.cli.base import BadValue, CLIError
from tests.cli.helpers import get, sanic, serving, write_app
from tests.net import free_port, occupied_port


def test_version_names_sanic_and_routing(tmp_path):
    from sanic import __version__

    result = sanic(tmp_path, "--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"Sanic {__version__}; Routing {__version__}"


@pytest.mark.parametrize("how", [["--help"], ["-h"], ["help"]])
def test_help_shows_the_option_groups(tmp_path, how):
    result = sanic(tmp_path, *how)
    assert result.returncode == 0
    for group in (
        "Usage:",
        "Application:",
        "Socket binding:",
        "TLS certificate:",
        "Worker:",
        "Development:",
        "Output:",
        "Daemon:",
    ):
        assert group in result.stdout
    for flag in ("--factory", "--simple", "--workers", "--dev", "--daemon", "--tls"):
        assert flag in result.stdout


def test_inspect_help_lists_its_actions(tmp_path):
    result = sanic(tmp_path, "inspect", "--help")
    assert result.returncode == 0
    for word in ("reload", "--zero-downtime", "shutdown", "scale", "--api-key"):
        assert word in result.stdout


def test_no_arguments_is_a_usage_error(tmp_path):
    result = sanic(tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip() == (
        "sanic: error: no app given: sanic path.to.server:app (see 'sanic --help')"
    )


def test_unknown_flag_is_a_one_line_usage_error(tmp_path):
    write_app(tmp_path)
    result = sanic(tmp_path, "server:app", "--no-such-flag")
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1
    assert "--no-such-flag" in result.stderr


@pytest.mark.parametrize(
    "args, message",
    [
        (["--port", "70000"], "--port must be a port number (0-65535), not '70000'"),
        (["--single-process", "--reload"], "auto-reload needs the worker manager"),
    ],
)
def test_bad_flag_values_are_one_line_and_status_1(tmp_path, args, message):
    write_app(tmp_path)
    result = sanic(tmp_path, "server:app", *args)
    assert result.returncode == 1, result
    assert result.stderr.count("\n") == 1, result.stderr
    assert message in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    "args, message",
    [
        (["--port", "eighty"], "--port must be a port number (0-65535), not 'eighty'"),
        (["--workers", "0"], "--workers must be a positive integer, not '0'"),
        (["--http", "2"], "--http must be 1 (HTTP/1.1) or 3 (HTTP/3), not '2'"),
        (["--cert", "missing.pem"], "--cert 'missing.pem': no such file"),
        (["--tls", "nowhere"], "--tls 'nowhere': no such directory"),
        (["--reload-dir", "nowhere"], "--reload-dir 'nowhere': no such directory"),
    ],
)
def test_bad_values_are_caught_while_parsing(tmp_path, monkeypatch, args, message):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(BadValue) as caught:
        build_parser().parse_args(["server:app", *args])
    assert str(caught.value) == message


@pytest.mark.parametrize(
    "args, message",
    [
        (["-3"], "HTTP/3 is not supported"),
        (["--unix", "x.sock", "--port", "9"], "--unix binds a unix socket"),
        (["--tls-strict-host"], "--tls-strict-host needs one or more --tls"),
        (["-R", ".", "--single-process"], "auto-reload needs the worker manager"),
        (["--repl", "-D"], "--repl can't run with --daemon"),
        (["--legacy", "--single-process"], "exclude each other"),
    ],
)
def test_flags_that_do_not_fit_together_are_refused(args, message):
    with pytest.raises(CLIError, match=message):
        options(*args)


def options(*args: str) -> dict:
    return SanicCLI.prepare_options(build_parser().parse_args(["server:app", *args]))


def test_flags_map_onto_prepare(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for name in ("one", "two"):
        (tmp_path / name).mkdir()
    (tmp_path / "c.pem").write_text("c")
    (tmp_path / "k.pem").write_text("k")
    assert options("-H", "0.0.0.0", "-p", "80", "-w", "3", "--no-motd", "-vv") == {
        "host": "0.0.0.0",
        "port": 80,
        "unix": None,
        "ssl": None,
        "dev": False,
        "debug": False,
        "auto_reload": None,
        "reload_dir": None,
        "workers": 3,
        "fast": False,
        "single_process": False,
        "access_log": None,
        "noisy_exceptions": None,
        "motd": False,
        "verbosity": 2,
        "coffee": False,
        "auto_tls": False,
    }
    assert options("--cert", "c.pem", "--key", "k.pem")["ssl"] == {
        "cert": "c.pem",
        "key": "k.pem",
    }
    assert options("--tls", "one")["ssl"] == "one"
    assert options("--tls", "one", "--tls", "two")["ssl"] == ["one", "two"]
    strict = options("--tls", "one", "--tls-strict-host")
    assert strict["ssl"] == [None, "one"]
    reload = options("-R", "one", "-R", "two")
    assert (reload["auto_reload"], reload["reload_dir"]) == (True, ["one", "two"])
    dev = options("--dev", "--access-logs", "--fast", "--coffee")
    assert (dev["dev"], dev["access_log"], dev["fast"], dev["coffee"]) == (
        True,
        True,
        True,
        True,
    )


def test_cert_without_key_is_one_line(tmp_path):
    write_app(tmp_path)
    (tmp_path / "cert.pem").write_text("x")
    result = sanic(tmp_path, "server:app", "--cert", "cert.pem")
    assert result.returncode == 1
    assert "--cert and --key go together" in result.stderr


def test_workers_and_fast_exclude_each_other(tmp_path):
    write_app(tmp_path)
    result = sanic(tmp_path, "server:app", "--workers", "2", "--fast")
    assert result.returncode == 2
    assert "not allowed with argument" in result.stderr


def test_port_in_use_is_one_line(tmp_path):
    write_app(tmp_path)
    with occupied_port() as port:
        for mode in (["--single-process"], []):
            result = sanic(tmp_path, "server:app", "--port", str(port), *mode)
            assert result.returncode == 1, result
            assert "Traceback" not in result.stderr
            errors = [
                line for line in result.stderr.splitlines() if "sanic: error" in line
            ]
            assert len(errors) == 1, result.stderr
            assert "in use" in errors[0]


def test_single_process_serves_from_the_command_process(tmp_path):
    write_app(tmp_path)
    port = free_port()
    with serving(
        tmp_path, "server:app", "--single-process", "--port", str(port), port=port
    ) as proc:
        assert get(port) == f"up {proc.pid}"
    assert proc.returncode == 0


def test_two_workers_answer_from_two_pids(tmp_path):
    write_app(tmp_path)
    port = free_port()
    with serving(
        tmp_path, "server:app", "--workers", "2", "--port", str(port), port=port
    ) as proc:
        pids = set()
        deadline = time.monotonic() + 20
        while len(pids) < 2 and time.monotonic() < deadline:
            pids.add(get(port).split()[1])
        assert len(pids) == 2, pids
        assert str(proc.pid) not in pids  # workers, not the main process
    assert proc.returncode == 0


def test_debug_and_noisy_flags_reach_the_app(tmp_path):
    (tmp_path / "probe.py").write_text(
        "from sanic import Sanic, json\n"
        "app = Sanic('cli_probe')\n"
        "@app.get('/')\n"
        "async def index(request):\n"
        "    return json({'debug': request.app.debug,\n"
        "                 'access_log': request.app.config.ACCESS_LOG,\n"
        "                 'noisy': request.app.config.NOISY_EXCEPTIONS})\n"
    )
    port = free_port()
    with serving(
        tmp_path,
        "probe:app",
        "--single-process",
        "--debug",
        "--no-access-logs",
        "--noisy-exceptions",
        "--no-motd",
        "-p",
        str(port),
        port=port,
    ):
        seen = json.loads(get(port))
    assert seen == {"debug": True, "access_log": False, "noisy": True}


def test_the_sanic_script_is_the_same_program(tmp_path):
    script = Path(sys.executable).with_name("sanic")
    if not script.exists():
        pytest.skip("the sanic console script is not installed in this environment")
    result = subprocess.run(
        [str(script), "--version"], capture_output=True, text=True, timeout=30
    )
    assert result.returncode == 0
    assert result.stdout == sanic(tmp_path, "--version").stdout
