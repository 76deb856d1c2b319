"""Autobahn|Testsuite category 6 (UTF-8 handling) against `l7 serve`'s /ws/echo: valid text
is echoed however it is fragmented; every invalid sequence (overlong forms, surrogates, code
points past U+10FFFF, stray continuation bytes, truncated sequences) fails the connection with
1007 (RFC 6455 §8.1); and fail-fast: the close comes as soon as the first bad byte arrives,
before the rest of the frame or message has been sent.

Run: python3 test_autobahn_server_utf8.py --l7 build/dev/l7
"""

import os
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import autobahn as ab  # noqa: E402
from autobahn_cases import EchoCase  # noqa: E402
from autobahn import CONT, TEXT  # noqa: E402
import l7test  # noqa: E402

KOSME = bytes.fromhex("ceba e1bdb9 cf83 cebc ceb5")  # "κόσμε", Markus Kuhn's sample word
HELLO = "Hello-µ@ßöäüàá-UTF-8!!".encode()

# (what, hex) of well-formed UTF-8, noncharacters included (they are valid UTF-8).
VALID = [
    ("first 1..4-byte", "00"), ("", "c280"), ("", "e0a080"), ("", "f0908080"),
    ("last 1..4-byte", "7f"), ("", "dfbf"), ("", "efbfbf"), ("", "f48fbfbf"),
    ("U+D7FF, U+E000", "ed9fbf"), ("", "ee8080"), ("U+FFFD", "efbfbd"),
    ("noncharacters", "efbfbe"), ("", "efb790"), ("", "f09fbfbf"), ("", "f48fbfbe"),
    ("BOM", "efbbbf"), ("kosme", KOSME.hex()),
]

# (what, hex) of ill-formed UTF-8.
INVALID = [
    ("past U+10FFFF", "f4908080"), ("", "f7bfbfbf"), ("5-byte", "f888808080"), ("6-byte", "fc8480808080"),
    ("stray continuation", "80"), ("", "bf"), ("", "80bf"), ("", "80bf80bf"),
    ("lonely start", "c020"), ("", "e020"), ("", "f020"), ("", "c220"), ("", "e0a020"),
    ("last byte missing", "c2"), ("", "e0a0"), ("", "f09080"), ("", "df"), ("", "efbf"), ("", "f48fbf"),
    ("concatenated incomplete", "c2e0a0f09080"),
    ("impossible bytes", "fe"), ("", "ff"), ("", "fefeffff"),
    ("overlong /", "c0af"), ("", "e080af"), ("", "f08080af"), ("", "f88080 80af"),
    ("maximal overlong", "c1bf"), ("", "e09fbf"), ("", "f08fbfbf"),
    ("overlong NUL", "c080"), ("", "e08080"), ("", "f0808080"),
    ("single surrogates", "eda080"), ("", "edadbf"), ("", "edae80"), ("", "edafbf"), ("", "edb080"),
    ("", "edbe80"), ("", "edbfbf"),
    ("paired surrogates", "eda080edb080"), ("", "edafbfedbfbf"),
    ("kosme + surrogate", KOSME.hex() + "eda080" + b"edited".hex()),
]


def utf8_ok(b):
    try:
        b.decode("utf-8", "strict")  # Python's decoder is strict: no surrogates, no overlongs
        return True
    except UnicodeDecodeError:
        return False


def table(rows):
    return [(what, bytes.fromhex(h.replace(" ", ""))) for what, h in rows]


class Case6Utf8(EchoCase):
    def test_tables_agree_with_pythons_strict_decoder(self):
        self.assertEqual([w for w, b in table(VALID) if not utf8_ok(b)], [])
        self.assertEqual([b.hex() for w, b in table(INVALID) if utf8_ok(b)], [])

    def test_6_1_empty_text(self):
        c = self.open()
        self.echo(c, TEXT, b"")
        self.assert_clean_close(c)

    def test_6_2_valid_text_split_at_every_byte(self):
        c = self.open()
        for at in range(len(HELLO) + 1):
            c.send(c.frame(TEXT, HELLO[:at], fin=False) + c.frame(CONT, HELLO[at:]))
            self.assert_echo(c, TEXT, HELLO)
        # and one byte per frame
        c.send(b"".join(ab.fragments(TEXT, HELLO, 1)))
        self.assert_echo(c, TEXT, HELLO)
        self.assert_clean_close(c)

    def test_6_5_to_6_23_valid_sequences_are_echoed(self):
        c = self.open()
        for what, b in table(VALID):
            for payload in (b, b"a" + b + b"z"):
                self.echo(c, TEXT, payload)
        self.assert_clean_close(c)

    def test_6_6_every_prefix_of_kosme(self):
        # A prefix that ends inside a character is a truncated sequence: 1007.
        for n in range(1, len(KOSME) + 1):
            prefix = KOSME[:n]
            with self.subTest(prefix=prefix.hex()):
                c = self.open()
                c.send_frame(TEXT, prefix)
                if utf8_ok(prefix):
                    self.assert_echo(c, TEXT, prefix)
                else:
                    self.assert_fails(c, 1007)

    def test_6_3_6_8_to_6_21_invalid_sequences_are_1007(self):
        for what, b in table(INVALID):
            with self.subTest(what=what, bytes=b.hex()):
                c = self.open()
                c.send(c.frame(TEXT, b"valid " + b) + c.frame(TEXT, b"never echoed"))
                self.assert_fails(c, 1007)

    def test_6_3_invalid_sequence_split_at_every_byte(self):
        bad = KOSME + bytes.fromhex("eda080") + b"edited"
        for at in range(len(bad) + 1):
            with self.subTest(at=at):
                c = self.open()
                c.send(c.frame(TEXT, bad[:at], fin=False) + c.frame(CONT, bad[at:]))
                self.assert_fails(c, 1007)

    def test_truncated_sequence_at_message_end_across_fragments(self):
        # Valid so far at every fragment boundary; only the end of the message shows the cut.
        c = self.open()
        c.send(c.frame(TEXT, KOSME + b"\xe1", fin=False) + c.frame(CONT, b"\xbd", fin=False) + c.frame(CONT, b""))
        self.assert_fails(c, 1007)

    def test_binary_messages_are_not_checked(self):
        c = self.open()
        for what, b in table(INVALID):
            self.echo(c, ab.BINARY, b)
        self.assert_clean_close(c)

    # -- 6.4: fail fast. The close must arrive while the rest is still unsent.

    def assert_fails_before_rest(self, c, rest):
        self.assert_fails(c, 1007, timeout=2.0)
        try:
            c.send(rest)
        except OSError:
            pass  # the server may have reset by now: that is fine

    def test_6_4_1_bad_fragment_of_an_open_message(self):
        c = self.open()
        c.send_frame(TEXT, KOSME, fin=False)
        self.assertTrue(c.quiet(0.3), "the server answered a valid first fragment")
        c.send_frame(CONT, bytes.fromhex("f4908080"), fin=False)
        self.assert_fails_before_rest(c, c.frame(CONT, b"edited"))

    def test_6_4_2_bad_sequence_split_across_fragments(self):
        c = self.open()
        c.send_frame(TEXT, KOSME + b"\xf4", fin=False)
        self.assertTrue(c.quiet(0.3), "F4 alone may still become valid")
        c.send_frame(CONT, b"\x90\x80\x80", fin=False)
        self.assert_fails_before_rest(c, c.frame(CONT, b"edited"))

    def frame_parts(self, cut1, cut2):
        """One masked text frame of KOSME F4 90 80 80 'edited', cut at payload offsets."""
        payload = KOSME + bytes.fromhex("f4908080") + b"edited"
        data = ab.frame(TEXT, payload)
        head = len(data) - len(payload)
        return data[:head + cut1], data[head + cut1:head + cut2], data[head + cut2:]

    def test_6_4_3_bad_bytes_in_the_middle_of_one_frame(self):
        c = self.open()
        first, bad, rest = self.frame_parts(len(KOSME), len(KOSME) + 4)
        c.send(first)
        self.assertTrue(c.quiet(0.3), "the server answered the valid start of a frame")
        c.send(bad)
        self.assert_fails_before_rest(c, rest)

    def test_6_4_4_bad_byte_arrives_alone(self):
        c = self.open()
        first, bad, rest = self.frame_parts(len(KOSME) + 1, len(KOSME) + 2)  # ... F4 | 90 | ...
        c.send(first)
        self.assertTrue(c.quiet(0.3), "F4 at the end of the input may still become valid")
        c.send(bad)
        self.assert_fails_before_rest(c, rest)


if __name__ == "__main__":
    l7test.main()
