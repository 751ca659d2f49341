"""What a type checker sees in user code (mypy, run as a real process)."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.skipif(
    importlib.util.find_spec("mypy") is None,
    reason="mypy is not installed (make test installs it with the lint extras)",
)

USER_CODE = """
from types import SimpleNamespace

from sanic import Sanic
from sanic.config import Config


class MyConfig(Config):
    FOO = 1


class Ctx:
    db: int = 0


app = Sanic("plain")
reveal_type(app)
reveal_type(app.config)
custom = Sanic("custom", config=MyConfig(), ctx=Ctx())
reveal_type(custom)
reveal_type(custom.ctx)
only_ctx = Sanic("only_ctx", ctx=Ctx())
reveal_type(only_ctx)
only_config = Sanic("only_config", config=MyConfig())
reveal_type(only_config)
"""


def test_sanic_without_type_arguments_needs_no_annotation(tmp_path: Path) -> None:
    # Sanic's typing guide: Sanic("x") is Sanic[Config, SimpleNamespace], and
    # config= / ctx= set the type arguments. No "Need type annotation" error.
    (tmp_path / "user.py").write_text(USER_CODE)
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--no-error-summary",
            "--follow-imports=silent",
            "--cache-dir",
            str(tmp_path / "cache"),
            "user.py",
        ],
        cwd=tmp_path,
        env={**os.environ, "MYPYPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=100,
    )
    lines = [line for line in result.stdout.splitlines() if line.startswith("user.py")]
    assert not [line for line in lines if ": error:" in line], result.stdout
    revealed = [line.split('Revealed type is "', 1)[1].rstrip('"') for line in lines]
    assert revealed == [
        "sanic.app.Sanic[sanic.config.Config, types.SimpleNamespace]",
        "sanic.config.Config",
        "sanic.app.Sanic[user.MyConfig, user.Ctx]",
        "user.Ctx",
        "sanic.app.Sanic[sanic.config.Config, user.Ctx]",
        "sanic.app.Sanic[user.MyConfig, types.SimpleNamespace]",
    ]
