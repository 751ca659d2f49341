"""The seed's development features: debug mode, access logs and auto-reload.

``enable_auto_reload(app, reload_dir=".")`` turns auto-reload on for the next
``app.run()``: the workers restart when a file changes in the app's own source
tree or in ``reload_dir``. Never in production.

Run: ``python examples/deployment/dev_app.py``, then ``curl
http://127.0.0.1:8000/`` (note the pid), edit a file in the current directory
and ask again: a new worker (a new pid) answers. ``HOST``, ``PORT`` and
``RELOAD_DIR`` override the defaults.
"""

import os

from sanic import Sanic
from sanic.response import json
from sanic.worker.reloader import enable_auto_reload

app = Sanic("DevApp")

# Development configuration
app.config.update({"ACCESS_LOG": True, "MOTD": True})

# Auto-reload functionality
enable_auto_reload(app, reload_dir=os.getenv("RELOAD_DIR", "."))


@app.route("/")
async def index(request):
    return json({"pid": os.getpid(), "debug": request.app.debug})


if __name__ == "__main__":
    app.run(
        host=os.getenv("HOST", "127.0.0.1"),
        port=int(os.getenv("PORT", 8000)),
        debug=True,
    )
