"""Server-sent events (SSE) with a streaming response.

Run ``python examples/sse/app.py`` and open http://127.0.0.1:8000/ in a
browser: the page's ``EventSource`` prints a clock tick every second. Or
``curl -N http://127.0.0.1:8000/events?count=3``. ``HOST`` and ``PORT``
override the address.

How it works: the handler starts the response itself with
``request.respond(content_type="text/event-stream")``; each
``await response.send(...)`` goes out at once, as one chunk of a chunked
body, so the browser sees every event as it is sent. ``Cache-Control:
no-cache`` keeps caches out, and ``X-Accel-Buffering: no`` tells nginx not to
buffer the stream. A client that reconnects sends ``Last-Event-ID``; the
counter resumes after it. When the client goes away the handler's task is
cancelled, which ends the loop (put clean-up in ``finally``).
"""

from __future__ import annotations

import asyncio
import json
import os
import time

from sanic import Sanic
from sanic.response import html

app = Sanic("SSEExample")

PAGE = """<!doctype html>
<meta charset="utf-8">
<title>Server-sent events</title>
<h1>Ticks</h1>
<ul id="ticks"></ul>
<script>
  const ticks = document.getElementById("ticks");
  const source = new EventSource("/events");
  source.addEventListener("tick", (event) => {
    const item = document.createElement("li");
    item.textContent = event.lastEventId + ": " + JSON.parse(event.data).time;
    ticks.prepend(item);
  });
</script>
"""


def sse_event(
    data: str, *, event: str | None = None, event_id: int | str | None = None
) -> str:
    """One event in the text/event-stream format: ``field: value`` lines and
    a blank line. Each line of ``data`` gets its own ``data:`` field."""
    lines = []
    if event is not None:
        lines.append(f"event: {event}")
    if event_id is not None:
        lines.append(f"id: {event_id}")
    lines.extend(f"data: {line}" for line in data.split("\n"))
    return "\n".join(lines) + "\n\n"


@app.get("/")
async def index(request):
    return html(PAGE)


@app.get("/events")
async def events(request):
    """A tick every ``interval`` seconds (default 1); ``count`` ends the stream
    after that many events (default: never)."""
    interval = float(request.args.get("interval", 1.0))
    count = int(request.args.get("count", 0))
    last_id = request.headers.get("last-event-id", "")
    number = int(last_id) + 1 if last_id.isdigit() else 1
    response = await request.respond(
        content_type="text/event-stream; charset=utf-8",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )
    # Ask the browser to wait 3 s before it reconnects after a drop.
    await response.send("retry: 3000\n\n")
    sent = 0
    while not count or sent < count:
        payload = json.dumps({"n": number, "time": time.strftime("%H:%M:%S")})
        await response.send(sse_event(payload, event="tick", event_id=number))
        number += 1
        sent += 1
        if not count or sent < count:
            await asyncio.sleep(interval)
    await response.eof()


if __name__ == "__main__":
    app.run(
        host=os.getenv("HOST", "127.0.0.1"),
        port=int(os.getenv("PORT", 8000)),
        single_process=True,
    )
