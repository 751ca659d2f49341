"""tests/test_middleware.py, through app.asgi_client."""

from tests.asgi.reexport import reexport

reexport(
    "tests.test_middleware",
    globals(),
    not_over_asgi={
        "test_with_no_middleware_the_request_path_does_no_middleware_work": (
            "it asserts the socket server's synchronous fast path (app._serve_connection); the ASGI adapter runs app.handle_request"
        ),
    },
)
