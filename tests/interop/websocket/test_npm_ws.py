"""npm `ws` (8.x, from node/package-lock.json) against `l7 serve`, and `l7 ws` against a `ws`
server: echo, fragmentation, 16 MiB messages, permessage-deflate on and off, subprotocols,
every close code, ping/pong, invalid UTF-8 (1007), wss:// and IPv6, chat across two clients.
The node side is node/ws_client.js and node/ws_server.js, driven over JSON lines.
node and node_modules/ws come from scripts/deps.sh; without them these tests fail.

Run: /usr/bin/python3 test_npm_ws.py --l7 build/dev/l7
"""

import base64
import os
import secrets
import subprocess
import sys
import tempfile
import unittest

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import wstest  # noqa: E402
from wstest import MIB, UNIT, JsonProc, l7test, l7ws, node_script, raw_frame, sha256, ws_url  # noqa: E402

CLOSE_CODES = [1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014, 3000, 4999]


def b64(data):
    return base64.b64encode(data).decode()


class NpmClientTest(l7test.ServerCase):
    def client(self, path="/ws/echo", tls=False, host="127.0.0.1", deflate=True, protocols=()):
        argv = node_script("ws_client.js") + [ws_url(self.server, path, tls, host)]
        if not deflate:
            argv.append("--no-deflate")
        for p in protocols:
            argv += ["--protocol", p]
        if tls:
            argv += ["--ca", self.server.cert]
        c = JsonProc(argv)
        self.addCleanup(c.close)
        c.opened = c.expect("open")
        return c

    def assertMessage(self, ev, data, binary):
        data = data.encode() if isinstance(data, str) else data
        self.assertEqual((ev["binary"], ev["length"], ev["sha256"]), (binary, len(data), sha256(data)))

    def echo(self, c, data, binary):
        c.send(send_b64=b64(data.encode() if isinstance(data, str) else data), binary=binary)
        self.assertMessage(c.expect("message"), data, binary)

    def close(self, c, code=1000, reason=""):
        c.send(close=code, reason=reason)
        return c.expect("close")

    def test_echo_text_and_binary(self):
        c = self.client()
        for data in ["hello", "", "gr\u00fc\u00df \u20ac \U0001F600"]:
            self.echo(c, data, False)
        for data in [bytes(range(256)), b""]:
            self.echo(c, data, True)
        self.assertEqual(self.close(c)["code"], 1000)

    def test_fragmented(self):
        c = self.client()
        # Text split inside a code point: UTF-8 is validated across frames (RFC 6455 §8.1).
        parts = [b"frag", b"", b"ment \xe2\x82", b"\xac"]
        c.send(fragments_b64=[b64(p) for p in parts], binary=False)
        self.assertMessage(c.expect("message"), b"".join(parts), False)
        bparts = [b"\x00", os.urandom(100000), b"\xff" * 3]
        c.send(fragments_b64=[b64(p) for p in bparts], binary=True)
        self.assertMessage(c.expect("message"), b"".join(bparts), True)
        self.close(c)

    def test_16mib_with_and_without_deflate(self):
        count = 16 * MIB // len(UNIT.encode()) + 1
        big = (UNIT * count).encode()
        for deflate in (True, False):
            with self.subTest(deflate=deflate):
                c = self.client(deflate=deflate)
                for binary in (False, True):
                    c.send(repeat=UNIT, count=count, binary=binary)
                    self.assertMessage(c.expect("message", timeout=300), big, binary)
                self.assertEqual(self.close(c)["code"], 1000)

    def test_extensions_negotiated(self):
        c = self.client(deflate=True)
        self.assertTrue(c.opened["extensions"].startswith("permessage-deflate"), c.opened)
        self.echo(c, "compress me " * 1000, False)
        self.close(c)
        c = self.client(deflate=False)
        self.assertEqual(c.opened["extensions"], "")
        self.echo(c, "plain " * 1000, False)
        self.close(c)

    def test_subprotocols(self):
        for offer, want in ((["chat"], "chat"), (["x-unknown", "echo"], "echo"), ([], "")):
            with self.subTest(offer=offer):
                c = self.client(protocols=offer)
                self.assertEqual(c.opened["protocol"], want)
                self.echo(c, "x", False)
                self.close(c)

    def test_every_close_code_echoed(self):
        for code in CLOSE_CODES:
            with self.subTest(code=code):
                c = self.client()
                ev = self.close(c, code, "reason %d" % code)
                self.assertEqual(ev["code"], code)

    def test_ping_pong(self):
        c = self.client()
        for payload in ("", "abc", "p" * 125):
            c.send(ping=payload)
            self.assertEqual(c.expect("pong")["data"], payload)
        self.close(c)

    def test_invalid_utf8_closes_1007(self):
        for frames in ([raw_frame(0x1, b"bad \xc3\x28")],
                       [raw_frame(0x1, b"ok", fin=False), raw_frame(0x0, b"\xf5\x80\x80\x80")]):
            c = self.client()
            self.echo(c, "fine", False)
            c.send(raw_b64=b64(b"".join(frames)))
            self.assertEqual(c.expect("close")["code"], 1007)

    def test_wss_and_ipv6(self):
        for tls, host in ((True, "127.0.0.1"), (False, "::1"), (True, "::1")):
            with self.subTest(tls=tls, host=host):
                c = self.client(tls=tls, host=host)
                self.assertTrue(c.opened["extensions"].startswith("permessage-deflate"))
                self.echo(c, "secure \u00e9", False)
                self.echo(c, os.urandom(200000), True)
                self.assertEqual(self.close(c, 4000)["code"], 4000)

    def test_chat_two_clients(self):
        room = "npm-" + secrets.token_hex(4)
        a = self.client("/ws/chat/" + room)
        self.echo(a, "a joined", False)  # our own message back: we are in the room
        b = self.client("/ws/chat?room=" + room)
        self.echo(b, "b joined", False)
        self.assertMessage(a.expect("message"), "b joined", False)
        a.send(send="hello room")
        for c in (a, b):
            ev = c.expect("message")
            self.assertEqual(base64.b64decode(ev["data_b64"]), b"hello room")
        self.close(a)
        self.close(b)


class L7WsVsNpmServer(unittest.TestCase):
    """`l7 ws` against a `ws` server (one for the class; connections come one at a time)."""

    @classmethod
    def setUpClass(cls):
        cls.srv = JsonProc(node_script("ws_server.js"))
        cls.port = cls.srv.expect("listening")["port"]

    @classmethod
    def tearDownClass(cls):
        cls.srv.close()

    def url(self, path):
        # The query names the test, so that session() finds this test's connection even if an
        # earlier test failed before reading all of its own events.
        return "ws://127.0.0.1:%d%s?t=%s" % (self.port, path, self._testMethodName)

    def session(self, path):
        """The server's events for this test's connection: (connection, [messages], close)."""
        target = "%s?t=%s" % (path, self._testMethodName)
        conn = None
        messages = []
        while True:
            try:
                ev = self.srv.events.get(timeout=30)
            except wstest.queue.Empty:
                self.fail("ws server: no close for %s; got connection %r, messages %r" % (target, conn, messages))
            if conn is None:
                if ev["event"] == "connection" and ev["url"] == target:
                    conn = ev
                continue
            if ev.get("id") != conn["id"]:
                continue
            if ev["event"] == "close":
                return conn, messages, ev
            self.assertEqual(ev["event"], "message", ev)
            messages.append(ev)

    def test_echo_lines(self):
        p = l7ws("-n", "3", self.url("/echo"), input="one\nzw\u00f6\n\n".encode())
        self.assertEqual(p.returncode, 0, wstest.describe(p))
        self.assertEqual(p.stdout.decode(), "one\nzw\u00f6\n\n")
        _, msgs, close = self.session("/echo")
        self.assertEqual([base64.b64decode(m["data_b64"]) for m in msgs], [b"one", "zw\u00f6".encode(), b""])
        self.assertEqual([m["binary"] for m in msgs], [False] * 3)
        self.assertEqual(close["code"], 1000)

    def test_binary_whole_16mib_file(self):
        data = os.urandom(16 * MIB + 3)
        with tempfile.NamedTemporaryFile() as f:
            f.write(data)
            f.flush()
            with open(f.name, "rb") as stdin:
                p = subprocess.run([l7test.binary(), "ws", "--binary", "--whole", "-n", "1", self.url("/echo")],
                                   stdin=stdin, capture_output=True, timeout=300)
        self.assertEqual(p.returncode, 0, wstest.describe(p))
        self.assertTrue(p.stdout == data, "16 MiB round trip differs (%d bytes back)" % len(p.stdout))
        _, msgs, _ = self.session("/echo")
        self.assertEqual([(m["binary"], m["length"], m["sha256"]) for m in msgs], [(True, len(data), sha256(data))])

    def test_deflate(self):
        text = ("squeeze " * 30000 + "\n").encode()
        for flag in ("--deflate", None):
            with self.subTest(flag=flag):
                p = l7ws(*(["-v", "-n", "1", self.url("/echo")] + ([flag] if flag else [])), input=text)
                self.assertEqual(p.returncode, 0, wstest.describe(p))
                self.assertEqual(p.stdout, text)
                conn, msgs, _ = self.session("/echo")
                self.assertEqual(conn["extensions"].startswith("permessage-deflate"), bool(flag), conn)
                self.assertEqual(b"permessage-deflate" in p.stderr, bool(flag))
                self.assertEqual(msgs[0]["sha256"], sha256(text[:-1]))

    def test_fragment(self):
        line = "y\u00e9" * 3000  # 2-byte characters split across 700-byte frames
        p = l7ws("--fragment", "700", "-n", "1", self.url("/echo"), input=(line + "\n").encode())
        self.assertEqual(p.returncode, 0, wstest.describe(p))
        self.assertEqual(p.stdout.decode(), line + "\n")
        _, msgs, _ = self.session("/echo")
        self.assertEqual((msgs[0]["binary"], msgs[0]["sha256"]), (False, sha256(line)))

    def test_protocol_and_headers(self):
        p = l7ws("-v", "--protocol", "chat", "-H", "X-L7-Test: npm 42", "--origin", "http://o.test",
                 "-n", "1", self.url("/echo"), input=b"hi\n")
        self.assertEqual(p.returncode, 0, wstest.describe(p))
        self.assertIn(b"subprotocol chat", p.stderr)
        conn, _, _ = self.session("/echo")
        self.assertEqual(conn["protocol"], "chat")
        self.assertEqual(conn["headers"].get("x-l7-test"), "npm 42")
        self.assertEqual(conn["headers"].get("origin"), "http://o.test")

    def test_close_code_4001(self):
        p = l7ws("--close-code", "4001", "--close-reason", "npm bye", self.url("/echo"), input=b"")
        self.assertEqual(p.returncode, 0, wstest.describe(p))
        _, _, close = self.session("/echo")
        self.assertEqual((close["code"], close["reason"]), (4001, "npm bye"))

    def test_server_closes_1011(self):
        # --keep-open: no close of ours at the end of input races the server's 1011.
        p = l7ws("--keep-open", self.url("/close1011"), input=b"")
        self.assertEqual(p.returncode, 3, wstest.describe(p))
        self.assertIn(b"1011", p.stderr)
        self.assertEqual(self.session("/close1011")[2]["code"], 1011)

    def test_server_sends_invalid_utf8(self):
        p = l7ws("--keep-open", self.url("/badutf8"), input=b"")
        self.assertEqual(p.returncode, 3, wstest.describe(p))
        self.assertEqual(p.stdout, b"")
        self.assertEqual(self.session("/badutf8")[2]["code"], 1007)

    def test_ping_interval(self):
        p = l7ws("-v", "--ping-interval", "200ms", "-n", "1", self.url("/late"), input=b"")
        self.assertEqual(p.returncode, 0, wstest.describe(p))
        self.assertEqual(p.stdout, b"late\n")
        self.assertRegex(p.stderr.decode(), r"\* pong, round trip \d+\.\d{3} ms")
        self.assertEqual(self.session("/late")[2]["code"], 1000)


if __name__ == "__main__":
    wstest.main()
