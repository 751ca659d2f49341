"""tests/test_static.py, through app.asgi_client."""

from tests.asgi.reexport import reexport

reexport("tests.test_static", globals())
