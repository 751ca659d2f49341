"""tests/test_blueprints.py, through app.asgi_client."""

from tests.asgi.reexport import reexport

reexport("tests.test_blueprints", globals())
