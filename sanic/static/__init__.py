"""``app.static``: serve a file, or the files under a directory, at a URI.

``register_static`` checks the arguments once, at registration (a missing path
or a bad option is a one-line ``ValueError``), and registers GET and HEAD
routes whose handler is a ``StaticHandler``. A directory gets the route
``<uri>/<__file_uri__:path>``; with an index, a listing or a custom directory
handler, ``<uri>`` itself is routed too.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from sanic.exceptions import URLBuildError
from sanic.static.handler import StaticHandler, stream_threshold
from sanic.static.paths import StaticRoot

if TYPE_CHECKING:
    from sanic.app import Sanic
    from sanic.handlers.directory import DirectoryHandler
    from sanic.routing.route import Route

__all__ = ("StaticHandler", "prepare_static_url", "register_static")

_DEFAULT_PATTERN = r"/?.+"
_METHODS = ("GET", "HEAD")


def _target(file_or_directory: Any) -> str:
    if isinstance(file_or_directory, bytes):
        try:
            file_or_directory = os.fsdecode(file_or_directory)
        except UnicodeDecodeError:
            pass
    if not isinstance(file_or_directory, (str, os.PathLike)):
        raise ValueError(
            "Static route must be a valid path (str or os.PathLike), not "
            f"{type(file_or_directory).__name__}"
        )
    text = os.fspath(file_or_directory)
    if not text or "\x00" in text:
        raise ValueError(f"Static route must be a valid path, not {text!r}")
    return os.path.abspath(text)


def _resource_type(target: str, resource_type: str | None, uri: str) -> str:
    if resource_type not in (None, "file", "dir"):
        raise ValueError(
            f"resource_type must be 'file' or 'dir', not {resource_type!r}"
        )
    if os.path.isfile(target):
        found = "file"
    elif os.path.isdir(target):
        found = "dir"
    else:
        raise ValueError(
            f"Static route {uri!r}: {target} does not exist or is not a file or "
            "directory"
        )
    if resource_type is not None and resource_type != found:
        raise ValueError(
            f"Static route {uri!r}: {target} is a "
            f"{'directory' if found == 'dir' else 'file'}, not a "
            f"{'directory' if resource_type == 'dir' else 'file'} "
            f"(resource_type={resource_type!r})"
        )
    return found


def register_static(
    app: Sanic,
    uri: str,
    file_or_directory: str | os.PathLike[str] | bytes,
    pattern: str = _DEFAULT_PATTERN,
    use_modified_since: bool = True,
    use_content_range: bool = False,
    stream_large_files: bool | int = False,
    name: str = "static",
    host: str | list[str] | None = None,
    strict_slashes: bool | None = None,
    content_type: str | None = None,
    apply: bool = True,
    resource_type: str | None = None,
    index: str | Sequence[str] | None = None,
    directory_view: bool = False,
    directory_handler: DirectoryHandler | None = None,
    follow_external_symlink_files: bool = False,
    follow_external_symlink_dirs: bool = False,
) -> list[Route]:
    """Register the routes serving ``file_or_directory`` at ``uri``.

    See ``Sanic.static`` for the options; returns the routes registered.
    """
    if not isinstance(uri, str):
        raise ValueError(f"Static route URI must be a str, not {type(uri).__name__}")
    if not uri.startswith("/"):
        uri = "/" + uri
    target = _target(file_or_directory)
    kind = _resource_type(target, resource_type, uri)
    if content_type is not None and not isinstance(content_type, str):
        raise ValueError(f"content_type must be a str, not {content_type!r}")
    if index is not None and not isinstance(index, str):
        index = list(index)
        if not all(isinstance(item, str) for item in index):
            raise ValueError(f"index must be a file name or a list of them: {index!r}")
    if directory_handler is not None and not callable(
        getattr(directory_handler, "handle", None)
    ):
        raise ValueError(
            "directory_handler must have an async handle(request, path) method"
        )
    threshold = stream_threshold(stream_large_files)
    if not apply:
        return []

    root = None
    if kind == "dir":
        root = StaticRoot(
            target,
            follow_external_symlink_files=follow_external_symlink_files,
            follow_external_symlink_dirs=follow_external_symlink_dirs,
        )
    handler = StaticHandler(
        target,
        root=root,
        use_modified_since=use_modified_since,
        use_content_range=use_content_range,
        stream_threshold=threshold,
        content_type=content_type,
        directory_handler=None,
    )
    options: dict[str, Any] = {
        "methods": _METHODS,
        "name": name,
        "host": host,
        "strict_slashes": strict_slashes,
        "static": True,
    }
    before = len(app.router.routes)
    if root is None:
        app.route(uri, **options)(handler)
        return list(app.router.routes[before:])

    if directory_handler is None and (index or directory_view):
        from sanic.handlers.directory import DirectoryHandler

        directory_handler = DirectoryHandler(
            uri,
            target,
            directory_view=directory_view,
            index=index,
            follow_external_symlink_files=follow_external_symlink_files,
            follow_external_symlink_dirs=follow_external_symlink_dirs,
        )
        directory_handler.file_server = handler.serve
    handler.directory_handler = directory_handler
    base = uri.rstrip("/")
    if pattern == _DEFAULT_PATTERN:
        parameter = "<__file_uri__:path>"
    else:
        parameter = f"<__file_uri__:{pattern}>"
    # The file route first: url_for(name, filename=...) finds it.
    app.route(f"{base}/{parameter}", **options)(handler)
    if directory_handler is not None:
        app.route(uri, **options)(handler)
    return list(app.router.routes[before:])


def prepare_static_url(app: Sanic, view_name: str, kwargs: dict[str, Any]) -> str:
    """Adapt ``url_for`` arguments for static routes, as Sanic's docs show.

    ``url_for("static", name="uploads", filename="a.png")`` builds the URL of
    the static route named ``uploads`` (``name`` defaults to ``static``);
    ``filename`` fills the file part of a directory route and is ignored for a
    single-file route. Returns the view name to look up; ``kwargs`` is updated.
    Other routes are left alone.
    """
    if view_name == "static" or view_name.endswith(".static"):
        name = kwargs.pop("name", None)
        if name:
            view_name = str(name)
    router = app.router
    route = router.find_route_by_view_name(view_name)
    if route is None and not view_name.startswith(f"{app.name}."):
        route = router.find_route_by_view_name(f"{app.name}.{view_name}")
    if route is None or not isinstance(route.handler, StaticHandler):
        return view_name
    filename = kwargs.pop("filename", None)
    if "__file_uri__" in route.params:
        if filename is None or not str(filename).strip("/"):
            raise URLBuildError(
                f"url_for({view_name!r}) needs filename= for the static "
                f"directory route {route.uri}"
            )
        kwargs["__file_uri__"] = str(filename).lstrip("/")
    return view_name
