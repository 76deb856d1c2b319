"""python3-websockets (Debian, 10.4) against `l7 serve`, and `l7 ws` against a python3-websockets
server: echo, fragmentation, 16 MiB messages, permessage-deflate on and off, subprotocols, close
codes, ping/pong, invalid UTF-8 (1007), ws:// and wss:// over IPv4 and IPv6, chat and pub/sub
across two clients, and the 426 answers of RFC 6455 §4.2.2 / §4.4.

Run: /usr/bin/python3 test_python_websockets.py --l7 build/dev/l7
"""

import asyncio
import json
import os
import secrets
import subprocess
import sys
import tempfile
import unittest

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import wstest  # noqa: E402
from wstest import MIB, arun, big_text, client_tls, l7test, l7ws, raw_frame, ws_url, websockets  # noqa: E402
from websockets.legacy.client import WebSocketClientProtocol  # noqa: E402

# Every code RFC 6455 §7.4 lets an endpoint send, as python3-websockets allows them.
CLOSE_CODES = [1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014, 3000, 4999]


class CountingClient(WebSocketClientProtocol):
    """Counts bytes off the wire and keeps the opcode of every frame (control frames too)."""

    def __init__(self, *a, **kw):
        super().__init__(*a, **kw)
        self.wire_bytes = 0
        self.opcodes = []

    def data_received(self, data):
        self.wire_bytes += len(data)
        super().data_received(data)

    async def read_frame(self, max_size):
        frame = await super().read_frame(max_size)
        self.opcodes.append(int(frame.opcode))
        return frame


class PythonClientTest(l7test.ServerCase):
    def connect(self, path="/ws/echo", tls=False, host="127.0.0.1", **kw):
        kw.setdefault("max_size", None)
        kw.setdefault("ping_interval", None)
        kw.setdefault("create_protocol", CountingClient)
        if tls:
            kw["ssl"] = client_tls(self.server)
        return websockets.connect(ws_url(self.server, path, tls, host), **kw)

    async def roundtrip(self, ws, msg):
        await ws.send(msg)
        return await asyncio.wait_for(ws.recv(), 60)

    # -- echo

    def test_echo_text_and_binary(self):
        async def go():
            async with self.connect() as ws:
                for msg in ["hello", "", "gr\u00fc\u00df \u20ac \U0001F600", bytes(range(256)), b""]:
                    got = await self.roundtrip(ws, msg)
                    self.assertEqual(type(got), type(msg))
                    self.assertEqual(got, msg)
        arun(go())

    def test_fragmented_messages(self):
        async def fragments(parts):
            for p in parts:
                yield p
                await asyncio.sleep(0)

        async def go():
            async with self.connect() as ws:
                parts = ["frag", "", "ment\u00e9", "\U0001F600", "s"]
                self.assertEqual(await self.roundtrip(ws, fragments(parts)), "".join(parts))
                bparts = [b"\x00\x01", os.urandom(70000), b"", b"\xff"]
                self.assertEqual(await self.roundtrip(ws, fragments(bparts)), b"".join(bparts))
                # A code point split across frames, with a ping between them (RFC 6455 §5.4).
                ws.transport.write(raw_frame(0x1, b"split \xe2\x82", fin=False)
                                   + raw_frame(0x9, b"mid") + raw_frame(0x0, b"\xac end"))
                self.assertEqual(await asyncio.wait_for(ws.recv(), 30), "split \u20ac end")
        arun(go())

    def test_16mib_text_and_binary(self):
        text = big_text(16 * MIB)
        binary = os.urandom(16 * MIB)
        for compression in ("deflate", None):
            async def go():
                async with self.connect(compression=compression) as ws:
                    got = await self.roundtrip(ws, text)
                    self.assertEqual(len(got), len(text))
                    self.assertTrue(got == text, "16 MiB text echo differs")
                    got = await self.roundtrip(ws, binary)
                    self.assertEqual(len(got), len(binary))
                    self.assertTrue(got == binary, "16 MiB binary echo differs")
            with self.subTest(compression=compression):
                arun(go(), timeout=300)

    # -- negotiation

    def test_compression_on_and_off(self):
        text = "all work and no play " * 50000  # ~1 MiB, compresses well

        async def go(compression):
            async with self.connect(compression=compression) as ws:
                self.assertEqual(await self.roundtrip(ws, text), text)
                return ([e.name for e in ws.extensions],
                        ws.response_headers.get("Sec-WebSocket-Extensions"), ws.wire_bytes)

        names, header, wire = arun(go("deflate"))
        self.assertEqual(names, ["permessage-deflate"])
        self.assertTrue(header.startswith("permessage-deflate"), header)
        self.assertLess(wire, len(text) // 10, "the echo did not come back compressed")
        names, header, wire = arun(go(None))
        self.assertEqual(names, [])
        self.assertIsNone(header)
        self.assertGreater(wire, len(text))

    def test_subprotocol_selection(self):
        async def go(offer):
            async with self.connect(subprotocols=offer) as ws:
                self.assertEqual(await self.roundtrip(ws, "x"), "x")
                return ws.subprotocol, ws.response_headers.get("Sec-WebSocket-Protocol")

        self.assertEqual(arun(go(["chat"])), ("chat", "chat"))
        self.assertEqual(arun(go(["echo"])), ("echo", "echo"))
        self.assertEqual(arun(go(["x-unknown", "echo", "chat"])), ("echo", "echo"))
        self.assertEqual(arun(go(["x-unknown"])), (None, None))
        self.assertEqual(arun(go(None)), (None, None))

    # -- closing

    def test_every_close_code_echoed(self):
        async def go(code):
            async with self.connect() as ws:
                await ws.close(code, "bye %d" % code)
                return ws.close_code

        for code in CLOSE_CODES:
            with self.subTest(code=code):
                self.assertEqual(arun(go(code)), code)

    def test_ping_pong(self):
        async def go():
            async with self.connect() as ws:
                for payload in (b"", b"abc", bytes(range(125))):
                    waiter = await ws.ping(payload)
                    latency = await asyncio.wait_for(waiter, 10)
                    self.assertGreaterEqual(latency, 0)
                self.assertEqual(await self.roundtrip(ws, "after pings"), "after pings")
        arun(go())

    def invalid_utf8(self, tls, host, frames):
        async def go():
            async with self.connect(tls=tls, host=host) as ws:
                self.assertEqual(await self.roundtrip(ws, "valid \u00e9"), "valid \u00e9")
                ws.transport.write(b"".join(frames))
                with self.assertRaises(websockets.ConnectionClosedError):
                    await asyncio.wait_for(ws.recv(), 30)
                return ws.close_code
        return arun(go())

    def test_invalid_utf8_closes_1007(self):
        cases = {
            "bad byte": [raw_frame(0x1, b"abc \xc3\x28")],
            "in 2nd fragment": [raw_frame(0x1, b"abc", fin=False), raw_frame(0x0, b"\xff", fin=True)],
            "truncated at end": [raw_frame(0x1, b"abc \xe2\x82")],
            "surrogate": [raw_frame(0x1, b"\xed\xa0\x80")],
        }
        for name, frames in cases.items():
            with self.subTest(case=name):
                self.assertEqual(self.invalid_utf8(False, "127.0.0.1", frames), 1007)

    def test_ws_and_wss_over_ipv4_and_ipv6(self):
        for tls in (False, True):
            for host in ("127.0.0.1", "::1"):
                with self.subTest(tls=tls, host=host):
                    async def go():
                        async with self.connect(tls=tls, host=host) as ws:
                            self.assertEqual(ws.extensions[0].name, "permessage-deflate")
                            self.assertEqual(await self.roundtrip(ws, "over the wire \u00e9"),
                                             "over the wire \u00e9")
                            blob = os.urandom(300000)
                            self.assertEqual(await self.roundtrip(ws, blob), blob)
                    arun(go())
                    bad = [raw_frame(0x1, b"\x80 not a start byte")]
                    self.assertEqual(self.invalid_utf8(tls, host, bad), 1007)

    # -- chat and pub/sub between two clients

    def test_chat_two_clients(self):
        room = "room-" + secrets.token_hex(4)

        async def join(path, hello):
            ws = await self.connect(path)
            # Our own message coming back proves the server put us in the room.
            self.assertEqual(await self.roundtrip(ws, hello), hello)
            return ws

        async def go():
            a = await join("/ws/chat/" + room, "a here")
            b = await join("/ws/chat?room=" + room, "b here")
            other = await join("/ws/chat/" + room + "-other", "elsewhere")
            self.assertEqual(await asyncio.wait_for(a.recv(), 10), "b here")
            await a.send("hi from a \u00e9")
            self.assertEqual(await asyncio.wait_for(a.recv(), 10), "hi from a \u00e9")
            self.assertEqual(await asyncio.wait_for(b.recv(), 10), "hi from a \u00e9")
            await b.send(b"\x01bin")
            self.assertEqual(await asyncio.wait_for(a.recv(), 10), b"\x01bin")
            self.assertEqual(await asyncio.wait_for(b.recv(), 10), b"\x01bin")
            with self.assertRaises(asyncio.TimeoutError):
                await asyncio.wait_for(other.recv(), 0.5)
            for ws in (a, b, other):
                await ws.close()
        arun(go())

    def test_pubsub_two_clients(self):
        topic = "sensors/%s/temp" % secrets.token_hex(3)

        async def cmd(ws, obj):
            await ws.send(json.dumps(obj))
            return json.loads(await asyncio.wait_for(ws.recv(), 10))

        async def go():
            async with self.connect("/ws/pubsub") as pub, self.connect("/ws/pubsub") as sub:
                self.assertEqual(await cmd(sub, {"subscribe": "sensors/+/temp"}), {"subscribed": "sensors/+/temp"})
                data = {"c": 21.5, "tags": ["a", "\u00e9"], "ok": True}
                self.assertEqual(await cmd(pub, {"publish": topic, "data": data}),
                                 {"published": topic, "receivers": 1})
                self.assertEqual(json.loads(await asyncio.wait_for(sub.recv(), 10)), {"topic": topic, "data": data})
                self.assertEqual(await cmd(pub, {"publish": "other/topic", "data": 1}),
                                 {"published": "other/topic", "receivers": 0})
                self.assertEqual(await cmd(sub, {"unsubscribe": "sensors/+/temp"}),
                                 {"unsubscribed": "sensors/+/temp"})
                self.assertEqual(await cmd(pub, {"publish": topic, "data": 2}), {"published": topic, "receivers": 0})
                self.assertIn("error", await cmd(pub, {"bogus": 1}))
        arun(go())

    # -- refused handshakes

    def test_plain_get_gets_426(self):
        r = l7test.get(self.server.http_port, "/ws/echo")
        self.assertEqual(r.status, 426, r)
        self.assertEqual(r.header("Sec-WebSocket-Version"), "13")
        self.assertTrue(r.has_token("Upgrade", "websocket"), r.headers)

    def test_bad_version_gets_426(self):
        req = l7test.request_bytes("GET", "/ws/echo", headers=[
            ("Upgrade", "websocket"), ("Connection", "Upgrade"),
            ("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ=="), ("Sec-WebSocket-Version", "8")])
        resp, _, _ = l7test.exchange(self.server.http_port, req)
        self.assertIsNotNone(resp, "no response to a version 8 handshake")
        self.assertEqual(resp.status, 426, resp)
        self.assertEqual(resp.header_all("Sec-WebSocket-Version"), ["13"])


class ServerPingTest(l7test.ServerCase):
    """Our server pings an idle peer every ping_interval, and python3-websockets answers."""

    @classmethod
    def server_kwargs(cls):
        return {"config_text": l7test.config_with({("websocket", "ping_interval"): '"200ms"'})}

    def test_server_pings_idle_client(self):
        async def go():
            url = ws_url(self.server, "/ws/echo")
            async with websockets.connect(url, ping_interval=None, create_protocol=CountingClient) as ws:
                await asyncio.sleep(1.2)
                idle = list(ws.opcodes)
                await ws.send("still here")
                self.assertEqual(await asyncio.wait_for(ws.recv(), 10), "still here")
                return idle

        idle = arun(go())
        # Silence for 1.2 s with a 200 ms interval: a ping every ~200 ms once each pong is in,
        # at least 3 even on a loaded machine (a pong must re-arm the next ping).
        self.assertGreaterEqual(idle.count(0x9), 3, idle)
        self.assertEqual(set(idle), {0x9}, idle)


class L7WsClientTest(unittest.TestCase):
    """`l7 ws` against python3-websockets. Where echoes are checked, `-n N` closes after N
    messages: closing right at the end of input would race the echoes, since a peer may
    answer a close at once and drop what it had not sent yet (RFC 6455 §7.1.2 allows both)."""

    def test_echo_lines(self):
        with wstest.PyServer() as srv:
            p = l7ws("-n", "5", srv.url("/echo"), input="one\ntwo\r\nthr\u00e9\n\nlast".encode())
            self.assertEqual(p.returncode, 0, wstest.describe(p))
            self.assertEqual(p.stdout.decode(), "one\ntwo\nthr\u00e9\n\nlast\n")
            rec = srv.record()
        self.assertEqual(rec["messages"], ["one", "two", "thr\u00e9", "", "last"])
        self.assertEqual(rec["close_code"], 1000)

    def test_binary_whole_16mib_file(self):
        data = os.urandom(16 * MIB + 7)
        with tempfile.NamedTemporaryFile() as f, wstest.PyServer() as srv:
            f.write(data)
            f.flush()
            with open(f.name, "rb") as stdin:
                p = subprocess.run([l7test.binary(), "ws", "--binary", "--whole", "-n", "1", srv.url("/echo")],
                                   stdin=stdin, capture_output=True, timeout=300)
            self.assertEqual(p.returncode, 0, wstest.describe(p))
            self.assertEqual(len(p.stdout), len(data))
            self.assertTrue(p.stdout == data, "16 MiB round trip differs")
            rec = srv.record()
        self.assertEqual(len(rec["messages"]), 1)
        self.assertTrue(rec["messages"][0] == data)

    def test_deflate_negotiated_only_when_asked(self):
        text = ("compressible " * 20000 + "\n").encode()
        for flag, want in (("--deflate", ["permessage-deflate"]), (None, [])):
            with self.subTest(flag=flag), wstest.PyServer() as srv:
                args = ["-v", "-n", "1", srv.url("/echo")] + ([flag] if flag else [])
                p = l7ws(*args, input=text)
                self.assertEqual(p.returncode, 0, wstest.describe(p))
                self.assertEqual(p.stdout, text)
                rec = srv.record()
                self.assertEqual(rec["extensions"], want)
                offered = rec["headers"].get("Sec-WebSocket-Extensions", "")
                self.assertEqual("permessage-deflate" in offered, bool(flag), offered)
                self.assertEqual(b"permessage-deflate" in p.stderr, bool(flag), p.stderr)

    def test_fragment(self):
        line = "x" * 4500
        with wstest.PyServer() as srv:
            p = l7ws("--fragment", "1000", "-n", "2", srv.url("/echo"), input=(line + "\nshort\n").encode())
            self.assertEqual(p.returncode, 0, wstest.describe(p))
            self.assertEqual(p.stdout.decode(), line + "\nshort\n")
            rec = srv.record()
        data_frames = [f for f in rec["frames"] if f[0] in (0, 1, 2)]
        self.assertEqual(data_frames, [(1, False, 1000), (0, False, 1000), (0, False, 1000),
                                       (0, False, 1000), (0, True, 500), (1, True, 5)])

    def test_protocol_header_origin(self):
        with wstest.PyServer() as srv:
            p = l7ws("-v", "--protocol", "x-none", "--protocol", "echo", "-H", "X-L7-Test: abc 123",
                     "--origin", "http://example.test", "-n", "1", srv.url("/echo"), input=b"hi\n")
            self.assertEqual(p.returncode, 0, wstest.describe(p))
            self.assertEqual(p.stdout, b"hi\n")
            self.assertIn(b"subprotocol echo", p.stderr)
            rec = srv.record()
        self.assertEqual(rec["protocol"], "echo")
        self.assertEqual(rec["headers"].get_all("X-L7-Test"), ["abc 123"])
        self.assertEqual(rec["headers"].get("Origin"), "http://example.test")

    def test_close_code_seen_by_server(self):
        with wstest.PyServer() as srv:
            p = l7ws("--close-code", "4001", "--close-reason", "done here", srv.url("/echo"), input=b"a\n")
            self.assertEqual(p.returncode, 0, wstest.describe(p))
            rec = srv.record()
        self.assertEqual((rec["close_code"], rec["close_reason"]), (4001, "done here"))

    def test_server_closes_1011_exit_3(self):
        with wstest.PyServer() as srv:
            p = l7ws("--keep-open", srv.url("/close1011"), input=b"")  # no racing close of ours
            self.assertEqual(p.returncode, 3, wstest.describe(p))
            self.assertIn(b"1011", p.stderr)
            self.assertEqual(srv.record()["close_code"], 1011)

    def test_server_sends_invalid_utf8(self):
        with wstest.PyServer() as srv:
            p = l7ws("--keep-open", srv.url("/badutf8"), input=b"")
            self.assertEqual(p.returncode, 3, wstest.describe(p))
            self.assertEqual(p.stdout, b"")
            rec = srv.record()
        self.assertEqual(rec["close_code"], 1007)

    def test_echo_mode_driven_by_the_server(self):
        for compression in ("deflate", None):
            with self.subTest(compression=compression), wstest.PyServer(compression=compression) as srv:
                args = ["--echo", srv.url("/drive")] + (["--deflate"] if compression else [])
                p = l7ws(*args, input=b"stdin is ignored\n")
                self.assertEqual(p.returncode, 0, wstest.describe(p))
                self.assertEqual(p.stdout, b"")
                rec = srv.record()
            self.assertEqual(rec["messages"], wstest.DRIVE_MESSAGES)
            self.assertEqual(rec["close_code"], 1000)  # our reply echoes the server's code

    def test_ping_interval_shows_pong(self):
        with wstest.PyServer() as srv:
            p = l7ws("-v", "--ping-interval", "200ms", "-n", "1", srv.url("/late"), input=b"")
            self.assertEqual(p.returncode, 0, wstest.describe(p))
            self.assertEqual(p.stdout, b"late\n")
            self.assertRegex(p.stderr.decode(), r"\* pong, round trip \d+\.\d{3} ms")
            self.assertEqual(srv.record()["close_code"], 1000)


if __name__ == "__main__":
    wstest.main()
