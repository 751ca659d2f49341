import uuid

import pytest

from sanic import Sanic


@pytest.fixture
def app() -> Sanic:
    """A fresh app with a unique name (the registry rejects duplicates)."""
    application = Sanic(f"test_{uuid.uuid4().hex[:12]}")
    yield application
    Sanic.unregister_app(application)
