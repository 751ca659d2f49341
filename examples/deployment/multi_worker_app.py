"""The seed's multi-worker app: one worker per CPU (at most ``MAX_WORKERS``).

Each worker opens its own (stand-in) database pool and cache client before it
serves, and closes them before it stops.

Run: ``python examples/deployment/multi_worker_app.py`` then
``curl http://127.0.0.1:8000/status``. ``HOST``, ``PORT`` and ``MAX_WORKERS``
override the seed's defaults.
"""

import logging
import multiprocessing
import os

from sanic import Sanic
from sanic.response import json

app = Sanic("MultiWorkerApp")

# Production configuration
app.config.update(
    {
        "REQUEST_TIMEOUT": 60,
        "RESPONSE_TIMEOUT": 60,
        "KEEP_ALIVE_TIMEOUT": 5,
        "REQUEST_MAX_SIZE": 100 * 1024 * 1024,  # 100MB
        "GRACEFUL_SHUTDOWN_TIMEOUT": 15.0,
    }
)


# --- Local stand-ins for the seed's placeholders (swap in real clients) ---
class _Closable:
    """Something with an async ``close()``, like a real pool or client."""

    def __init__(self, kind):
        self.kind = kind
        self.closed = False

    async def close(self):
        self.closed = True


async def create_database_pool():
    return _Closable("database pool")  # e.g. await asyncpg.create_pool(dsn)


async def create_cache_client():
    return _Closable("cache client")  # e.g. redis.asyncio.from_url(url)


def setup_production_logging():
    logging.getLogger("sanic.access").setLevel(logging.INFO)


# --------------------------------------------------------------------------


@app.before_server_start
async def setup_production(app, loop):
    """Production setup tasks."""
    # Initialize database pool
    app.ctx.db_pool = await create_database_pool()

    # Setup logging
    setup_production_logging()

    # Initialize cache
    app.ctx.cache = await create_cache_client()


@app.before_server_stop
async def cleanup_production(app, loop):
    """Production cleanup tasks."""
    if hasattr(app.ctx, "db_pool"):
        await app.ctx.db_pool.close()

    if hasattr(app.ctx, "cache"):
        await app.ctx.cache.close()


@app.route("/status")
async def status(request):
    """Not in the seed: shows which worker answered and what it set up."""
    return json(
        {
            "pid": os.getpid(),
            "db_pool": request.app.ctx.db_pool.kind,
            "cache": request.app.ctx.cache.kind,
        }
    )


if __name__ == "__main__":
    # Calculate optimal worker count
    worker_count = min(multiprocessing.cpu_count(), int(os.getenv("MAX_WORKERS", 8)))

    app.run(
        host=os.getenv("HOST", "0.0.0.0"),
        port=int(os.getenv("PORT", 8000)),
        workers=worker_count,
        debug=False,
        access_log=True,
        backlog=2048,
    )
