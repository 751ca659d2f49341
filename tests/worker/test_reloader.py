"""The Reloader in a spawned process, watching real files, talking on a real pipe."""

from __future__ import annotations

import os
import signal
import textwrap
import time
from pathlib import Path

import pytest

from sanic.exceptions import SanicException
from sanic.worker.loader import AppLoader
from sanic.worker.reloader import Reloader, describe, enable_auto_reload
from tests.worker.inspector_process import SPAWN, stop

APP_SOURCE = textwrap.dedent(
    """
    import os
    from pathlib import Path

    from sanic import Sanic

    app = Sanic("ReloadedApp")
    MARKS = Path(__file__).parent.parent / "marks"


    def mark(name):
        with open(MARKS / name, "a") as f:
            f.write(f"{os.getpid()}\\n")


    @app.reload_process_start
    def started(app):
        mark("reload_process_start")


    @app.listener("reload_process_stop")
    async def stopped(app):
        mark("reload_process_stop")


    @app.before_reload_trigger
    def before(app):
        mark("before_reload_trigger")


    @app.listener("after_reload_trigger")
    def after(app, loop):
        mark("after_reload_trigger")
    """
)


class Project:
    """tmp/project/app.py (the app's source), tmp/templates (a reload dir),
    tmp/marks (what the listeners write: watched by nothing)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.source = root / "project"
        self.templates = root / "templates"
        self.marks = root / "marks"
        for folder in (self.source, self.templates, self.marks):
            folder.mkdir()
        (self.source / "app.py").write_text(APP_SOURCE)
        (self.source / "helpers.py").write_text("VALUE = 1\n")
        (self.source / "notes.txt").write_text("not code\n")
        (self.templates / "index.html").write_text("<p>hello</p>\n")

    def loader(self) -> AppLoader:
        return AppLoader(str(self.source / "app.py"))

    def marked(self, name: str) -> list[int]:
        path = self.marks / name
        return [int(line) for line in path.read_text().split()] if path.exists() else []


class RunningReloader:
    def __init__(self, project: Project, reload_dirs: list[Path]) -> None:
        self.project = project
        self.reader, self.writer = SPAWN.Pipe(duplex=False)
        reloader = Reloader(self.writer, 0.1, reload_dirs, project.loader())
        self.process = SPAWN.Process(target=reloader, daemon=True)
        self.process.start()

    def wait_until_started(self) -> None:
        deadline = time.monotonic() + 20
        while not self.project.marked("reload_process_start"):
            assert self.process.is_alive(), "the reloader exited early"
            assert time.monotonic() < deadline, "reload_process_start never ran"
            time.sleep(0.05)

    def wait_until_watching(self, *probes: Path) -> None:
        """Touch each probe until the reloader reports it: its watches are set."""
        self.wait_until_started()
        for probe in probes:
            deadline = time.monotonic() + 20
            while True:
                assert time.monotonic() < deadline, f"{probe} was never reported"
                probe.write_text(str(time.monotonic()))
                if self.reader.poll(0.5):
                    self.reader.recv()
                    break
            self.drain(0.3)

    def drain(self, quiet: float = 0.3) -> list:
        found = []
        while self.reader.poll(quiet):
            found.append(self.reader.recv())
        return found

    def restarts_after(self, change, settle: float = 0.6) -> tuple[float, list]:
        """Make ``change``; the seconds until the first message, and every
        message that arrived until ``settle`` seconds passed with none."""
        began = time.monotonic()
        change()
        assert self.reader.poll(2.0), "no restart within 2 seconds"
        first = time.monotonic() - began
        received = [self.reader.recv()]
        received += self.drain(settle)
        return first, received

    def close(self) -> None:
        stop(self.process)
        self.reader.close()
        self.writer.close()


@pytest.fixture(scope="module")
def watched(tmp_path_factory):
    project = Project(tmp_path_factory.mktemp("reload"))
    running = RunningReloader(project, [project.templates])
    try:
        running.wait_until_watching(
            project.templates / "probe.txt", project.source / "probe.py"
        )
        yield running
    finally:
        running.close()


@pytest.fixture
def reloader(watched):
    watched.drain(0.1)
    return watched


def test_editing_a_python_source_restarts_the_workers_once(reloader):
    helpers = reloader.project.source / "helpers.py"
    first, received = reloader.restarts_after(lambda: helpers.write_text("VALUE = 2\n"))
    assert first < 2.0
    assert received == [("restart", None, False, str(helpers))]


def test_an_editors_save_is_one_restart(reloader):
    app_file = reloader.project.source / "app.py"

    def save_like_an_editor() -> None:
        # Write a temporary file, replace the original with it, touch it again.
        temporary = app_file.with_name(".app.py.tmp")
        temporary.write_text(APP_SOURCE + "\n# edited\n")
        os.replace(temporary, app_file)
        with open(app_file, "a") as f:
            f.write("\n")
        os.utime(app_file)

    first, received = reloader.restarts_after(save_like_an_editor)
    assert first < 2.0
    assert len(received) == 1
    assert received[0][:3] == ("restart", None, False)
    assert str(app_file) in received[0][3]


def test_a_file_that_is_not_python_in_the_source_tree_is_ignored(reloader):
    (reloader.project.source / "notes.txt").write_text("edited\n")
    (reloader.project.source / "data.json").write_text("{}\n")
    assert reloader.drain(1.0) == []


def test_any_file_in_a_reload_dir_restarts_the_workers(reloader):
    page = reloader.project.templates / "index.html"
    first, received = reloader.restarts_after(lambda: page.write_text("<p>bye</p>"))
    assert first < 2.0
    assert received == [("restart", None, False, str(page))]


def test_a_new_file_in_a_subfolder_of_a_reload_dir_counts(reloader):
    folder = reloader.project.templates / "partials"
    folder.mkdir()
    footer = folder / "footer.html"
    _, received = reloader.restarts_after(lambda: footer.write_text("<footer>"))
    assert len(received) == 1
    assert str(footer) in received[0][3]


def test_caches_and_editor_droppings_are_ignored(reloader):
    cache = reloader.project.templates / "__pycache__"
    cache.mkdir(exist_ok=True)
    (cache / "x.cpython-311.pyc").write_bytes(b"\0")
    (reloader.project.templates / "index.html.swp").write_text("swap")
    (reloader.project.templates / "index.html~").write_text("backup")
    assert reloader.drain(1.0) == []


def test_reload_trigger_listeners_run_around_each_restart(reloader):
    before = len(reloader.project.marked("before_reload_trigger"))
    after = len(reloader.project.marked("after_reload_trigger"))
    page = reloader.project.templates / "index.html"
    reloader.restarts_after(lambda: page.write_text("<p>again</p>"))
    assert len(reloader.project.marked("before_reload_trigger")) == before + 1
    assert len(reloader.project.marked("after_reload_trigger")) == after + 1
    assert set(reloader.project.marked("before_reload_trigger")) == {
        reloader.process.pid
    }


def test_reload_process_listeners_run_in_the_reloader_process(tmp_path):
    project = Project(tmp_path)
    running = RunningReloader(project, [])
    try:
        running.wait_until_started()
        assert project.marked("reload_process_start") == [running.process.pid]
        assert project.marked("reload_process_stop") == []
        os.kill(running.process.pid, signal.SIGTERM)
        running.process.join(10)
        assert running.process.exitcode == 0
        assert project.marked("reload_process_stop") == [running.process.pid]
        assert running.drain(0.1) == []
    finally:
        running.close()


def test_an_app_that_fails_to_load_is_still_watched(tmp_path, capfd):
    """Fixing the file that broke the app must restart the workers."""
    project = Project(tmp_path)
    app_file = project.source / "app.py"
    app_file.write_text("raise RuntimeError('broken on purpose')\n")
    running = RunningReloader(project, [])
    try:
        deadline = time.monotonic() + 20
        while True:  # it reports the change once it watches
            assert time.monotonic() < deadline, "the broken app's folder is not watched"
            app_file.write_text(
                f"raise RuntimeError('broken on purpose')  # {time.monotonic()}\n"
            )
            if running.reader.poll(0.5):
                break
        assert running.reader.recv()[:3] == ("restart", None, False)
        assert running.process.is_alive()
    finally:
        running.close()
    err = capfd.readouterr().err
    assert "Auto-reload cannot load the app (" in err
    assert "broken on purpose" in err
    assert "Traceback" not in err


def test_a_reload_dir_that_does_not_exist_is_an_error_in_the_constructor(tmp_path):
    _, writer = SPAWN.Pipe(duplex=False)
    missing = tmp_path / "nowhere"
    with pytest.raises(
        SanicException, match="cannot watch reload dir .*nowhere.*: no such directory"
    ):
        Reloader(writer, 1.0, [missing], None)
    a_file = tmp_path / "file.txt"
    a_file.write_text("x")
    with pytest.raises(SanicException, match="not a directory"):
        Reloader(writer, 1.0, [a_file], None)


def test_reload_dirs_are_made_absolute(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "static").mkdir()
    _, writer = SPAWN.Pipe(duplex=False)
    reloader = Reloader(writer, 1.0, ["static", tmp_path / "static"], None)
    assert reloader.reload_dirs == [str(tmp_path / "static")]


def test_enable_auto_reload_turns_it_on_for_the_next_run(app, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "assets").mkdir()
    enable_auto_reload(app)
    enable_auto_reload(app, reload_dir="assets")
    assert app.state.auto_reload is True
    assert app.config.AUTO_RELOAD is True
    assert {str(tmp_path), str(tmp_path / "assets")} <= app.state.reload_dirs


def test_enable_auto_reload_with_a_missing_dir_is_a_clear_error(app, tmp_path):
    with pytest.raises(SanicException, match="no such directory"):
        enable_auto_reload(app, reload_dir=tmp_path / "missing")
    assert app.state.auto_reload is False


def test_a_restart_reason_names_a_few_files():
    assert describe({"/a.py"}) == "/a.py"
    many = {f"/f{i}.py" for i in range(8)}
    assert describe(many) == "/f0.py, /f1.py, /f2.py, /f3.py, /f4.py and 3 more"


def test_a_new_folder_brings_the_files_already_in_it(tmp_path):
    # inotify may report only the folder when a file is written into it
    # before the new folder is watched: its contents count as changed too.
    import watchfiles

    from sanic.worker.reloader import _with_new_folders_contents

    folder = tmp_path / "partials"
    (folder / "deeper").mkdir(parents=True)
    (folder / "footer.html").write_text("<footer>")
    (folder / "deeper" / "nav.html").write_text("<nav>")
    (folder / "__pycache__").mkdir()
    (folder / "__pycache__" / "x.pyc").write_bytes(b"\0")
    changed = _with_new_folders_contents(
        {(watchfiles.Change.added, str(folder))}, watchfiles.DefaultFilter()
    )
    assert changed == {
        str(folder),
        str(folder / "footer.html"),
        str(folder / "deeper" / "nav.html"),
    }
    modified = _with_new_folders_contents(
        {(watchfiles.Change.modified, str(folder))}, watchfiles.DefaultFilter()
    )
    assert modified == {str(folder)}
