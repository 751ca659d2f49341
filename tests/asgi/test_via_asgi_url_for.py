"""tests/test_url_for.py, through app.asgi_client."""

from tests.asgi.reexport import reexport

reexport("tests.test_url_for", globals())
