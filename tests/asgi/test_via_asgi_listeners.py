"""tests/test_listeners.py, through app.asgi_client."""

from tests.asgi.reexport import reexport

reexport("tests.test_listeners", globals())
