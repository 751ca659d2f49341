"""Class-based views: one class per endpoint, one method per HTTP method.

https://sanic.dev/en/guide/advanced/class-based-views.html
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, ClassVar

from sanic.constants import HTTP_METHODS
from sanic.exceptions import MethodNotAllowed

__all__ = ("HTTPMethodView", "stream")


def stream(func: Callable[..., Any]) -> Callable[..., Any]:
    """Mark a handler (or a view's method) as reading its body as a stream."""
    func.is_stream = True  # type: ignore[attr-defined]
    return func


class HTTPMethodView:
    """Subclass it and define ``get``, ``post``, ... (sync or async).

    ``decorators`` wrap the handler ``as_view()`` returns, so they apply to
    every method. A request for a method the view lacks gets a 405.
    """

    decorators: ClassVar[list[Callable[[Callable[..., Any]], Callable[..., Any]]]] = []

    def __init_subclass__(
        cls,
        attach: Any = None,
        uri: str = "",
        methods: Iterable[str] = frozenset({"GET"}),
        host: str | list[str] | None = None,
        strict_slashes: bool | None = None,
        version: int | str | float | None = None,
        name: str | None = None,
        stream: bool = False,
        version_prefix: str = "/v",
        **kwargs: Any,
    ) -> None:
        """``class View(HTTPMethodView, attach=app, uri="/path")`` attaches it."""
        super().__init_subclass__(**kwargs)
        if attach is not None:
            cls.attach(
                attach,
                uri,
                methods=methods,
                host=host,
                strict_slashes=strict_slashes,
                version=version,
                name=name,
                stream=stream,
                version_prefix=version_prefix,
            )

    def dispatch_request(self, request: Any, *args: Any, **kwargs: Any) -> Any:
        """Call the method named after the request's HTTP method.

        HEAD falls back to ``get``: the router answers HEAD with GET routes.
        """
        handler = getattr(self, request.method.lower(), None)
        if handler is None and request.method == "HEAD":
            handler = getattr(self, "get", None)
        if handler is None:
            raise MethodNotAllowed(
                f"Method {request.method} not allowed for URL {request.path}",
                method=request.method,
                allowed_methods=self._methods(),
            )
        return handler(request, *args, **kwargs)

    @classmethod
    def _methods(cls) -> list[str]:
        return [m.value for m in HTTP_METHODS if getattr(cls, m.lower(), None)]

    @classmethod
    def as_view(cls, *class_args: Any, **class_kwargs: Any) -> Callable[..., Any]:
        """A route handler: each request gets ``cls(*class_args, **class_kwargs)``.

        The handler is named after the class (so ``url_for("ClassName")`` works)
        and carries ``view_class``, from which routes learn the methods.
        """

        def view(*args: Any, **kwargs: Any) -> Any:
            return cls(*class_args, **class_kwargs).dispatch_request(*args, **kwargs)

        for decorator in cls.decorators:
            view = decorator(view)
        view.view_class = cls  # type: ignore[attr-defined]
        view.__name__ = cls.__name__
        view.__qualname__ = cls.__qualname__
        view.__doc__ = cls.__doc__
        view.__module__ = cls.__module__
        if any(
            getattr(getattr(cls, m.lower(), None), "is_stream", False)
            for m in HTTP_METHODS
        ):
            view.is_stream = True  # type: ignore[attr-defined]
        return view

    @classmethod
    def attach(
        cls,
        to: Any,
        uri: str,
        methods: Iterable[str] = frozenset({"GET"}),
        host: str | list[str] | None = None,
        strict_slashes: bool | None = None,
        version: int | str | float | None = None,
        name: str | None = None,
        stream: bool = False,
        version_prefix: str = "/v",
    ) -> None:
        """Add this view to an app or a blueprint at ``uri``."""
        to.add_route(
            cls.as_view(),
            uri=uri,
            methods=methods,
            host=host,
            strict_slashes=strict_slashes,
            version=version,
            name=name,
            stream=stream,
            version_prefix=version_prefix,
        )
