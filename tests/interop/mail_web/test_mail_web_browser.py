"""Headless Chromium (Debian's /usr/bin/chromium) loads the inbox page /mail/ from `l7 serve`,
driven over the DevTools protocol on a pipe (--remote-debugging-pipe: requests on fd 3,
answers on fd 4, NUL-terminated JSON). The page must list a message sent before it loaded,
show one sent afterwards without a reload (Server-Sent Events), and open a message whose
HTML body sits in an iframe with sandbox="".

Run: python3 test_mail_web_browser.py --l7 build/web/l7
"""

import contextlib
import json
import os
import queue
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mailwebtest  # noqa: E402
from mailwebtest import l7test, send  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
STEP_TIMEOUT = 30


class DevTools:
    """A DevTools protocol client over Chromium's debugging pipe."""

    def __init__(self, proc):
        self.proc = proc
        self.next_id = 0
        self.replies = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        buf = b""
        while True:
            data = self.proc.stdout.read1(65536)
            if not data:
                self.replies.put(None)
                return
            buf += data
            while b"\0" in buf:
                msg, buf = buf.split(b"\0", 1)
                self.replies.put(json.loads(msg))

    def call(self, method, params=None, session=None, timeout=STEP_TIMEOUT):
        self.next_id += 1
        msg = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        self.proc.stdin.write(json.dumps(msg).encode() + b"\0")
        self.proc.stdin.flush()
        deadline = time.monotonic() + timeout
        while True:
            reply = self.replies.get(timeout=max(0.1, deadline - time.monotonic()))
            if reply is None:
                raise AssertionError("chromium closed the debugging pipe")
            if reply.get("id") == self.next_id:
                if "error" in reply:
                    raise AssertionError("%s failed: %s" % (method, reply["error"]))
                return reply.get("result", {})

    def evaluate(self, session, expression):
        r = self.call("Runtime.evaluate", {"expression": expression, "returnByValue": True,
                                           "awaitPromise": True}, session)
        if "exceptionDetails" in r:
            raise AssertionError("page script failed: %s" % r["exceptionDetails"])
        return r["result"].get("value")

    def wait_for(self, session, expression, timeout=STEP_TIMEOUT):
        """Polls `expression` in the page until it is truthy; returns its value."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            value = self.evaluate(session, expression)
            if value:
                return value
            time.sleep(0.1)
        raise AssertionError("page never satisfied %s" % expression)


class BrowserTest(l7test.ServerCase):
    @classmethod
    def server_kwargs(cls):
        return {"only": ("http", "smtp"), "config_text": mailwebtest.server_config()}

    def setUp(self):
        if not os.access(CHROMIUM, os.X_OK):
            self.fail("%s not found: run scripts/deps.sh (Debian package chromium)" % CHROMIUM)
        self.profile = tempfile.mkdtemp(prefix="l7-chromium-")
        self.addCleanup(shutil.rmtree, self.profile, True)

    @contextlib.contextmanager
    def chromium(self):
        log = open(os.path.join(self.profile, "chromium.log"), "wb")
        # fd 3 <- our stdin pipe, fd 4 -> our stdout pipe (what --remote-debugging-pipe uses).
        cmd = ["sh", "-c", 'exec "$0" "$@" 3<&0 4>&1 0</dev/null 1>&2', CHROMIUM, "--headless=new",
               "--no-sandbox", "--disable-gpu", "--no-first-run", "--remote-debugging-pipe",
               "--user-data-dir=" + self.profile, "about:blank"]
        proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=log,
                                start_new_session=True)
        try:
            yield DevTools(proc)
        finally:
            with contextlib.suppress(Exception):
                proc.stdin.close()
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

    def open_page(self, dt, url):
        target = dt.call("Target.createTarget", {"url": url})["targetId"]
        session = dt.call("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        dt.call("Runtime.enable", session=session)
        return session

    def test_inbox_lists_and_shows_new_mail_live(self):
        t = secrets.token_hex(5)
        send(self.server, "browser-%s@example.test" % t, subject="before %s" % t,
             html="<p id='x'>hello from html</p><script>parent.postMessage('ran', '*')</script>")
        rows = "Array.from(document.querySelectorAll('#list tbody tr td:nth-child(2)')).map(e => e.textContent)"
        try:
            with self.chromium() as dt:
                session = self.open_page(dt, self.server.url("/mail/"))
                dt.wait_for(session, "%s.includes('before %s')" % (rows, t))
                dt.wait_for(session, "document.getElementById('live').textContent === 'live'")
                # A marker that a reload would wipe.
                dt.evaluate(session, "window.__kept = 42")
                send(self.server, "browser-%s@example.test" % t, subject="after %s" % t)
                listed = dt.wait_for(session, "(() => { const r = %s; return r.includes('after %s') && r; })()"
                                     % (rows, t))
                self.assertLess(listed.index("after %s" % t), listed.index("before %s" % t))  # newest first
                self.assertEqual(dt.evaluate(session, "window.__kept"), 42)

                # Open the first message: its HTML body is in a sandboxed iframe.
                dt.evaluate(session, "window.__ran = false; addEventListener('message', () => { window.__ran = true; })")
                dt.evaluate(session, "Array.from(document.querySelectorAll('#list tbody tr'))"
                                     ".find(r => r.textContent.includes('before %s')).click()" % t)
                frame = dt.wait_for(session, "(() => { const f = document.querySelector('#v-body iframe');"
                                             " return f && {sandbox: f.getAttribute('sandbox'), src: f.src}; })()")
                self.assertEqual(frame["sandbox"], "")
                self.assertIn("/html", frame["src"])
                subject = dt.evaluate(session, "document.getElementById('v-subject').textContent")
                self.assertEqual(subject, "before %s" % t)
                time.sleep(1.0)  # a script in the body would have posted by now
                self.assertFalse(dt.evaluate(session, "window.__ran"))
        except (AssertionError, queue.Empty):
            sys.stderr.write("--- chromium log ---\n%s\n" % self.chromium_log())
            raise


if __name__ == "__main__":
    mailwebtest.main()
