"""Path traversal against app.static: every shape gets a 404 and never a byte of
a file outside the folder. Requests go over raw sockets so the path reaches the
server exactly as written (clients normalise ``..`` away)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from sanic import Sanic
from tests.server_thread import connect, read_until_closed, serve_in_thread

SECRET = b"TOP-SECRET-CONTENT"


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """tmp/static (served) next to tmp/outside (must never be served)."""
    static = tmp_path / "static"
    (static / "sub").mkdir(parents=True)
    (static / "public.txt").write_bytes(b"public")
    (static / "sub" / "inner.txt").write_bytes(b"inner")
    outside = tmp_path / "outside"
    (outside / "dir").mkdir(parents=True)
    (outside / "secret.txt").write_bytes(SECRET)
    (outside / "dir" / "secret.txt").write_bytes(SECRET)
    # Symlinks leaving the folder, to a file and to a directory.
    os.symlink(outside / "secret.txt", static / "leak.txt")
    os.symlink(outside / "dir", static / "leakdir")
    # Symlinks staying inside, to a file and to a directory.
    os.symlink(static / "public.txt", static / "alias.txt")
    os.symlink("sub", static / "subalias")
    # A broken one, and a relative link climbing out.
    os.symlink(tmp_path / "nowhere", static / "broken.txt")
    os.symlink("../outside/secret.txt", static / "climb.txt")
    return tmp_path


def raw_get(port: int, target: bytes) -> bytes:
    with connect(port) as sock:
        sock.sendall(
            b"GET " + target + b" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
        )
        return read_until_closed(sock)


def status_of(reply: bytes) -> int:
    return int(reply.split(b" ", 2)[1])


TRAVERSALS = {
    "dot_dot": b"/static/../outside/secret.txt",
    "dot_dot_deep": b"/static/sub/../../outside/secret.txt",
    "encoded_dot_dot": b"/static/%2e%2e/outside/secret.txt",
    "encoded_dot_dot_upper": b"/static/%2E%2E/outside/secret.txt",
    "half_encoded_dot_dot": b"/static/.%2e/outside/secret.txt",
    "encoded_slash": b"/static/..%2foutside%2fsecret.txt",
    "encoded_slash_upper": b"/static/..%2Foutside%2Fsecret.txt",
    "encoded_slash_inside": b"/static/sub%2finner.txt",
    "double_encoded": b"/static/%252e%252e/outside/secret.txt",
    "backslash": b"/static/..\\outside\\secret.txt",
    "encoded_backslash": b"/static/..%5coutside%5csecret.txt",
    "absolute_path": b"/static//" + b"etc/passwd",
    "encoded_absolute_path": b"/static/%2fetc%2fpasswd",
    "nul_byte": b"/static/public.txt%00.png",
    "nul_byte_alone": b"/static/%00",
    "dot_segment": b"/static/./public.txt",
    "overlong_utf8_dot": b"/static/%c0%ae%c0%ae/outside/secret.txt",
}


@pytest.mark.parametrize("target", TRAVERSALS.values(), ids=TRAVERSALS.keys())
def test_traversal_shape_gets_404_and_no_outside_bytes(tree: Path, app: Sanic, target):
    app.static("/static", tree / "static")
    with serve_in_thread(app, check_still_answers=True) as port:
        reply = raw_get(port, target)
    assert SECRET not in reply
    assert status_of(reply) == 404, reply[:200]


def test_a_plain_file_is_served_over_the_same_raw_path(tree: Path, app: Sanic):
    # The control for the test above: the raw-socket request itself works.
    app.static("/static", tree / "static")
    with serve_in_thread(app) as port:
        reply = raw_get(port, b"/static/sub/inner.txt")
    assert status_of(reply) == 200
    assert reply.endswith(b"inner")


def test_traversal_through_the_root_route_of_a_listing_gets_404(tree: Path, app: Sanic):
    app.static("/static", tree / "static", directory_view=True, index="index.html")
    with serve_in_thread(app) as port:
        replies = [
            raw_get(port, b"/static/../outside/"),
            raw_get(port, b"/static/%2e%2e/outside/"),
            raw_get(port, b"/static/leakdir/"),
        ]
    for reply in replies:
        assert status_of(reply) == 404
        assert b"secret.txt" not in reply


SYMLINK_CASES = {
    # name: (request path, status by default, with files, with dirs, with both)
    "link_to_file_outside": ("/static/leak.txt", 404, 200, 404, 200),
    "relative_link_climbing_out": ("/static/climb.txt", 404, 200, 404, 200),
    "link_to_dir_outside": ("/static/leakdir/secret.txt", 404, 404, 200, 200),
    "link_to_file_inside": ("/static/alias.txt", 200, 200, 200, 200),
    "link_to_dir_inside": ("/static/subalias/inner.txt", 200, 200, 200, 200),
    "broken_link": ("/static/broken.txt", 404, 404, 404, 404),
}
POLICIES = {
    "default": {},
    "files": {"follow_external_symlink_files": True},
    "dirs": {"follow_external_symlink_dirs": True},
    "all": {
        "follow_external_symlink_files": True,
        "follow_external_symlink_dirs": True,
    },
}


@pytest.mark.parametrize("policy", POLICIES, ids=POLICIES.keys())
@pytest.mark.parametrize("case", SYMLINK_CASES, ids=SYMLINK_CASES.keys())
def test_symlinks_are_followed_per_the_route_option(
    tree: Path, app: Sanic, case: str, policy: str
):
    path, *expected = SYMLINK_CASES[case]
    app.static("/static", tree / "static", **POLICIES[policy])
    _, response = app.test_client.get(path)
    want = expected[list(POLICIES).index(policy)]
    assert response.status == want
    if want == 404:
        assert SECRET not in response.content


def test_symlinks_leaving_the_folder_are_left_out_of_the_listing(
    tree: Path, app: Sanic
):
    app.static("/static", tree / "static", directory_view=True)
    _, response = app.test_client.get("/static/")
    assert response.status == 200
    for hidden in ("leak.txt", "leakdir", "climb.txt", "broken.txt"):
        assert hidden not in response.text
    for shown in ("public.txt", "alias.txt", "sub/", "subalias/"):
        assert shown in response.text


def test_allowed_external_symlinks_are_listed(tree: Path, app: Sanic):
    app.static(
        "/static",
        tree / "static",
        directory_view=True,
        follow_external_symlink_files=True,
        follow_external_symlink_dirs=True,
    )
    _, response = app.test_client.get("/static/")
    assert "leak.txt" in response.text
    assert "leakdir/" in response.text
    assert "broken.txt" not in response.text


def test_a_fifo_in_the_folder_is_a_404_not_a_hang(tree: Path, app: Sanic):
    os.mkfifo(tree / "static" / "pipe.txt")
    app.static("/static", tree / "static")
    _, response = app.test_client.get("/static/pipe.txt")
    assert response.status == 404


def test_a_path_through_a_file_is_a_404(tree: Path, app: Sanic):
    app.static("/static", tree / "static")
    _, response = app.test_client.get("/static/public.txt/anything")
    assert response.status == 404
