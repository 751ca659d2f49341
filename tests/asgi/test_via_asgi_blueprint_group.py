"""tests/test_blueprint_group.py, through app.asgi_client."""

from tests.asgi.reexport import reexport

reexport("tests.test_blueprint_group", globals())
