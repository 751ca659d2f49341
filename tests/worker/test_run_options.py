"""Options of app.run() the main process acts on: the MOTD and auto-reload."""

from __future__ import annotations

import time
from pathlib import Path

from tests.worker.support import running

MOTD_APP = """
    import os, sys
    from sanic import Sanic, text

    app = Sanic("MotdApp")

    @app.get("/")
    async def index(request):
        return text("up")

    if __name__ == "__main__":
        motd = sys.argv[2] == "on"
        app.run(port=int(sys.argv[1]), motd=motd, motd_display={"Feature": "on-display"})
"""


def test_motd_false_in_run_skips_the_startup_box(tmp_path: Path):
    with running(tmp_path, MOTD_APP, extra_args=("off",)) as server:
        assert server.get("/") == (200, "up")
        assert "Goin' Fast" not in server.output
        assert "on-display" not in server.output


def test_motd_display_lines_are_shown_in_the_startup_box(tmp_path: Path):
    with running(tmp_path, MOTD_APP, extra_args=("on",)) as server:
        assert "Goin' Fast" in server.output
        assert "on-display" in server.output


RELOAD_APP = """
    import os, sys
    from sanic import Sanic, text, enable_auto_reload

    app = Sanic("ReloadRunApp")

    @app.get("/pid")
    async def pid(request):
        return text(str(os.getpid()))

    @app.get("/log")
    async def log(request):
        # The app writes into its own folder: that must not restart it.
        with open(os.path.join(os.path.dirname(__file__), "app.log"), "a") as f:
            f.write("line\\n")
        return text("logged")

    if __name__ == "__main__":
        enable_auto_reload(app, reload_dir=sys.argv[2])
        app.run(port=int(sys.argv[1]))
"""


def _wait_for_new_pid(server, old: str, timeout: float) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            pid = server.get("/pid", timeout=2)[1]
        except OSError:
            pid = old
        if pid != old:
            return pid
        time.sleep(0.05)
    raise AssertionError(f"the worker was not restarted:\n{server.output}")


def test_enable_auto_reload_restarts_on_a_change_in_its_dir_not_on_a_log_line(
    tmp_path: Path,
):
    watched = tmp_path / "templates"
    watched.mkdir()
    (watched / "page.html").write_text("one")
    with running(tmp_path, RELOAD_APP, extra_args=(str(watched),)) as server:
        first = server.get("/pid")[1]
        for _ in range(5):
            assert server.get("/log") == (200, "logged")
        time.sleep(1.5)  # longer than the reloader's debounce
        assert server.get("/pid")[1] == first, server.output
        started = time.monotonic()
        (watched / "page.html").write_text("two")
        assert _wait_for_new_pid(server, first, timeout=10) != first
        # The figure: a watched change restarts within 2 seconds.
        elapsed = time.monotonic() - started
        print(f"restart seen after {elapsed:.2f} s")
        assert elapsed < 2.0, server.output
