"""The startup box: what it shows, through the sanic.server logger, box or plain."""

from __future__ import annotations

import io
import logging
import platform
import subprocess
import sys
import textwrap

import pytest

from sanic import __version__
from sanic.application.logo import DEFAULT_LOGO
from sanic.application.motd import render_box, show_motd
from sanic.application.state import Mode
from sanic.logging.color import strip_colors

LOCATION = "http://127.0.0.1:8000"
BOX_CHARS = set("─│┌┐└┘├┤┬┴")


class FakeTerminal(io.StringIO):
    encoding = "utf-8"

    def isatty(self) -> bool:
        return True


@pytest.fixture
def output(monkeypatch):
    """Route the sanic.server logger to one stream, a plain one by default;
    ``output.terminal()`` makes it a terminal."""
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("COLUMNS", "200")
    log = logging.getLogger("sanic.server")
    saved = (log.handlers[:], log.propagate, log.level)

    class Output:
        stream: io.StringIO = io.StringIO()

        def use(self, stream: io.StringIO) -> None:
            self.stream = stream
            handler = logging.StreamHandler(stream)
            handler.setFormatter(logging.Formatter("%(message)s"))
            log.handlers = [handler]

        def terminal(self) -> None:
            self.use(FakeTerminal())

        @property
        def text(self) -> str:
            return self.stream.getvalue()

    out = Output()
    out.use(io.StringIO())
    log.propagate = False
    log.setLevel(logging.INFO)
    try:
        yield out
    finally:
        log.handlers, log.propagate, log.level = saved


def assert_plain(text: str) -> None:
    assert "\x1b" not in text
    assert not BOX_CHARS & set(text)


def test_plain_when_not_a_terminal(app, output):
    show_motd(app, LOCATION, workers=1, mode="production")
    text = output.text
    assert_plain(text)
    lines = text.splitlines()
    assert lines[1 : 1 + len(DEFAULT_LOGO.splitlines())] == [
        line.rstrip() for line in DEFAULT_LOGO.splitlines()
    ]
    assert f"Sanic v{__version__}" in lines
    assert f"Goin' Fast @ {LOCATION}" in lines
    values = {
        key.strip(): value
        for key, _, value in (line.partition(": ") for line in lines if ": " in line)
    }
    assert values["app"] == app.name
    assert values["mode"] == "production, single worker"
    assert values["server"] == "sanic, HTTP/1.1"
    assert values["python"] == platform.python_version()
    assert values["platform"] == platform.platform()
    assert values["packages"].startswith(f"sanic=={__version__}")
    assert "auto-reload" not in values


def test_a_box_with_colours_on_a_terminal(app, output):
    output.terminal()
    show_motd(app, LOCATION, workers=1, mode="debug")
    text = output.text
    assert "\x1b[" in text  # coloured
    box = strip_colors(text).strip("\n").splitlines()
    assert box[0].startswith("┌") and box[-1].startswith("└")
    assert len({len(line) for line in box}) == 1, "the box's lines differ in width"
    assert all(line[0] in "┌│├└" and line[-1] in "┐│┤┘" for line in box)
    assert any(f"Goin' Fast @ {LOCATION}" in line for line in box)
    assert any("mode: debug, single worker" in line for line in box)
    assert any(DEFAULT_LOGO.splitlines()[1].rstrip() in line for line in box)


@pytest.mark.parametrize(
    "mode, workers, expected",
    [
        ("debug", 1, "debug, single worker"),
        ("production", 4, "production, 4 workers"),
        (Mode.DEBUG, 2, "debug, 2 workers"),
        (Mode.PRODUCTION, 1, "production, single worker"),
    ],
)
def test_mode_names_the_workers(app, output, mode, workers, expected):
    show_motd(app, LOCATION, workers=workers, mode=mode)
    assert f"mode: {expected}" in output.text


@pytest.mark.parametrize("how", ["config", "environment"])
def test_no_color_gives_plain_text_even_on_a_terminal(app, output, monkeypatch, how):
    output.terminal()
    if how == "config":
        app.config.NO_COLOR = True
    else:
        monkeypatch.setenv("NO_COLOR", "1")
    show_motd(app, LOCATION, workers=1, mode="debug")
    assert_plain(output.text)
    assert "mode: debug, single worker" in output.text


def test_a_terminal_too_narrow_for_the_box_gets_plain_text(app, output, monkeypatch):
    output.terminal()
    monkeypatch.setenv("COLUMNS", "40")
    show_motd(app, LOCATION, workers=1, mode="debug")
    assert not BOX_CHARS & set(output.text)
    assert render_box(["x"], [], {"k": "v" * 50}, columns=40) is None


def test_a_custom_logo_replaces_the_default(app, output):
    app.config.LOGO = "\n  MY  APP\n  LOGO\n\n"
    show_motd(app, LOCATION, workers=1, mode="production")
    lines = output.text.splitlines()
    assert lines[1:3] == ["  MY  APP", "  LOGO"]
    assert DEFAULT_LOGO.splitlines()[1].rstrip() not in output.text


def test_a_custom_logo_in_the_box(app, output):
    output.terminal()
    app.config.LOGO = "\x1b[31mRED\x1b[0m LOGO"
    show_motd(app, LOCATION, workers=1, mode="debug")
    box = strip_colors(output.text).strip("\n").splitlines()
    assert any("│ RED LOGO │" in line for line in box)
    assert len({len(line) for line in box}) == 1


def test_an_empty_logo_shows_none(app, output):
    app.config.LOGO = ""
    show_motd(app, LOCATION, workers=1, mode="production")
    assert output.text.splitlines()[1] == f"Sanic v{__version__}"


def test_motd_display_adds_lines(app, output):
    app.config.MOTD_DISPLAY = {"database": "postgres://db", "cache": "redis"}
    show_motd(
        app, LOCATION, workers=1, mode="production", display={"region": "eu-west"}
    )
    lines = [line.strip() for line in output.text.splitlines()]
    packages = next(i for i, line in enumerate(lines) if line.startswith("packages:"))
    assert lines[packages + 1 :] == [
        "database: postgres://db",
        "cache: redis",
        "region: eu-west",
    ]


def test_motd_display_cannot_break_the_box(app, output):
    output.terminal()
    app.config.MOTD_DISPLAY = {"multi\nline": "one\ntwo\r\x1b[2Jthree"}
    show_motd(app, LOCATION, workers=1, mode="debug")
    box = strip_colors(output.text).strip("\n").splitlines()
    assert len({len(line) for line in box}) == 1
    assert any("multi line: one two  [2Jthree" in line for line in box)


def test_auto_reload_is_shown_when_on(app, output):
    app.state.auto_reload = True
    show_motd(app, LOCATION, workers=1, mode="debug")
    assert "auto-reload: enabled" in output.text


def test_motd_off_logs_one_line(app, output):
    app.config.MOTD = False
    show_motd(app, LOCATION, workers=2, mode="production")
    assert output.text == (
        f"Sanic v{__version__}: {app.name} at {LOCATION} (production, 2 workers)\n"
    )


def test_the_logging_level_applies(app, output):
    logging.getLogger("sanic.server").setLevel(logging.WARNING)
    show_motd(app, LOCATION, workers=1, mode="production")
    assert output.text == ""


def test_default_logging_to_a_pipe_is_plain(tmp_path):
    script = textwrap.dedent(
        """
        from sanic import Sanic
        from sanic.application.motd import show_motd

        app = Sanic("PipedApp")
        app.config.MOTD_DISPLAY = {"extra": "shown"}
        show_motd(app, "https://example.test:8443", workers=3, mode="production")
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        timeout=30,
        cwd=tmp_path,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": ":".join(sys.path)},
    )
    assert result.returncode == 0, result.stderr
    assert_plain(result.stdout)
    assert "Goin' Fast @ https://example.test:8443" in result.stdout
    assert "mode: production, 3 workers" in result.stdout
    assert "extra: shown" in result.stdout
    assert "[INFO]" in result.stdout  # through Sanic's own log format
