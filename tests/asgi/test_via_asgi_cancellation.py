"""tests/test_cancellation.py, through app.asgi_client."""

from tests.asgi.reexport import reexport

reexport("tests.test_cancellation", globals())
