"""``sanic <target>``: every way of naming the app serves it; every way of
getting it wrong is one line and exit status 1, with no traceback."""

from __future__ import annotations

import textwrap

import pytest

from tests.cli.helpers import get, sanic, serving, write_app
from tests.net import free_port


def test_module_colon_app_serves(tmp_path):
    write_app(tmp_path, "server")
    port = free_port()
    with serving(tmp_path, "server:app", "--port", str(port), port=port) as proc:
        assert get(port).startswith("up ")
    assert proc.returncode == 0


def test_dotted_attribute_path_in_a_package_serves(tmp_path):
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "__init__.py").write_text("")
    write_app(package, "server", name="cli_dotted")
    port = free_port()
    with serving(
        tmp_path, "pkg.server.app", "--single-process", "--port", str(port), port=port
    ):
        assert get(port).startswith("up ")


def test_python_file_path_serves(tmp_path):
    write_app(tmp_path, "by_file")
    port = free_port()
    with serving(
        tmp_path, "./by_file.py", "--single-process", "-p", str(port), port=port
    ):
        assert get(port).startswith("up ")


def test_factory_flag_calls_the_factory(tmp_path):
    (tmp_path / "factory.py").write_text(
        textwrap.dedent(
            """
            from sanic import Sanic
            from sanic.response import text

            def create_app():
                app = Sanic("cli_factory")

                @app.get("/")
                async def index(request):
                    return text("made by the factory")

                return app
            """
        )
    )
    port = free_port()
    with serving(
        tmp_path,
        "factory:create_app",
        "--factory",
        "--single-process",
        "--port",
        str(port),
        port=port,
    ):
        assert get(port) == "made by the factory"


def test_simple_serves_a_directory(tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("<h1>static home</h1>")
    (site / "notes.txt").write_text("plain notes")
    try:
        from sanic.static import register_static  # noqa: F401
    except ImportError:
        pytest.skip("app.static is not built yet (static files are another issue)")
    port = free_port()
    with serving(
        tmp_path, "./site", "--simple", "--single-process", "-p", str(port), port=port
    ):
        assert "static home" in get(port)
        assert get(port, "/notes.txt") == "plain notes"


def _one_line_error(result, *fragments: str) -> None:
    assert result.returncode == 1, result
    assert "Traceback" not in result.stderr, result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("sanic: error: ")
    for fragment in fragments:
        assert fragment in lines[0]


def test_unknown_module_is_one_line(tmp_path):
    result = sanic(tmp_path, "no_such_module:app")
    _one_line_error(result, "no module named 'no_such_module'")


def test_missing_attribute_is_one_line(tmp_path):
    write_app(tmp_path, "server")
    _one_line_error(sanic(tmp_path, "server:nope"), "server has no 'nope'")


def test_missing_file_is_one_line(tmp_path):
    _one_line_error(sanic(tmp_path, "./missing.py"), "no such file")


def test_factory_that_is_not_callable_is_one_line(tmp_path):
    (tmp_path / "notfactory.py").write_text("settings = 42\n")
    result = sanic(tmp_path, "notfactory:settings", "--factory")
    _one_line_error(result, "not callable")


def test_target_that_is_not_an_app_is_one_line(tmp_path):
    (tmp_path / "notapp.py").write_text("app = 'a string'\n")
    _one_line_error(sanic(tmp_path, "notapp:app"), "not a Sanic app")


def test_module_raising_on_import_is_one_line_naming_the_error(tmp_path):
    (tmp_path / "broken.py").write_text("import os\nresult = 1 / 0\n")
    result = sanic(tmp_path, "broken:app")
    _one_line_error(result, "ZeroDivisionError", "division by zero", "--debug")


def test_factory_raising_is_one_line(tmp_path):
    (tmp_path / "badfactory.py").write_text(
        "def create():\n    raise RuntimeError('no database')\n"
    )
    result = sanic(tmp_path, "badfactory:create", "--factory")
    _one_line_error(result, "RuntimeError: no database")


def test_debug_shows_the_traceback_of_an_import_error(tmp_path):
    (tmp_path / "broken.py").write_text("result = 1 / 0\n")
    result = sanic(tmp_path, "broken:app", "--debug")
    assert result.returncode == 1
    assert "Traceback" in result.stderr
    assert "ZeroDivisionError" in result.stderr
    assert result.stderr.rstrip().splitlines()[-1].startswith("sanic: error: ")


def test_simple_with_a_missing_directory_is_one_line(tmp_path):
    _one_line_error(sanic(tmp_path, "./nowhere", "--simple"), "not a directory")
