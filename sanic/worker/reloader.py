"""Auto-reload: a process that watches files and asks the manager to restart workers.

The worker manager runs a `Reloader` as a managed process when auto-reload is
on (``app.run(auto_reload=True)``, ``dev=True``, ``enable_auto_reload(app)``).
It watches, with ``watchfiles`` (the OS's notify API, not polling):

- the app's own Python sources: every ``.py`` file in the directories of the
  modules the app loads, leaving out the standard library, installed packages
  and Sanic itself;
- every file under each ``reload_dir`` given (recursively), skipping editor
  and VCS droppings (``__pycache__``, ``.git``, swap files...).

One save is one restart: changes are gathered until the files are quiet for a
moment, then one ``restart`` message names them. The app's
``reload_process_start`` / ``reload_process_stop`` listeners run in this
process when it starts and stops, and ``before_reload_trigger`` /
``after_reload_trigger`` around each restart it asks for.
"""

from __future__ import annotations

import os
import queue
import signal
import site
import sys
import sysconfig
import threading
import time
from collections.abc import Callable, Iterable
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from sanic.exceptions import SanicException
from sanic.log import error_logger, logger
from sanic.worker import messages

# Files quiet for this long after a change: the change is complete (one save).
QUIET_MS = 80
# At most this long between the first change and the restart it causes.
MAX_GATHER_MS = 1000
# How many changed files a restart's reason names before "and N more".
REASON_FILES = 5


class Reloader:
    """Watches the app's sources and ``reload_dirs``; asks for restarts on change.

    ``interval`` (seconds) is how often files are polled where the OS gives no
    change notifications (some network and container filesystems, or with
    ``WATCHFILES_FORCE_POLLING`` set). ``reload_dirs`` are directories; one
    that doesn't exist is a `SanicException` here, in the process that makes
    the reloader. ``app_loader`` (an `AppLoader`) makes the app in the reloader
    process, for its sources and its listeners; None watches ``reload_dirs``
    alone.
    """

    def __init__(
        self,
        publisher: Connection,
        interval: float,
        reload_dirs: Iterable[str | os.PathLike[str]],
        app_loader: Any,
    ) -> None:
        self._publisher = publisher
        self.interval = float(interval)
        self.reload_dirs = sorted(
            {str(checked_reload_dir(path)) for path in reload_dirs}
        )
        self.app_loader = app_loader

    def __call__(self) -> None:
        """Watch until SIGTERM/SIGINT, running the reload process listeners."""
        stop = threading.Event()
        _stop_on_signals(stop)
        app = self._load_app()
        self._run_listeners(app, "reload_process_start")
        try:
            if not stop.is_set():
                self._watch(app, stop)
        finally:
            self._run_listeners(app, "reload_process_stop")

    # ---- watching -------------------------------------------------------------

    def _watch(self, app: Any, stop: threading.Event) -> None:
        import watchfiles

        changes: queue.Queue[set[str]] = queue.Queue()
        explicit = [Path(path) for path in self.reload_dirs]
        sources = [
            path
            for path in sorted(source_dirs(self._fallback_dirs(app)))
            if not any(path.is_relative_to(root) for root in explicit)
        ]
        groups: list[tuple[list[Path], bool, Callable[..., bool]]] = []
        if explicit:
            groups.append((explicit, True, watchfiles.DefaultFilter()))
        if sources:
            groups.append((sources, False, watchfiles.PythonFilter()))
        if not groups:
            logger.warning("Auto-reload has nothing to watch")
            stop.wait()
            return
        threads = [
            threading.Thread(
                target=self._watch_paths,
                args=(paths, recursive, watch_filter, stop, changes),
                name="sanic-reloader-watch",
                daemon=True,
            )
            for paths, recursive, watch_filter in groups
        ]
        for thread in threads:
            thread.start()
        watched = ", ".join(str(path) for path in [*explicit, *sources])
        logger.info("Auto-reload is watching %s", watched)
        try:
            while not stop.is_set():
                try:
                    changed = changes.get(timeout=0.2)
                except queue.Empty:
                    continue
                changed |= _gather(changes)
                if not stop.is_set():
                    self._trigger(app, changed)
        finally:
            stop.set()
            for thread in threads:
                thread.join(2)

    def _watch_paths(
        self,
        paths: list[Path],
        recursive: bool,
        watch_filter: Callable[..., bool],
        stop: threading.Event,
        changes: queue.Queue[set[str]],
    ) -> None:
        import watchfiles

        try:
            for batch in watchfiles.watch(
                *paths,
                watch_filter=watch_filter,
                recursive=recursive,
                stop_event=stop,
                step=QUIET_MS,
                debounce=MAX_GATHER_MS,
                raise_interrupt=False,
                poll_delay_ms=max(50, int(self.interval * 1000)),
            ):
                changes.put(_with_new_folders_contents(batch, watch_filter))
        except Exception:  # a watch that cannot go on (a directory removed...)
            if not stop.is_set():
                error_logger.exception("Auto-reload stopped watching %s", paths)

    def _trigger(self, app: Any, changed: set[str]) -> None:
        reason = describe(changed)
        logger.info("Auto-reload: %s changed, restarting the workers", reason)
        self._run_listeners(app, "before_reload_trigger")
        self._publisher.send(messages.restart(None, reason=reason))
        self._run_listeners(app, "after_reload_trigger")

    # ---- the app --------------------------------------------------------------

    def _load_app(self) -> Any:
        if self.app_loader is None:
            return None
        try:
            return self.app_loader.load()
        except Exception as exc:
            # Keep watching: fixing the file that broke the app must restart it.
            error_logger.error(
                "Auto-reload cannot load the app (%s); watching anyway, "
                "without its reload listeners",
                exc,
            )
            return None

    def _fallback_dirs(self, app: Any) -> list[Path]:
        """Where to find sources when the app could not be loaded: its folder."""
        if app is not None or self.app_loader is None:
            return []
        target = str(getattr(self.app_loader, "module_input", "") or "")
        cwd = Path(getattr(self.app_loader, "cwd", "") or os.getcwd())
        candidate = cwd / target if target else cwd
        if candidate.suffix == ".py":
            return [candidate.parent]
        return [cwd]

    def _run_listeners(self, app: Any, event: str) -> None:
        if app is None:
            return
        try:
            app.listeners_registry.run_sync(event, app)
        except Exception:
            error_logger.exception("Error in a %s listener", event)


def checked_reload_dir(path: str | os.PathLike[str]) -> Path:
    """``path`` made absolute; a `SanicException` if it is not a directory."""
    absolute = Path(path).expanduser().absolute()
    if not absolute.exists():
        raise SanicException(
            f"cannot watch reload dir {str(path)!r}: no such directory"
        )
    if not absolute.is_dir():
        raise SanicException(f"cannot watch reload dir {str(path)!r}: not a directory")
    return absolute


def enable_auto_reload(app: Any, reload_dir: str | os.PathLike[str] = ".") -> None:
    """Turn on auto-reload for the next ``app.run()``, also watching ``reload_dir``.

    A directory that doesn't exist is a `SanicException`, raised here.
    """
    path = checked_reload_dir(reload_dir)
    app.state.auto_reload = True
    app.config.AUTO_RELOAD = True
    app.state.reload_dirs.add(str(path))


def source_dirs(extra: Iterable[Path] = ()) -> set[Path]:
    """The directories of the Python modules loaded here that are the app's own.

    Modules of the standard library, installed packages and Sanic itself are
    not the app's. Each directory is watched on its own (not recursively):
    every package the app imports is a loaded module with its own directory.
    """
    skip = _not_the_apps()
    found = {Path(path).absolute() for path in extra}
    for module in list(sys.modules.values()):
        filename = getattr(module, "__file__", None)
        if not isinstance(filename, str) or not filename.endswith(".py"):
            continue
        folder = Path(filename).absolute().parent
        if folder in found or any(folder.is_relative_to(root) for root in skip):
            continue
        if folder.is_dir():
            found.add(folder)
    return found


def describe(changed: Iterable[str]) -> str:
    """The changed files, for a restart's reason and the log."""
    files = sorted(changed)
    shown = ", ".join(files[:REASON_FILES])
    more = len(files) - REASON_FILES
    return f"{shown} and {more} more" if more > 0 else shown


def _not_the_apps() -> list[Path]:
    import sanic

    roots = {Path(sanic.__file__).absolute().parent}
    paths = sysconfig.get_paths()
    for key in ("stdlib", "platstdlib", "purelib", "platlib"):
        if paths.get(key):
            roots.add(Path(paths[key]).absolute())
    try:
        roots.update(Path(path).absolute() for path in site.getsitepackages())
    except AttributeError:  # some embedded interpreters have no site paths
        pass
    user_site = site.getusersitepackages()
    if isinstance(user_site, str):
        roots.add(Path(user_site).absolute())
    return sorted(roots)


def _with_new_folders_contents(
    batch: set[tuple[Any, str]], watch_filter: Callable[..., bool]
) -> set[str]:
    """The changed paths, with what is inside a folder that was just added.

    A file written right after its folder is made can land before inotify
    watches the new folder, so its own event never comes: it is found here.
    """
    import watchfiles

    changed = {path for _, path in batch}
    for change, path in batch:
        if change != watchfiles.Change.added or not os.path.isdir(path):
            continue
        for root, dirs, files in os.walk(path):
            dirs[:] = [d for d in dirs if watch_filter(change, os.path.join(root, d))]
            for name in files:
                found = os.path.join(root, name)
                if watch_filter(change, found):
                    changed.add(found)
    return changed


def _gather(changes: queue.Queue[set[str]]) -> set[str]:
    """More changes arriving right after the first (the other watcher's view of
    the same save, or an editor's second write)."""
    gathered: set[str] = set()
    deadline = time.monotonic() + QUIET_MS / 1000
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return gathered
        try:
            gathered |= changes.get(timeout=remaining)
        except queue.Empty:
            return gathered


def _stop_on_signals(stop: threading.Event) -> None:
    if threading.current_thread() is not threading.main_thread():
        return

    def handler(signum: int, frame: Any) -> None:
        stop.set()

    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, handler)
