"""tests/test_tasks.py, through app.asgi_client."""

from tests.asgi.reexport import reexport

reexport("tests.test_tasks", globals())
