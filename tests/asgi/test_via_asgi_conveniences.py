"""tests/test_conveniences.py, through app.asgi_client."""

from tests.asgi.reexport import reexport

reexport(
    "tests.test_conveniences",
    globals(),
    not_over_asgi={
        "test_any_header_is_readable_as_a_property": (
            "it reads the Host of a loopback socket; the ASGI client's host is 'mockserver'"
        ),
    },
)
