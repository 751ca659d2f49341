"""tests/test_request.py, through app.asgi_client."""

from tests.asgi.reexport import reexport

reexport(
    "tests.test_request",
    globals(),
    not_over_asgi={
        "test_request_respond_streams_the_response": (
            "it asserts chunked framing on the wire; under ASGI the server chooses the framing"
        ),
        "test_request_protocol_and_transport": (
            "request.protocol is an HttpProtocol only on Sanic's own server"
        ),
    },
)
