"""tests/test_app.py, through app.asgi_client."""

from tests.asgi.reexport import reexport

reexport("tests.test_app", globals())
