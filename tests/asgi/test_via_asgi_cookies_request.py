"""tests/test_cookies_request.py, through app.asgi_client."""

from tests.asgi.reexport import reexport

reexport("tests.test_cookies_request", globals())
