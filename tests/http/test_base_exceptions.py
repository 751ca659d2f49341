"""SystemExit and KeyboardInterrupt from a handler are not answered as a 500."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import urllib.error
import urllib.request

from tests.net import free_port

APP = """
from sanic import Sanic, text

app = Sanic("exits")


@app.get("/exit")
def leave(request):  # a sync handler runs inside the parser's callback
    raise SystemExit(7)


app.run(host="127.0.0.1", port={port}, single_process=True, access_log=False)
"""


def test_system_exit_in_a_sync_handler_ends_the_process(tmp_path) -> None:
    port = free_port()
    script = tmp_path / "app.py"
    script.write_text(textwrap.dedent(APP.format(port=port)))
    proc = subprocess.Popen(
        [sys.executable, str(script)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        output = ""
        assert proc.stdout is not None
        for line in proc.stdout:  # bounded by the test's timeout
            output += line
            if "Starting worker" in line or "Goin' Fast" in line or str(port) in line:
                break
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/exit", timeout=5)
        except (urllib.error.URLError, ConnectionError, OSError):
            pass  # the process ends: no answer, or a closed connection
        code = proc.wait(timeout=10)
        output += proc.stdout.read()
    finally:
        proc.kill()
        proc.wait(timeout=5)
    assert code == 7, output
    assert "Error while parsing a request" not in output
