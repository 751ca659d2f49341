"""Turning a request path into a file under a static root, and nothing else.

A request path is decoded once and refused (``FileNotFound``, a 404) when it
holds anything that could name a file outside the root: ``..`` or ``.``
segments, an encoded slash, a backslash, a NUL byte. Empty segments are
dropped, so an absolute path ("//etc/passwd") is looked up *below* the root.

Symlinks are then walked one component at a time. One that resolves inside the
root is always followed; one that leaves it is followed only when the route
allows it (Sanic 25.12's ``follow_external_symlink_files`` for links to files,
``follow_external_symlink_dirs`` for links to directories). A broken link is a
404. Only regular files and directories are ever returned: a FIFO or a device
node behind a path is a 404 too, never an ``open`` that could block.
"""

from __future__ import annotations

import os
import stat as stat_module
from collections.abc import Iterator
from os import PathLike
from urllib.parse import unquote

from sanic.exceptions import FileNotFound

__all__ = ("StaticRoot", "split_request_path")

_REFUSED_SEGMENTS = frozenset({".", ".."})


def _not_found(relative_url: str = "") -> FileNotFound:
    return FileNotFound("File not found", relative_url=relative_url)


def split_request_path(raw: str) -> list[str]:
    """The path segments a (percent-encoded) request path names, validated.

    Raises ``FileNotFound`` for traversal attempts and undecodable paths.
    """
    if "\\" in raw or "\x00" in raw:
        raise _not_found(raw)
    segments: list[str] = []
    for encoded in raw.split("/"):
        if not encoded:
            continue
        if "%" in encoded:
            try:
                segment = unquote(encoded, errors="strict")
            except UnicodeDecodeError:
                raise _not_found(raw) from None
            # An encoded "/" or "\" would be a separator the router never saw.
            if "/" in segment or "\\" in segment or "\x00" in segment:
                raise _not_found(raw)
        else:
            segment = encoded
        if segment in _REFUSED_SEGMENTS:
            raise _not_found(raw)
        segments.append(segment)
    return segments


class StaticRoot:
    """A directory files are served from, with its symlink policy."""

    __slots__ = ("path", "follow_files", "follow_dirs", "_prefix")

    def __init__(
        self,
        directory: str | PathLike[str],
        *,
        follow_external_symlink_files: bool = False,
        follow_external_symlink_dirs: bool = False,
    ) -> None:
        self.path = os.path.realpath(os.fspath(directory))
        self.follow_files = follow_external_symlink_files
        self.follow_dirs = follow_external_symlink_dirs
        self._prefix = self.path if self.path.endswith(os.sep) else self.path + os.sep

    def contains(self, real_path: str) -> bool:
        """Whether a resolved path is the root or below it."""
        return real_path == self.path or real_path.startswith(self._prefix)

    def _follow(self, link: str) -> tuple[str, os.stat_result]:
        """Where a symlink leads, if the policy allows going there."""
        target = os.path.realpath(link)
        try:
            stats = os.stat(target)
        except OSError:
            raise _not_found() from None  # a broken link
        if not self.contains(target):
            is_dir = stat_module.S_ISDIR(stats.st_mode)
            if not (self.follow_dirs if is_dir else self.follow_files):
                raise _not_found()
        return target, stats

    def locate(self, segments: list[str]) -> tuple[str, os.stat_result]:
        """The real path and stats of the regular file or directory named.

        Raises ``FileNotFound`` when there is none, or when reaching it would
        take a symlink the policy forbids.
        """
        current = self.path
        try:
            if not segments:
                stats = os.stat(current)
            for index, name in enumerate(segments):
                if index and not stat_module.S_ISDIR(stats.st_mode):
                    raise _not_found()
                candidate = os.path.join(current, name)
                stats = os.lstat(candidate)
                if stat_module.S_ISLNK(stats.st_mode):
                    current, stats = self._follow(candidate)
                else:
                    current = candidate
        except (OSError, ValueError):
            raise _not_found() from None
        mode = stats.st_mode
        if not (stat_module.S_ISREG(mode) or stat_module.S_ISDIR(mode)):
            raise _not_found()
        return current, stats

    def entries(self, directory: str) -> Iterator[tuple[str, bool, os.stat_result]]:
        """``(name, is_dir, stats)`` for each entry of a located directory
        that a request could reach: broken links and links the policy
        forbids are left out, as are special files."""
        with os.scandir(directory) as listing:
            for entry in listing:
                try:
                    if entry.is_symlink():
                        _, stats = self._follow(entry.path)
                    else:
                        stats = entry.stat(follow_symlinks=False)
                except (OSError, FileNotFound):
                    continue
                mode = stats.st_mode
                if stat_module.S_ISDIR(mode):
                    yield entry.name, True, stats
                elif stat_module.S_ISREG(mode):
                    yield entry.name, False, stats
