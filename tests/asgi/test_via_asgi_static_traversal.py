"""tests/test_static_traversal.py, through app.asgi_client."""

from tests.asgi.reexport import reexport

reexport("tests.test_static_traversal", globals())
