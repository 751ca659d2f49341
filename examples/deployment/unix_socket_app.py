"""The seed's unix socket app: four workers behind one socket file.

Run: ``python examples/deployment/unix_socket_app.py`` then
``curl --unix-socket /tmp/sanic_app.sock http://localhost/status``.
``SOCKET_PATH`` overrides the seed's path.
"""

import os

from sanic import Sanic
from sanic.response import json

app = Sanic("UnixSocketApp")


@app.route("/status")
async def status(request):
    return json({"status": "running", "socket": "unix"})


if __name__ == "__main__":
    socket_path = os.getenv("SOCKET_PATH", "/tmp/sanic_app.sock")

    # Remove existing socket file
    if os.path.exists(socket_path):
        os.unlink(socket_path)

    # Run on Unix socket, with its permissions. (The seed called
    # os.chmod(socket_path, 0o666) after app.run(), but app.run() returns only
    # once the server has stopped and removed the socket: the mode is set here,
    # as the socket is made. app.run_unix_socket(socket_path, mode=0o666, ...)
    # is the same call.)
    app.run(unix=socket_path, unix_mode=0o666, workers=4, debug=False)
