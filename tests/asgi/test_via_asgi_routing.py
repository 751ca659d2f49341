"""tests/test_routing.py, through app.asgi_client."""

from tests.asgi.reexport import reexport

reexport("tests.test_routing", globals())
