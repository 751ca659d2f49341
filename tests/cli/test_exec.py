"""Custom commands: ``@app.command`` and ``sanic path.to:app exec NAME --arg=value``."""

from __future__ import annotations

import textwrap
import uuid
from pathlib import Path

import pytest

from sanic import Sanic
from sanic.cli.base import CLIError
from sanic.cli.executor import parse_arguments, run_command
from tests.cli.helpers import sanic

COMMANDS = """\
from pathlib import Path
from sanic import Sanic

app = Sanic("cli_commands")

@app.command
async def hello(name="world"):
    print(f"Hello, {name}.")

@app.command(name="greet")
def greeting(who: str, times: int = 1, ratio: float = 1.0, loud: bool = False):
    for _ in range(times):
        print(("HI" if loud else "hi"), who, ratio * 2, type(times).__name__)

@app.command
def fail():
    raise RuntimeError("the database is down")
"""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "commands.py").write_text(COMMANDS)
    return tmp_path


def test_exec_runs_an_async_command_with_its_default(project):
    result = sanic(project, "commands:app", "exec", "hello")
    assert result.returncode == 0, result.stderr
    assert result.stdout == "Hello, world.\n"


def test_exec_passes_arguments_as_in_the_docs(project):
    result = sanic(project, "commands:app", "exec", "hello", "--name=Adam")
    assert result.stdout == "Hello, Adam.\n"


def test_exec_converts_arguments_by_their_annotations(project):
    result = sanic(
        project,
        "commands:app",
        "exec",
        "greet",
        "--who=Ada",
        "--times=2",
        "--ratio",
        "1.25",
        "--loud",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == "HI Ada 2.5 int\nHI Ada 2.5 int\n"


def test_exec_bool_takes_explicit_values(project):
    result = sanic(project, "commands:app", "exec", "greet", "--who=x", "--loud=no")
    assert result.stdout == "hi x 2.0 int\n"


@pytest.mark.parametrize(
    "args, message",
    [
        (["nope"], "unknown command 'nope': the app's commands are fail, greet, hello"),
        ([], "exec needs a command name: the app's commands are fail, greet, hello"),
        (
            ["greet", "--who=x", "--times=many"],
            "--times expects an integer, not 'many'",
        ),
        (["greet", "--who=x", "--loud=maybe"], "--loud expects true or false"),
        (["greet"], "exec greet: missing --who"),
        (["greet", "--who=x", "--colour=red"], "unknown argument --colour"),
        (["greet", "stray"], "unexpected 'stray'"),
        (["fail"], "RuntimeError: the database is down"),
    ],
)
def test_exec_mistakes_are_one_line(project, args, message):
    result = sanic(project, "commands:app", "exec", *args)
    assert result.returncode == 1, result
    assert "Traceback" not in result.stderr
    assert result.stderr.count("\n") == 1, result.stderr
    assert message in result.stderr


def test_exec_on_an_app_without_commands_says_how_to_add_one(tmp_path):
    (tmp_path / "bare.py").write_text(
        "from sanic import Sanic\napp = Sanic('cli_bare')\n"
    )
    result = sanic(tmp_path, "bare:app", "exec", "anything")
    assert result.returncode == 1
    assert "the app has no commands (register one with @app.command)" in result.stderr


# ---- in process: the decorator and the conversions ----------------------------


@pytest.fixture
def fresh_app():
    app = Sanic(f"cmd_{uuid.uuid4().hex[:10]}")
    yield app
    Sanic.unregister_app(app)


def test_command_decorator_bare_and_named_returns_the_function(fresh_app):
    def plain():
        pass

    async def other():
        pass

    assert fresh_app.command(plain) is plain
    assert fresh_app.command(name="renamed")(other) is other
    assert fresh_app._commands == {"plain": plain, "renamed": other}


def test_command_names_must_be_typable(fresh_app):
    with pytest.raises(ValueError, match="can't be typed after 'exec'"):
        fresh_app.command(name="two words")(lambda: None)


def test_optional_and_path_annotations_convert(fresh_app):
    def job(limit: int | None = None, where: Path = Path("."), tag: str | None = None):
        pass

    kwargs = parse_arguments("job", job, ["--limit=3", "--where=/tmp", "--tag", "x"])
    assert kwargs == {"limit": 3, "where": Path("/tmp"), "tag": "x"}


def test_kwargs_command_takes_any_argument_as_a_string(fresh_app):
    seen = {}

    @fresh_app.command
    def anything(**kwargs):
        seen.update(kwargs)

    run_command(fresh_app, ["anything", "--a=1", "--dry-run=yes"])
    assert seen == {"a": "1", "dry_run": "yes"}


def test_a_value_that_looks_like_a_flag_is_not_swallowed(fresh_app):
    def job(name: str, force: bool = False):
        pass

    with pytest.raises(CLIError, match="--name needs a value"):
        parse_arguments("job", job, ["--name", "--force"])


def test_exec_with_a_file_target(tmp_path):
    (tmp_path / "tool.py").write_text(
        textwrap.dedent(
            """
            from sanic import Sanic
            app = Sanic("cli_tool")

            @app.command
            def add(a: int, b: int):
                print(a + b)
            """
        )
    )
    result = sanic(tmp_path, "./tool.py", "exec", "add", "--a=2", "--b=40")
    assert result.stdout == "42\n"
