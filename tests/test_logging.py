"""Logging, as a user sees it: access records from a real server, the formatters'
output on a real process's stdout/stderr (on a terminal and off one), log_config,
configure_logging=False, and request.id.

https://sanic.dev/en/guide/best-practices/logging.html
https://sanic.dev/en/release-notes/2024/v24.4.html (formatters, NO_COLOR)
"""

from __future__ import annotations

import json
import logging
import logging.config
import os
import re
import select
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from sanic import Sanic
from sanic.log import LOGGING_CONFIG_DEFAULTS, logger
from sanic.logging.setup import setup_logging
from sanic.response import json as json_response
from sanic.response import text
from tests.server_thread import (
    connect,
    read_responses,
    read_until_closed,
    serve_in_thread,
)

TIMESTAMP = r"\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d [+-]\d{4}\]"
ANSI = "\x1b["


@pytest.fixture(autouse=True)
def restore_logging():
    """Each test may reconfigure logging; put Sanic's defaults back after it."""
    yield
    logging.config.dictConfig(LOGGING_CONFIG_DEFAULTS)
    setup_logging(False)


# ---- a real app in a real process ------------------------------------------------

APP_SCRIPT = r"""
import asyncio
import logging
import sys

from sanic import Sanic, text
from sanic.log import LOGGING_CONFIG_DEFAULTS, Colors, logger

mode, variant = sys.argv[1], sys.argv[2]
formatters = LOGGING_CONFIG_DEFAULTS["formatters"]
if variant == "json":
    # The docs' way to change only the formatters.
    formatters["generic"]["class"] = "sanic.logging.formatter.JSONFormatter"
    formatters["access"]["class"] = "sanic.logging.formatter.JSONAccessFormatter"
    app = Sanic("LogApp", log_config=LOGGING_CONFIG_DEFAULTS)
elif variant == "legacy":
    formatters["generic"]["class"] = "sanic.logging.formatter.LegacyFormatter"
    formatters["access"]["class"] = "sanic.logging.formatter.LegacyAccessFormatter"
    app = Sanic("LogApp", log_config=LOGGING_CONFIG_DEFAULTS)
elif variant == "custom_format":
    formatters["access"]["format"] = "CUSTOM %(host)s|%(request)s|%(status)d|%(byte)d"
    app = Sanic("LogApp", log_config=LOGGING_CONFIG_DEFAULTS)
elif variant == "unconfigured":
    logging.basicConfig(
        stream=sys.stdout, level=logging.INFO, format="USER|%(name)s|%(message)s"
    )
    app = Sanic("LogApp", configure_logging=False)
else:
    app = Sanic("LogApp")


@app.get("/hello")
async def hello(request):
    logger.debug("a debug detail")
    logger.info("inside handler", extra={"user": "alice"})
    logger.info(f"{Colors.GREEN}green words{Colors.END}")
    return text("hi")


async def fetch(port, path):
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(
        f"GET {path} HTTP/1.1\r\nHost: example.test\r\nConnection: close\r\n\r\n".encode()
    )
    await writer.drain()
    await reader.read()
    writer.close()


async def main():
    server = await app.create_server(
        host="127.0.0.1", port=0, debug=mode == "debug", access_log=True
    )
    await server.startup()
    await server.before_start()
    await server.start_serving()
    await server.after_start()
    await fetch(server.port, "/hello?x=1")
    await fetch(server.port, "/missing")
    await server.before_stop()
    server.close()
    await server.wait_closed()
    await server.after_stop()


asyncio.run(main())
"""


def _env(**extra: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("SANIC_") and key != "NO_COLOR"
    }
    env.update(extra)
    return env


def _run_on_terminal(cmd: list[str], env: dict[str, str], timeout: float) -> str:
    """Run ``cmd`` with stdout and stderr on a pseudo-terminal; what it printed."""
    try:
        import pty
    except ImportError:  # pragma: no cover - Windows
        pytest.skip("needs a pseudo-terminal (the pty module), which this OS lacks")
    master, slave = pty.openpty()
    proc = subprocess.Popen(
        cmd, stdin=subprocess.DEVNULL, stdout=slave, stderr=slave, env=env
    )
    os.close(slave)
    chunks: list[bytes] = []
    deadline = time.monotonic() + timeout
    try:
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                proc.kill()
                raise AssertionError(f"app timed out; printed: {b''.join(chunks)!r}")
            ready, _, _ = select.select([master], [], [], remaining)
            if not ready:
                continue
            try:
                data = os.read(master, 65536)
            except OSError:  # EIO: the process closed the terminal
                break
            if not data:
                break
            chunks.append(data)
    finally:
        os.close(master)
        proc.wait(timeout=10)
    output = b"".join(chunks).decode().replace("\r\n", "\n")
    assert proc.returncode == 0, output
    return output


def run_app(
    tmp_path: Path, mode: str, variant: str = "default", tty: bool = False, **env: str
) -> str:
    """Run the app above in its own process; everything it wrote (stdout, stderr)."""
    script = tmp_path / "log_app.py"
    script.write_text(APP_SCRIPT)
    cmd = [sys.executable, str(script), mode, variant]
    if tty:
        return _run_on_terminal(cmd, _env(**env), timeout=30)
    done = subprocess.run(
        cmd, capture_output=True, text=True, env=_env(**env), timeout=30, cwd=tmp_path
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout + done.stderr


def lines_with(output: str, needle: str) -> list[str]:
    return [line for line in output.splitlines() if needle in line]


def strip_ansi(text_: str) -> str:
    return re.sub(r"\x1b\[[0-9;]*m", "", text_)


# ---- the formatters on a real process's output -----------------------------------


def test_debug_output_on_a_terminal_is_coloured_and_short(tmp_path):
    output = run_app(tmp_path, "debug", tty=True)
    assert ANSI in output
    plain = strip_ansi(output)
    # The level is DEBUG in debug mode; messages carry no timestamp...
    assert "[DEBUG] a debug detail" in plain
    (line,) = lines_with(plain, "inside handler")
    assert line.startswith("[INFO] inside handler")
    assert not re.search(TIMESTAMP, line)
    # ...except access lines; extra fields are shown in debug (LOG_EXTRA default).
    assert "user=alice" in line
    (access,) = lines_with(plain, "/hello")
    assert re.match(TIMESTAMP, access)
    assert re.search(
        r"127\.0\.0\.1:\d+ GET http://example\.test/hello\?x=1 200 2B", access
    )
    # The status is coloured by its class; Colors in a message stay.
    assert "\x1b[32m200" in output
    assert "\x1b[32mgreen words\x1b[0m" in output
    assert re.search(r"GET http://example\.test/missing\S* \S*404", plain)


def test_production_output_is_not_coloured_even_on_a_terminal(tmp_path):
    output = run_app(tmp_path, "prod", tty=True)
    assert ANSI not in output
    assert "a debug detail" not in output  # INFO and up in production
    (line,) = lines_with(output, "inside handler")
    assert re.fullmatch(TIMESTAMP + r" \[\d+\] \[INFO\] inside handler", line)
    assert "alice" not in output  # LOG_EXTRA is off in production by default
    (green,) = lines_with(output, "green words")  # Colors in a message: stripped
    assert re.fullmatch(TIMESTAMP + r" \[\d+\] \[INFO\] green words", green)
    (access,) = lines_with(output, "/hello")
    assert re.fullmatch(
        TIMESTAMP + r" \[\d+\] \[INFO\] 127\.0\.0\.1:\d+ "
        r"GET http://example\.test/hello\?x=1 200 2B \d+\.\dms",
        access,
    )
    (missing,) = lines_with(output, "/missing")
    assert " 404 " in missing


@pytest.mark.parametrize(
    "env", [{"SANIC_NO_COLOR": "true"}, {"NO_COLOR": "1"}], ids=["config", "env"]
)
def test_no_color_removes_colour_from_debug_output(tmp_path, env):
    output = run_app(tmp_path, "debug", tty=True, **env)
    assert ANSI not in output
    assert "[INFO] inside handler user=alice" in output
    assert lines_with(output, "green words")


def test_debug_output_off_a_terminal_is_not_coloured(tmp_path):
    output = run_app(tmp_path, "debug")
    assert ANSI not in output
    assert "[DEBUG] a debug detail" in output
    assert "[INFO] inside handler user=alice" in output
    assert lines_with(output, "GET http://example.test/hello?x=1 200 2B")


@pytest.mark.parametrize(
    ("mode", "setting", "shown"),
    [("prod", "true", True), ("debug", "false", False)],
)
def test_log_extra_config_decides_whether_extra_fields_show(
    tmp_path, mode, setting, shown
):
    output = run_app(tmp_path, mode, SANIC_LOG_EXTRA=setting)
    (line,) = lines_with(output, "inside handler")
    assert ("user=alice" in line) is shown


def test_json_formatters_write_one_object_per_line(tmp_path):
    output = run_app(tmp_path, "prod", "json", tty=True)
    records = [json.loads(line) for line in output.splitlines() if line.strip()]
    assert all(isinstance(record, dict) for record in records)
    (handler_record,) = [r for r in records if r["message"] == "inside handler"]
    assert handler_record["level"] == "INFO"
    assert handler_record["logger"] == "sanic.root"
    assert handler_record["user"] == "alice"  # extra fields travel as fields
    assert isinstance(handler_record["process"], int)
    assert re.match(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d", handler_record["timestamp"])
    assert [r for r in records if r["message"] == "green words"]  # no ANSI in JSON
    access = [r for r in records if r["logger"] == "sanic.access"]
    assert len(access) == 2
    hello, missing = access
    assert hello["request"] == "GET http://example.test/hello?x=1"
    assert hello["status"] == 200
    assert hello["byte"] == 2
    assert re.fullmatch(r"127\.0\.0\.1:\d+", hello["host"])
    assert isinstance(hello["duration"], float) and 0 <= hello["duration"] < 5
    assert missing["request"] == "GET http://example.test/missing"
    assert missing["status"] == 404


def test_legacy_formatters_keep_the_format_from_before_24_3(tmp_path):
    output = run_app(tmp_path, "prod", "legacy")
    (line,) = lines_with(output, "inside handler")
    assert re.fullmatch(TIMESTAMP + r" \[\d+\] \[INFO\] inside handler", line)
    (access,) = lines_with(output, "/hello")
    assert re.fullmatch(
        TIMESTAMP + r" - \(sanic\.access\)\[INFO\]\[127\.0\.0\.1:\d+\]: "
        r"GET http://example\.test/hello\?x=1  200 2",
        access,
    )


def test_a_format_given_in_log_config_is_used(tmp_path):
    output = run_app(tmp_path, "debug", "custom_format", tty=True)
    (access,) = lines_with(output, "/hello")
    assert re.fullmatch(
        r"CUSTOM 127\.0\.0\.1:\d+\|GET http://example\.test/hello\?x=1\|200\|2", access
    )


def test_configure_logging_false_leaves_output_to_the_apps_own_config(tmp_path):
    output = run_app(tmp_path, "prod", "unconfigured")
    lines = [line for line in output.splitlines() if line.strip()]
    assert lines, "the app's own handler saw nothing"
    assert all(line.startswith("USER|") for line in lines), lines
    assert "USER|sanic.root|inside handler" in lines
    assert [line for line in lines if line.startswith("USER|sanic.access|")]


# ---- access records from a real server (in this process) -------------------------


def _access_records(caplog) -> list[logging.LogRecord]:
    return [record for record in caplog.records if record.name == "sanic.access"]


def _exchange(port: int, *paths: str) -> list[bytes]:
    sock = connect(port)
    try:
        sock.sendall(
            b"".join(
                f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode()
                for path in paths
            )
        )
        responses = read_responses(sock, len(paths))
        client_port = sock.getsockname()[1]
    finally:
        sock.close()
    assert len(responses) == len(paths)
    return responses, client_port


def test_access_log_writes_one_record_per_request_with_its_fields(app, caplog):
    @app.get("/slow")
    async def slow(request):
        import asyncio

        await asyncio.sleep(0.05)
        return text("twelve bytes")

    @app.post("/empty")
    async def empty(request):
        return text("")

    caplog.set_level(logging.INFO, logger="sanic.access")
    with serve_in_thread(app, access_log=True) as port:
        _, client_port = _exchange(port, "/slow?q=1", "/nowhere")
    records = _access_records(caplog)
    assert len(records) == 2
    slow_record, missing = records
    assert slow_record.request == f"GET http://127.0.0.1:{port}/slow?q=1"
    assert slow_record.status == 200
    assert slow_record.byte == len(b"twelve bytes")
    assert slow_record.host == f"127.0.0.1:{client_port}"
    assert 0.04 <= slow_record.duration < 5  # the handler slept 0.05 s
    assert slow_record.levelno == logging.INFO
    assert missing.request == f"GET http://127.0.0.1:{port}/nowhere"
    assert missing.status == 404
    assert missing.byte > 0


def test_access_log_of_a_streamed_response(app, caplog):
    @app.get("/stream")
    async def stream(request):
        response = await request.respond(content_type="text/plain")
        await response.send("part one, ")
        await response.send("part two")
        await response.eof()

    caplog.set_level(logging.INFO, logger="sanic.access")
    with serve_in_thread(app, access_log=True) as port:
        sock = connect(port)
        sock.sendall(b"GET /stream HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        assert b"part two" in read_until_closed(sock)
        sock.close()
    (record,) = _access_records(caplog)
    assert record.status == 200
    assert record.request == "GET http://x/stream"
    assert record.byte == -1  # not known up front: the documented "no size"


@pytest.mark.parametrize(
    ("server_kwargs", "config", "expected"),
    [
        ({"access_log": False}, {}, 0),
        ({}, {}, 0),  # production default: off
        ({}, {"ACCESS_LOG": True}, 1),
        ({"access_log": False}, {"ACCESS_LOG": True}, 0),  # the argument wins
        ({"debug": True}, {}, 1),  # debug turns it on
        ({"debug": True, "access_log": False}, {}, 0),
    ],
    ids=["arg-off", "default", "config-on", "arg-beats-config", "debug", "debug-off"],
)
def test_access_log_on_and_off(app, caplog, server_kwargs, config, expected):
    @app.get("/")
    async def index(request):
        return text("x")

    app.config.update(config)
    caplog.set_level(logging.INFO, logger="sanic.access")
    with serve_in_thread(app, **server_kwargs) as port:
        _exchange(port, "/")
    assert len(_access_records(caplog)) == expected


def test_log_config_is_applied(tmp_path):
    log_file = tmp_path / "access.log"
    config = {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"plain": {"format": "%(request)s -> %(status)d %(byte)d"}},
        "handlers": {
            "file": {
                "class": "logging.FileHandler",
                "filename": str(log_file),
                "formatter": "plain",
            }
        },
        "loggers": {
            "sanic.access": {"level": "INFO", "handlers": ["file"], "propagate": False},
            "sanic.root": {"level": "WARNING", "handlers": [], "propagate": False},
        },
    }
    app = Sanic(f"logcfg_{uuid.uuid4().hex[:8]}", log_config=config)
    try:

        @app.get("/here")
        async def here(request):
            return text("ok")

        assert logging.getLogger("sanic.root").level == logging.WARNING
        with serve_in_thread(app, access_log=True) as port:
            _exchange(port, "/here")
        logging.getLogger("sanic.access").handlers[0].flush()
        assert log_file.read_text() == f"GET http://127.0.0.1:{port}/here -> 200 2\n"
    finally:
        Sanic.unregister_app(app)


def test_configure_logging_false_keeps_the_apps_handlers_and_levels():
    class Collect(logging.Handler):
        def __init__(self) -> None:
            super().__init__()
            self.records: list[logging.LogRecord] = []

        def emit(self, record: logging.LogRecord) -> None:
            self.records.append(record)

    mine = Collect()
    access = logging.getLogger("sanic.access")
    sanic_root = logging.getLogger("sanic.root")
    logging.root.addHandler(mine)
    try:
        _serve_unconfigured(mine, access, sanic_root)
    finally:
        logging.root.removeHandler(mine)


def _serve_unconfigured(mine, access, sanic_root):
    access.handlers[:] = []
    sanic_root.handlers[:] = []
    sanic_root.setLevel(logging.WARNING)
    before = {
        name: (list(lg.handlers), lg.level, lg.propagate)
        for name, lg in [("", logging.root), ("sanic.root", sanic_root)]
        + [("sanic.access", access)]
    }

    app = Sanic(f"nocfg_{uuid.uuid4().hex[:8]}", configure_logging=False)
    try:

        @app.get("/")
        async def index(request):
            return text("x")

        with serve_in_thread(app, debug=True, access_log=True) as port:
            _exchange(port, "/")
    finally:
        Sanic.unregister_app(app)
    after = {
        name: (list(lg.handlers), lg.level, lg.propagate)
        for name, lg in [("", logging.root), ("sanic.root", sanic_root)]
        + [("sanic.access", access)]
    }
    assert after == before  # not even debug mode changed a level
    assert [r.name for r in mine.records if r.name == "sanic.access"] == [
        "sanic.access"
    ]


def test_verbosity_filter_hides_records_above_the_running_verbosity(caplog):
    caplog.set_level(logging.INFO, logger="sanic.root")
    logger.info("chatty", extra={"verbosity": 1})
    logger.info("always")
    assert [r.getMessage() for r in caplog.records] == ["always"]
    setup_logging(False, verbosity=1)
    logger.info("chatty", extra={"verbosity": 1})
    assert [r.getMessage() for r in caplog.records] == ["always", "chatty"]


# ---- request.id and REQUEST_ID_HEADER ----------------------------------------------


def _request_id(port: int, headers: dict[str, str]) -> dict:
    sock = connect(port)
    head = "".join(f"{name}: {value}\r\n" for name, value in headers.items())
    sock.sendall(
        f"GET /id HTTP/1.1\r\nHost: x\r\n{head}Connection: close\r\n\r\n".encode()
    )
    raw = read_until_closed(sock)
    sock.close()
    return json.loads(raw.split(b"\r\n\r\n", 1)[1])


@pytest.fixture
def id_app(app):
    @app.get("/id")
    async def show_id(request):
        return json_response(
            {"type": type(request.id).__name__, "value": str(request.id)}
        )

    return app


def test_request_id_from_a_uuid_header_is_a_uuid(id_app):
    value = str(uuid.uuid4())
    with serve_in_thread(id_app) as port:
        assert _request_id(port, {"X-Request-ID": value}) == {
            "type": "UUID",
            "value": value,
        }


def test_request_id_from_an_integer_header_is_an_int(id_app):
    with serve_in_thread(id_app) as port:
        assert _request_id(port, {"X-Request-ID": "12345"}) == {
            "type": "int",
            "value": "12345",
        }


def test_request_id_from_another_header_is_kept_as_a_string(id_app):
    with serve_in_thread(id_app) as port:
        assert _request_id(port, {"X-Request-ID": "trace-abc"}) == {
            "type": "str",
            "value": "trace-abc",
        }


def test_request_id_header_name_comes_from_config(id_app):
    id_app.config.REQUEST_ID_HEADER = "X-Trace-ID"
    with serve_in_thread(id_app) as port:
        assert _request_id(port, {"X-Trace-ID": "777"}) == {
            "type": "int",
            "value": "777",
        }
        ignored = _request_id(port, {"X-Request-ID": "12345"})
    assert ignored["type"] == "UUID"  # the default header no longer counts


def test_request_id_is_generated_without_the_header(id_app):
    with serve_in_thread(id_app) as port:
        first = _request_id(port, {})
        second = _request_id(port, {})
    assert first["type"] == second["type"] == "UUID"
    assert uuid.UUID(first["value"]).version == 4
    assert first["value"] != second["value"]
