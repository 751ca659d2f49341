"""tests/test_streaming.py, through app.asgi_client.

The original tests serve the app on a socket and talk to it with httpx or
raw bytes. Here the same test code runs with ``serve_in_thread`` and
``httpx`` replaced (tests/asgi/over_asgi.py), so the httpx ones go through
the app's ASGI interface. The raw-byte ones check the HTTP/1.1 wire (chunked
framing, 100-continue, HTTP/1.0, socket back-pressure), which under ASGI is
the ASGI server's; they are skipped with that reason. Streaming over ASGI
itself (bodies read as they arrive, 413 mid-stream, a disconnect cancelling
the handler) has its own tests in tests/asgi/test_asgi_http.py.
"""

from tests.asgi.over_asgi import httpx_over_asgi, serve_over_asgi
from tests.asgi.reexport import rebind

_WIRE = "it sends raw bytes to a socket: the HTTP/1.1 wire is the ASGI server's"

rebind(
    "tests.test_streaming",
    globals(),
    {"serve_in_thread": serve_over_asgi, "httpx": httpx_over_asgi},
    not_over_asgi={
        "test_a_stream_route_reads_the_body_while_the_client_is_still_sending": (
            f"{_WIRE} (over ASGI: test_a_stream_route_reads_chunks_as_they_arrive)"
        ),
        "test_a_chunked_stream_body_over_request_max_size_gets_413": (
            f"{_WIRE} (over ASGI: "
            "test_a_streamed_body_growing_over_request_max_size_is_413)"
        ),
        "test_reading_pauses_while_the_handler_does_not_consume_the_buffer": (
            f"{_WIRE} (over ASGI: test_a_large_streamed_body_is_read_with_backpressure)"
        ),
        "test_100_continue_for_a_stream_route_waits_for_the_first_read": _WIRE,
        "test_no_100_continue_when_the_route_ignores_the_body": _WIRE,
        "test_no_100_continue_for_a_404_or_a_body_over_the_limit": _WIRE,
        "test_respond_send_eof_uses_chunked_transfer_without_a_length": _WIRE,
        "test_http10_streamed_response_ends_with_the_connection": _WIRE,
        "test_a_response_stream_without_a_length_is_sent_chunked": (
            "it asserts chunked framing; under ASGI the server chooses the framing"
        ),
        "test_a_streaming_handler_whose_client_leaves_mid_response_is_cancelled": (
            f"{_WIRE} (over ASGI: test_a_client_disconnect_cancels_a_slow_handler)"
        ),
    },
)
