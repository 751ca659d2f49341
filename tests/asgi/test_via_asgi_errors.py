"""tests/test_errors.py, through app.asgi_client."""

from tests.asgi.reexport import reexport

reexport("tests.test_errors", globals())
