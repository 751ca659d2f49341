"""Requests for a directory under a static route: its index file, or a listing.

``app.static(uri, directory, index=..., directory_view=...)`` builds one of
these; pass your own (a subclass, say) as ``directory_handler=`` to change how
directories are answered. Every name in a listing is HTML-escaped and every
link percent-encoded, and the listing shows only what a request could reach:
broken symlinks and symlinks the route does not follow are left out.
"""

from __future__ import annotations

import html as html_module
import os
import stat as stat_module
from asyncio import get_running_loop
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, unquote

from sanic.exceptions import FileNotFound
from sanic.response import file, html
from sanic.routing.encoding import canonical_path, canonical_segment
from sanic.static.paths import StaticRoot, split_request_path

if TYPE_CHECKING:
    from sanic.request import Request
    from sanic.response import HTTPResponse

__all__ = ("DirectoryHandler",)

FileServer = Callable[["Request", str, os.stat_result], Awaitable[Any]]

_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{title}</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 2rem; }}
table {{ border-collapse: collapse; }}
th, td {{ padding: 0.2rem 1.2rem 0.2rem 0; text-align: left; }}
td.size {{ text-align: right; font-variant-numeric: tabular-nums; }}
</style>
</head>
<body>
<h1>{title}</h1>
<table>
<thead><tr><th>Name</th><th>Last modified</th><th>Size</th></tr></thead>
<tbody>
{rows}
</tbody>
</table>
</body>
</html>
"""


class DirectoryHandler:
    """Serve the directories of a static route: index files, then a listing.

    ``uri`` is the route's URI and ``directory`` the folder it serves. ``index``
    names the file(s) tried, in order, for a directory request; with
    ``directory_view`` a directory without one gets an HTML listing. The
    symlink options are those of ``app.static``.
    """

    def __init__(
        self,
        uri: str,
        directory: Path | str,
        directory_view: bool = False,
        index: str | Sequence[str] | None = None,
        *,
        follow_external_symlink_files: bool = False,
        follow_external_symlink_dirs: bool = False,
    ) -> None:
        self.uri = uri
        self.base = uri.strip("/")
        self.directory = Path(directory)
        self.directory_view = directory_view
        self.index: tuple[str, ...] = (
            (index,) if isinstance(index, str) else tuple(index or ())
        )
        self.root = StaticRoot(
            self.directory,
            follow_external_symlink_files=follow_external_symlink_files,
            follow_external_symlink_dirs=follow_external_symlink_dirs,
        )
        # Set by app.static: serves index files with the route's validators,
        # ranges and content type. Without it, index files go through file().
        self.file_server: FileServer | None = None

    async def handle(self, request: Request, path: str) -> HTTPResponse:
        """Answer a request for the directory at ``path`` (the request path).

        Raises ``FileNotFound`` when there is no such directory, and
        ``IsADirectoryError`` when it has no index file and listings are off.
        """
        segments = split_request_path(self._relative(request, path))
        current, stats = self.root.locate(segments)
        if not stat_module.S_ISDIR(stats.st_mode):
            return await self._serve(request, current, stats)
        for name in self.index:
            try:
                found, found_stats = self.root.locate([*segments, name])
            except FileNotFound:
                continue
            if stat_module.S_ISREG(found_stats.st_mode):
                return await self._serve(request, found, found_stats)
        if self.directory_view:
            page = await get_running_loop().run_in_executor(
                None, self._render, current, segments
            )
            return html(page)
        raise IsADirectoryError(f"{self.directory.as_posix()} is a directory")

    def _relative(self, request: Request, path: str) -> str:
        """The part of the request path below the route's URI."""
        match_info = getattr(request, "match_info", None) or {}
        if "__file_uri__" in match_info:
            return str(match_info["__file_uri__"])
        stripped = path.lstrip("/")
        if not self.base:
            return stripped
        # The URI as registered ("/café") or as requested ("/caf%C3%A9").
        for candidate, base in (
            (stripped, self.base),
            (canonical_path(stripped), canonical_path(self.base)),
        ):
            if candidate == base:
                return ""
            if candidate.startswith(base + "/"):
                return candidate[len(base) + 1 :]
        raise FileNotFound("File not found", relative_url=path)

    async def _serve(self, request: Request, path: str, stats: os.stat_result) -> Any:
        if self.file_server is not None:
            return await self.file_server(request, path, stats)
        return await file(
            path, request_headers=request.headers, last_modified=stats.st_mtime
        )

    def _render(self, directory: str, segments: list[str]) -> str:
        """The listing page of a located directory (runs in a thread)."""
        base = [canonical_segment(part) for part in self.base.split("/") if part]
        parts = [*base, *(quote(part, safe="") for part in segments)]
        prefix = "/" + "".join(part + "/" for part in parts)
        shown = "/" + "".join(part + "/" for part in [*map(unquote, base), *segments])
        found = sorted(
            self.root.entries(directory),
            key=lambda item: (not item[1], item[0].casefold(), item[0]),
        )
        rows = []
        if segments:
            parent = "/" + "".join(part + "/" for part in parts[:-1])
            rows.append(_row(parent, "../", None, None))
        for name, is_dir, stats in found:
            href = prefix + quote(name, safe="") + ("/" if is_dir else "")
            label = name + "/" if is_dir else name
            rows.append(_row(href, label, stats, None if is_dir else stats.st_size))
        title = html_module.escape(f"Directory listing of {shown}")
        return _PAGE.format(title=title, rows="\n".join(rows))


def _row(href: str, label: str, stats: os.stat_result | None, size: int | None) -> str:
    modified = (
        datetime.fromtimestamp(stats.st_mtime, timezone.utc).strftime("%Y-%m-%d %H:%M")
        if stats is not None
        else ""
    )
    return (
        f'<tr><td><a href="{html_module.escape(href, quote=True)}">'
        f"{html_module.escape(label)}</a></td>"
        f"<td>{modified}</td>"
        f'<td class="size">{"" if size is None else size}</td></tr>'
    )
