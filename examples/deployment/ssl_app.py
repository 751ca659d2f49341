"""The seed's SSL app: HTTPS on port 8443 with four workers.

Run: ``SSL_CERT=server.crt SSL_KEY=server.key python examples/deployment/ssl_app.py``
then ``curl --cacert ca.pem https://localhost:8443/``. ``HOST``, ``PORT``,
``SSL_CERT`` and ``SSL_KEY`` override the seed's defaults.
"""

import os
import ssl

from sanic import Sanic
from sanic.response import json

app = Sanic("SecureApp")


@app.route("/")
async def secure_endpoint(request):
    return json(
        {
            "message": "Secure connection established",
            "scheme": request.scheme,
            "secure": request.scheme == "https",
        }
    )


if __name__ == "__main__":
    # SSL configuration
    ssl_config = {
        "cert": os.getenv("SSL_CERT", "/etc/ssl/certs/server.crt"),
        "key": os.getenv("SSL_KEY", "/etc/ssl/private/server.key"),
        "ssl_version": ssl.PROTOCOL_TLS,
        "ciphers": "ECDHE+AESGCM:ECDHE+CHACHA20:DHE+AESGCM:DHE+CHACHA20:!aNULL:!MD5:!DSS",
    }
    app.run(
        host=os.getenv("HOST", "0.0.0.0"),
        port=int(os.getenv("PORT", 8443)),
        ssl=ssl_config,
        workers=4,
    )
