"""tests/test_exceptions.py, through app.asgi_client."""

from tests.asgi.reexport import reexport

reexport("tests.test_exceptions", globals())
