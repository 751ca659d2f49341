"""The seed's production app: four workers, no debug, access logs on.

Run: ``python examples/deployment/production_app.py`` then
``curl http://127.0.0.1:8000/health``. ``HOST`` and ``PORT`` override the
address (the defaults are the seed's).
"""

import os

from sanic import Sanic
from sanic.response import json

app = Sanic("ProductionApp")


@app.route("/health")
async def health_check(request):
    return json({"status": "healthy", "service": "ProductionApp"})


@app.route("/api/data")
async def get_data(request):
    return json({"data": "production data"})


if __name__ == "__main__":
    # Production server configuration
    app.run(
        host=os.getenv("HOST", "0.0.0.0"),
        port=int(os.getenv("PORT", 8000)),
        workers=4,
        debug=False,
        access_log=True,
    )
