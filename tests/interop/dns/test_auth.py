"""dig and kdig against `l7 serve --only dns` answering from its own zone and hosts files, over
UDP and TCP: A, AAAA, MX with additional addresses, CNAME chains, wildcards (RFC 4592), NXDOMAIN
and NODATA with the SOA (RFC 2308), a referral with glue (AA clear) and DS at the cut, DNAME
(RFC 6672), ANY over UDP and TCP (RFC 8482), AXFR (RFC 5936) allowed and refused, UDP
truncation and the TCP retry, BADVERS (RFC 6891 §6.1.3), hosts-file answers and reloads, zone
reloads, SERVFAIL when recursion goes nowhere, REFUSED outside allow_recursion.

Run: python3 test_auth.py --l7 build/dev/l7
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
from dnstest import dig, kdig  # noqa: E402
import l7test  # noqa: E402

O = "example.test."
DS_DIGEST = "49FD46E6C4B45C55D4AC69CBD3CD34AC1AFE51DE4C1A1D6B1FE5C0F8 B0F2A6E3"
BIG = ["198.51.100.%d" % i for i in range(40)]

# The zone as (owner, ttl, type, rdata) in the form dig prints; the zone file is written from
# it, so an AXFR must give back exactly these records.
RECORDS = [
    (O, 300, "SOA", "ns1.example.test. hostmaster.example.test. 2024010101 3600 600 86400 60"),
    (O, 300, "NS", "ns1.example.test."),
    (O, 300, "NS", "ns2.example.test."),
    (O, 300, "MX", "10 mail.example.test."),
    (O, 300, "MX", "20 mail2.example.test."),
    ("ns1." + O, 300, "A", "192.0.2.53"),
    ("ns2." + O, 300, "AAAA", "2001:db8::53"),
    ("www." + O, 300, "A", "192.0.2.1"),
    ("www." + O, 300, "AAAA", "2001:db8::1"),
    ("mail." + O, 300, "A", "192.0.2.25"),
    ("mail." + O, 300, "AAAA", "2001:db8::25"),
    ("mail2." + O, 300, "A", "192.0.2.26"),
    ("alias." + O, 120, "CNAME", "alias2.example.test."),
    ("alias2." + O, 180, "CNAME", "www.example.test."),
    ("*.wild." + O, 300, "A", "192.0.2.99"),
    ("*.wild." + O, 300, "TXT", '"wildcard"'),
    ("host.wild." + O, 300, "A", "192.0.2.98"),
    ("txtonly." + O, 300, "TXT", '"only text"'),
    ("sub." + O, 300, "NS", "ns.sub.example.test."),
    ("sub." + O, 300, "NS", "ns.elsewhere.invalid."),
    ("sub." + O, 300, "DS", "12345 8 2 " + DS_DIGEST),
    ("ns.sub." + O, 300, "A", "192.0.2.200"),
    ("old." + O, 300, "DNAME", "new.example.test."),
    ("x.new." + O, 300, "A", "192.0.2.77"),
    ("multi." + O, 300, "A", "192.0.2.9"),
    ("multi." + O, 300, "AAAA", "2001:db8::9"),
    ("multi." + O, 300, "TXT", '"multi"'),
    ("multi." + O, 300, "MX", "5 mail.example.test."),
] + [("big." + O, 300, "A", a) for a in BIG]

HOSTS = """# test hosts file
192.0.2.10    h1.hosts.test h1-alias.hosts.test
2001:db8::10  h1.hosts.test
"""


def zone_text(records):
    return "".join("%s %d IN %s %s\n" % r for r in records)


def reload_zone(serial, extra):
    return zone_text([("reload.test.", 300, "SOA", "ns.reload.test. admin.reload.test. %d 3600 600 86400 60" % serial),
                      ("reload.test.", 300, "NS", "ns.reload.test."),
                      ("ns.reload.test.", 300, "A", "192.0.2.2")] + extra)


def expected(owner, rtype):
    """The zone's records at `owner` of `rtype` as dnstest.Record keys."""
    return sorted(dnstest.Record(n, t, "IN", ty, d).key() for n, t, ty, d in RECORDS
                  if n == owner and ty == rtype)


TOOLS = (("dig/udp", dig, ()), ("dig/tcp", dig, ("+tcp",)), ("kdig/udp", kdig, ()), ("kdig/tcp", kdig, ("+tcp",)))


@dnstest.needs("dig", "kdig")
class Authoritative(dnstest.DnsCase):
    @classmethod
    def setUpClass(cls):
        cls._stack = contextlib.ExitStack()
        try:
            # Recursion "works" but its only root server never answers: names outside our
            # zones must end in SERVFAIL after the upstream timeout, not hang.
            cls.silent = cls._stack.enter_context(socket.socket(socket.AF_INET, socket.SOCK_DGRAM))
            cls.silent.bind(("127.0.0.1", 0))
            hints = '["127.0.0.1:%d"]' % cls.silent.getsockname()[1]
            cls.main = cls._stack.enter_context(dnstest.dns_server(
                zones={"example.test": zone_text(RECORDS),
                       "reload.test": reload_zone(1, [("old.reload.test.", 300, "A", "192.0.2.3")])},
                hosts=HOSTS, settings={"root_hints": hints}))
            # The same data for a server that lets nobody here transfer or recurse.
            cls.closed = cls._stack.enter_context(dnstest.dns_server(
                zones={"example.test": zone_text(RECORDS)},
                settings={"allow_transfer": '["192.0.2.1"]', "allow_recursion": '["192.0.2.0/24"]'}))
        except BaseException:
            cls._stack.close()
            raise
        cls.servers = [cls.main, cls.closed]

    @classmethod
    def tearDownClass(cls):
        cls._stack.close()

    # -- helpers

    def each(self, *args, server=None):
        """Runs the query with dig and kdig over UDP and TCP; yields (label, Answer)."""
        port = (server or self.main).port
        for label, tool, extra in TOOLS:
            with self.subTest(tool=label, query=" ".join(args)):
                a = tool(port, *(list(extra) + list(args)))
                self.assertEqual(a.rc, 0, "%s failed:\n%s" % (label, a.text))
                self.assertIsNotNone(a.status, "%s printed no header:\n%s" % (label, a.text))
                yield label, a

    def check(self, a, status, flags_in=(), flags_out=()):
        self.assertEqual(a.status, status, a.text)
        for f in flags_in:
            self.assertIn(f, a.flags, "flag %s missing:\n%s" % (f, a.text))
        for f in flags_out:
            self.assertNotIn(f, a.flags, "flag %s set:\n%s" % (f, a.text))

    # -- positive answers

    def test_a_and_aaaa(self):
        print("A and AAAA of www.example.test, field by field, dig and kdig over UDP and TCP")
        for label, a in self.each("www.example.test", "A"):
            self.check(a, "NOERROR", ["qr", "aa"])
            self.assertEqual([r.full() for r in a.answer], [("www.example.test.", 300, "IN", "A", "192.0.2.1")])
            self.assertEqual(a.authority, [])
        for label, a in self.each("www.example.test", "AAAA"):
            self.check(a, "NOERROR", ["aa"])
            self.assertEqual([r.full() for r in a.answer], [("www.example.test.", 300, "IN", "AAAA", "2001:db8::1")])

    def test_mx_with_additional_addresses(self):
        print("MX: both exchanges, their A/AAAA in the additional section")
        for label, a in self.each("example.test", "MX"):
            self.check(a, "NOERROR", ["aa"])
            self.assertEqual(a.keys(), expected(O, "MX"))
            self.assertEqual(sorted(r.key() for r in a.additional),
                             sorted(expected("mail." + O, "A") + expected("mail." + O, "AAAA") +
                                    expected("mail2." + O, "A")))

    def test_cname_chain(self):
        print("CNAME chain alias -> alias2 -> www, in order, each link with its own TTL")
        for label, a in self.each("alias.example.test", "A"):
            self.check(a, "NOERROR", ["aa"])
            self.assertEqual([r.full() for r in a.answer],
                             [("alias.example.test.", 120, "IN", "CNAME", "alias2.example.test."),
                              ("alias2.example.test.", 180, "IN", "CNAME", "www.example.test."),
                              ("www.example.test.", 300, "IN", "A", "192.0.2.1")])

    def test_wildcard(self):
        print("RFC 4592: synthesis with the query name as owner; existing names block it")
        for name in ("foo.wild.example.test", "a.b.wild.example.test"):
            for label, a in self.each(name, "A"):
                self.check(a, "NOERROR", ["aa"])
                self.assertEqual([r.full() for r in a.answer], [(name + ".", 300, "IN", "A", "192.0.2.99")])
        for label, a in self.each("foo.wild.example.test", "TXT"):
            self.assertEqual([r.key() for r in a.answer], [("foo.wild.example.test.", "IN", "TXT", '"wildcard"')])
        for label, a in self.each("host.wild.example.test", "A"):
            self.assertEqual(a.rdatas("A"), ["192.0.2.98"])
        # NODATA through the wildcard (§3.3.1: the wildcard matched, the type did not).
        for label, a in self.each("foo.wild.example.test", "AAAA"):
            self.check(a, "NOERROR", ["aa"])
            self.assertEqual(a.answer, [])
            self.assertEqual(a.types("authority"), ["SOA"])
        # The explicit name has no TXT, and the wildcard does not apply to it (§2.2.1).
        for label, a in self.each("host.wild.example.test", "TXT"):
            self.check(a, "NOERROR")
            self.assertEqual(a.answer, [])
        # Closest encloser host.wild has no wildcard child: NXDOMAIN.
        for label, a in self.each("x.host.wild.example.test", "A"):
            self.check(a, "NXDOMAIN", ["aa"])

    # -- negative answers

    def test_nxdomain(self):
        print("NXDOMAIN: AA, empty answer, the SOA in authority with TTL min(SOA TTL, MINIMUM)")
        for label, a in self.each("nosuch.example.test", "A"):
            self.check(a, "NXDOMAIN", ["qr", "aa"])
            self.assertEqual(a.answer, [])
            self.assertEqual([r.full() for r in a.authority],
                             [(O, 60, "IN", "SOA", RECORDS[0][3])])

    def test_nodata(self):
        print("NODATA: NOERROR, AA, empty answer, the SOA in authority")
        for label, a in self.each("txtonly.example.test", "A"):
            self.check(a, "NOERROR", ["aa"])
            self.assertEqual(a.answer, [])
            self.assertEqual([r.full() for r in a.authority], [(O, 60, "IN", "SOA", RECORDS[0][3])])

    # -- zone cuts

    def test_referral_with_glue(self):
        print("below the cut sub.example.test: a referral, AA clear, NS in authority, in-zone glue only")
        for label, a in self.each("+norec", "www.sub.example.test", "A"):
            self.check(a, "NOERROR", ["qr"], ["aa"])
            self.assertEqual(a.answer, [])
            self.assertEqual(a.keys("authority"), expected("sub." + O, "NS"))
            self.assertEqual(a.keys("additional"), expected("ns.sub." + O, "A"))

    def test_ds_at_the_cut(self):
        print("DS sub.example.test: answered by the parent side, AA set (RFC 4035 §3.1.4.1)")
        for label, a in self.each("sub.example.test", "DS"):
            self.check(a, "NOERROR", ["aa"])
            self.assertEqual(a.keys(), expected("sub." + O, "DS"))

    def test_dname(self):
        print("DNAME old -> new: the DNAME, a synthesised CNAME (TTL of the DNAME), the target's A")
        for label, a in self.each("x.old.example.test", "A"):
            self.check(a, "NOERROR", ["aa"])
            self.assertEqual([r.full() for r in a.answer],
                             [("old.example.test.", 300, "IN", "DNAME", "new.example.test."),
                              ("x.old.example.test.", 300, "IN", "CNAME", "x.new.example.test."),
                              ("x.new.example.test.", 300, "IN", "A", "192.0.2.77")])

    # -- ANY

    def test_any(self):
        print("RFC 8482: ANY over UDP gives one RRset of the name, over TCP every RRset")
        full = sorted(set(expected("multi." + O, "A") + expected("multi." + O, "AAAA") +
                          expected("multi." + O, "TXT") + expected("multi." + O, "MX")))
        for label, tool, extra in (("dig/udp", dig, ("+notcp",)), ("kdig/udp", kdig, ())):
            with self.subTest(tool=label):
                a = tool(self.main.port, *(list(extra) + ["multi.example.test", "ANY"]))
                self.check(a, "NOERROR", ["aa"], ["tc"])
                self.assertIn("(UDP)", a.text)
                types = set(a.types())
                self.assertEqual(len(types), 1, "want one RRset over UDP, got:\n" + a.text)
                self.assertEqual(a.keys(), expected("multi." + O, types.pop()))
        for label, tool in (("dig/tcp", dig), ("kdig/tcp", kdig)):
            with self.subTest(tool=label):
                a = tool(self.main.port, "+tcp", "multi.example.test", "ANY")
                self.check(a, "NOERROR", ["aa"])
                self.assertEqual(a.keys(), full)

    # -- AXFR

    def test_axfr(self):
        print("AXFR with dig and kdig: SOA first and last, the rest equal to the zone file")
        want = sorted(dnstest.Record(n, t, "IN", ty, d).full() for n, t, ty, d in RECORDS[1:])
        soa = dnstest.Record(*RECORDS[0][:2], "IN", *RECORDS[0][2:]).full()
        for label, tool in (("dig", dig), ("kdig", kdig)):
            with self.subTest(tool=label):
                a = tool(self.main.port, "example.test", "AXFR")
                self.assertEqual(a.rc, 0, a.text)
                records = [r.full() for r in dnstest.parse_records(a.text)]
                self.assertGreater(len(records), 2, a.text)
                self.assertEqual(records[0], soa)
                self.assertEqual(records[-1], soa)
                self.assertEqual(sorted(records[1:-1]), want)

    def test_axfr_refused_outside_allow_transfer(self):
        print("AXFR from 127.0.0.1 to a server with allow_transfer = [192.0.2.1]: REFUSED")
        a = dig(self.closed.port, "example.test", "AXFR")
        self.assertIn("Transfer failed", a.text)
        self.assertEqual(dnstest.parse_records(a.text), [])
        k = kdig(self.closed.port, "example.test", "AXFR")
        self.assertNotEqual(k.rc, 0, k.text)
        self.assertIn("REFUSED", k.text)
        query, qid = dnswire.make_query("example.test", "AXFR", rd=False)
        m = dnswire.parse_message(dnswire.tcp_exchange(self.closed.port, query))
        self.assertEqual((m.id, m.rcode, m.answers), (qid, dnswire.RCODES["REFUSED"], []))
        # The zone itself is still served to everyone.
        self.assertEqual(dig(self.closed.port, "www.example.test").rdatas("A"), ["192.0.2.1"])

    # -- sizes and EDNS

    def test_udp_truncation_and_tcp_retry(self):
        print("40 A records: TC within 512 octets (+ignore), all 40 after the TCP retry")
        for label, tool in (("dig", dig), ("kdig", kdig)):
            with self.subTest(tool=label):
                a = tool(self.main.port, "+bufsize=512", "+ignore", "big.example.test")
                self.check(a, "NOERROR", ["tc", "aa"])
                self.assertLess(len(a.answer), 40)
                self.assertTrue(set(a.rdatas("A")) <= set(BIG))
                a = tool(self.main.port, "+bufsize=512", "big.example.test")
                self.check(a, "NOERROR", ["aa"], ["tc"])
                self.assertIn("(TCP)", a.text)
                self.assertRegex(a.text, "(Truncated, retrying in TCP mode|truncated reply .*retrying over TCP)")
                self.assertEqual(sorted(a.rdatas("A")), sorted(BIG))
        # Without EDNS the RFC 1035 §4.2.1 limit of 512 applies too.
        a = dig(self.main.port, "+noedns", "+ignore", "big.example.test")
        self.check(a, "NOERROR", ["tc"])
        # With the default 1232-octet payload the 40 records fit in one datagram.
        a = dig(self.main.port, "big.example.test")
        self.assertIn("(UDP)", a.text)
        self.assertEqual(len(a.answer), 40)

    def test_edns_version_1_is_badvers(self):
        print("EDNS version 1: BADVERS with an OPT of version 0 (RFC 6891 §6.1.3)")
        for extra in ((), ("+tcp",)):
            a = dig(self.main.port, "+edns=1", "+noednsnegotiation", *extra, "www.example.test")
            self.assertEqual(a.status, "BADVERS", a.text)
            self.assertEqual(a.answer, [])
            self.assertTrue(any(e.startswith("EDNS: version: 0") for e in a.edns), a.text)
            k = kdig(self.main.port, "+edns=1", *extra, "www.example.test")
            self.assertEqual(k.status, "BADVERS", k.text)
            self.assertTrue(any(e.startswith("Version: 0;") for e in k.edns), k.text)
        # dig's default negotiation then falls back to version 0 and gets the answer.
        a = dig(self.main.port, "+edns=1", "www.example.test")
        self.assertIn("BADVERS, retrying with EDNS version 0", a.text)
        self.assertEqual(a.rdatas("A"), ["192.0.2.1"])

    # -- header flags (RFC 1035 §4.1.1, RFC 4035 §3.2, RFC 6840 §5.7-5.9, RFC 6895 §2)

    def test_other_opcodes_notimp_without_query_flags(self):
        print("opcodes other than QUERY, every header flag set: NOTIMP, opcode echoed, no RD/RA/AA/TC/AD/CD/Z")
        every = ("+aaflag", "+tcflag", "+rec", "+raflag", "+zflag", "+adflag", "+cdflag")
        for opcode in (1, 2, 4, 5, 6, 15):
            for extra in ((), ("+tcp",)):
                a = dig(self.main.port, "+opcode=%d" % opcode, *every, *extra, "www.example.test")
                self.assertEqual(a.status, "NOTIMP", a.text)
                self.assertEqual(a.flags, {"qr"}, a.text)
            # The exact bits, over UDP and TCP: 0x8000 | opcode, and the RCODE.
            q = bytearray(dnswire.make_query("www.example.test", edns=False, opcode=opcode)[0])
            q[2] |= 0x07   # AA TC RD
            q[3] |= 0xF0   # RA Z AD CD
            for reply in (dnswire.udp_exchange(self.main.port, bytes(q)),
                          dnswire.tcp_exchange(self.main.port, bytes(q))):
                self.assertIsNotNone(reply)
                flags = int.from_bytes(reply[2:4], "big")
                self.assertEqual(flags, 0x8000 | (opcode << 11) | 4, "opcode %d: %04x" % (opcode, flags))

    def test_query_flags(self):
        print("QUERY: RD and CD copied, AA ours, TC only when truncated, Z zero, AD never set")
        for extra in ((), ("+tcp",)):
            a = dig(self.main.port, "+aaflag", "+tcflag", "+rec", "+raflag", "+zflag", "+adflag",
                    "+cdflag", *extra, "www.example.test")
            self.check(a, "NOERROR", ["qr", "aa", "rd", "cd"], ["tc", "ad"])
            self.assertEqual(a.rdatas("A"), ["192.0.2.1"])
            a = dig(self.main.port, "+norec", "+nocdflag", "+adflag", *extra, "www.example.test")
            self.check(a, "NOERROR", ["qr", "aa"], ["rd", "cd", "tc", "ad"])
        q = bytearray(dnswire.make_query("www.example.test", qid=7)[0])
        q[2] |= 0x07
        q[3] |= 0xF0
        m = dnswire.parse_message(dnswire.udp_exchange(self.main.port, bytes(q)))
        # QR AA RD, RA (this server recurses for 127.0.0.1), CD; no TC, Z or AD; NOERROR.
        self.assertEqual(m.flags, 0x8000 | 0x0400 | 0x0100 | 0x0080 | 0x0010, "%04x" % m.flags)
        m = dnswire.parse_message(dnswire.udp_exchange(self.closed.port, bytes(q)))
        # The same from a server that recurses for nobody here: no RA.
        self.assertEqual(m.flags, 0x8000 | 0x0400 | 0x0100 | 0x0010, "%04x" % m.flags)

    # -- hosts file and reloads

    def test_hosts_file_and_reload(self):
        print("hosts file: A, AAAA, PTR (-x) for IPv4 and IPv6, aliases; reloaded after an edit")
        for label, a in self.each("h1.hosts.test", "A"):
            self.check(a, "NOERROR", ["aa"])
            self.assertEqual(a.rdatas("A"), ["192.0.2.10"])
        for label, a in self.each("h1-alias.hosts.test", "A"):
            self.assertEqual(a.rdatas("A"), ["192.0.2.10"])
        for label, a in self.each("h1.hosts.test", "AAAA"):
            self.assertEqual(a.rdatas("AAAA"), ["2001:db8::10"])
        for label, a in self.each("-x", "192.0.2.10"):
            self.check(a, "NOERROR")
            self.assertEqual([r.key() for r in a.answer], [("10.2.0.192.in-addr.arpa.", "IN", "PTR", "h1.hosts.test.")])
        for label, a in self.each("-x", "2001:db8::10"):
            self.assertEqual(a.rdatas("PTR"), ["h1.hosts.test."])
        self.main.write_hosts(HOSTS.replace("192.0.2.10 ", "192.0.2.110") + "192.0.2.11 h2.hosts.test\n")
        start = time.monotonic()
        got = dnstest.wait_until(lambda: dig(self.main.port, "h2.hosts.test").rdatas("A") == ["192.0.2.11"], 8)
        print("  hosts reload seen after %.1f s" % (time.monotonic() - start))
        self.assertTrue(got, "h2.hosts.test not answered within 8 s of the hosts file change")
        self.assertEqual(dig(self.main.port, "h1.hosts.test").rdatas("A"), ["192.0.2.110"])
        self.assertEqual(dig(self.main.port, "-x", "192.0.2.11").rdatas("PTR"), ["h2.hosts.test."])
        self.assertEqual(kdig(self.main.port, "-x", "192.0.2.110").rdatas("PTR"), ["h1.hosts.test."])
        self.assertEqual(dig(self.main.port, "-x", "192.0.2.10").rdatas("PTR"), [])

    def test_zone_reload(self):
        print("zone file edited (serial 1 -> 2): the new data is served within a few seconds")
        self.assertEqual(dig(self.main.port, "reload.test", "SOA").answer[0].rdata.split()[2], "1")
        self.assertEqual(dig(self.main.port, "old.reload.test").rdatas("A"), ["192.0.2.3"])
        self.main.write_zone("reload.test", reload_zone(2, [("new.reload.test.", 300, "A", "192.0.2.4")]))
        start = time.monotonic()

        def serial():
            a = dig(self.main.port, "reload.test", "SOA")
            return a.answer and a.answer[0].rdata.split()[2] == "2"

        self.assertTrue(dnstest.wait_until(serial, 8), "serial 2 not served within 8 s of the edit")
        print("  zone reload seen after %.1f s" % (time.monotonic() - start))
        for label, a in self.each("new.reload.test", "A"):
            self.assertEqual(a.rdatas("A"), ["192.0.2.4"])
        for label, a in self.each("old.reload.test", "A"):
            self.check(a, "NXDOMAIN", ["aa"])

    def test_rate_limit(self):
        print("rate_limit = 5/s, no exemption, one worker: a UDP burst of 40 gets ~5 answers, "
              "every 2nd limited one slips as TC; TCP is not limited")
        settings = {"rate_limit": "5", "rate_limit_slip": "2", "rate_limit_exempt": "[]"}
        with dnstest.dns_server(zones={"example.test": zone_text(RECORDS)}, settings=settings,
                                extra_args=["-w", "1"]) as s:
            full, slipped = [], []
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
                sock.settimeout(1.0)
                for i in range(40):
                    q, _ = dnswire.make_query("www.example.test", qid=i)
                    sock.sendto(q, ("127.0.0.1", s.port))
                with contextlib.suppress(socket.timeout):
                    while True:
                        m = dnswire.parse_message(sock.recv(65535))
                        (slipped if m.tc else full).append(m)
            print("  %d full answers, %d truncated, %d dropped" % (len(full), len(slipped),
                                                                   40 - len(full) - len(slipped)))
            self.assertGreaterEqual(len(full), 5)
            self.assertLessEqual(len(full), 8, "the limit of 5/s was not applied")
            self.assertTrue(all(m.answers == [] for m in slipped), "a slipped (TC) reply carried records")
            self.assertGreaterEqual(len(slipped), 12)
            self.assertLessEqual(len(slipped), 20)
            self.assertEqual(dig(s.port, "+tcp", "www.example.test").rdatas("A"), ["192.0.2.1"])
            time.sleep(1.2)  # the bucket refills
            self.assertEqual(dig(s.port, "+notcp", "+ignore", "www.example.test").rdatas("A"), ["192.0.2.1"])

    # -- outside our zones

    def test_recursion_nowhere_is_servfail_not_a_hang(self):
        print("a name outside every zone, the root hint silent: SERVFAIL within a few seconds")
        for extra in ((), ("+tcp",)):
            start = time.monotonic()
            a = dig(self.main.port, "+time=10", "+tries=1", *extra, "www.outside.invalid")
            elapsed = time.monotonic() - start
            print("  %s: %s after %.1f s" % ("tcp" if extra else "udp", a.status, elapsed))
            self.assertEqual(a.status, "SERVFAIL", a.text)
            self.assertIn("ra", a.flags)
            self.assertLess(elapsed, 6.0)
        k = kdig(self.main.port, "+timeout=10", "other.outside.invalid")
        self.assertEqual(k.status, "SERVFAIL", k.text)

    def test_refused_outside_allow_recursion(self):
        print("a client outside allow_recursion: REFUSED for other names, no RA; our zones still answered")
        for label, a in self.each("www.outside.invalid", "A", server=self.closed):
            self.check(a, "REFUSED", ["qr"], ["ra", "aa"])
            self.assertEqual(a.answer, [])
        for label, a in self.each("www.example.test", "A", server=self.closed):
            self.check(a, "NOERROR", ["aa"], ["ra"])
            self.assertEqual(a.rdatas("A"), ["192.0.2.1"])


if __name__ == "__main__":
    l7test.main()
