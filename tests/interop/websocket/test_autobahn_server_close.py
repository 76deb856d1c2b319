"""Autobahn|Testsuite category 7 (close handling) against `l7 serve`'s /ws/echo: the close
handshake (RFC 6455 §5.5.1, §7.1), what happens to frames after a close, close payload rules
(§5.5.1: empty or 2-byte code + UTF-8 reason, at most 125 bytes) and which status codes may
be sent (§7.4; we also accept the IANA-registered 1012-1014, frame.cpp is_valid_close_code).
After its close frame the server must close TCP promptly (§7.1.1: the server closes first).

Run: python3 test_autobahn_server_close.py --l7 build/dev/l7
"""

import os
import socket
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import autobahn as ab  # noqa: E402
from autobahn_cases import EchoCase  # noqa: E402
from autobahn import BINARY, CLOSE, CONT, PING, TEXT  # noqa: E402
import l7test  # noqa: E402

VALID_CODES = [1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014,
               3000, 3999, 4000, 4999]
INVALID_CODES = [0, 999, 1004, 1005, 1006, 1015, 1016, 1100, 2000, 2999, 5000, 65535]


class Case7Close(EchoCase):
    def assert_closed_after(self, c, code, data_before=()):
        """Exactly `data_before` echoes, then the server's close `code`, then EOF within 2 s."""
        frames = c.expect_close(code, allow_data=True)
        self.assertEqual([(f.op, f.payload) for f in frames], list(data_before))
        self.assertTrue(c.at_eof(2.0), "the server did not close TCP within 2 s of its close frame")

    def test_7_1_1_echo_then_close(self):
        c = self.open()
        self.echo(c, TEXT, b"Hello World!")
        self.assert_clean_close(c)

    def test_7_1_2_second_close_is_ignored(self):
        c = self.open()
        c.send(c.frame(CLOSE, ab.close_payload(1000)) + c.frame(CLOSE, ab.close_payload(1001)))
        self.assert_closed_after(c, 1000)

    def test_7_1_3_ping_after_close_gets_no_pong(self):
        c = self.open()
        c.send(c.frame(CLOSE, ab.close_payload(1000)) + c.frame(PING, b"after close"))
        self.assert_closed_after(c, 1000)

    def test_7_1_4_text_after_close_is_not_echoed(self):
        c = self.open()
        c.send(c.frame(CLOSE, ab.close_payload(1000)) + c.frame(TEXT, b"after close"))
        self.assert_closed_after(c, 1000)

    def test_7_1_5_close_inside_a_fragmented_message(self):
        # A close may come between fragments (§5.4); the unfinished message is dropped.
        c = self.open()
        c.send(c.frame(TEXT, b"fragment1", fin=False) + c.frame(CLOSE, ab.close_payload(1000)) +
               c.frame(CONT, b"fragment2"))
        self.assert_closed_after(c, 1000)

    def test_7_1_6_big_message_then_close_then_ping(self):
        c = self.open()
        big = bytes(0x41 + i % 26 for i in range(256 * 1024))
        c.send(c.frame(TEXT, big) + c.frame(CLOSE, ab.close_payload(1000)) + c.frame(PING, b"late"))
        self.assert_closed_after(c, 1000, data_before=[(TEXT, big)])

    def test_7_3_1_empty_close_gets_an_empty_close(self):
        c = self.open()
        c.send_close()
        f = c.recv_frame()
        self.assertEqual((f.op, f.payload), (CLOSE, b""))
        self.assertTrue(c.at_eof(2.0))

    def test_7_3_2_one_byte_close_payload_is_1002(self):
        c = self.open()
        c.send_frame(CLOSE, b"\x03")
        self.assert_fails(c, 1002)

    def test_7_3_3_to_7_3_5_close_reasons(self):
        for reason in (b"", b"Hello World!", "κόσμε".encode(), b"*" * 123):
            with self.subTest(reason=len(reason)):
                c = self.open()
                self.assert_clean_close(c, 1000, reason)

    def test_7_3_6_close_payload_over_125_bytes_is_1002(self):
        c = self.open()
        c.send_close(1000, b"*" * 124)
        self.assert_fails(c, 1002)

    def test_7_5_1_close_reason_with_invalid_utf8_is_1007(self):
        for reason in (b"\xce\xba\xe1\xbd\xb9\xcf\x83\xed\xa0\x80edited", b"\xc0\xaf", b"\xe1\xbd"):
            with self.subTest(reason=reason.hex()):
                c = self.open()
                c.send_close(1000, reason)
                self.assert_fails(c, 1007)

    def test_7_7_valid_codes_are_echoed(self):
        for code in VALID_CODES:
            with self.subTest(code=code):
                c = self.open()
                self.echo(c, BINARY, b"before close %d" % code)
                self.assert_clean_close(c, code, b"reason for %d" % code)

    def test_7_9_7_13_invalid_codes_are_1002(self):
        for code in INVALID_CODES:
            with self.subTest(code=code):
                c = self.open()
                c.send(c.frame(CLOSE, ab.close_payload(code)) + c.frame(TEXT, b"never echoed"))
                self.assert_fails(c, 1002)

    def test_server_closes_tcp_after_failing_even_without_our_close_reply(self):
        # We never answer the server's close: it still closes TCP (at the latest after close_timeout, 5 s).
        c = self.open()
        c.send_frame(TEXT, b"\xff")
        c.expect_close(1007)
        self.assertTrue(c.at_eof(7.0), "the server kept the connection after failing it")

    def test_close_then_half_close(self):
        # We send our close and shut down our sending side: the reply still comes, then EOF.
        c = self.open()
        c.send_close(1000)
        c.sock.shutdown(socket.SHUT_WR)
        c.expect_close(1000)
        self.assertTrue(c.at_eof(2.0))

    def test_close_frame_from_the_server_is_unmasked_and_final(self):
        c = self.open()
        c.send_close(1000, b"bye")
        f = c.recv_frame()
        self.assertEqual((f.op, f.fin, f.rsv, f.masked, f.code), (CLOSE, True, 0, False, 1000))


if __name__ == "__main__":
    l7test.main()
