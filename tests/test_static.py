"""``app.static`` and ``bp.static``: files, directories, validators, ranges.

Behaviour from https://sanic.dev/en/guide/basics/routing.html#static-files and
the ``Sanic.static`` API docs; RFC 9110 where the docs are silent (see
sanic/handlers/content_range.py for the range choices).
"""

from __future__ import annotations

import os
from email.utils import formatdate
from pathlib import Path

import pytest

from sanic import Blueprint, Sanic
from sanic.response import ResponseStream, text

CSS = b"body { color: red; }\n"
DATA = bytes(range(256)) * 4  # 1024 bytes


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    root = tmp_path / "public"
    (root / "css").mkdir(parents=True)
    (root / "css" / "site.css").write_bytes(CSS)
    (root / "data.bin").write_bytes(DATA)
    (root / "hello.txt").write_bytes(b"hello")
    (root / "café.txt").write_bytes(b"accent")
    (root / "with space.txt").write_bytes(b"space")
    (root / "noext").write_bytes(b"unknown")
    return root


@pytest.fixture
def served(app: Sanic, folder: Path) -> Sanic:
    app.static("/static", folder, use_content_range=True)
    return app


# ---- files and directories ------------------------------------------------------


def test_a_single_file_is_served_at_its_uri(app: Sanic, folder: Path):
    app.static("/site.css", folder / "css" / "site.css")
    _, response = app.test_client.get("/site.css")
    assert response.status == 200
    assert response.content == CSS
    assert response.headers["content-type"] == "text/css; charset=UTF-8"


def test_files_below_a_directory_are_served(served: Sanic):
    _, response = served.test_client.get("/static/css/site.css")
    assert response.status == 200
    assert response.content == CSS


def test_names_are_percent_decoded(served: Sanic):
    _, response = served.test_client.get("/static/caf%C3%A9.txt")
    assert response.content == b"accent"
    _, response = served.test_client.get("/static/with%20space.txt")
    assert response.content == b"space"


def test_content_type_is_guessed_from_the_name(served: Sanic):
    _, response = served.test_client.get("/static/hello.txt")
    assert response.headers["content-type"] == "text/plain; charset=UTF-8"
    _, response = served.test_client.get("/static/noext")
    assert response.headers["content-type"] == "application/octet-stream"


def test_content_type_option_overrides_the_guess(app: Sanic, folder: Path):
    app.static("/static", folder, content_type="text/x-custom")
    _, response = app.test_client.get("/static/hello.txt")
    assert response.headers["content-type"] == "text/x-custom"


def test_a_missing_file_is_a_404(served: Sanic):
    _, response = served.test_client.get("/static/nope.txt")
    assert response.status == 404


def test_a_single_file_removed_after_registration_is_a_404(app: Sanic, tmp_path):
    path = tmp_path / "gone.txt"
    path.write_bytes(b"x")
    app.static("/gone.txt", path)
    path.unlink()
    _, response = app.test_client.get("/gone.txt")
    assert response.status == 404


def test_a_directory_without_index_or_listing_is_a_404(served: Sanic):
    _, response = served.test_client.get("/static/css")
    assert response.status == 404


def test_only_get_and_head_are_allowed(served: Sanic):
    _, response = served.test_client.post("/static/hello.txt")
    assert response.status == 405


def test_head_answers_the_headers_of_get_without_a_body(served: Sanic):
    _, get = served.test_client.get("/static/data.bin")
    _, head = served.test_client.head("/static/data.bin")
    assert head.status == 200
    assert head.content == b""
    assert head.headers["content-length"] == str(len(DATA))
    for name in ("etag", "last-modified", "content-type", "accept-ranges"):
        assert head.headers[name] == get.headers[name]


def test_host_restricts_the_route(app: Sanic, folder: Path):
    app.static("/static", folder, host="files.example.com")
    _, other = app.test_client.get("/static/hello.txt")
    _, matching = app.test_client.get(
        "/static/hello.txt", headers={"Host": "files.example.com"}
    )
    assert other.status == 404
    assert matching.content == b"hello"


def test_a_custom_pattern_limits_the_files(app: Sanic, folder: Path):
    app.static("/static", folder, pattern=r"[a-z]+\.txt")
    _, allowed = app.test_client.get("/static/hello.txt")
    _, refused = app.test_client.get("/static/data.bin")
    assert allowed.content == b"hello"
    assert refused.status == 404


# ---- index files and directory listings -------------------------------------------


def test_index_file_answers_directory_requests(app: Sanic, folder: Path):
    (folder / "index.html").write_bytes(b"<h1>home</h1>")
    app.static("/static", folder, index="index.html")
    for path in ("/static", "/static/"):
        _, response = app.test_client.get(path)
        assert response.status == 200
        assert response.content == b"<h1>home</h1>"
        assert response.headers["content-type"].startswith("text/html")


def test_index_list_is_tried_in_order(app: Sanic, folder: Path):
    (folder / "css" / "default.htm").write_bytes(b"second")
    app.static("/static", folder, index=["index.html", "default.htm"])
    _, response = app.test_client.get("/static/css/")
    assert response.content == b"second"


def test_index_file_gets_validators(app: Sanic, folder: Path):
    (folder / "index.html").write_bytes(b"home")
    app.static("/static", folder, index="index.html")
    _, first = app.test_client.get("/static/")
    _, again = app.test_client.get(
        "/static/", headers={"If-None-Match": first.headers["etag"]}
    )
    assert again.status == 304


def test_directory_view_lists_the_directory(app: Sanic, folder: Path):
    app.static("/static", folder, directory_view=True)
    _, response = app.test_client.get("/static/")
    assert response.status == 200
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    page = response.text
    assert 'href="/static/css/"' in page
    assert 'href="/static/hello.txt"' in page
    assert 'href="/static/caf%C3%A9.txt"' in page
    assert 'href="/static/with%20space.txt"' in page
    # Directories come first.
    assert page.index("css/") < page.index("hello.txt")


def test_directory_view_of_a_subdirectory_links_to_its_parent(app: Sanic, folder: Path):
    app.static("/static", folder, directory_view=True)
    _, response = app.test_client.get("/static/css")
    assert 'href="/static/css/site.css"' in response.text
    assert 'href="/static/"' in response.text


def test_directory_view_escapes_every_name(app: Sanic, folder: Path):
    (folder / "<script>alert(1)<").mkdir()
    (folder / "a&b \"q\" 'x'.txt").write_bytes(b"")
    app.static("/static", folder, directory_view=True)
    _, response = app.test_client.get("/static/")
    page = response.text
    assert "<script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/" in page
    assert "a&amp;b &quot;q&quot; &#x27;x&#x27;.txt" in page
    assert 'href="/static/%3Cscript%3Ealert%281%29%3C/"' in page


def test_index_wins_over_the_listing(app: Sanic, folder: Path):
    (folder / "index.html").write_bytes(b"home")
    app.static("/static", folder, directory_view=True, index="index.html")
    _, root = app.test_client.get("/static/")
    _, css = app.test_client.get("/static/css/")
    assert root.content == b"home"
    assert "site.css" in css.text


def test_a_custom_directory_handler_answers_directories(app: Sanic, folder: Path):
    from sanic.handlers.directory import DirectoryHandler

    class Counting(DirectoryHandler):
        async def handle(self, request, path):
            return text(f"dir {path}")

    handler = Counting("/static", folder)
    app.static("/static", folder, directory_handler=handler)
    _, response = app.test_client.get("/static/css/")
    assert response.text == "dir /static/css/"
    _, response = app.test_client.get("/static/css/site.css")
    assert response.content == CSS


def test_directory_handler_serves_its_own_index(app: Sanic, folder: Path):
    from sanic.handlers.directory import DirectoryHandler

    (folder / "css" / "index.txt").write_bytes(b"css index")
    handler = DirectoryHandler("/static", folder, index="index.txt")
    app.static("/static", folder, directory_handler=handler)
    _, response = app.test_client.get("/static/css/")
    assert response.content == b"css index"


# ---- 304 Not Modified -----------------------------------------------------------


def test_last_modified_and_if_modified_since_give_304(served: Sanic, folder: Path):
    _, first = served.test_client.get("/static/hello.txt")
    mtime = os.stat(folder / "hello.txt").st_mtime
    assert first.headers["last-modified"] == formatdate(mtime, usegmt=True)
    _, again = served.test_client.get(
        "/static/hello.txt",
        headers={"If-Modified-Since": first.headers["last-modified"]},
    )
    assert again.status == 304
    assert again.content == b""
    assert again.headers["etag"] == first.headers["etag"]


def test_an_older_if_modified_since_gets_the_file(served: Sanic, folder: Path):
    mtime = os.stat(folder / "hello.txt").st_mtime
    _, response = served.test_client.get(
        "/static/hello.txt",
        headers={"If-Modified-Since": formatdate(mtime - 3600, usegmt=True)},
    )
    assert response.status == 200
    assert response.content == b"hello"


def test_an_unparsable_if_modified_since_is_ignored(served: Sanic):
    _, response = served.test_client.get(
        "/static/hello.txt", headers={"If-Modified-Since": "yesterday"}
    )
    assert response.status == 200


def test_etag_and_if_none_match_give_304(served: Sanic):
    _, first = served.test_client.get("/static/hello.txt")
    etag = first.headers["etag"]
    assert etag.startswith('"') and etag.endswith('"')
    for header in (etag, f'"other", {etag}', f"W/{etag}", "*"):
        _, again = served.test_client.get(
            "/static/hello.txt", headers={"If-None-Match": header}
        )
        assert again.status == 304, header


def test_a_changed_file_gets_a_new_etag(served: Sanic, folder: Path):
    _, first = served.test_client.get("/static/hello.txt")
    (folder / "hello.txt").write_bytes(b"hello, again")
    _, again = served.test_client.get(
        "/static/hello.txt", headers={"If-None-Match": first.headers["etag"]}
    )
    assert again.status == 200
    assert again.content == b"hello, again"


def test_if_none_match_wins_over_if_modified_since(served: Sanic):
    _, first = served.test_client.get("/static/hello.txt")
    _, again = served.test_client.get(
        "/static/hello.txt",
        headers={
            "If-None-Match": '"something-else"',
            "If-Modified-Since": first.headers["last-modified"],
        },
    )
    assert again.status == 200


def test_use_modified_since_false_always_sends_the_file(app: Sanic, folder: Path):
    app.static("/static", folder, use_modified_since=False)
    _, first = app.test_client.get("/static/hello.txt")
    _, again = app.test_client.get(
        "/static/hello.txt",
        headers={
            "If-None-Match": first.headers["etag"],
            "If-Modified-Since": first.headers["last-modified"],
        },
    )
    assert again.status == 200
    assert again.content == b"hello"


# ---- ranges ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "header, start, end",
    [
        ("bytes=0-9", 0, 9),
        ("bytes=100-", 100, 1023),
        ("bytes=-24", 1000, 1023),
        ("bytes=1000-5000", 1000, 1023),  # the end is clamped to the file
        ("bytes=-5000", 0, 1023),  # a suffix longer than the file
        ("bytes=10-19, 30-39", 10, 39),  # several ranges: one covering span
        ("bytes=5000-, 0-0", 0, 0),  # unsatisfiable parts are dropped
        ("BYTES = 2-3", 2, 3),
    ],
)
def test_range_gets_206_with_content_range(served: Sanic, header, start, end):
    _, response = served.test_client.get("/static/data.bin", headers={"Range": header})
    assert response.status == 206
    assert response.headers["content-range"] == f"bytes {start}-{end}/{len(DATA)}"
    assert response.content == DATA[start : end + 1]
    assert response.headers["content-length"] == str(end - start + 1)


@pytest.mark.parametrize("header", ["bytes=1024-", "bytes=5000-6000", "bytes=-0"])
def test_an_unsatisfiable_range_gets_416(served: Sanic, header):
    _, response = served.test_client.get("/static/data.bin", headers={"Range": header})
    assert response.status == 416
    assert response.headers["content-range"] == f"bytes */{len(DATA)}"


@pytest.mark.parametrize(
    "header",
    ["items=0-5", "bytes=5-1", "bytes=abc", "bytes=", "bytes=1-2-3", "bytes=-", "0-5"],
)
def test_an_invalid_range_or_unit_is_ignored(served: Sanic, header):
    _, response = served.test_client.get("/static/data.bin", headers={"Range": header})
    assert response.status == 200
    assert response.content == DATA


def test_ranges_are_ignored_unless_enabled(app: Sanic, folder: Path):
    app.static("/static", folder)
    _, response = app.test_client.get(
        "/static/data.bin", headers={"Range": "bytes=0-9"}
    )
    assert response.status == 200
    assert response.content == DATA
    assert "accept-ranges" not in response.headers


def test_if_range_with_the_current_etag_allows_the_range(served: Sanic):
    _, first = served.test_client.get("/static/data.bin")
    _, response = served.test_client.get(
        "/static/data.bin",
        headers={"Range": "bytes=0-9", "If-Range": first.headers["etag"]},
    )
    assert response.status == 206


def test_if_range_with_an_old_validator_sends_the_whole_file(served: Sanic):
    for stale in ('"stale"', "Mon, 01 Jan 2001 00:00:00 GMT"):
        _, response = served.test_client.get(
            "/static/data.bin", headers={"Range": "bytes=0-9", "If-Range": stale}
        )
        assert response.status == 200
        assert response.content == DATA


def test_head_ignores_range(served: Sanic):
    _, response = served.test_client.head(
        "/static/data.bin", headers={"Range": "bytes=0-9"}
    )
    assert response.status == 200
    assert response.headers["content-length"] == str(len(DATA))


def test_an_empty_file_ignores_range(app: Sanic, tmp_path: Path):
    (tmp_path / "empty").write_bytes(b"")
    app.static("/static", tmp_path, use_content_range=True)
    _, response = app.test_client.get("/static/empty", headers={"Range": "bytes=0-"})
    assert response.status == 200
    assert response.content == b""


# ---- large files --------------------------------------------------------------------


def _capture_response_type(app: Sanic) -> list[type]:
    """The class of each response the app sends.

    Tests check ``issubclass(..., ResponseStream)`` (streamed, not read into
    memory), not the exact class: a large file is a ``ResponseStream``
    subclass that also names its file, for ASGI servers that send files by
    path (``http.response.pathsend``).
    """
    seen: list[type] = []

    @app.on_response
    async def capture(request, response):
        seen.append(type(response))

    return seen


def _streamed(kinds: list[type]) -> list[bool]:
    return [issubclass(kind, ResponseStream) for kind in kinds]


@pytest.mark.parametrize("option", [True, 512])
def test_stream_large_files_streams_above_the_threshold(
    app: Sanic, tmp_path: Path, option
):
    big = os.urandom(1024 * 1024 + 17)
    (tmp_path / "big.bin").write_bytes(big)
    (tmp_path / "small.bin").write_bytes(b"small")
    app.static("/static", tmp_path, stream_large_files=option, use_content_range=True)
    seen = _capture_response_type(app)
    _, response = app.test_client.get("/static/big.bin")
    assert response.content == big
    assert response.headers["content-length"] == str(len(big))
    _, ranged = app.test_client.get("/static/big.bin", headers={"Range": "bytes=17-"})
    assert ranged.status == 206
    assert ranged.content == big[17:]
    _, small = app.test_client.get("/static/small.bin")
    assert small.content == b"small"
    assert _streamed(seen) == [True, True, False]


def test_a_large_file_is_streamed_even_without_the_option(app: Sanic, tmp_path: Path):
    from sanic.static.handler import ALWAYS_STREAM_THRESHOLD

    big = os.urandom(ALWAYS_STREAM_THRESHOLD + 1)
    (tmp_path / "big.bin").write_bytes(big)
    app.static("/static", tmp_path)
    seen = _capture_response_type(app)
    _, response = app.test_client.get("/static/big.bin")
    assert response.content == big
    assert _streamed(seen) == [True]


@pytest.mark.parametrize("option", [-1, 1.5, "big"])
def test_a_bad_stream_large_files_value_is_a_clear_error(app, folder, option):
    with pytest.raises(ValueError, match="stream_large_files"):
        app.static("/static", folder, stream_large_files=option)


# ---- registration errors ------------------------------------------------------------


def test_a_missing_path_is_an_error_at_registration(app: Sanic, tmp_path: Path):
    with pytest.raises(ValueError, match="does not exist") as caught:
        app.static("/static", tmp_path / "nope")
    assert "\n" not in str(caught.value)


def test_resource_type_must_match_the_path(app: Sanic, folder: Path):
    with pytest.raises(ValueError, match="is a directory"):
        app.static("/static", folder, resource_type="file")
    with pytest.raises(ValueError, match="is a file"):
        app.static("/x.txt", folder / "hello.txt", resource_type="dir")
    with pytest.raises(ValueError, match="resource_type must be"):
        app.static("/static", folder, resource_type="folder")


def test_resource_type_given_explicitly(app: Sanic, folder: Path):
    app.static("/static", folder, resource_type="dir")
    app.static("/hello", folder / "hello.txt", resource_type="file")
    _, response = app.test_client.get("/static/hello.txt")
    assert response.content == b"hello"
    _, response = app.test_client.get("/hello")
    assert response.content == b"hello"


def test_a_path_that_is_not_a_path_is_an_error(app: Sanic):
    with pytest.raises(ValueError, match="valid path"):
        app.static("/static", 42)


def test_apply_false_registers_nothing(app: Sanic, folder: Path):
    app.static("/static", folder, apply=False)
    assert not app.router.routes


# ---- url_for and blueprints ---------------------------------------------------------


def test_url_for_static_with_a_filename(app: Sanic, folder: Path):
    app.static("/static", folder)
    assert app.url_for("static", filename="file.txt") == "/static/file.txt"
    assert app.url_for("static", name="static", filename="file.txt") == (
        "/static/file.txt"
    )
    assert app.url_for("static", filename="a b/c.txt") == "/static/a%20b/c.txt"


def test_url_for_static_routes_by_name(app: Sanic, folder: Path):
    app.static("/user/uploads", folder, name="uploads")
    app.static("/the_best.png", folder / "hello.txt", name="best_png")
    assert app.url_for("static", name="uploads", filename="image.png") == (
        "/user/uploads/image.png"
    )
    assert app.url_for("static", name="best_png") == "/the_best.png"
    assert app.url_for("static", name="best_png", filename="any") == "/the_best.png"


def test_url_for_a_blueprint_static_route(app: Sanic, folder: Path):
    bp = Blueprint("bp", url_prefix="/bp")
    bp.static("/static", folder)
    bp.static("/uploads", folder, name="uploads")
    bp.static("/the_best.png", folder / "hello.txt", name="best_png")
    app.blueprint(bp)
    assert app.url_for("static", name="bp.static", filename="file.txt") == (
        "/bp/static/file.txt"
    )
    assert app.url_for("static", name="bp.uploads", filename="file.txt") == (
        "/bp/uploads/file.txt"
    )
    assert app.url_for("static", name="bp.best_png") == "/bp/the_best.png"


def test_blueprint_static_is_served_under_its_prefix(app: Sanic, folder: Path):
    bp = Blueprint("assets", url_prefix="/assets")
    bp.static("/static", folder, use_content_range=True)
    app.blueprint(bp)
    _, response = app.test_client.get("/assets/static/css/site.css")
    assert response.content == CSS
    _, ranged = app.test_client.get(
        "/assets/static/data.bin", headers={"Range": "bytes=0-1"}
    )
    assert ranged.status == 206
    names = {route.name for route in app.router.routes}
    assert f"{app.name}.assets.static" in names


def test_blueprint_middleware_applies_to_its_static_routes(app: Sanic, folder: Path):
    bp = Blueprint("assets", url_prefix="/assets")
    bp.static("/", folder)

    @bp.on_response
    async def mark(request, response):
        response.headers["x-bp"] = "yes"

    app.blueprint(bp)
    _, response = app.test_client.get("/assets/hello.txt")
    assert response.headers["x-bp"] == "yes"


def test_static_at_the_root_leaves_other_routes_alone(app: Sanic, folder: Path):
    @app.get("/")
    async def index(request):
        return text("index")

    app.static("/", folder)
    _, home = app.test_client.get("/")
    _, css = app.test_client.get("/css/site.css")
    assert home.text == "index"
    assert css.content == CSS


def test_head_sends_no_body_bytes_on_a_kept_alive_connection(
    app: Sanic, tmp_path: Path
):
    from tests.server_thread import connect, read_until_closed, serve_in_thread

    big = os.urandom(2 * 1024 * 1024)
    (tmp_path / "big.bin").write_bytes(big)
    app.static("/static", tmp_path, stream_large_files=True)
    with serve_in_thread(app) as port, connect(port) as sock:
        sock.sendall(b"HEAD /static/big.bin HTTP/1.1\r\nHost: x\r\n\r\n")
        head = b""
        while b"\r\n\r\n" not in head:
            head += sock.recv(65536)
        assert head.startswith(b"HTTP/1.1 200")
        assert f"content-length: {len(big)}".encode() in head.lower()
        assert head.endswith(b"\r\n\r\n")  # nothing after the head
        sock.sendall(
            b"GET /static/big.bin HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
        )
        reply = read_until_closed(sock)
    assert reply.startswith(b"HTTP/1.1 200")
    assert reply.endswith(big)
    assert len(reply.partition(b"\r\n\r\n")[2]) == len(big)


def test_blueprint_static_takes_pattern_third_as_app_static_does(
    app: Sanic, folder: Path
):
    bp = Blueprint("assets", url_prefix="/assets")
    bp.static("/static", folder, r"/?.+", name="files")
    app.blueprint(bp)
    _, response = app.test_client.get("/assets/static/hello.txt")
    assert response.content == b"hello"
    assert app.url_for("assets.files", filename="hello.txt") == (
        "/assets/static/hello.txt"
    )
