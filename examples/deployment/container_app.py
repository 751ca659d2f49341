"""The seed's container app: config from the environment, health and readiness
endpoints for the orchestrator, and a graceful stop on SIGTERM/SIGINT.

Run: ``PORT=8080 WORKERS=2 python examples/deployment/container_app.py`` then
``curl http://127.0.0.1:8080/health`` and ``curl http://127.0.0.1:8080/ready``.
Environment: ``HOST`` (default ``0.0.0.0``), ``PORT`` (8000), ``WORKERS`` (1),
``DEBUG`` (false), ``ACCESS_LOG`` (true), ``READY`` (true: the stand-in
dependency check's answer).
"""

import os
import signal
import sys

from sanic import Sanic
from sanic.response import json

app = Sanic("ContainerApp")

# Container-friendly configuration
app.config.update(
    {
        "HOST": os.getenv("HOST", "0.0.0.0"),
        "PORT": int(os.getenv("PORT", 8000)),
        "WORKERS": int(os.getenv("WORKERS", 1)),
        "DEBUG": os.getenv("DEBUG", "false").lower() == "true",
        "ACCESS_LOG": os.getenv("ACCESS_LOG", "true").lower() == "true",
    }
)


async def check_dependencies():
    """Local stand-in: ping the database, cache, ... here. ``READY=false``
    makes it report them unavailable."""
    return os.getenv("READY", "true").lower() == "true"


@app.before_server_start
async def setup_container(app, loop):
    """Container-specific setup."""
    app.logger.info("Starting application in container")


# Health check endpoint for container orchestration
@app.route("/health")
async def health_check(request):
    return json({"status": "healthy"})


@app.route("/ready")
async def readiness_check(request):
    # Check dependencies (database, cache, etc.)
    ready = await check_dependencies()
    if ready:
        return json({"status": "ready"})
    else:
        return json({"status": "not ready"}, status=503)


def signal_handler(signum, frame):
    """Handle container shutdown signals."""
    app.logger.info(f"Received signal {signum}, shutting down gracefully")
    app.stop()


if __name__ == "__main__":
    # Register signal handlers for graceful shutdown
    signal.signal(signal.SIGTERM, signal_handler)
    signal.signal(signal.SIGINT, signal_handler)

    try:
        app.run(
            host=app.config.HOST,
            port=app.config.PORT,
            workers=app.config.WORKERS,
            debug=app.config.DEBUG,
            access_log=app.config.ACCESS_LOG,
        )
    except KeyboardInterrupt:
        app.logger.info("Application stopped by user")
        sys.exit(0)
