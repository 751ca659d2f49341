"""``sanic.handlers.directory.DirectoryHandler``: index files and listings,
used through ``app.static`` or called from a handler of your own."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from sanic import Sanic
from sanic.handlers import DirectoryHandler as ExportedDirectoryHandler
from sanic.handlers.directory import DirectoryHandler


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    root = tmp_path / "files"
    (root / "docs" / "deep").mkdir(parents=True)
    (root / "docs" / "guide.md").write_bytes(b"# guide")
    (root / "b.txt").write_bytes(b"12345")
    (root / "A.txt").write_bytes(b"1")
    (root / "zeta").mkdir()
    os.symlink(root / "missing", root / "dangling")
    return root


def mount(app: Sanic, handler: DirectoryHandler) -> None:
    """A route of the user's own that hands directory requests to ``handler``."""

    @app.get("/files")
    @app.get("/files/<rest:path>")
    async def files(request, rest=""):
        return await handler.handle(request, request.path)


def test_it_is_exported_from_sanic_handlers():
    assert ExportedDirectoryHandler is DirectoryHandler


def test_listing_from_a_handler_of_your_own(app: Sanic, folder: Path):
    mount(app, DirectoryHandler("/files", folder, directory_view=True))
    _, response = app.test_client.get("/files/docs/")
    assert response.status == 200
    assert "Directory listing of /files/docs/" in response.text
    assert 'href="/files/docs/guide.md"' in response.text
    assert 'href="/files/docs/deep/"' in response.text
    assert 'href="/files/"' in response.text  # the parent


def test_listing_puts_directories_first_then_names_without_case(
    app: Sanic, folder: Path
):
    mount(app, DirectoryHandler("/files", folder, directory_view=True))
    _, response = app.test_client.get("/files")
    page = response.text
    order = [page.index(name) for name in ("docs/", "zeta/", "A.txt", "b.txt")]
    assert order == sorted(order)


def test_listing_shows_file_sizes(app: Sanic, folder: Path):
    mount(app, DirectoryHandler("/files", folder, directory_view=True))
    _, response = app.test_client.get("/files/")
    row = next(line for line in response.text.splitlines() if "b.txt" in line)
    assert '<td class="size">5</td>' in row


def test_listing_leaves_out_broken_symlinks(app: Sanic, folder: Path):
    mount(app, DirectoryHandler("/files", folder, directory_view=True))
    _, response = app.test_client.get("/files/")
    assert "dangling" not in response.text


def test_head_of_a_listing_has_no_body(app: Sanic, folder: Path):
    app.static("/files", folder, directory_view=True)
    _, get = app.test_client.get("/files/")
    _, head = app.test_client.head("/files/")
    assert head.status == 200
    assert head.content == b""
    assert head.headers["content-length"] == get.headers["content-length"]


def test_index_is_served_by_the_handler(app: Sanic, folder: Path):
    (folder / "docs" / "index.html").write_bytes(b"<p>docs</p>")
    mount(app, DirectoryHandler("/files", folder, index=["missing.html", "index.html"]))
    _, response = app.test_client.get("/files/docs")
    assert response.content == b"<p>docs</p>"
    assert response.headers["content-type"].startswith("text/html")


def test_a_directory_with_no_index_and_no_view_is_an_error_to_the_caller(
    app: Sanic, folder: Path
):
    handler = DirectoryHandler("/files", folder)
    seen: list[type] = []

    @app.get("/files/<rest:path>")
    async def files(request, rest):
        try:
            return await handler.handle(request, request.path)
        except IsADirectoryError as error:
            seen.append(type(error))
            raise

    _, response = app.test_client.get("/files/docs/")
    assert seen == [IsADirectoryError]
    assert response.status == 500


def test_a_missing_directory_is_a_404(app: Sanic, folder: Path):
    mount(app, DirectoryHandler("/files", folder, directory_view=True))
    _, response = app.test_client.get("/files/nothing/")
    assert response.status == 404


def test_traversal_is_refused_by_the_handler_too(app: Sanic, folder: Path):
    mount(app, DirectoryHandler("/files", folder / "docs", directory_view=True))
    for path in ("/files/..%2f", "/files/%2e%2e/"):
        _, response = app.test_client.get(path)
        assert response.status == 404
        assert "b.txt" not in response.text


def test_names_outside_ascii_are_listed_and_linked(app: Sanic, folder: Path):
    (folder / "naïve résumé.txt").write_bytes(b"")
    app.static("/files", folder, directory_view=True)
    _, response = app.test_client.get("/files/")
    assert "naïve résumé.txt" in response.text
    assert 'href="/files/na%C3%AFve%20r%C3%A9sum%C3%A9.txt"' in response.text
    _, file = app.test_client.get("/files/na%C3%AFve%20r%C3%A9sum%C3%A9.txt")
    assert file.status == 200


def test_a_route_uri_outside_ascii_lists_its_directory(app: Sanic, folder: Path):
    app.static("/café", folder, directory_view=True)
    _, response = app.test_client.get("/caf%C3%A9/")
    assert response.status == 200
    assert 'href="/caf%C3%A9/b.txt"' in response.text
    assert "Directory listing of /café/" in response.text
