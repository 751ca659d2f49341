"""The seed's custom protocol app: an ``HttpProtocol`` subclass counting requests.

Each connection gets its own protocol instance, so the count is per
connection; every response carries ``X-Request-Number`` and
``X-Server-Protocol: custom``.

Run: ``python examples/deployment/custom_protocol_app.py`` then
``curl -i http://127.0.0.1:8000/``. ``HOST`` and ``PORT`` override the seed's
defaults.
"""

import os

from sanic import Sanic
from sanic.response import json
from sanic.server.protocols.http_protocol import HttpProtocol


class CustomProtocol(HttpProtocol):
    """Custom HTTP protocol with request logging."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.request_count = 0

    async def http_request_handler(self, request):
        """Custom request handling with metrics."""
        self.request_count += 1

        # Add custom headers
        request.ctx.request_number = self.request_count

        # Log request
        self.logger.info(
            f"Processing request #{self.request_count}: {request.method} {request.path}"
        )

        # Call parent handler
        response = await super().http_request_handler(request)

        # Add custom response headers
        if response:
            response.headers["X-Request-Number"] = str(self.request_count)
            response.headers["X-Server-Protocol"] = "custom"

        return response


app = Sanic("CustomProtocolApp")


@app.route("/")
async def index(request):
    return json(
        {
            "message": "Custom protocol server",
            "request_number": request.ctx.request_number,
        }
    )


if __name__ == "__main__":
    app.run(
        host=os.getenv("HOST", "0.0.0.0"),
        port=int(os.getenv("PORT", 8000)),
        protocol=CustomProtocol,
        workers=2,
    )
