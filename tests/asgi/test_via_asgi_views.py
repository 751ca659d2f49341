"""tests/test_views.py, through app.asgi_client."""

from tests.asgi.reexport import reexport

reexport("tests.test_views", globals())
