"""Autobahn|Testsuite categories 12 and 13 (permessage-deflate, RFC 7692) against
`l7 serve`'s /ws/echo: every offer variant is negotiated (the answer's parameters checked
exactly), then messages of many sizes and kinds go out compressed with the parameters we
announced, some fragmented, some uncompressed, and the echoes are inflated with exactly what
the server agreed to: its window (server_max_window_bits) and, under
server_no_context_takeover, a fresh context per message. A server that used a bigger window
or kept its context would produce back-references that zlib refuses here.

Run: python3 test_autobahn_server_deflate.py --l7 build/dev/l7
"""

import os
import random
import sys
import zlib

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import autobahn as ab  # noqa: E402
from autobahn_cases import EchoCase  # noqa: E402
from autobahn import BINARY, CONT, PING, PONG, TEXT  # noqa: E402
import l7test  # noqa: E402

PMD = "permessage-deflate"
SIZES = [0, 1, 16, 63, 64, 65, 100, 1024, 4096, 16384, 65536, 131072]
THRESHOLD = 64  # [websocket] deflate_threshold default: smaller echoes go out uncompressed


def payloads(size, seed):
    """Message kinds that stress a compressor differently; text ones are valid UTF-8."""
    rng = random.Random(seed)
    words = [b"alpha", b"beta", "κόσμε".encode(), b"gamma", b"delta", "µ@ß".encode()]
    cut = b" ".join(rng.choice(words) for _ in range(size))[:size]
    text = cut.decode("utf-8", "ignore").encode()  # drops a character cut in half at the end
    text += b"." * (size - len(text))
    block = rng.randbytes(700)  # repeats 700 bytes apart: beyond a 512-byte (9-bit) window
    far = (block * (size // 700 + 1))[:size]
    return [(TEXT, text), (BINARY, rng.randbytes(size)), (BINARY, far), (TEXT, b"A" * size)]


def offer_variants():
    """(offer, expected answer params, server window, server nct, client window, client nct)."""
    v = [
        (PMD, {}, 15, False, 15, False),
        (PMD + "; client_max_window_bits", {}, 15, False, 15, False),
        (PMD + "; client_max_window_bits=10", {}, 15, False, 10, False),
        (PMD + "; server_no_context_takeover", {"server_no_context_takeover": None}, 15, True, 15, False),
        (PMD + "; client_no_context_takeover", {"client_no_context_takeover": None}, 15, False, 15, True),
        (PMD + "; server_no_context_takeover; client_no_context_takeover; server_max_window_bits=9;"
         " client_max_window_bits=9",
         {"server_no_context_takeover": None, "client_no_context_takeover": None,
          "server_max_window_bits": "9"}, 9, True, 9, True),
        # 13.7: several offers; the first acceptable one wins (8 cannot be honoured by zlib)
        (PMD + "; server_max_window_bits=8, " + PMD + "; server_no_context_takeover, " + PMD,
         {"server_no_context_takeover": None}, 15, True, 15, False),
    ]
    for bits in range(9, 16):
        v.append((PMD + "; server_max_window_bits=%d" % bits, {"server_max_window_bits": str(bits)},
                  bits, False, 15, False))
    return v


class Case12And13Deflate(EchoCase):
    def negotiate(self, offer, params):
        c = self.open(offer)
        answer = ab.parse_extensions(self.response_headers.get("sec-websocket-extensions"))
        self.assertEqual(answer, [(PMD, params)], "answer to %r" % offer)
        return c

    def check_exchange(self, c, sbits, snct, cbits, cnct, seed):
        ours = ab.Compressor(cbits, cnct)
        theirs = ab.Decompressor(sbits, snct)
        rng = random.Random(seed)
        for size in SIZES:
            for op, payload in payloads(size, seed + size):
                # each message twice: the second time the server may refer back to the first
                for _ in range(2):
                    how = rng.choice(["whole", "whole", "fragmented", "plain"])
                    if how == "plain":  # per-message compression: an uncompressed one is fine
                        c.send_frame(op, payload)
                    else:
                        z = ours.compress(payload)
                        frag = len(z) if how == "whole" else rng.randint(1, max(1, len(z) // 3))
                        c.send(b"".join(ab.fragments(op, z, max(1, frag), rsv=ab.RSV1)))
                    got_op, got, controls = c.recv_message()
                    compressed = bool(c.last_rsv & ab.RSV1)
                    self.assertEqual(compressed, size >= THRESHOLD,
                                     "echo of %d bytes compressed=%s" % (size, compressed))
                    if compressed:
                        try:
                            got = theirs.decompress(got)
                        except zlib.error as e:
                            self.fail("echo of %d bytes does not inflate with window %d, no context "
                                      "takeover %s: %s" % (size, sbits, snct, e))
                    self.assertEqual((got_op, len(got), controls), (op, size, []))
                    self.assertTrue(got == payload, "echo of %d bytes differs" % size)

    def test_12_13_every_offer_variant(self):
        for i, (offer, params, sbits, snct, cbits, cnct) in enumerate(offer_variants()):
            with self.subTest(offer=offer):
                c = self.negotiate(offer, params)
                self.check_exchange(c, sbits, snct, cbits, cnct, seed=i)
                self.assert_clean_close(c)

    def test_13_3_window_8_is_declined(self):
        c = self.open(PMD + "; server_max_window_bits=8")
        self.assertNotIn("sec-websocket-extensions", self.response_headers)
        self.echo(c, TEXT, b"A" * 1000)  # echoed uncompressed: no extension in use
        self.assertEqual(c.last_rsv, 0)
        c.send_frame(TEXT, ab.Compressor().compress(b"compressed"), rsv=ab.RSV1)
        self.assert_fails(c, 1002)

    def test_unknown_parameter_or_bad_value_is_declined(self):
        for offer in (PMD + "; foo=1", PMD + "; server_max_window_bits=16",
                      PMD + "; server_max_window_bits", PMD + "; client_max_window_bits=7",
                      PMD + "; server_no_context_takeover; server_no_context_takeover"):
            with self.subTest(offer=offer):
                c = self.open(offer)
                self.assertNotIn("sec-websocket-extensions", self.response_headers)
                self.echo(c, BINARY, b"\x00" * 500)
                self.assertEqual(c.last_rsv, 0)

    def test_context_takeover_keeps_repeats_small(self):
        # Without no_context_takeover the server's second echo of a message refers back to the
        # first, so it must be much smaller (and inflate only with the kept context).
        c = self.negotiate(PMD, {})
        theirs = ab.Decompressor()
        msg = random.Random(7).randbytes(2000)
        sizes = []
        for _ in range(2):
            c.send_frame(BINARY, ab.Compressor().compress(msg), rsv=ab.RSV1)
            op, got, _ = c.recv_message()
            sizes.append(len(got))
            self.assertEqual(theirs.decompress(got), msg)
        self.assertLess(sizes[1], sizes[0] // 4, "compressed echo sizes %s" % sizes)

    def test_client_context_is_kept_across_messages(self):
        # Our second message is only a back-reference into the first: the server must have
        # kept its inflate context (we did not offer client_no_context_takeover).
        c = self.negotiate(PMD, {})
        ours, theirs = ab.Compressor(), ab.Decompressor()
        rng = random.Random(3)
        msg = bytes(rng.choice(b"abcdefghijklmnopqrstuvwxyz") for _ in range(2000)) + "κόσμε".encode()
        sizes = []
        for _ in range(3):
            z = ours.compress(msg)
            sizes.append(len(z))
            c.send_frame(TEXT, z, rsv=ab.RSV1)
            op, got, _ = c.recv_message()
            self.assertEqual((op, theirs.decompress(got)), (TEXT, msg))
        self.assertLess(sizes[1], sizes[0] // 10, "our second message should be a mere back-reference: %s" % sizes)

    def test_ping_between_compressed_fragments(self):
        c = self.negotiate(PMD, {})
        z = ab.Compressor().compress(b"fragmented compressed message " * 50)
        half = len(z) // 2
        c.send_frame(TEXT, z[:half], fin=False, rsv=ab.RSV1)
        c.send_frame(PING, b"in between")
        f = c.recv_frame(3)
        self.assertEqual((f.op, f.payload), (PONG, b"in between"))
        c.send_frame(CONT, z[half:])
        op, got, _ = c.recv_message()
        self.assertEqual(ab.Decompressor().decompress(got), b"fragmented compressed message " * 50)

    def test_rfc7692_examples(self):
        # §7.2.3.1-§7.2.3.6: "Hello" compressed, fragmented, referring back to an earlier
        # "Hello" (shared window), as a stored block, with BFINAL set and padded by 0x00, and a
        # message ending with an empty fragment. zlib makes the bytes; the forms are the RFC's.
        hello = ab.Compressor().compress(b"Hello")  # f2 48 cd c9 c9 07 00
        shared = ab.Compressor()
        shared.compress(b"Hello")
        again = shared.compress(b"Hello")  # a back-reference into the previous message
        stored = zlib.compressobj(0, zlib.DEFLATED, -15)
        stored = (stored.compress(b"Hello") + stored.flush(zlib.Z_SYNC_FLUSH))[:-4]
        final = zlib.compressobj(6, zlib.DEFLATED, -15)
        final = final.compress(b"Hello") + final.flush(zlib.Z_FINISH) + b"\x00"
        cases = [[hello], [hello[:3], hello[3:]], [stored], [final], [hello + ab.TAIL, b"\x00"], [hello], [again]]
        c = self.negotiate(PMD, {})
        theirs = ab.Decompressor()
        for parts in cases:
            with self.subTest(parts=[p.hex() for p in parts]):
                c.send(b"".join(c.frame(TEXT if i == 0 else CONT, p, fin=i == len(parts) - 1,
                                        rsv=ab.RSV1 if i == 0 else 0) for i, p in enumerate(parts)))
                op, got, _ = c.recv_message()
                self.assertEqual((op, theirs.decompress(got) if c.last_rsv else got), (TEXT, b"Hello"))

    def test_malformed_compressed_message_does_not_break_the_next_one(self):
        # An RSV1 message with an empty payload, or a BFINAL block without the 0x00 that
        # RFC 7692 §7.2.3.3 pads it with, leaves "payload + 00 00 ff ff" ending inside a stored
        # block header. Either the connection fails at once (1007), or the next, valid message
        # must still be echoed; failing one message later blames the wrong message.
        final = zlib.compressobj(6, zlib.DEFLATED, -15)
        unpadded = final.compress(b"Hello") + final.flush(zlib.Z_FINISH)
        for bad, echo in ((b"", b""), (unpadded, b"Hello")):
            with self.subTest(bad=bad.hex()):
                c = self.negotiate(PMD, {})
                c.send(c.frame(TEXT, bad, rsv=ab.RSV1) +
                       c.frame(TEXT, ab.Compressor().compress(b"valid"), rsv=ab.RSV1))
                f = c.recv_frame()
                if f.op == ab.CLOSE:
                    self.assertEqual(f.code, 1007)
                    continue
                theirs = ab.Decompressor()
                self.assertEqual(theirs.decompress(f.payload) if f.rsv else f.payload, echo)
                f = c.recv_frame()
                if f.op == ab.CLOSE:
                    self.fail("the valid message after a malformed one was refused: close %d %r"
                              % (f.code, f.reason))
                self.assertEqual(theirs.decompress(f.payload) if f.rsv else f.payload, b"valid")

    def test_rsv1_on_continuation_or_control_frame_is_1002(self):
        z = ab.Compressor().compress(b"hello hello hello")
        for frames in ([(TEXT, z[:3], False, ab.RSV1), (CONT, z[3:], True, ab.RSV1)],
                       [(PING, b"x", True, ab.RSV1)]):
            c = self.negotiate(PMD, {})
            c.send(b"".join(c.frame(op, p, fin=fin, rsv=rsv) for op, p, fin, rsv in frames))
            self.assert_fails(c, 1002)

    def test_corrupt_compressed_data_is_1007(self):
        c = self.negotiate(PMD, {})
        c.send_frame(BINARY, b"\xff\xff\xff\xff\xff", rsv=ab.RSV1)
        self.assert_fails(c, 1007)

    def test_compressed_invalid_utf8_is_1007(self):
        c = self.negotiate(PMD, {})
        c.send_frame(TEXT, ab.Compressor().compress(b"valid, then \xed\xa0\x80 a surrogate"), rsv=ab.RSV1)
        self.assert_fails(c, 1007)

    def test_deflate_bomb_past_the_default_limit_is_1009(self):
        # 80 MiB of zeros in ~80 KiB, against the default max_message of 64 MiB.
        c = self.negotiate(PMD, {})
        z = zlib.compressobj(9, zlib.DEFLATED, -15)
        bomb = z.compress(bytes(80 << 20)) + z.flush(zlib.Z_SYNC_FLUSH)[:-4]
        c.send_frame(BINARY, bomb, rsv=ab.RSV1)
        self.assert_fails(c, 1009, timeout=30)


if __name__ == "__main__":
    l7test.main()
