"""DNS over TCP (RFC 7766) against `l7 serve --only dns`, with raw Python sockets: pipelined
queries answered on one connection (matched by ID, any order), a query split across writes,
several connections at once, the idle timeout (tcp_idle_timeout = 1s), bad framing, and
answers still coming after the client half-closes.

Run: python3 test_tcp.py --l7 build/dev/l7
"""

import contextlib
import os
import socket
import sys
import time

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import dnstest  # noqa: E402
import dnswire  # noqa: E402
from dnswire import frame, make_query, parse_message, recv_framed  # noqa: E402
import l7test  # noqa: E402

ZONE = """$TTL 300
@      IN SOA ns hostmaster 1 3600 600 86400 60
@      IN NS  ns
ns     IN A   192.0.2.53
www    IN A   192.0.2.1
mail   IN A   192.0.2.25
big    IN TXT "%s" "%s" "%s"
""" % ("a" * 250, "b" * 250, "c" * 250)

ANSWERS = {"www.example.test.": "192.0.2.1", "mail.example.test.": "192.0.2.25", "ns.example.test.": "192.0.2.53"}


def rss_kib(pid):
    """Resident set size of a process (Linux /proc), in KiB."""
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise AssertionError("no VmRSS for pid %d" % pid)


def flood(sock, limit):
    """Sends pipelined queries without reading until `limit` octets went out or a send blocked
    for 2 s (or the server closed); returns (octets sent, whether the server pushed back)."""
    q, _ = make_query("www.example.test", qid=7)
    chunk = frame(q) * 4096
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sock.settimeout(2)
    sent = 0
    deadline = time.monotonic() + 20
    try:
        while sent < limit and time.monotonic() < deadline:
            sock.sendall(chunk)
            sent += len(chunk)
    except socket.timeout:
        return sent, True
    except (BrokenPipeError, ConnectionResetError):
        return sent, True  # closing such a client is fine too
    return sent, False


class Tcp(dnstest.DnsCase):
    @classmethod
    def setUpClass(cls):
        cls._stack = contextlib.ExitStack()
        try:
            cls.dns = cls._stack.enter_context(dnstest.dns_server(
                zones={"example.test": ZONE}, settings={"tcp_idle_timeout": '"1s"'}))
        except BaseException:
            cls._stack.close()
            raise
        cls.servers = [cls.dns]

    @classmethod
    def tearDownClass(cls):
        cls._stack.close()

    def connect(self):
        return contextlib.closing(l7test.connect(self.dns.port, timeout=5))

    def assertAnswer(self, reply, qid, name):
        self.assertIsNotNone(reply, "no answer for %s (connection closed)" % name)
        m = parse_message(reply)
        self.assertEqual(m.id, qid)
        self.assertTrue(m.qr)
        self.assertEqual(m.rcode, 0, m)
        self.assertEqual(m.questions, [(name, 1)])
        self.assertEqual([(a[0], a[3]) for a in m.answers], [(name, ANSWERS[name])])
        return m

    def assertStillServing(self):
        q, qid = make_query("www.example.test")
        self.assertAnswer(dnswire.tcp_exchange(self.dns.port, q), qid, "www.example.test.")
        self.assertAnswer(dnswire.udp_exchange(self.dns.port, q), qid, "www.example.test.")

    # -- RFC 7766 §6.2.1.1 pipelining

    def test_three_pipelined_queries_in_one_write(self):
        print("three queries in one send(): three answers, matched by ID, on the same connection")
        names = list(ANSWERS)
        queries = [make_query(n, qid=0x1000 + i) for i, n in enumerate(names)]
        with self.connect() as s:
            s.sendall(b"".join(frame(q) for q, _ in queries))
            replies = {}
            for _ in names:
                r = recv_framed(s)
                self.assertIsNotNone(r, "the connection closed after %d answers" % len(replies))
                m = parse_message(r)
                self.assertNotIn(m.id, replies, "two answers with ID %#x" % m.id)
                replies[m.id] = r
            for (q, qid), name in zip(queries, names):
                self.assertAnswer(replies.get(qid), qid, name)
            # The connection stays open for more (RFC 7766 §6.2.1).
            q, qid = make_query("www.example.test")
            s.sendall(frame(q))
            self.assertAnswer(recv_framed(s), qid, "www.example.test.")

    def test_many_pipelined_queries(self):
        print("200 pipelined queries on one connection, all answered")
        names = list(ANSWERS)
        queries = [(make_query(names[i % 3], qid=i), names[i % 3]) for i in range(200)]
        with self.connect() as s:
            s.sendall(b"".join(frame(q) for (q, _), _ in queries))
            seen = {}
            for _ in queries:
                r = recv_framed(s)
                self.assertIsNotNone(r, "closed after %d of 200 answers" % len(seen))
                m = parse_message(r)
                seen[m.id] = m
        self.assertEqual(sorted(seen), list(range(200)))
        for (q, qid), name in queries:
            self.assertEqual([a[3] for a in seen[qid].answers], [ANSWERS[name]])

    def test_query_split_across_writes(self):
        print("a query split across writes (inside the length prefix and inside the message)")
        q, qid = make_query("mail.example.test")
        data = frame(q)
        for cuts in ((1,), (2,), (9,), (1, 2, 20), tuple(range(1, len(data)))):
            with self.subTest(cuts=cuts[:5]), self.connect() as s:
                s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                start = 0
                for c in cuts + (len(data),):
                    s.sendall(data[start:c])
                    start = c
                    time.sleep(0.2 if len(cuts) < 5 else 0.005)
                self.assertAnswer(recv_framed(s), qid, "mail.example.test.")

    def test_concurrent_connections(self):
        print("20 connections open at once, each asked in turn")
        with contextlib.ExitStack() as stack:
            socks = [stack.enter_context(self.connect()) for _ in range(20)]
            for i, s in enumerate(reversed(socks)):
                q, qid = make_query("ns.example.test", qid=i)
                s.sendall(frame(q))
                self.assertAnswer(recv_framed(s), qid, "ns.example.test.")

    def test_large_answer_over_tcp(self):
        print("an answer larger than 512 octets comes whole over TCP")
        q, qid = make_query("big.example.test", "TXT", edns=False)
        m = parse_message(dnswire.tcp_exchange(self.dns.port, q))
        self.assertFalse(m.tc)
        self.assertEqual(len(m.answers), 1)
        self.assertGreater(len(bytes.fromhex(m.answers[0][3])), 750)

    def test_half_close_after_sending(self):
        print("queries, then shutdown(SHUT_WR): the answers still arrive, then EOF")
        queries = [make_query(n, qid=0x2000 + i) for i, n in enumerate(ANSWERS)]
        with self.connect() as s:
            s.sendall(b"".join(frame(q) for q, _ in queries))
            s.shutdown(socket.SHUT_WR)
            ids = sorted(parse_message(recv_framed(s)).id for _ in queries)
            self.assertEqual(ids, sorted(qid for _, qid in queries))
            self.assertTrue(dnswire.closed_by_peer(s, 5), "the server did not close after the half-close")

    # -- RFC 7766 §6.2.3 idle timeout

    def test_idle_timeout_closes(self):
        print("tcp_idle_timeout = 1s: an idle connection is closed after about a second")
        for after_query in (False, True):
            with self.subTest(after_query=after_query), self.connect() as s:
                start = time.monotonic()
                if after_query:
                    q, qid = make_query("www.example.test")
                    s.sendall(frame(q))
                    self.assertAnswer(recv_framed(s), qid, "www.example.test.")
                    start = time.monotonic()
                closed = dnswire.closed_by_peer(s, 6)
                elapsed = time.monotonic() - start
                print("  closed=%s after %.2f s" % (closed, elapsed))
                self.assertTrue(closed, "an idle connection stayed open for 6 s")
                self.assertGreater(elapsed, 0.7, "closed long before the 1 s idle timeout")
                self.assertLess(elapsed, 4.0)

    def test_activity_keeps_the_connection(self):
        print("queries every 0.4 s for 2.4 s keep the connection open past the 1 s idle timeout")
        with self.connect() as s:
            for i in range(6):
                q, qid = make_query("www.example.test", qid=i)
                s.sendall(frame(q))
                self.assertAnswer(recv_framed(s), qid, "www.example.test.")
                time.sleep(0.4)

    def test_client_that_never_reads(self):
        print("8 MB of pipelined queries from a client that never reads: the server must push back")
        # ASan holds freed memory in a quarantine (256 MB by default), which would show up as
        # RSS growth here; cap it so that RSS measures what the server keeps.
        os.environ["ASAN_OPTIONS"] = "detect_leaks=1:abort_on_error=0:quarantine_size_mb=4"
        self.addCleanup(os.environ.pop, "ASAN_OPTIONS", None)
        # DESIGN.md: nothing a client sends may grow memory without bound. Answers that cannot
        # be written must stop the reading (the client's send then blocks), not pile up.
        with dnstest.dns_server(zones={"example.test": ZONE}) as dns:
            pid = dns.server.proc.pid
            before = rss_kib(pid)
            with contextlib.closing(l7test.connect(dns.port, timeout=5)) as s:
                sent, blocked = flood(s, 8 * 1024 * 1024)
                time.sleep(0.5)
                grown = (rss_kib(pid) - before) // 1024
            print("  sent %.1f MB, send blocked: %s, server RSS grew by %d MB" % (sent / 1e6, blocked, grown))
            self.assertLess(grown, 64, "the server buffered answers for a client that does not read "
                            "(%.1f MB of queries sent, RSS +%d MB)" % (sent / 1e6, grown))

    def test_stop_while_a_client_is_not_reading(self):
        print("SIGTERM while a TCP client has 4 MB of answers unread: graceful exit, no sanitizer report")
        with dnstest.dns_server(zones={"example.test": ZONE}) as dns:
            with contextlib.closing(l7test.connect(dns.port, timeout=5)) as s:
                flood(s, 4 * 1024 * 1024)
                time.sleep(0.5)
                # dns_server's exit asserts status 0 within 10 s and a clean stderr; stop it
                # here, while the connection is still open and stuck.
                dns.server.stop()

    # -- bad framing
    # -- bad framing

    def test_garbage_framing(self):
        print("length 3 then 3 octets: FORMERR or the connection closes; the server keeps serving")
        for junk in (b"\x00\x03abc", b"\x00\x00", b"\x00\x05\x12\x34\x01\x00\x00", b"\x00\x0bshort-hdr!!"):
            with self.subTest(junk=junk), self.connect() as s:
                s.sendall(junk)
                s.settimeout(5)
                try:
                    r = recv_framed(s)
                except socket.timeout:
                    self.fail("no answer and no close within 5 s for %r" % junk)
                if r is not None:
                    m = parse_message(r)
                    self.assertEqual(m.rcode, dnswire.RCODES["FORMERR"], m)
            self.assertStillServing()

    def test_short_length_prefix_then_close(self):
        print("a frame announcing 100 octets, 10 sent, then close: nothing breaks")
        with self.connect() as s:
            s.sendall(b"\x00\x64" + b"\x00" * 10)
        self.assertStillServing()

    def test_bad_message_then_good_on_same_connection(self):
        print("a header-only bad message (FORMERR), then a good query on the same connection")
        with self.connect() as s:
            s.sendall(frame(dnswire.header(0x4242, 0x0100, qd=1)))
            m = parse_message(recv_framed(s))
            self.assertEqual((m.id, m.rcode), (0x4242, dnswire.RCODES["FORMERR"]))
            q, qid = make_query("www.example.test")
            s.sendall(frame(q))
            self.assertAnswer(recv_framed(s), qid, "www.example.test.")


if __name__ == "__main__":
    l7test.main()
