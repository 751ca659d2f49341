"""tests/websockets/test_websockets.py, through app.asgi_client.websocket.

The original tests start the app on a socket (``serve_in_thread``) and talk
to it with the `websockets` client (``connect``). Here the same test code
runs with those two names replaced (tests/asgi/over_asgi.py): the client is
``app.asgi_client.websocket(path)``, which drives the app's ASGI interface
with no socket. Tests that send raw bytes to the socket check what the
server does (handshake validation, pings, framing, back-pressure, closing
at shutdown); under ASGI the ASGI server does those, so they are skipped
with that reason.
"""

from tests.asgi.over_asgi import connect_over_asgi, serve_over_asgi
from tests.asgi.reexport import rebind

_SERVER_DOES_IT = "the ASGI server does this, not the app"

rebind(
    "tests.websockets.test_websockets",
    globals(),
    {"serve_in_thread": serve_over_asgi, "connect": connect_over_asgi},
    not_over_asgi={
        "test_a_client_that_stops_answering_pings_is_closed": (
            f"keep-alive pings: {_SERVER_DOES_IT}"
        ),
        "test_bad_handshakes_get_4xx_not_an_upgrade": (
            f"validating the handshake's bytes: {_SERVER_DOES_IT}"
        ),
        "test_an_http10_upgrade_gets_505": (
            f"validating the handshake's bytes: {_SERVER_DOES_IT}"
        ),
        "test_a_wrong_version_names_the_supported_one": (
            f"validating the handshake's bytes: {_SERVER_DOES_IT}"
        ),
        "test_plain_http_to_a_websocket_route_gets_426": (
            "it reads raw bytes from a socket; the 426 over ASGI is "
            "tests/asgi/test_asgi_websocket_client.py"
        ),
        "test_shutdown_closes_open_websockets_with_1001": (
            f"closing open websockets at shutdown: {_SERVER_DOES_IT}"
        ),
        "test_a_slow_reader_does_not_make_the_server_buffer_without_bound": (
            f"socket back-pressure: {_SERVER_DOES_IT}"
        ),
        "test_frames_sent_with_the_handshake_are_not_lost": (
            f"framing the bytes after the handshake: {_SERVER_DOES_IT}"
        ),
    },
)
