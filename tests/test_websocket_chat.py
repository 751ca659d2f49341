"""The websocket chat example (examples/websocket_chat/), used from a real browser.

``server.py`` runs as a real process on a free loopback port. Debian's Chromium
(installed here with apt when missing) runs headless, and the test drives it
over the Chrome DevTools Protocol: a websocket to the browser, with one session
per page. Each test opens the chat page in tabs, waits for the page's own
script to connect to ``/ws``, types a message into the box and clicks Send (by
evaluating JS in the page), and then polls, within a bounded time, for the
message to show up in the list the page keeps. The server and the browser each
run in their own process group, killed whole in ``finally``.
"""

from __future__ import annotations

import base64
import contextlib
import itertools
import json
import os
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from websockets.sync.client import ClientConnection, connect

from tests.debian_support import CHROMIUM
from tests.net import free_port
from tests.processes import logged, wait_for_answer

# Installing Chromium may take the first test a few minutes; every step has its
# own timeout, and once it is there each test takes a few seconds.
pytestmark = pytest.mark.timeout(900)

ROOT = Path(__file__).resolve().parent.parent
SERVER = ROOT / "examples" / "websocket_chat" / "server.py"
START_TIMEOUT = 20.0  # the server answering, Chromium's debugging port appearing
STEP_TIMEOUT = 10.0  # one DevTools call; the page connecting; a message arriving
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",  # we run as root
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-background-networking",  # no calls home: this network is closed
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--no-proxy-server",
    "--window-size=1024,768",
    "--remote-debugging-address=127.0.0.1",
    "--remote-debugging-port=0",  # Chromium picks it; see DevToolsActivePort
]


# ---------------------------------------------------------------------------
# Finding or installing Chromium


@pytest.fixture(scope="module")
def chromium_binary() -> str:
    return CHROMIUM.require()


# ---------------------------------------------------------------------------
# Processes


class ChatServer:
    def __init__(self, url: str, log: Path) -> None:
        self.url = url
        self.log = log

    def output(self) -> str:
        return self.log.read_text(errors="replace")


@pytest.fixture(scope="module")
def chat(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ChatServer]:
    """Run ``server.py HOST PORT`` until the module's tests are done."""
    port = free_port()
    log = tmp_path_factory.mktemp("chat") / "server.log"
    environ = {k: v for k, v in os.environ.items() if not k.startswith("SANIC_")}
    environ.update(PYTHONUNBUFFERED="1", NO_COLOR="1")
    url = f"http://127.0.0.1:{port}/"
    argv = [sys.executable, str(SERVER), "127.0.0.1", str(port)]
    # In a session of its own: its worker too is killed with the group.
    with logged(argv, log, cwd=ROOT, env=environ) as proc:
        page = wait_for_answer(
            proc,
            lambda: httpx.get(url, timeout=2, trust_env=False),
            timeout=START_TIMEOUT,
            errors=httpx.TransportError,
            output=lambda: log.read_text(errors="replace"),
            what="server.py",
        )
        assert page.status_code == 200, page.text
        assert page.headers["content-type"].startswith("text/html")
        assert '<ul id="messages"' in page.text
        yield ChatServer(url, log)


@pytest.fixture(scope="module")
def browser(
    chromium_binary: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[DevTools]:
    """Headless Chromium, and a DevTools connection to it."""
    profile = tmp_path_factory.mktemp("chromium-profile")
    log = profile.parent / f"{profile.name}.log"
    argv = [chromium_binary, *CHROMIUM_FLAGS, f"--user-data-dir={profile}"]
    # In a session of its own: its zygote and renderers go with it.
    with logged([*argv, "about:blank"], log) as proc:
        active = profile / "DevToolsActivePort"
        deadline = time.monotonic() + START_TIMEOUT
        while not (active.exists() and len(active.read_text().splitlines()) >= 2):
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail(
                    f"Chromium (status {proc.poll()}) opened no debugging port:\n"
                    + log.read_text(errors="replace")[-3000:]
                )
            time.sleep(0.05)
        port, path = active.read_text().splitlines()[:2]
        with connect(
            f"ws://127.0.0.1:{port}{path}",
            proxy=None,
            max_size=None,  # screenshots
            open_timeout=STEP_TIMEOUT,
        ) as conn:
            yield DevTools(conn)


# ---------------------------------------------------------------------------
# A small Chrome DevTools Protocol client


class DevToolsError(Exception):
    pass


class DevTools:
    """Calls over the browser's DevTools websocket, one reply awaited at a time.

    Events (there are few: no domain is enabled) are read and dropped.
    """

    def __init__(self, conn: ClientConnection) -> None:
        self.conn = conn
        self.ids = itertools.count(1)

    def call(self, method: str, session: str | None = None, **params: Any) -> Any:
        call_id = next(self.ids)
        message: dict[str, Any] = {"id": call_id, "method": method, "params": params}
        if session:
            message["sessionId"] = session
        self.conn.send(json.dumps(message))
        deadline = time.monotonic() + STEP_TIMEOUT
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise DevToolsError(f"no answer to {method} in {STEP_TIMEOUT:.0f} s")
            try:
                reply = json.loads(self.conn.recv(timeout=remaining))
            except TimeoutError:
                continue
            if reply.get("id") != call_id:
                continue
            if "error" in reply:
                raise DevToolsError(f"{method}: {reply['error']}")
            return reply["result"]

    def open(self, url: str) -> Page:
        target = self.call("Target.createTarget", url=url)["targetId"]
        session = self.call("Target.attachToTarget", targetId=target, flatten=True)
        return Page(self, target, session["sessionId"])


class Page:
    """One tab, driven through its own DevTools session."""

    def __init__(self, tools: DevTools, target: str, session: str) -> None:
        self.tools = tools
        self.target = target
        self.session = session

    def evaluate(self, expression: str) -> Any:
        result = self.tools.call(
            "Runtime.evaluate",
            self.session,
            expression=expression,
            returnByValue=True,
            awaitPromise=True,
        )
        if "exceptionDetails" in result:
            raise DevToolsError(f"{expression!r}: {result['exceptionDetails']}")
        return result["result"].get("value")

    def wait_for(self, expression: str, what: str) -> Any:
        """Poll until ``expression`` is truthy; fail after STEP_TIMEOUT."""
        deadline = time.monotonic() + STEP_TIMEOUT
        while True:
            value = self.evaluate(expression)
            if value:
                return value
            if time.monotonic() > deadline:
                pytest.fail(f"{what} within {STEP_TIMEOUT:.0f} s; {self.state()}")
            time.sleep(0.05)

    def state(self) -> str:
        status = self.evaluate(STATUS_TEXT)
        return f"page status {status!r}, messages {self.messages()!r}"

    def wait_connected(self) -> None:
        """Wait for the page's script to open its websocket to /ws."""
        deadline = time.monotonic() + STEP_TIMEOUT
        while True:
            status = self.evaluate(STATUS_STATE)
            if status == "open":
                return
            if status in ("closed", "error") or time.monotonic() > deadline:
                pytest.fail(f"the page's websocket did not open: {self.state()}")
            time.sleep(0.05)

    def send(self, text: str) -> None:
        """Type ``text`` into the message box and click Send."""
        sent = self.evaluate(
            "(() => {"
            " const input = document.getElementById('message');"
            f" input.value = {json.dumps(text)};"
            " input.dispatchEvent(new Event('input', {bubbles: true}));"
            " const button = document.getElementById('send');"
            " if (button.disabled) return false;"
            " button.click();"
            " return input.value === '';"  # the page clears the box once sent
            "})()"
        )
        assert sent, f"the page did not send {text!r}: {self.state()}"

    def messages(self) -> list[dict[str, Any]]:
        return self.evaluate(MESSAGES) or []

    def wait_for_message(self, text: str) -> dict[str, Any]:
        found = self.wait_for(
            f"({MESSAGES} || []).find(m => m.text === {json.dumps(text)})",
            f"{text!r} did not appear in the page's list",
        )
        return found

    def screenshot(self, path: Path) -> None:
        data = self.tools.call("Page.captureScreenshot", self.session, format="png")
        path.write_bytes(base64.b64decode(data["data"]))

    def close(self) -> None:
        with contextlib.suppress(DevToolsError):
            self.tools.call("Target.closeTarget", targetId=self.target)


STATUS_STATE = "document.getElementById('status')?.dataset.state"
STATUS_TEXT = "document.getElementById('status')?.textContent"
MESSAGES = (
    "(() => { const list = document.getElementById('messages');"
    " return list && Array.from(list.children).map(li => ({"
    " id: li.id, tag: li.tagName, text: li.textContent,"
    " elements: li.children.length})); })()"
)


@contextlib.contextmanager
def chat_page(browser: DevTools, url: str) -> Iterator[Page]:
    page = browser.open(url)
    try:
        page.wait_connected()
        yield page
    finally:
        page.close()


# ---------------------------------------------------------------------------
# The tests


def test_a_message_sent_from_the_page_comes_back_into_its_list(
    browser: DevTools, chat: ChatServer, tmp_path: Path
) -> None:
    text = f"hello from chromium {uuid.uuid4().hex[:8]}"
    with chat_page(browser, chat.url) as page:
        assert page.evaluate("document.title") == "Sanic websocket chat"
        assert page.evaluate(STATUS_TEXT) == "connected"
        page.send(text)
        message = page.wait_for_message(text)
        assert message["tag"] == "LI"
        assert message["id"].startswith("msg-")
        assert message["id"].removeprefix("msg-").isdigit()
        # Once only: the server echoes it to its sender a single time.
        time.sleep(0.2)
        assert [m["text"] for m in page.messages()].count(text) == 1
        shot = tmp_path / "chat.png"
        page.screenshot(shot)
    assert shot.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")


def test_a_message_from_one_tab_is_broadcast_to_the_other(
    browser: DevTools, chat: ChatServer
) -> None:
    first_text = f"from the first tab {uuid.uuid4().hex[:8]}"
    # Markup typed by one user reaches the others as text, never as HTML.
    second_text = f"<b>from the second tab</b> {uuid.uuid4().hex[:8]}"
    after_text = f"after the second tab left {uuid.uuid4().hex[:8]}"
    with chat_page(browser, chat.url) as first:
        with chat_page(browser, chat.url) as second:
            first.send(first_text)
            seen_by_second = second.wait_for_message(first_text)
            seen_by_first = first.wait_for_message(first_text)
            assert seen_by_first["id"] == seen_by_second["id"]  # the same message

            second.send(second_text)
            shown = first.wait_for_message(second_text)
            assert shown["elements"] == 0  # no <b> element was made from it
            second.wait_for_message(second_text)
            assert int(shown["id"].removeprefix("msg-")) > int(
                seen_by_first["id"].removeprefix("msg-")
            )
        # The second tab is closed: the room goes on without it.
        first.send(after_text)
        first.wait_for_message(after_text)
    output = chat.output()
    assert "Traceback" not in output, output
    assert "[ERROR]" not in output, output
