"""`l7 ws --echo` driven the way Autobahn|Testsuite's fuzzingserver drives a client: the
(fake) server sends messages and expects each one back, with the same opcode and the same
payload, reassembled from fragments and inflated, with control frames answered in between.
Categories 1 (lengths), 2 (pings), 5 (fragmentation), 6 (UTF-8), 9 (big messages) and 12
(permessage-deflate) in echo form; -n closes after N echoes; a protocol error still fails
the connection; stdin is not read.

Run: python3 test_autobahn_client_echo.py --l7 build/dev/l7
"""

import os
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import autobahn as ab  # noqa: E402
from autobahn import BINARY, CONT, PING, PONG, TEXT  # noqa: E402
from autobahn_cases import ClientCase, client_close, server_close  # noqa: E402
import l7test  # noqa: E402

LENGTHS = [0, 1, 125, 126, 127, 128, 65535, 65536]
KOSME = "κόσμε".encode()


def binary_of(n):
    return bytes((i * 37 + n) & 0xFF for i in range(n))


def text_of(n):
    return bytes(0x20 + (i * 7 + n) % 95 for i in range(n))


def expect_echo(conn, op, payload, controls=(), timeout=20.0):
    got_op, got, seen = conn.recv_message(timeout)
    assert got_op == op, "echo opcode %d, sent %d" % (got_op, op)
    assert got == payload, "echo of %d bytes differs (%d bytes came back)" % (len(payload), len(got))
    assert [(f.op, f.payload) for f in seen] == list(controls), seen


class EchoClient(ClientCase):
    def test_1_text_and_binary_of_every_length_form(self):
        def script(c, req):
            for n in LENGTHS:
                for op, data in ((TEXT, text_of(n)), (BINARY, binary_of(n))):
                    c.send_frame(op, data)
                    expect_echo(c, op, data)
            server_close(c)
        proc, _ = self.run_client(script, "--echo")
        self.assert_exit(proc, 0, b"")  # nothing printed in echo mode

    def test_1_echoes_keep_order_when_sent_back_to_back(self):
        msgs = [(TEXT if i % 2 else BINARY, binary_of(i) if i % 2 == 0 else text_of(i)) for i in range(200)]

        def script(c, req):
            c.send(b"".join(ab.frame(op, p, mask=False) for op, p in msgs))
            for op, p in msgs:
                expect_echo(c, op, p)
            server_close(c)
        proc, _ = self.run_client(script, "--echo")
        self.assert_exit(proc, 0, b"")

    def test_2_pings_between_messages_get_pongs(self):
        def script(c, req):
            c.send_frame(PING, b"first")
            c.send_frame(TEXT, b"hello")
            expect_echo(c, TEXT, b"hello", controls=[(PONG, b"first")])
            server_close(c)
        proc, _ = self.run_client(script, "--echo")
        self.assert_exit(proc, 0, b"")

    def test_5_fragmented_messages_come_back_whole(self):
        def script(c, req):
            for op, parts in ((TEXT, [b"frag", b"", KOSME[:3], KOSME[3:] + b"end"]),
                              (BINARY, [b"\x00", b"\xff" * 300, b"\x01"])):
                for i, part in enumerate(parts):
                    c.send_frame(op if i == 0 else CONT, part, fin=i == len(parts) - 1)
                    if i < len(parts) - 1:
                        c.send_frame(PING, b"p%d" % i)
                        f = c.recv_frame(5)  # the pong comes before the message is complete
                        assert (f.op, f.payload) == (PONG, b"p%d" % i), f
                expect_echo(c, op, b"".join(parts))
            server_close(c)
        proc, _ = self.run_client(script, "--echo")
        self.assert_exit(proc, 0, b"")

    def test_5_fragment_option_splits_the_echo(self):
        def script(c, req):
            c.send_frame(BINARY, binary_of(1000))
            sizes = []
            while True:
                f = c.recv_frame()
                sizes.append(len(f.payload))
                if f.fin:
                    break
            assert sizes == [300, 300, 300, 100], sizes
            server_close(c)
        proc, _ = self.run_client(script, "--echo", "--fragment", "300")
        self.assert_exit(proc, 0, b"")

    def test_6_valid_utf8_is_echoed_and_invalid_fails_with_1007(self):
        def script(c, req):
            for text in (KOSME, "\U0001F600 grinning".encode(), b"\xef\xbf\xbf", b"\xf4\x8f\xbf\xbf"):
                c.send_frame(TEXT, text, chunk=1)
                expect_echo(c, TEXT, text)
            c.send_frame(TEXT, b"\xed\xa0\x80")  # a surrogate (6.19)
            before = client_close(c, 1007)
            assert before == [], before
        proc, _ = self.run_client(script, "--echo")
        self.assert_exit(proc, 3, b"")

    def test_9_big_messages(self):
        big = binary_of(4 * 1024 * 1024)
        text = text_of(1024 * 1024)

        def script(c, req):
            c.send_frame(BINARY, big)
            expect_echo(c, BINARY, big, timeout=60)
            c.send(b"".join(ab.fragments(TEXT, text, 65536, mask=False)))
            expect_echo(c, TEXT, text, timeout=60)
            server_close(c)
        proc, _ = self.run_client(script, "--echo", timeout=120)
        self.assert_exit(proc, 0, b"")

    def test_12_deflate_echoes_compressed(self):
        def script(c, req):
            comp = ab.Compressor()
            dec = ab.Decompressor()
            for n in (0, 16, 1000, 65536):
                data = (b"abcabcabd" * (n // 9 + 1))[:n]
                c.send(ab.frame(TEXT, comp.compress(data), rsv=4, mask=False))
                op, got, _ = c.recv_message(20)
                assert op == TEXT, op
                if c.last_rsv & 4:
                    got = dec.decompress(got)
                assert got == data, (n, len(got))
            server_close(c)
        proc, _ = self.run_client(script, "--echo", "--deflate", extension="permessage-deflate")
        self.assert_exit(proc, 0, b"")

    def test_count_closes_after_n_echoes(self):
        def script(c, req):
            for i in range(3):
                c.send_frame(TEXT, b"m%d" % i)
                expect_echo(c, TEXT, b"m%d" % i)
            client_close(c, 1000)  # after the third echo the client closes by itself
            c.send_close(1000)
        proc, _ = self.run_client(script, "--echo", "-n", "3")
        self.assert_exit(proc, 0, b"")

    def test_stdin_is_not_read(self):
        def script(c, req):
            assert c.quiet(0.5), "the client sent something on its own"
            c.send_frame(TEXT, b"only this")
            expect_echo(c, TEXT, b"only this")
            server_close(c)
        proc, _ = self.run_client(script, "--echo", stdin=b"a line from stdin\n")
        self.assert_exit(proc, 0, b"")


if __name__ == "__main__":
    l7test.main()
