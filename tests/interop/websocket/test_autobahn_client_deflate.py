"""Autobahn|Testsuite categories 9 (big messages) and 12/13 (permessage-deflate, RFC 7692)
for our client: `l7 ws` against a scripted fake server. With `--deflate` the fake server
accepts the offer with various parameters, sends compressed messages (some fragmented, some
uncompressed, with and without context takeover, small windows) which `l7 ws` must print
exactly, and inflates what `l7 ws` sends with the parameters the client agreed to. Also:
a 16 MiB message arrives intact, and --max-message makes the client close with 1009.

Run: python3 test_autobahn_client_deflate.py --l7 build/dev/l7
"""

import os
import random
import sys
import zlib

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import autobahn as ab  # noqa: E402
from autobahn import BINARY, PING, PONG, TEXT  # noqa: E402
from autobahn_cases import ClientCase, client_close, server_close  # noqa: E402
import l7test  # noqa: E402

PMD = "permessage-deflate"
MIB = 1024 * 1024
SIZES = [0, 1, 16, 64, 100, 1000, 4096, 16384, 65536, 131072]


def line_of(n, seed):
    """n printable ASCII bytes (no newline) with far repeats: window-sensitive."""
    rng = random.Random(seed)
    block = bytes(rng.choice(b"abcdefghijklmnopqrstuvwxyz0123456789") for _ in range(700))
    return (block * (n // 700 + 1))[:n]


class Case12And13ClientDeflate(ClientCase):
    def test_offer_is_permessage_deflate_with_client_max_window_bits(self):
        def script(c, req):
            self.offer = req.get("sec-websocket-extensions")
            server_close(c)
        proc, _ = self.run_client(script, "--deflate")
        self.assert_exit(proc, 0, b"")
        self.assertEqual(ab.parse_extensions(self.offer), [(PMD, {"client_max_window_bits": None})])

    def check_receive(self, answer, bits, no_context):
        """The server compresses with `bits` / `no_context`; l7 ws prints every message."""
        rng = random.Random(bits)
        expected = []

        def script(c, req):
            z = ab.Compressor(bits, no_context)
            for i, size in enumerate(SIZES):
                for op in (TEXT, BINARY):
                    payload = line_of(size, size + i)
                    for _ in range(2):  # twice: context takeover refers back to the first
                        how = rng.choice(["whole", "whole", "fragmented", "plain"])
                        if how == "plain":
                            c.send_frame(op, payload)
                        else:
                            data = z.compress(payload)
                            frag = len(data) if how == "whole" else max(1, len(data) // 3)
                            c.send(b"".join(ab.fragments(op, data, frag, rsv=ab.RSV1, mask=False)))
                        expected.append(payload + (b"\n" if op == TEXT else b""))
            c.send_frame(PING, b"still there?")
            f = c.recv_frame()
            assert (f.op, f.payload, f.rsv) == (PONG, b"still there?", 0), f
            server_close(c)
        proc, _ = self.run_client(script, "--deflate", extension=answer)
        self.assert_exit(proc, 0, b"".join(expected))

    def test_12_server_compresses_with_context_takeover(self):
        self.check_receive(PMD, 15, False)

    def test_13_server_no_context_takeover(self):
        self.check_receive(PMD + "; server_no_context_takeover", 15, True)

    def test_13_server_max_window_bits(self):
        for bits in (9, 12, 15):
            with self.subTest(bits=bits):
                self.check_receive(PMD + "; server_max_window_bits=%d" % bits, bits, bits == 9)

    def check_send(self, answer, bits, no_context):
        """l7 ws sends stdin lines compressed; we inflate them with what it agreed to."""
        lines = [line_of(n, n) for n in (0, 5, 700, 2000, 2000, 30000)] + [b"x" * 5000, b"x" * 5000]

        def script(c, req):
            theirs = ab.Decompressor(bits, no_context)
            for want in lines:
                f = c.recv_frame()
                assert f.masked and f.fin and f.op == TEXT, f
                assert f.rsv == ab.RSV1, "l7 ws sent a message uncompressed: %r" % f
                try:
                    got = theirs.decompress(f.payload)
                except zlib.error as e:
                    raise AssertionError("client message does not inflate with window %d, no context "
                                         "takeover %s: %s" % (bits, no_context, e))
                assert got == want, (len(got), len(want))
            server_close(c)
        proc, _ = self.run_client(script, "--deflate", extension=answer, stdin=b"\n".join(lines) + b"\n")
        self.assert_exit(proc, 0, b"")

    def test_13_client_compresses_with_context_takeover(self):
        self.check_send(PMD, 15, False)

    def test_13_client_no_context_takeover(self):
        self.check_send(PMD + "; client_no_context_takeover", 15, True)

    def test_13_client_max_window_bits(self):
        self.check_send(PMD + "; client_max_window_bits=9", 9, False)

    def test_13_answer_parameters_the_client_did_not_offer_fail_the_handshake(self):
        for answer in (PMD + "; foo", PMD + "; client_max_window_bits=8", "x-webkit-deflate-frame"):
            with self.subTest(answer=answer):
                def script(c, req):
                    assert c.at_eof(5.0), "l7 ws used a connection with an extension it did not offer"
                proc, _ = self.run_client(script, "--deflate", extension=answer)
                self.assert_exit(proc, 2)

    def test_malformed_compressed_message_does_not_break_the_next_one(self):
        # As in test_autobahn_server_deflate.py: an RSV1 message with an empty payload ends
        # inside a stored block header once 00 00 ff ff is appended. Failing at once (1007)
        # is fine; printing it and then refusing the next, valid message is not.
        def script(c, req):
            c.send(ab.frame(TEXT, b"", rsv=ab.RSV1, mask=False) +
                   ab.frame(TEXT, ab.Compressor().compress(b"valid"), rsv=ab.RSV1, mask=False))
            f = c.recv_frame()
            assert f.masked and f.op == ab.CLOSE and f.code in (1000, 1007), f
            if f.code == 1000:  # --count 2: both messages arrived; answer the client's close
                c.send_close(1000)
        proc, _ = self.run_client(script, "--deflate", "--count", "2", extension=PMD)
        if proc.returncode == 3 and proc.stdout:
            self.fail("l7 ws printed the malformed message (%r), then refused the valid one: %s"
                      % (proc.stdout, proc.stderr.decode("utf-8", "replace").strip()))
        if proc.returncode == 3:
            self.assert_exit(proc, 3, b"")  # failed at once: fine
        else:
            self.assert_exit(proc, 0, b"\nvalid\n")

    def test_compressed_frames_without_negotiation_are_1002(self):
        def script(c, req):
            c.send_frame(TEXT, ab.Compressor().compress(b"hello"), rsv=ab.RSV1)
            client_close(c, 1002)
        proc, _ = self.run_client(script)  # no --deflate
        self.assert_exit(proc, 3, b"")

    def test_corrupt_and_invalid_compressed_messages(self):
        for data, op, code in ((b"\xff\xff\xff", BINARY, 1007),
                               (ab.Compressor().compress(b"ok \xed\xa0\x80"), TEXT, 1007)):
            with self.subTest(code=code, op=op):
                def script(c, req, data=data, op=op, code=code):
                    c.send_frame(op, data, rsv=ab.RSV1)
                    client_close(c, code)
                proc, _ = self.run_client(script, "--deflate", extension=PMD)
                self.assert_exit(proc, 3, b"")


class Case9ClientLimits(ClientCase):
    def test_9_16_mib_messages_arrive_intact(self):
        text = line_of(16 * MIB, 1)
        binary = random.Random(2).randbytes(16 * MIB)

        def script(c, req):
            c.send_frame(TEXT, text)
            c.send(b"".join(ab.fragments(BINARY, binary, 64 * 1024, mask=False)))
            server_close(c)
        proc, _ = self.run_client(script, "--max-message", str(17 * MIB), timeout=120)
        self.assert_exit(proc, 0)
        self.assertTrue(proc.stdout == text + b"\n" + binary, "16 MiB messages garbled (%d bytes printed)"
                        % len(proc.stdout))

    def test_small_max_message_closes_with_1009(self):
        for frames in ([ab.frame(BINARY, bytes(2000), mask=False)],
                       ab.fragments(TEXT, b"y" * 2000, 500, mask=False)):
            with self.subTest(frames=len(frames)):
                def script(c, req, frames=frames):
                    c.send(ab.frame(TEXT, b"small", mask=False) + b"".join(frames))
                    client_close(c, 1009)
                proc, _ = self.run_client(script, "--max-message", "1024")
                self.assert_exit(proc, 3, b"small\n")

    def test_deflate_bomb_closes_with_1009(self):
        def script(c, req):
            z = zlib.compressobj(9, zlib.DEFLATED, -15)
            c.send_frame(BINARY, z.compress(bytes(64 * MIB)) + z.flush(zlib.Z_SYNC_FLUSH)[:-4], rsv=ab.RSV1)
            client_close(c, 1009)
        proc, _ = self.run_client(script, "--deflate", "--max-message", str(MIB), extension=PMD)
        self.assert_exit(proc, 3, b"")


if __name__ == "__main__":
    l7test.main()
