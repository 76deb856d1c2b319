"""Autobahn|Testsuite categories 1-7 for our client: `l7 ws --keep-open` connects to a fake
WebSocket server (autobahn.FakeServer, raw sockets) that plays one scripted case. Checked:
what `l7 ws` prints (text + newline, binary raw), its exit status (0 normal close, 3 abnormal),
its pongs, and the close frame it sends: the server's code echoed, 1002 for protocol errors,
1007 for invalid UTF-8 (RFC 6455 §7.4.1), always masked (§5.1).

Run: python3 test_autobahn_client.py --l7 build/dev/l7
"""

import os
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import autobahn as ab  # noqa: E402
from autobahn import BINARY, CLOSE, CONT, PING, PONG, TEXT  # noqa: E402
from autobahn_cases import ClientCase, client_close, server_close  # noqa: E402
import l7test  # noqa: E402

LENGTHS = [0, 125, 126, 127, 128, 65535, 65536]
KOSME = "κόσμε".encode()


def text_of(n):
    return bytes(0x21 + (i * 5 + n) % 90 for i in range(n))  # printable, no newline


def binary_of(n):
    return bytes((i * 37 + n) & 0xFF for i in range(n))


class Case1To5Client(ClientCase):
    def test_1_1_1_2_text_and_binary_lengths(self):
        def script(c, req):
            for n in LENGTHS:
                c.send_frame(TEXT, text_of(n), chunk=1 if n <= 128 else None)
                c.send_frame(BINARY, binary_of(n), length_form=64 if n == 125 else None)
            server_close(c)
        proc, _ = self.run_client(script)
        self.assert_exit(proc, 0, b"".join(text_of(n) + b"\n" + binary_of(n) for n in LENGTHS))

    def test_2_ping_payloads_get_pongs(self):
        payloads = [b"Hello, world!", b"\xfe\xff" * 10] + [binary_of(n) for n in range(126)]

        def script(c, req):
            for p in payloads:
                c.send_frame(PING, p)
                f = c.recv_frame()
                assert (f.op, f.payload, f.masked) == (PONG, p, True), f
            c.send_frame(PONG, b"unsolicited")  # 2.7: ignored
            c.send_frame(TEXT, b"after pings")
            server_close(c)
        proc, _ = self.run_client(script)
        self.assert_exit(proc, 0, b"after pings\n")

    def test_5_fragments_with_pings_in_between(self):
        def script(c, req):
            for op, parts in ((TEXT, [b"frag1", b"", KOSME[:3], KOSME[3:] + b"end"]), (BINARY, [b"\x00", b"\xff"])):
                for i, part in enumerate(parts):
                    c.send_frame(op if i == 0 else CONT, part, fin=i == len(parts) - 1)
                    if i < len(parts) - 1:
                        c.send_frame(PING, b"ping %d" % i)
                        f = c.recv_frame(5)  # answered before the message is complete
                        assert (f.op, f.payload) == (PONG, b"ping %d" % i), f
            server_close(c)
        proc, _ = self.run_client(script)
        self.assert_exit(proc, 0, b"frag1" + KOSME + b"end\n\x00\xff")

    def test_frames_in_the_same_segment_as_the_101_response(self):
        early = ab.frame(TEXT, b"early", mask=False) + ab.frame(PING, b"early ping", mask=False)

        def script(c, req):
            f = c.recv_frame()
            assert (f.op, f.payload, f.masked) == (PONG, b"early ping", True), f
            server_close(c)
        proc, _ = self.run_client(script, early=early)
        self.assert_exit(proc, 0, b"early\n")

    def check_failure(self, frames, code, printed=b"", chunk=None):
        """The server sends `frames` (bytes); the client must close with `code`, exit 3."""
        def script(c, req):
            c.send(b"".join(frames), chunk=chunk)
            before = client_close(c, code)
            assert [f.op for f in before] == [], before
        proc, _ = self.run_client(script)
        self.assert_exit(proc, 3, printed)

    def test_2_5_ping_over_125_bytes_is_1002(self):
        self.check_failure([ab.frame(PING, b"x" * 126, mask=False)], 1002)

    def test_3_reserved_bits_are_1002(self):
        for rsv in range(1, 8):
            with self.subTest(rsv=rsv):
                self.check_failure([ab.frame(TEXT, b"ok", mask=False), ab.frame(TEXT, b"bad", rsv=rsv, mask=False),
                                    ab.frame(TEXT, b"never", mask=False)], 1002, b"ok\n")

    def test_4_reserved_opcodes_are_1002(self):
        for op in (3, 7, 0xB, 0xF):
            with self.subTest(op=op):
                self.check_failure([ab.frame(TEXT, b"ok", mask=False), ab.frame(op, b"", mask=False),
                                    ab.frame(TEXT, b"never", mask=False)], 1002, b"ok\n")

    def test_masked_server_frame_is_1002(self):
        self.check_failure([ab.frame(TEXT, b"masked", mask=True)], 1002)

    def test_5_bad_fragmentation_is_1002(self):
        cases = [
            [ab.frame(CONT, b"no start", mask=False)],
            [ab.frame(PING, b"frag", fin=False, mask=False), ab.frame(CONT, b"ment", mask=False)],
            [ab.frame(TEXT, b"a", fin=False, mask=False), ab.frame(TEXT, b"b", mask=False)],
        ]
        for frames in cases:
            with self.subTest(first=frames[0][:2].hex()):
                self.check_failure(frames, 1002)

    def test_6_invalid_utf8_is_1007(self):
        for bad in (b"\xed\xa0\x80", b"\xc0\xaf", b"\xf4\x90\x80\x80", b"\x80", KOSME[:-1]):
            with self.subTest(bad=bad.hex()):
                self.check_failure([ab.frame(TEXT, KOSME, mask=False), ab.frame(TEXT, bad, mask=False)],
                                   1007, KOSME + b"\n")

    def test_6_invalid_utf8_split_across_fragments_is_1007(self):
        self.check_failure([ab.frame(TEXT, KOSME + b"\xf4", fin=False, mask=False),
                            ab.frame(CONT, b"\x90\x80\x80", mask=False)], 1007, chunk=1)

    def test_6_4_fail_fast_before_the_rest_of_the_message(self):
        def script(c, req):
            c.send_frame(TEXT, KOSME, fin=False)
            assert c.quiet(0.3), "the client reacted to a valid first fragment"
            c.send_frame(CONT, b"\xf4\x90\x80\x80", fin=False)
            client_close(c, 1007, timeout=3)  # before the final fragment was sent
        proc, _ = self.run_client(script)
        self.assert_exit(proc, 3, b"")


class Case7ClientClose(ClientCase):
    VALID = [1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014, 3000, 3999, 4000, 4999]
    INVALID = [0, 999, 1004, 1005, 1006, 1015, 1016, 1100, 2000, 2999, 5000, 65535]

    def test_7_7_valid_codes_are_echoed(self):
        for code in self.VALID:
            with self.subTest(code=code):
                def script(c, req, code=code):
                    c.send_frame(TEXT, b"before %d" % code)
                    server_close(c, code, b"reason")
                proc, _ = self.run_client(script)
                # `l7 ws` exits 0 on 1000 and 1001 (normal), 3 on any other code
                self.assert_exit(proc, 0 if code in (1000, 1001) else 3, b"before %d\n" % code)

    def test_7_3_1_empty_close_is_answered_with_an_empty_close(self):
        def script(c, req):
            c.send_close()
            f = c.recv_frame()
            assert (f.op, f.payload, f.masked) == (CLOSE, b"", True), f
        proc, _ = self.run_client(script)
        self.assert_exit(proc, 0, b"")

    def test_7_9_invalid_codes_are_1002(self):
        for code in self.INVALID:
            with self.subTest(code=code):
                self.check_bad_close(ab.close_payload(code), 1002)

    def test_7_3_bad_close_payloads(self):
        self.check_bad_close(b"\x03", 1002)  # 1 byte
        self.check_bad_close(ab.close_payload(1000, b"*" * 124), 1002)  # 126 bytes
        self.check_bad_close(ab.close_payload(1000, b"\xce\xba\xed\xa0\x80"), 1007)  # bad UTF-8 reason

    def check_bad_close(self, payload, code):
        def script(c, req):
            c.send_frame(CLOSE, payload)
            client_close(c, code)
        proc, _ = self.run_client(script)
        self.assert_exit(proc, 3, b"")

    def test_7_1_data_after_the_close_is_not_printed(self):
        def script(c, req):
            c.send(ab.frame(TEXT, b"before", mask=False) + ab.frame(CLOSE, ab.close_payload(1000), mask=False) +
                   ab.frame(TEXT, b"after", mask=False) + ab.frame(PING, b"late", mask=False))
            before = client_close(c, 1000)
            assert before == [], before  # no pong for the late ping
        proc, _ = self.run_client(script)
        self.assert_exit(proc, 0, b"before\n")

    def test_client_closes_tcp_itself_when_the_server_never_does(self):
        def script(c, req):
            server_close(c, 1000)
            assert c.at_eof(8.0), "l7 ws kept the TCP connection open"
        proc, _ = self.run_client(script, timeout=20)
        self.assert_exit(proc, 0, b"")

    def test_eof_without_a_close_frame_is_abnormal(self):
        def script(c, req):
            c.send_frame(TEXT, b"then silence")
        proc, _ = self.run_client(script)
        self.assert_exit(proc, 3, b"then silence\n")


if __name__ == "__main__":
    l7test.main()
