"""The hello-world from Sanic's docs: `make run`, then `curl 127.0.0.1:8000/`."""

from sanic import Sanic
from sanic.response import json, text

app = Sanic("HelloApp")


@app.get("/")
async def hello_world(request):
    return text("Hello, world.")


@app.get("/user/<user_id:int>")
async def user(request, user_id: int):
    return json({"user_id": user_id, "args": request.args})


@app.post("/echo")
async def echo(request):
    return json({"received": request.json})


if __name__ == "__main__":
    app.run(host="127.0.0.1", port=8000)
