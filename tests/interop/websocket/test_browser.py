"""Headless Chromium (Debian's /usr/bin/chromium) loads a page from `l7 serve`'s HTTP service;
the page's JavaScript opens ws://…/ws/echo and round-trips text (non-ASCII too), a binary
ArrayBuffer and 1 MiB messages, then reports what it saw, as JSON, over a second WebSocket to
/ws/chat/<room>, where this test (python3-websockets) is already waiting.

Run: /usr/bin/python3 test_browser.py --l7 build/dev/l7
"""

import asyncio
import contextlib
import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import wstest  # noqa: E402
from wstest import MIB, UNIT, arun, l7test, sha256, ws_url, websockets  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
REPORT_TIMEOUT = 60
TEXT = "h\u00e9llo w\u00f6rld \u20ac \U0001F600 \u2713"
BIG_COUNT = -(-MIB // len(UNIT.encode()))  # UNIT repeated: at least 1 MiB of UTF-8

# The page. Everything it checks is also sent back, so that the assertions live in Python.
PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><title>l7 websocket interop</title></head>
<body><pre id="log"></pre>
<script>
"use strict";
const params = new URLSearchParams(location.search);
const base = "ws://" + location.host;
const UNIT = %(unit)s;
const TEXT = %(text)s;

function opened(ws) {
  return new Promise((resolve, reject) => {
    ws.onopen = () => resolve(ws);
    ws.onerror = () => reject(new Error("cannot open " + ws.url));
  });
}
// Resolves with the next message, or rejects when the connection closes first.
function next(ws) {
  return new Promise((resolve, reject) => {
    ws.onmessage = (e) => resolve(e.data);
    ws.onclose = (e) => reject(new Error("closed " + e.code + " while waiting on " + ws.url));
  });
}
function closed(ws, code, reason) {
  return new Promise((resolve) => {
    ws.onclose = (e) => resolve({code: e.code, reason: e.reason, clean: e.wasClean});
    ws.close(code, reason);
  });
}
async function hex(buffer) {
  const digest = await crypto.subtle.digest("SHA-256", buffer);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

async function run() {
  const r = {userAgent: navigator.userAgent};
  const ws = await opened(new WebSocket(base + "/ws/echo", ["echo"]));
  ws.binaryType = "arraybuffer";
  r.protocol = ws.protocol;
  r.extensions = ws.extensions;

  ws.send(TEXT);
  r.text = await next(ws);

  ws.send(Uint8Array.from({length: 256}, (_, i) => i).buffer);
  const bin = await next(ws);
  r.binary_kind = Object.prototype.toString.call(bin);
  r.binary_hex = Array.from(new Uint8Array(bin), (b) => b.toString(16).padStart(2, "0")).join("");

  const big = UNIT.repeat(Number(params.get("count")));
  ws.send(big);
  const bigBack = await next(ws);
  r.big_text_equal = bigBack === big;
  r.big_text_sha256 = await hex(new TextEncoder().encode(bigBack));

  const bytes = Uint8Array.from({length: 1 << 20}, (_, i) => (i * 31 + 7) & 255);
  ws.send(bytes);
  const bytesBack = await next(ws);
  r.big_binary_length = bytesBack.byteLength;
  r.big_binary_sha256 = await hex(bytesBack);

  r.close = await closed(ws, 1000, "page done");
  return r;
}

async function report(result) {
  document.getElementById("log").textContent = JSON.stringify(result);
  const chat = await opened(new WebSocket(base + "/ws/chat/" + params.get("room")));
  const summary = JSON.stringify(result);
  chat.send(summary);
  while ((await next(chat)) !== summary) {}  // our own message back: the room has it
  chat.close(1000);
}

run().catch((e) => ({error: String(e)})).then(report);
</script></body></html>
""" % {"unit": json.dumps(UNIT), "text": json.dumps(TEXT)}


class BrowserTest(l7test.ServerCase):
    SERVER_KWARGS = {"files": {"wsinterop/index.html": PAGE}}

    def setUp(self):
        if not os.access(CHROMIUM, os.X_OK):
            self.fail("%s not found: run scripts/deps.sh (Debian package chromium)" % CHROMIUM)
        self.profile = tempfile.mkdtemp(prefix="l7-chromium-")
        self.addCleanup(shutil.rmtree, self.profile, True)

    @contextlib.contextmanager
    def chromium(self, url):
        log = open(os.path.join(self.profile, "chromium.log"), "wb")
        proc = subprocess.Popen([CHROMIUM, "--headless=new", "--no-sandbox", "--disable-gpu",
                                 "--no-first-run", "--user-data-dir=" + self.profile, url],
                                stdin=subprocess.DEVNULL, stdout=log, stderr=log, start_new_session=True)
        try:
            yield proc
        finally:
            # Chromium's helper processes share its process group.
            for sig, wait in ((signal.SIGTERM, 5), (signal.SIGKILL, 5)):
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, sig)
                try:
                    proc.wait(wait)
                    break
                except subprocess.TimeoutExpired:
                    continue
            log.close()

    def chromium_log(self):
        with open(os.path.join(self.profile, "chromium.log"), "rb") as f:
            return f.read()[-3000:].decode("utf-8", "replace")

    def test_page_round_trips_over_websocket(self):
        room = "browser-" + secrets.token_hex(6)
        page = self.server.url("/wsinterop/index.html?room=%s&count=%d" % (room, BIG_COUNT))

        async def go():
            async with websockets.connect(ws_url(self.server, "/ws/chat/" + room), ping_interval=None,
                                          max_size=None) as ws:
                await ws.send("test joined")
                self.assertEqual(await asyncio.wait_for(ws.recv(), 10), "test joined")
                with self.chromium(page) as proc:
                    try:
                        return json.loads(await asyncio.wait_for(ws.recv(), REPORT_TIMEOUT))
                    except asyncio.TimeoutError:
                        alive = "running" if proc.poll() is None else l7test.describe_status(proc.returncode)
                        self.fail("no report from the page within %ss (chromium %s); chromium log:\n%s"
                                  % (REPORT_TIMEOUT, alive, self.chromium_log()))

        r = arun(go(), timeout=REPORT_TIMEOUT + 30)
        self.assertNotIn("error", r, r)
        self.assertIn("Chrome/", r["userAgent"])
        self.assertEqual(r["protocol"], "echo")
        # RFC 7692: Chromium always offers permessage-deflate; our server accepts it.
        self.assertTrue(r["extensions"].startswith("permessage-deflate"), r["extensions"])
        self.assertEqual(r["text"], TEXT)
        self.assertEqual(r["binary_kind"], "[object ArrayBuffer]")
        self.assertEqual(r["binary_hex"], bytes(range(256)).hex())
        self.assertTrue(r["big_text_equal"])
        self.assertEqual(r["big_text_sha256"], sha256(UNIT * BIG_COUNT))
        self.assertEqual(r["big_binary_length"], MIB)
        self.assertEqual(r["big_binary_sha256"], sha256(bytes((i * 31 + 7) & 255 for i in range(MIB))))
        # §5.5.1: the server echoes the code; the reason in its close frame is its own.
        self.assertEqual((r["close"]["code"], r["close"]["clean"]), (1000, True), r["close"])

    def test_page_is_served_as_html(self):
        resp = l7test.get(self.server.http_port, "/wsinterop/index.html")
        self.assertEqual(resp.status, 200)
        self.assertTrue(resp.header("Content-Type", "").startswith("text/html"), resp.headers)
        self.assertEqual(resp.body, PAGE.encode())


if __name__ == "__main__":
    wstest.main()
