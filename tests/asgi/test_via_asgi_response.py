"""tests/test_response.py, through app.asgi_client."""

from tests.asgi.reexport import reexport

reexport("tests.test_response", globals())
