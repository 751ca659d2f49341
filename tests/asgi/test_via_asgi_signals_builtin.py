"""tests/test_signals_builtin.py, through app.asgi_client."""

from tests.asgi.reexport import reexport

reexport(
    "tests.test_signals_builtin",
    globals(),
    not_over_asgi={
        "test_connection_events_begin_send_and_complete": (
            "http.lifecycle.begin/send/complete are events of Sanic's own connections and raw bytes, which an ASGI app never sees"
        ),
    },
)
