"""Autobahn|Testsuite categories 9 (limits/performance) and 10 (auto-fragmentation) against
`l7 serve`'s /ws/echo, plus the configured message limit ([websocket] max_message -> 1009,
RFC 6455 §7.4.1), compressed messages included (a deflate bomb must not get through).

Run: python3 test_autobahn_server_limits.py --l7 build/dev/l7
"""

import os
import random
import sys
import time
import zlib

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import autobahn as ab  # noqa: E402
from autobahn_cases import EchoCase  # noqa: E402
from autobahn import BINARY, CONT, PING, PONG, TEXT  # noqa: E402
import l7test  # noqa: E402

KIB, MIB = 1024, 1024 * 1024
SAMPLE = "Hello-µ@ßöäüàá-UTF-8!! κόσμε 𝄞 ".encode()


def text_of(n):
    """n bytes of valid UTF-8 with 1- to 4-byte characters."""
    reps = SAMPLE * (n // len(SAMPLE) + 1)
    cut = n
    while cut > 0 and (reps[cut] & 0xC0) == 0x80:  # do not end inside a character
        cut -= 1
    return reps[:cut] + b"." * (n - cut)


def binary_of(n, seed):
    return random.Random(seed).randbytes(n)


class Case9Limits(EchoCase):
    def roundtrip(self, c, op, payload, frag=None, chop=None, timeout=60):
        data = c.frame(op, payload) if frag is None else b"".join(ab.fragments(op, payload, frag))
        c.send(data, chunk=chop)
        self.assert_echo(c, op, payload, timeout)

    def test_9_1_9_2_big_messages_in_one_frame(self):
        c = self.open()
        for n in (64 * KIB, 256 * KIB, 1 * MIB, 4 * MIB, 8 * MIB, 16 * MIB):
            self.roundtrip(c, TEXT, text_of(n))
            self.roundtrip(c, BINARY, binary_of(n, n))
        self.assert_clean_close(c)

    def test_9_3_9_4_big_messages_in_64k_and_4k_fragments(self):
        c = self.open()
        for n in (1 * MIB, 4 * MIB, 16 * MIB):
            for frag in (64 * KIB, 4 * KIB):
                self.roundtrip(c, TEXT, text_of(n), frag=frag)
                self.roundtrip(c, BINARY, binary_of(n, frag), frag=frag)
        self.assert_clean_close(c)

    def test_9_3_4_mib_in_small_fragments(self):
        c = self.open()
        for frag in (64, 256, 1 * KIB, 256 * KIB, 1 * MIB, 4 * MIB):
            self.roundtrip(c, TEXT, text_of(4 * MIB), frag=frag)
        self.assert_clean_close(c)

    def test_9_5_9_6_one_mib_sent_in_chops(self):
        c = self.open()
        for chop in (64, 128, 256, 512, 1 * KIB, 2 * KIB, 4 * KIB, 16 * KIB, 64 * KIB, 128 * KIB):
            size = 1 * MIB if chop >= 1 * KIB else 128 * KIB  # keep the small chops quick
            self.roundtrip(c, TEXT, text_of(size), chop=chop)
            self.roundtrip(c, BINARY, binary_of(size, chop), chop=chop)
        self.assert_clean_close(c)

    def test_9_7_9_8_many_small_round_trips(self):
        c = self.open()
        start = time.monotonic()
        for size in (0, 16, 64, 256, 1 * KIB, 4 * KIB):
            for i in range(250):
                op = TEXT if i % 2 else BINARY
                self.roundtrip(c, op, text_of(size))
        self.assertLess(time.monotonic() - start, 60, "1500 round trips took over a minute")
        self.assert_clean_close(c)

    def test_pings_are_answered_while_a_big_message_streams_in(self):
        c = self.open()
        payload = binary_of(4 * MIB, 9)
        parts = ab.fragments(BINARY, payload, 256 * KIB)
        for i, part in enumerate(parts):
            c.send(part)
            if i % 4 == 1:
                c.send_frame(PING, b"%d" % i)
                f = c.recv_frame(5)
                self.assertEqual((f.op, f.payload), (PONG, b"%d" % i))
        self.assert_echo(c, BINARY, payload)

    def test_huge_declared_length_is_1009_at_once(self):
        # Refused from the header alone (64 MiB default limit): nothing of the payload needed.
        c = self.open()
        c.send(bytes([0x82, 0xFF, 0, 0, 1, 0, 0, 0, 0, 0]) + os.urandom(4))
        self.assert_fails(c, 1009, timeout=3)


class Case10AutoFragmentation(EchoCase):
    """10.1: the message is what counts, not its frames: 64 KiB echoed whatever the split."""

    def test_10_1_64k_message_any_fragmentation(self):
        payload = text_of(64 * KIB)
        c = self.open()
        for frag in (1300, 1, 7, 4096, 65535, 65536):
            c.send(b"".join(ab.fragments(TEXT, payload, frag)))
            self.assert_echo(c, TEXT, payload)
        rng = random.Random(10)
        for _ in range(5):  # random fragment sizes, random TCP chops
            frames, at = [], 0
            while at < len(payload):
                n = rng.randint(0, 9000)
                part = payload[at:at + n]
                at += len(part)
                frames.append(c.frame(TEXT if not frames else CONT, part, fin=at >= len(payload)))
            c.send(b"".join(frames), chunk=rng.randint(1, 3000))
            self.assert_echo(c, TEXT, payload)
        self.assert_clean_close(c)


class MaxMessage(EchoCase):
    """[websocket] max_message = 1024: larger messages, however they arrive, get 1009."""

    LIMIT = 1024

    @classmethod
    def server_kwargs(cls):
        cfg = l7test.config_with({("websocket", "max_message"): str(cls.LIMIT)})
        return dict(config_text=cfg)

    def test_at_the_limit_is_echoed(self):
        c = self.open()
        self.echo(c, BINARY, binary_of(self.LIMIT, 1))
        c.send(b"".join(ab.fragments(TEXT, text_of(self.LIMIT), 100)))
        self.assert_echo(c, TEXT, text_of(self.LIMIT))
        self.assert_clean_close(c)

    def test_one_frame_over_the_limit_is_1009_from_its_header(self):
        c = self.open()
        data = c.frame(BINARY, binary_of(self.LIMIT + 1, 2))
        c.send(data[:14])  # header, mask and a few payload bytes
        self.assert_fails(c, 1009, timeout=3)

    def test_fragments_adding_up_past_the_limit_are_1009(self):
        c = self.open()
        c.send(c.frame(TEXT, text_of(600), fin=False) + c.frame(CONT, text_of(425)))
        self.assert_fails(c, 1009)

    def test_compressed_message_inflating_past_the_limit_is_1009(self):
        c = self.open("permessage-deflate")
        self.assertIn("permessage-deflate", self.response_headers.get("sec-websocket-extensions", ""))
        z = ab.Compressor()
        c.send_frame(TEXT, z.compress(b"a" * self.LIMIT), rsv=ab.RSV1)
        op, got, _ = c.recv_message()
        if c.last_rsv & ab.RSV1:
            got = ab.Decompressor().decompress(got)
        self.assertEqual((op, got), (TEXT, b"a" * self.LIMIT))
        c.send_frame(TEXT, z.compress(b"a" * (self.LIMIT + 1)), rsv=ab.RSV1)
        self.assert_fails(c, 1009)

    def test_deflate_bomb_is_1009(self):
        c = self.open("permessage-deflate")
        bomb = zlib.compressobj(9, zlib.DEFLATED, -15)
        payload = bomb.compress(bytes(64 * MIB)) + bomb.flush(zlib.Z_SYNC_FLUSH)[:-4]
        self.assertLess(len(payload), 128 * KIB)
        start = time.monotonic()
        c.send_frame(BINARY, payload, rsv=ab.RSV1)
        self.assert_fails(c, 1009)
        self.assertLess(time.monotonic() - start, 5, "the server inflated far past the limit")


if __name__ == "__main__":
    l7test.main()
