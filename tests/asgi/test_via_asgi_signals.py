"""tests/test_signals.py, through app.asgi_client."""

from tests.asgi.reexport import reexport

reexport("tests.test_signals", globals())
