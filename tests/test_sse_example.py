"""examples/sse/app.py runs as written: a real process, read with httpx streaming."""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from tests.net import free_port
from tests.processes import logged, wait_for_answer

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "sse" / "app.py"


@contextmanager
def sse_server(tmp_path: Path) -> Iterator[str]:
    port = free_port()
    environ = {k: v for k, v in os.environ.items() if not k.startswith("SANIC_")}
    environ.update(HOST="127.0.0.1", PORT=str(port), PYTHONUNBUFFERED="1")
    log = tmp_path / "sse.log"
    base = f"http://127.0.0.1:{port}"
    with logged([sys.executable, str(EXAMPLE)], log, cwd=ROOT, env=environ) as proc:
        wait_for_answer(
            proc,
            lambda: httpx.get(f"{base}/", timeout=2),
            timeout=20,
            errors=httpx.TransportError,
            output=log.read_text,
            what="the example",
        )
        yield base
    assert "Traceback" not in log.read_text(), log.read_text()


def read_events(lines: Iterator[str], wanted: int) -> list[dict[str, str]]:
    """Parse ``wanted`` events (blank-line separated ``field: value`` lines)."""
    events: list[dict[str, str]] = []
    fields: dict[str, str] = {}
    for line in lines:
        if line == "":
            if fields:
                events.append(fields)
                fields = {}
                if len(events) == wanted:
                    break
            continue
        name, _, value = line.partition(":")
        fields[name] = value.removeprefix(" ")
    return events


def test_events_arrive_one_by_one_as_they_are_sent(tmp_path: Path) -> None:
    with sse_server(tmp_path) as base, httpx.Client(timeout=5) as client:
        page = client.get(f"{base}/")
        assert 'new EventSource("/events")' in page.text
        arrivals: list[float] = []
        with client.stream("GET", f"{base}/events?interval=0.3") as response:
            assert response.status_code == 200
            assert response.headers["content-type"].startswith("text/event-stream")
            assert response.headers["cache-control"] == "no-cache"
            lines = response.iter_lines()
            events = []
            for _ in range(4):
                events += read_events(lines, 1)
                arrivals.append(time.monotonic())
        assert events[0] == {"retry": "3000"}
        ticks = events[1:]
        assert [e["event"] for e in ticks] == ["tick"] * 3
        assert [e["id"] for e in ticks] == ["1", "2", "3"]
        assert [json.loads(e["data"])["n"] for e in ticks] == [1, 2, 3]
        # Flushed as sent: the ticks come about 0.3 s apart, not all at the end.
        gaps = [b - a for a, b in zip(arrivals[1:], arrivals[2:], strict=False)]
        assert all(gap > 0.15 for gap in gaps), gaps


def test_a_reconnecting_client_resumes_after_last_event_id(tmp_path: Path) -> None:
    with sse_server(tmp_path) as base, httpx.Client(timeout=5) as client:
        response = client.get(
            f"{base}/events?count=2&interval=0", headers={"Last-Event-ID": "41"}
        )
        events = read_events(iter(response.text.split("\n")), 3)
        assert [e.get("id") for e in events] == [None, "42", "43"]
        # count ends the stream: the response is complete, not cut.
        assert response.status_code == 200


def test_a_client_that_leaves_does_not_break_the_server(tmp_path: Path) -> None:
    with sse_server(tmp_path) as base, httpx.Client(timeout=5) as client:
        for _ in range(3):
            with client.stream("GET", f"{base}/events?interval=0.05") as response:
                read_events(response.iter_lines(), 2)
        response = client.get(f"{base}/events?count=1&interval=0")
        assert "event: tick" in response.text
