"""tests/test_app_options.py, through app.asgi_client."""

from tests.asgi.reexport import reexport

reexport(
    "tests.test_app_options",
    globals(),
    not_over_asgi={
        "test_access_log_writes_a_line_per_request": (
            "access lines are the ASGI server's to write (uvicorn, hypercorn and granian each log their own)"
        ),
    },
)
