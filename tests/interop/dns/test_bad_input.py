"""Malformed and hostile DNS messages against `l7 serve --only dns`, over UDP and TCP, with raw
sockets: short headers, missing questions, compression pointer loops and forward pointers,
names over 255 octets, 64-octet labels, responses sent as queries, other opcodes, two
questions, bad OPT records, random garbage and mutated queries. Each case checks the exact
answer (FORMERR / NOTIMP with the query's ID) or the absence of one, and after each the
server must still answer a normal query correctly.

Run: python3 test_bad_input.py --l7 build/dev/l7
"""

import contextlib
import os
import random
import socket
import struct
import sys
import time

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import dnstest  # noqa: E402
import dnswire  # noqa: E402
from dnswire import RCODES, encode_name, frame, header, make_query, opt_record, parse_message  # noqa: E402
import l7test  # noqa: E402

ZONE = """$TTL 300
@      IN SOA ns hostmaster 1 3600 600 86400 60
@      IN NS  ns
ns     IN A   192.0.2.53
www    IN A   192.0.2.1
"""

QID = 0xBEEF
A_IN = struct.pack("!HH", 1, 1)
FORMERR, NOTIMP = RCODES["FORMERR"], RCODES["NOTIMP"]
NO_REPLY = None  # the expected outcome "nothing comes back" (UDP) / "the connection closes" (TCP)


def q(name_wire, flags=0x0100, qd=1, an=0, ns=0, ar=0, tail=b""):
    return header(QID, flags, qd, an, ns, ar) + name_wire + A_IN + tail


def forward_pointer():
    # The question's name points forward, at the owner of the additional record (offset 18).
    owner = encode_name("www.example.test")
    return header(QID, 0x0100, 1, 0, 0, 1) + b"\xc0\x12" + A_IN + owner + struct.pack("!HHIH", 1, 1, 60, 4) + \
        bytes([192, 0, 2, 1])


def name_of_length(total):
    """A name under example.test. whose wire form is `total` octets (three 63-octet labels)."""
    rest = total - 3 * 64 - len(encode_name("example.test")) - 1
    return ".".join(["a" * 63] * 3 + ["b" * rest, "example", "test"])


# (label, message, expected rcode or NO_REPLY). Every message has ID QID when it has one.
CASES = [
    ("truncated header (5 octets)", header(QID)[:5], NO_REPLY),
    ("QDCOUNT 1 but no question", header(QID, 0x0100, 1), FORMERR),
    ("question name cut short", header(QID) + b"\x03ww", FORMERR),
    ("question without QTYPE/QCLASS", header(QID) + encode_name("www.example.test"), FORMERR),
    ("pointer to itself", q(b"\xc0\x0c"), FORMERR),
    ("pointer loop through a label", q(b"\x01a\xc0\x0c"), FORMERR),
    ("pointer into the header", q(b"\xc0\x02"), FORMERR),
    ("pointer past the end", q(b"\xc0\xff"), FORMERR),
    ("forward pointer", forward_pointer(), FORMERR),
    ("name of 256 octets", q(encode_name(name_of_length(256))), FORMERR),
    ("name of 300 octets", q(b"".join(bytes([63]) + b"x" * 63 for _ in range(4)) + b"\x20" + b"y" * 32 + b"\x00"),
     FORMERR),
    ("64-octet label", q(bytes([64]) + b"z" * 64 + b"\x00"), FORMERR),
    ("reserved label type 0x80", q(b"\x80abc\x00"), FORMERR),
    ("QR=1 (a response)", q(encode_name("www.example.test"), flags=0x8100), NO_REPLY),
    ("QDCOUNT 2", header(QID, 0x0100, 2) + (encode_name("www.example.test") + A_IN) * 2, FORMERR),
    ("QDCOUNT 0", header(QID, 0x0100, 0), FORMERR),
    ("ARCOUNT 3, nothing there", q(encode_name("www.example.test"), ar=3), FORMERR),
    ("trailing garbage after the question", q(encode_name("www.example.test"), tail=b"\xde\xad"), FORMERR),
    ("two OPT records", q(encode_name("www.example.test"), ar=2, tail=opt_record() + opt_record()), FORMERR),
    ("OPT with a non-root owner", q(encode_name("www.example.test"), ar=1,
                                     tail=encode_name("x") + opt_record()[1:]), FORMERR),
    ("OPT in the answer section", q(encode_name("www.example.test"), an=1, tail=opt_record()), FORMERR),
    ("QTYPE OPT", header(QID) + encode_name("www.example.test") + struct.pack("!HH", 41, 1), FORMERR),
    ("opcode 5 (UPDATE)", header(QID, 5 << 11, 1) + encode_name("example.test") + struct.pack("!HH", 6, 1), NOTIMP),
    ("opcode 2 (STATUS)", q(encode_name("www.example.test"), flags=2 << 11), NOTIMP),
    ("opcode 1 (IQUERY, RFC 3425)", q(encode_name("www.example.test"), flags=1 << 11), NOTIMP),
]


class BadInput(dnstest.DnsCase):
    @classmethod
    def setUpClass(cls):
        cls._stack = contextlib.ExitStack()
        try:
            # No recursion: mutated queries for random names must not go to the Internet.
            cls.dns = cls._stack.enter_context(dnstest.dns_server(
                zones={"example.test": ZONE}, settings={"recursion": "false"}))
        except BaseException:
            cls._stack.close()
            raise
        cls.servers = [cls.dns]

    @classmethod
    def tearDownClass(cls):
        cls._stack.close()

    # -- helpers

    def assertStillServing(self, after):
        query, qid = make_query("www.example.test")
        for transport, reply in (("udp", dnswire.udp_exchange(self.dns.port, query)),
                                 ("tcp", dnswire.tcp_exchange(self.dns.port, query))):
            self.assertIsNotNone(reply, "no %s answer to a normal query after: %s" % (transport, after))
            m = parse_message(reply)
            self.assertEqual((m.id, m.rcode), (qid, 0), "after %s: %r" % (after, m))
            self.assertEqual([(a[0], a[3]) for a in m.answers], [("www.example.test.", "192.0.2.1")],
                             "after %s" % after)

    def assertErrorReply(self, reply, want, what, sent):
        self.assertIsNotNone(reply, "%s: no reply, want %s" % (what, dnswire.RCODE_NAMES[want]))
        m = parse_message(reply)
        self.assertEqual(m.id, QID, "%s: reply ID" % what)
        self.assertTrue(m.qr, "%s: QR clear in the reply" % what)
        self.assertEqual(dnswire.RCODE_NAMES.get(m.rcode, m.rcode), dnswire.RCODE_NAMES[want], what)
        self.assertEqual(m.opcode, (sent[2] >> 3) & 0xF, "%s: the opcode is echoed" % what)
        self.assertEqual(m.answers, [], what)

    # -- the table, over both transports

    def test_cases_over_udp(self):
        for what, msg, want in CASES:
            with self.subTest(case=what):
                print("udp: %-40s -> %s" % (what, "no reply" if want is None else dnswire.RCODE_NAMES[want]))
                reply = dnswire.udp_exchange(self.dns.port, msg, timeout=1.0)
                if want is NO_REPLY:
                    self.assertIsNone(reply, "%s: got a reply %r" % (what, reply))
                else:
                    self.assertErrorReply(reply, want, what, msg)
                self.assertStillServing(what)

    def test_cases_over_tcp(self):
        for what, msg, want in CASES:
            with self.subTest(case=what):
                print("tcp: %-40s -> %s" % (what, "close" if want is None else dnswire.RCODE_NAMES[want]))
                with contextlib.closing(l7test.connect(self.dns.port, timeout=5)) as s:
                    s.sendall(frame(msg))
                    if want is NO_REPLY:
                        self.assertTrue(dnswire.closed_by_peer(s, 5), "%s: the connection stayed open" % what)
                    else:
                        self.assertErrorReply(dnswire.recv_framed(s), want, what, msg)
                self.assertStillServing(what)

    def test_name_of_255_octets_is_fine(self):
        print("a name of exactly 255 octets is valid: NXDOMAIN from the zone, over UDP and TCP")
        name = name_of_length(255)
        self.assertEqual(len(encode_name(name)), 255)
        query, qid = make_query(name)
        for reply in (dnswire.udp_exchange(self.dns.port, query), dnswire.tcp_exchange(self.dns.port, query)):
            m = parse_message(reply)
            self.assertEqual((m.id, m.rcode), (qid, RCODES["NXDOMAIN"]))
            self.assertEqual(m.questions, [(name.lower() + ".", 1)])

    def test_axfr_and_chaos_over_udp(self):
        print("AXFR over UDP and class CH: refused, no data")
        for what, (msg, qid) in (("AXFR over UDP", make_query("example.test", "AXFR")),
                                 ("CH TXT version.bind", make_query("version.bind", "TXT", qclass=3))):
            m = parse_message(dnswire.udp_exchange(self.dns.port, msg))
            self.assertEqual(m.id, qid)
            self.assertIn(dnswire.RCODE_NAMES.get(m.rcode), ("REFUSED", "NOTIMP", "FORMERR"), what)
            self.assertEqual(m.answers, [], what)
        self.assertStillServing("AXFR/CH over UDP")

    # -- fuzzing

    def check_replies(self, replies, sent_ids, what):
        for data in replies:
            try:
                m = parse_message(data)
            except (ValueError, IndexError, struct.error) as e:
                self.fail("%s: a malformed reply (%s): %r" % (what, e, data[:64]))
            self.assertTrue(m.qr, "%s: a reply without QR" % what)
            self.assertIn(m.id, sent_ids, "%s: a reply with an ID nobody sent" % what)

    def test_random_garbage_udp(self):
        seed = random.randrange(1 << 30)
        print("udp: 500 random datagrams and 500 mutated queries (seed %d); every reply well-formed" % seed)
        rng = random.Random(seed)
        good, _ = make_query("www.example.test", qid=0x1111)
        datagrams = [bytes(rng.randrange(256) for _ in range(rng.randrange(0, 300))) for _ in range(500)]
        for _ in range(500):
            m = bytearray(good)
            for _ in range(rng.randrange(1, 5)):
                m[rng.randrange(len(m))] = rng.randrange(256)
            if rng.random() < 0.3:
                m = m[:rng.randrange(len(m))]
            datagrams.append(bytes(m))
        replies = []
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
            s.settimeout(0)
            for i, d in enumerate(datagrams):
                s.sendto(d, ("127.0.0.1", self.dns.port))
                if i % 50 == 49:
                    time.sleep(0.02)  # let the server keep up (its socket buffer is finite)
                with contextlib.suppress(BlockingIOError):
                    while True:
                        replies.append(s.recv(65535))
            s.settimeout(1.0)
            with contextlib.suppress(socket.timeout):
                while True:
                    replies.append(s.recv(65535))
        sent_ids = {struct.unpack("!H", d[:2])[0] for d in datagrams if len(d) >= 2}
        print("  %d replies" % len(replies))
        self.check_replies(replies, sent_ids, "udp seed %d" % seed)
        self.assertGreater(len(replies), 0, "not one of 1000 datagrams was answered")
        self.assertStillServing("1000 garbage datagrams (seed %d)" % seed)

    def test_random_garbage_tcp(self):
        seed = random.randrange(1 << 30)
        print("tcp: 100 connections with a random frame each (seed %d): a reply or a close" % seed)
        rng = random.Random(seed)
        good, _ = make_query("www.example.test", qid=0x2222)
        for i in range(100):
            if i % 2:
                body = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 200)))
            else:
                m = bytearray(good)
                for _ in range(rng.randrange(1, 5)):
                    m[rng.randrange(len(m))] = rng.randrange(256)
                body = bytes(m)
            with contextlib.closing(l7test.connect(self.dns.port, timeout=5)) as s:
                s.sendall(frame(body))
                try:
                    reply = dnswire.recv_framed(s)
                except socket.timeout:
                    self.fail("seed %d frame %d: neither a reply nor a close within 5 s: %r" % (seed, i, body[:64]))
                if reply is not None:
                    self.check_replies([reply], {struct.unpack("!H", body[:2])[0]} if len(body) >= 2 else set(),
                                       "tcp seed %d frame %d" % (seed, i))
        self.assertStillServing("100 garbage TCP frames (seed %d)" % seed)


if __name__ == "__main__":
    l7test.main()
