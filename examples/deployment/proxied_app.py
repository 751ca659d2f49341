"""The seed's proxied app: behind nginx/HAProxy on the loopback interface.

With ``REAL_IP_HEADER = "X-Real-IP"`` and ``PROXIES_COUNT = 1`` the client's
address comes from the proxy's headers (``request.remote_addr``), and with
``FORWARDED_SECRET`` set, a ``Forwarded`` header carrying ``secret=<it>`` is
trusted too (``request.forwarded``).

Run: ``FORWARDED_SECRET=s3cret python examples/deployment/proxied_app.py`` then
``curl -H 'X-Real-IP: 203.0.113.7' http://127.0.0.1:8000/proxy-info``.
``HOST`` and ``PORT`` override the seed's defaults.
"""

import os

from sanic import Sanic
from sanic.response import json

app = Sanic("ProxiedApp")

# Configure for reverse proxy setup
app.config.update(
    {
        "FORWARDED_SECRET": os.getenv("FORWARDED_SECRET"),
        "REAL_IP_HEADER": "X-Real-IP",
        "PROXIES_COUNT": 1,  # Number of proxy layers
    }
)


@app.middleware("request")
async def log_real_ip(request):
    """Log real client IP from proxy headers."""
    real_ip = request.ip  # Sanic handles proxy headers automatically
    app.logger.info(f"Request from {real_ip} to {request.path}")


@app.route("/proxy-info")
async def proxy_info(request):
    """Display proxy-related information."""
    return json(
        {
            "client_ip": request.ip,
            "forwarded": dict(request.forwarded),
            "remote_addr": request.remote_addr,
            "scheme": request.scheme,
            "host": request.host,
            "headers": {
                "x-forwarded-for": request.headers.get("X-Forwarded-For"),
                "x-forwarded-proto": request.headers.get("X-Forwarded-Proto"),
                "x-real-ip": request.headers.get("X-Real-IP"),
            },
        }
    )


if __name__ == "__main__":
    # Run behind reverse proxy (nginx, HAProxy, etc.)
    app.run(
        host=os.getenv("HOST", "127.0.0.1"),  # Bind to localhost only
        port=int(os.getenv("PORT", 8000)),
        workers=4,
        debug=False,
    )
