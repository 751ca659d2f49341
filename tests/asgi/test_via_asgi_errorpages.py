"""tests/test_errorpages.py, through app.asgi_client."""

from tests.asgi.reexport import reexport

reexport("tests.test_errorpages", globals())
