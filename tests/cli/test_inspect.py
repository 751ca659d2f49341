"""``sanic inspect`` and the 22.9 flags, against a real app with its inspector on."""

from __future__ import annotations

import json
import time

import pytest

from sanic.cli.app import SanicCLI
from sanic.cli.base import CLIError
from sanic.cli.inspector import run_inspect
from tests.cli.helpers import get, sanic, serving
from tests.net import free_port

INSPECTED_APP = """\
import os
from sanic import Sanic
from sanic.response import text

app = Sanic("cli_inspected")
app.config.INSPECTOR = True
app.config.INSPECTOR_HOST = "127.0.0.1"
app.config.INSPECTOR_PORT = {inspector_port}
app.config.INSPECTOR_API_KEY = "s3cret"

@app.get("/")
async def index(request):
    return text(f"up {{os.getpid()}}")
"""


def run_in_process(capsys, *argv: str) -> tuple[int, str, str]:
    """``sanic *argv`` in this process: (exit status, stdout, stderr)."""
    capsys.readouterr()
    try:
        SanicCLI().run(list(argv))
        status = 0
    except SystemExit as exc:
        status = exc.code if isinstance(exc.code, int) else 1
    out, err = capsys.readouterr()
    return status, out, err


def _wait_for_inspector(tmp_path, port: int) -> str:
    deadline = time.monotonic() + 30
    result = None
    while time.monotonic() < deadline:
        result = sanic(
            tmp_path, "inspect", "-H", "127.0.0.1", "-p", str(port), "-k", "s3cret"
        )
        if result.returncode == 0:
            return result.stdout
        time.sleep(0.2)
    raise AssertionError(f"the inspector never answered: {result}")


def test_inspect_reports_and_controls_a_running_instance(tmp_path, capsys):
    inspector_port = free_port()
    (tmp_path / "inspected.py").write_text(
        INSPECTED_APP.format(inspector_port=inspector_port)
    )
    port = free_port()
    with serving(tmp_path, "inspected:app", "-p", str(port), port=port) as proc:
        worker_pid = get(port).split()[1]
        where = ["-H", "127.0.0.1", "-p", str(inspector_port)]

        # sanic inspect: the app's info and each worker's state, readable
        shown = _wait_for_inspector(tmp_path, inspector_port)
        assert "cli_inspected" in shown
        assert "Sanic-Server-0-0" in shown
        assert worker_pid in shown

        # a wrong or missing API key is refused, in one line
        refused = run_in_process(capsys, "inspect", *where, "--api-key", "wrong")
        assert refused == (
            1,
            "",
            "sanic inspect: the inspector refused the request: "
            "a missing or wrong API key (--api-key)\n",
        )
        assert run_in_process(capsys, "inspect", *where)[0] == 1

        # --inspect-raw: the app's own inspector (its config), as JSON
        raw = sanic(tmp_path, "inspected:app", "--inspect-raw")
        assert raw.returncode == 0, raw.stderr
        data = json.loads(raw.stdout)
        assert data["result"]["workers"]["Sanic-Server-0-0"]["pid"] == int(worker_pid)

        # --inspect: the same, readable
        readable = sanic(tmp_path, "inspected:app", "--inspect")
        assert readable.returncode == 0
        assert "Sanic-Server-0-0" in readable.stdout

        # an unknown action is one line
        status, _, err = run_in_process(
            capsys, "inspect", *where, "-k", "s3cret", "no_such_action"
        )
        assert status == 1
        assert err.count("\n") == 1

        # --trigger-shutdown stops the whole instance
        stopped = sanic(tmp_path, "inspected:app", "--trigger-shutdown")
        assert stopped.returncode == 0, stopped.stderr
        assert proc.wait(timeout=20) == 0


def test_inspect_without_an_inspector_is_one_line(tmp_path):
    port = free_port()
    result = sanic(tmp_path, "inspect", "-H", "127.0.0.1", "-p", str(port))
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1
    assert "connection refused" in result.stderr


@pytest.mark.parametrize(
    "args, message",
    [
        (["scale"], "scale needs one number of workers"),
        (["scale", "none"], "the number of workers must be 1 or more, not 'none'"),
        (["shutdown", "--now"], "shutdown: unknown option --now"),
        (["reload", "--zero-downtime=yes"], "--zero-downtime takes no value"),
        (["custom", "stray"], "unexpected 'stray': give arguments as --key=value"),
        (["-p", "99999"], "--port must be a port number"),
    ],
)
def test_inspect_argument_mistakes_are_caught_before_any_request(args, message):
    with pytest.raises(CLIError, match=message):
        run_inspect(args)


def test_inspect_actions_become_client_calls(monkeypatch):
    calls = []

    class Recorder:
        def __init__(self, *args):
            calls.append(("client", args))

        def info(self):
            calls.append(("info",))

        def do(self, action, **kwargs):
            calls.append((action, kwargs))

    monkeypatch.setattr("sanic.cli.inspector_client.InspectorClient", Recorder)
    run_inspect(["-H", "10.0.0.1", "-p", "7000", "-s", "-k", "key", "--raw"])
    run_inspect(["reload", "--zero-downtime"])
    run_inspect(["scale", "3"])
    run_inspect(["shutdown"])
    run_inspect(["flush_cache", "--level=2", "--all"])
    assert calls == [
        ("client", ("10.0.0.1", 7000, True, True, "key")),
        ("info",),
        ("client", ("localhost", 6457, False, False, None)),
        ("reload", {"zero_downtime": True}),
        ("client", ("localhost", 6457, False, False, None)),
        ("scale", {"replicas": 3}),
        ("client", ("localhost", 6457, False, False, None)),
        ("shutdown", {}),
        ("client", ("localhost", 6457, False, False, None)),
        ("flush_cache", {"level": "2", "all": True}),
    ]
