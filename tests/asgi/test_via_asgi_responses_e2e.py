"""tests/test_responses_e2e.py, through app.asgi_client."""

from tests.asgi.reexport import reexport

reexport("tests.test_responses_e2e", globals())
