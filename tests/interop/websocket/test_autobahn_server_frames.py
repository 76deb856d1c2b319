"""Autobahn|Testsuite categories 1-5 against `l7 serve`'s /ws/echo, over raw sockets:
1 framing (text/binary lengths and length forms), 2 ping/pong, 3 reserved bits, 4 opcodes,
5 fragmentation. Verdicts as Autobahn's strict ones: exact echoes, exact pongs, and close
1002 (then EOF) for every protocol violation, with nothing echoed after the bad frame.

Run: python3 test_autobahn_server_frames.py --l7 build/dev/l7
"""

import base64
import os
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import autobahn as ab  # noqa: E402
import autobahn_cases  # noqa: E402
from autobahn_cases import EchoCase  # noqa: E402
from autobahn import BINARY, CLOSE, CONT, PING, PONG, TEXT, frame  # noqa: E402
import l7test  # noqa: E402

LENGTHS = [0, 125, 126, 127, 128, 65535, 65536]


def text_payload(n):
    return bytes(0x20 + (i * 7 + n) % 95 for i in range(n))


def binary_payload(n):
    return bytes((i * 131 + 0xFE) & 0xFF for i in range(n))


class Case1Framing(EchoCase):
    def check_lengths(self, op, make, chop):
        c = self.open()
        for n in LENGTHS:
            payload = make(n)
            data = c.frame(op, payload)
            c.send(data, chunk=chop)
            got_op, got, controls = c.recv_message()
            self.assertEqual((got_op, got, controls), (op, payload, []), "length %d" % n)
        self.assert_clean_close(c)

    def test_1_1_text_lengths(self):
        self.check_lengths(TEXT, text_payload, chop=None)

    def test_1_1_text_lengths_chopped(self):
        self.check_lengths(TEXT, text_payload, chop=1)  # every frame in 1-byte TCP writes

    def test_1_2_binary_lengths(self):
        self.check_lengths(BINARY, binary_payload, chop=None)

    def test_1_2_binary_lengths_chopped(self):
        self.check_lengths(BINARY, binary_payload, chop=997)  # as Autobahn's 1.2.8

    def test_echo_frames_use_the_shortest_length_form_unmasked(self):
        c = self.open()
        for n in LENGTHS:
            c.send_frame(BINARY, binary_payload(n))
            f = c.recv_frame()
            self.assertEqual((f.op, f.fin, f.rsv, f.masked, f.hlen, len(f.payload)),
                             (BINARY, True, 0, False, autobahn_cases.minimal_hlen(n), n), "length %d" % n)

    def test_non_minimal_length_forms_are_accepted(self):
        # RFC 6455 §5.2 asks senders for the minimal form; receivers take any.
        c = self.open()
        for n, form in [(0, 16), (5, 16), (5, 64), (125, 64), (300, 64)]:
            payload = text_payload(n)
            c.send_frame(TEXT, payload, length_form=form)
            self.assert_echo(c, TEXT, payload)

    def test_frames_in_the_same_segment_as_the_handshake(self):
        sock = l7test.connect(self.server.http_port)
        self.addCleanup(sock.close)
        key = base64.b64encode(os.urandom(16)).decode()
        head = ("GET %s HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                "Sec-WebSocket-Key: %s\r\nSec-WebSocket-Version: 13\r\n\r\n" % (self.PATH, key))
        big = binary_payload(70000)
        sock.sendall(head.encode() + frame(TEXT, b"early") + frame(PING, b"p") + frame(BINARY, big))
        status, headers, rest = ab.read_head(sock)
        self.assertEqual((status, headers.get("sec-websocket-accept")),
                         ("HTTP/1.1 101 Switching Protocols", ab.accept_key(key)))
        c = ab.Conn(sock, "client", rest)
        self.assert_echo(c, TEXT, b"early")
        f = c.recv_frame()
        self.assertEqual((f.op, f.payload), (PONG, b"p"))
        self.assert_echo(c, BINARY, big)
        self.assert_clean_close(c)

    def test_unmasked_client_frame_is_1002(self):
        c = self.open()
        c.send_frame(TEXT, b"not masked", mask=False)
        self.assert_fails(c, 1002)

    def test_64bit_length_with_msb_set_is_1002(self):
        c = self.open()
        c.send(bytes([0x82, 0xFF, 0x80, 0, 0, 0, 0, 0, 0, 1]) + os.urandom(4))
        self.assert_fails(c, 1002)


class Case2PingPong(EchoCase):
    PAYLOADS = [b"", b"Hello, world!", bytes(range(256))[:125:3] + b"\x00\xff\xfe", b"\xfe" * 125]

    def test_2_1_to_2_4_ping_gets_pong_with_the_same_payload(self):
        c = self.open()
        for p in self.PAYLOADS + [binary_payload(n) for n in range(126)]:
            c.send_frame(PING, p)
            f = c.recv_frame()
            self.assertEqual((f.op, f.fin, f.masked, f.payload), (PONG, True, False, p))
        self.assertTrue(c.quiet(0.3), "more than one pong per ping")
        self.assert_clean_close(c)

    def test_2_5_ping_with_126_bytes_is_1002(self):
        c = self.open()
        c.send_frame(PING, b"x" * 126)
        self.assert_fails(c, 1002)

    def test_2_6_ping_125_bytes_chopped(self):
        c = self.open()
        p = binary_payload(125)
        c.send_frame(PING, p, chunk=1, pause=0.001)
        f = c.recv_frame()
        self.assertEqual((f.op, f.payload), (PONG, p))

    def test_2_7_2_8_unsolicited_pongs_are_ignored(self):
        c = self.open()
        c.send_frame(PONG, b"")
        c.send_frame(PONG, b"unsolicited pong payload")
        self.assertTrue(c.quiet(0.5), "the server answered an unsolicited pong")
        self.echo(c, TEXT, b"after pongs")
        self.assert_clean_close(c)

    def test_2_9_pong_then_ping(self):
        c = self.open()
        c.send(c.frame(PONG, b"unsolicited") + c.frame(PING, b"ping payload"))
        f = c.recv_frame()
        self.assertEqual((f.op, f.payload), (PONG, b"ping payload"))
        self.assertTrue(c.quiet(0.3))

    def test_2_10_2_11_ten_pings_ten_pongs_in_order(self):
        for chop in (None, 1):
            c = self.open()
            data = b"".join(c.frame(PING, b"payload-%d" % i) for i in range(10))
            c.send(data, chunk=chop)
            got = [c.recv_frame() for _ in range(10)]
            self.assertEqual([(f.op, f.payload) for f in got], [(PONG, b"payload-%d" % i) for i in range(10)])
            self.assert_clean_close(c)


class Case3ReservedBits(EchoCase):
    """No extension negotiated: any RSV bit fails the connection (§5.2), and nothing sent
    behind the bad frame is answered."""

    def check(self, rsv, bad_op=TEXT, chop=None):
        c = self.open()
        bad_payload = ab.close_payload(1000) if bad_op == CLOSE else b"bad"
        data = c.frame(TEXT, b"first") + c.frame(bad_op, bad_payload, rsv=rsv) + c.frame(PING, b"after")
        c.send(data, chunk=chop)
        self.assert_fails(c, 1002, before=[(TEXT, b"first")])

    def test_3_1_to_3_3_each_rsv_combination_on_text(self):
        for rsv in range(1, 8):
            with self.subTest(rsv=rsv):
                self.check(rsv)

    def test_3_4_rsv_sent_in_1_byte_chops(self):
        self.check(ab.RSV1 | ab.RSV2, chop=1)

    def test_3_5_binary_rsv(self):
        self.check(ab.RSV1 | ab.RSV3, bad_op=BINARY)

    def test_3_6_ping_rsv(self):
        self.check(ab.RSV2 | ab.RSV3, bad_op=PING)

    def test_3_7_close_rsv(self):
        self.check(ab.RSV1 | ab.RSV2 | ab.RSV3, bad_op=CLOSE)


class Case4Opcodes(EchoCase):
    """Reserved opcodes 3-7 (data) and B-F (control) fail the connection with 1002 (§5.2)."""

    def check(self, op, payload):
        c = self.open()
        c.send(c.frame(TEXT, b"first") + frame(op, payload) + c.frame(PING, b"after"))
        self.assert_fails(c, 1002, before=[(TEXT, b"first")])

    def test_4_1_reserved_data_opcodes(self):
        for op in range(3, 8):
            for payload in (b"", b"reserved opcode payload"):
                with self.subTest(op=op, payload=payload):
                    self.check(op, payload)

    def test_4_2_reserved_control_opcodes(self):
        for op in range(0xB, 0x10):
            for payload in (b"", b"reserved opcode payload"):
                with self.subTest(op=op, payload=payload):
                    self.check(op, payload)


class Case5Fragmentation(EchoCase):
    def test_5_1_5_2_fragmented_ping_and_pong_are_1002(self):
        for op in (PING, PONG):
            with self.subTest(op=op):
                c = self.open()
                c.send(c.frame(op, b"frag", fin=False) + c.frame(CONT, b"ment"))
                self.assert_fails(c, 1002)

    def test_5_3_to_5_5_two_fragments(self):
        for op, chop, pause in [(TEXT, None, 0), (TEXT, 1, 0), (BINARY, 1, 0.001), (BINARY, None, 0)]:
            c = self.open()
            c.send_frame(op, b"fragment1", fin=False, chunk=chop, pause=pause)
            c.send_frame(CONT, b"fragment2", chunk=chop, pause=pause)
            self.assert_echo(c, op, b"fragment1fragment2")
            self.assert_clean_close(c)

    def test_5_6_to_5_8_ping_between_fragments_is_answered_in_between(self):
        for chop in (None, 1):
            c = self.open()
            c.send_frame(TEXT, b"fragment1", fin=False, chunk=chop)
            c.send_frame(PING, b"ping in the middle", chunk=chop)
            # The pong comes at once, while the message is still open.
            f = c.recv_frame(timeout=3)
            self.assertEqual((f.op, f.payload), (PONG, b"ping in the middle"))
            c.send_frame(CONT, b"fragment2", chunk=chop)
            self.assert_echo(c, TEXT, b"fragment1fragment2")
            self.assert_clean_close(c)

    def test_5_9_to_5_14_continuation_without_a_message_is_1002(self):
        for fin in (True, False):
            for chop in (None, 1):
                with self.subTest(fin=fin, chop=chop):
                    c = self.open()
                    c.send(c.frame(CONT, b"fragment", fin=fin) + c.frame(TEXT, b"text"), chunk=chop)
                    self.assert_fails(c, 1002)

    def test_5_15_continuation_after_the_final_fragment_is_1002(self):
        c = self.open()
        c.send(c.frame(TEXT, b"fragment1", fin=False) + c.frame(CONT, b"fragment2") +
               c.frame(CONT, b"fragment3", fin=False) + c.frame(CONT, b"fragment4"))
        self.assert_fails(c, 1002, before=[(TEXT, b"fragment1fragment2")])

    def test_5_16_5_17_repeated_continuations_without_start(self):
        for fin in (False, True):
            c = self.open()
            c.send(c.frame(CONT, b"fragment1", fin=fin) + c.frame(TEXT, b"fragment2", fin=False) +
                   c.frame(CONT, b"fragment3"))
            self.assert_fails(c, 1002)

    def test_5_18_new_data_frame_inside_a_fragmented_message_is_1002(self):
        for op in (TEXT, BINARY):
            c = self.open()
            c.send(c.frame(TEXT, b"fragment1", fin=False) + c.frame(op, b"fragment2"))
            self.assert_fails(c, 1002)

    def test_5_19_5_20_five_fragments_with_pings_and_pauses(self):
        for chop in (None, 1):
            c = self.open()
            for i in range(5):
                c.send_frame(TEXT if i == 0 else CONT, b"fragment%d" % (i + 1), fin=i == 4, chunk=chop)
                if i in (1, 3):
                    c.send_frame(PING, b"pongme %d!" % i, chunk=chop)
                    f = c.recv_frame(timeout=3)
                    self.assertEqual((f.op, f.payload), (PONG, b"pongme %d!" % i))
                    self.assertTrue(c.quiet(0.2), "something besides the pong came before the last fragment")
            self.assert_echo(c, TEXT, b"".join(b"fragment%d" % i for i in range(1, 6)))
            self.assert_clean_close(c)

    def test_many_small_and_empty_fragments(self):
        c = self.open()
        payload = binary_payload(300)
        c.send(b"".join(ab.fragments(BINARY, payload, 1)))
        self.assert_echo(c, BINARY, payload)
        # 6.1.x: empty fragments around a non-empty one, and a message of empty fragments only
        c.send(c.frame(TEXT, b"", fin=False) + c.frame(CONT, b"middle", fin=False) + c.frame(CONT, b""))
        self.assert_echo(c, TEXT, b"middle")
        c.send(c.frame(TEXT, b"", fin=False) + c.frame(CONT, b"", fin=False) + c.frame(CONT, b""))
        self.assert_echo(c, TEXT, b"")
        self.assert_clean_close(c)


if __name__ == "__main__":
    l7test.main()
