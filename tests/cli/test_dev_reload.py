"""`sanic path.to:app --dev`: editing the app's source restarts the workers."""

from __future__ import annotations

import time
import urllib.error
from pathlib import Path

from tests.cli.helpers import get, serving, write_app
from tests.net import free_port


def test_editing_the_app_in_dev_mode_restarts_the_workers_within_two_seconds(
    tmp_path: Path,
):
    source = write_app(tmp_path, "devserver")
    port = free_port()
    with serving(tmp_path, "devserver:app", "--dev", "--port", str(port), port=port):
        first = get(port)
        assert first.startswith("up ")
        time.sleep(1.0)  # let the reloader take its first look at the files
        started = time.monotonic()
        source.write_text(source.read_text().replace('f"up ', 'f"edited '))
        body = first
        while time.monotonic() - started < 10 and not body.startswith("edited"):
            try:
                body = get(port)
            except (OSError, urllib.error.URLError):
                pass  # between the old worker and the new one
            time.sleep(0.05)
        elapsed = time.monotonic() - started
        assert body.startswith("edited "), (tmp_path / "serve.out").read_text()
        assert body.split()[1] != first.split()[1]  # a new worker process
        assert elapsed < 2.0, f"restart took {elapsed:.2f} s"
