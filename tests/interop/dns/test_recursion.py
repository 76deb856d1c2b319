"""Recursion through a private DNS hierarchy on loopback: `l7 serve --only dns` instances are
the authoritative servers for ".", "test." (plus "other." and sub.example.test.),
"example.test." (plus the glue-less gluel.test.) and "stale.test.", each on its own address
127.X.Y.N and the same port P (53 when run as root, so that unbound can use the same root).

  a) our recursor (root_hints = the private root, referral_port = P), asked with dig +rd:
     a leaf name, CNAMEs into another TLD and back, NXDOMAIN (also below it, RFC 8020), NODATA,
     a CNAME to NXDOMAIN (RFC 6604) and to NODATA, DNAME (RFC 6672), a glue-less delegation,
     a delegation inside the leaf zone, DS at a cut whose child servers are already known
     (RFC 4035 §3.1.4.1), a lame delegation (SERVFAIL), a 1.7 KB RRset (TC, then TCP, at
     every hop); a cached answer's TTL counts down; serve-stale (RFC 8767) once the leaf server
     is gone and the TTL ran out.
  b) unbound over the same hierarchy (only when P = 53): the same rcode and answer RRsets.
  c) an l7 forwarder (upstreams = unbound, or our recursor when unbound cannot run): the same.
  d) `l7 dns +short` against our recursor and unbound: the same lines as `dig +short`.

Run: python3 test_recursion.py --l7 build/dev/l7
"""

import contextlib
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import time

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import dnstest  # noqa: E402
from dnstest import dig  # noqa: E402
import l7test  # noqa: E402

UNBOUND = "/usr/sbin/unbound"
SOA = "IN SOA %s hostmaster.%s 1 3600 600 86400 %d"


def zones(net):
    """{server role: {origin: zone text}} for the hierarchy on 127.net.N."""
    ip = lambda n: "%s.%d" % (net, n)  # noqa: E731
    return {
        "root": {".": """$ORIGIN .
$TTL 3600
@            %s
@            IN NS ns.root.
ns.root.     IN A  %s
test.        IN NS ns.test.
ns.test.     IN A  %s
other.       IN NS ns.other.
ns.other.    IN A  %s
""" % (SOA % ("ns.root.", "root.", 300), ip(2), ip(3), ip(3))},
        "tld": {
            "test": """$TTL 3600
@            %s
@            IN NS ns
ns           IN A  %s
example      IN NS ns.example
ns.example   IN A  %s
stale        IN NS ns.stale
ns.stale     IN A  %s
example      IN DS 12345 8 2 %s
; glue-less: the name server lives under another TLD
gluel        IN NS ns.gluel.other.
; lame: the "name server" is the root server, which is not authoritative for lame.test.
lame         IN NS ns.lame
ns.lame      IN A  %s
""" % (SOA % ("ns.test.", "test.", 300), ip(3), ip(4), ip(6), DS_DIGEST, ip(2)),
            "other": """$TTL 3600
@            %s
@            IN NS ns
ns           IN A  %s
ns.gluel     IN A  %s
www      300 IN A  192.0.2.50
www      300 IN AAAA 2001:db8::50
back     300 IN CNAME www.example.test.
""" % (SOA % ("ns.other.", "other.", 300), ip(3), ip(4)),
            "sub.example.test": """$TTL 300
@            %s
@            IN NS ns
ns           IN A  %s
www          IN A  192.0.2.70
""" % (SOA % ("ns.sub.example.test.", "sub.example.test.", 300), ip(3)),
        },
        "leaf": {
            "example.test": """$TTL 300
@            %s
@       3600 IN NS ns
ns      3600 IN A  %s
www        2 IN A  192.0.2.1
www        2 IN AAAA 2001:db8::1
stable       IN A  192.0.2.2
alias        IN CNAME www.other.
txt          IN TXT "hello"
@            IN MX 10 mail
mail         IN A  192.0.2.25
dangling     IN CNAME nosuch.other.
tonodata     IN CNAME txt
dn           IN DNAME other.
loop1        IN CNAME loop2
loop2        IN CNAME loop1
; a delegation inside the leaf zone, to the server of sub.example.test
sub     3600 IN NS ns.sub
ns.sub  3600 IN A  %s
""" % (SOA % ("ns.example.test.", "example.test.", 2), ip(4), ip(3)) +
            "".join("big          IN A  %s\n" % a for a in BIG),
            "gluel.test": """$TTL 300
@            %s
@            IN NS ns.gluel.other.
www          IN A  192.0.2.60
""" % (SOA % ("ns.gluel.other.", "gluel.test.", 300),),
        },
        "stale": {"stale.test": """$TTL 2
@            %s
@       3600 IN NS ns
ns      3600 IN A  %s
www        2 IN A  192.0.2.80
""" % (SOA % ("ns.stale.test.", "stale.test.", 2), ip(6))},
    }


DS_DIGEST = "2BB183AF5F22588179A53B0A98631FAD1A292118E1D3E2B2E5C7F6B1F10B2E3A"
BIG = ["198.51.100.%d" % i for i in range(100)]  # about 1.7 KB: TC over UDP, then TCP, at every hop
ADDRESS = {"root": 2, "tld": 3, "leaf": 4, "stale": 6}

# (name, type, rcode, answer records as (owner, type, rdata)).
QUERIES = [
    ("www.example.test", "A", "NOERROR", [("www.example.test.", "A", "192.0.2.1")]),
    ("www.example.test", "AAAA", "NOERROR", [("www.example.test.", "AAAA", "2001:db8::1")]),
    ("example.test", "MX", "NOERROR", [("example.test.", "MX", "10 mail.example.test.")]),
    ("alias.example.test", "A", "NOERROR", [("alias.example.test.", "CNAME", "www.other."),
                                            ("www.other.", "A", "192.0.2.50")]),
    ("back.other", "A", "NOERROR", [("back.other.", "CNAME", "www.example.test."),
                                    ("www.example.test.", "A", "192.0.2.1")]),
    ("www.other", "AAAA", "NOERROR", [("www.other.", "AAAA", "2001:db8::50")]),
    ("nosuch.example.test", "A", "NXDOMAIN", []),
    ("a.b.nosuch.example.test", "A", "NXDOMAIN", []),
    ("nosuch.test", "A", "NXDOMAIN", []),
    ("txt.example.test", "A", "NOERROR", []),
    ("txt.example.test", "TXT", "NOERROR", [("txt.example.test.", "TXT", '"hello"')]),
    ("www.gluel.test", "A", "NOERROR", [("www.gluel.test.", "A", "192.0.2.60")]),
    ("www.sub.example.test", "A", "NOERROR", [("www.sub.example.test.", "A", "192.0.2.70")]),
    ("WWW.Example.TEST", "A", "NOERROR", [("www.example.test.", "A", "192.0.2.1")]),
    ("test", "NS", "NOERROR", [("test.", "NS", "ns.test.")]),
    # RFC 6604 §3: the rcode is that of the last name in the chain.
    ("dangling.example.test", "A", "NXDOMAIN", [("dangling.example.test.", "CNAME", "nosuch.other.")]),
    ("tonodata.example.test", "A", "NOERROR", [("tonodata.example.test.", "CNAME", "txt.example.test.")]),
    ("www.dn.example.test", "A", "NOERROR", [("dn.example.test.", "DNAME", "other."),
                                             ("www.dn.example.test.", "CNAME", "www.other."),
                                             ("www.other.", "A", "192.0.2.50")]),
    # DS lives on the parent side of the cut (RFC 4035 §3.1.4.1), asked after the child zone's
    # servers are known.
    ("example.test", "DS", "NOERROR", [("example.test.", "DS", "12345 8 2 " + DS_DIGEST)]),
    ("www.lame.test", "A", "SERVFAIL", []),
    ("big.example.test", "A", "NOERROR", [("big.example.test.", "A", a) for a in BIG]),
]


def bindable(address, port):
    """True when nothing holds UDP and TCP `port` on `address` (we bind without SO_REUSEPORT)."""
    for kind in (socket.SOCK_DGRAM, socket.SOCK_STREAM):
        with socket.socket(socket.AF_INET, kind) as s:
            try:
                s.bind((address, port))
            except OSError:
                return False
    return True


def pick_network():
    """(net "127.X.Y", port P, why-not-53 or None): a /24 of loopback nobody else uses here."""
    for _ in range(50):
        net = "127.%d.%d" % (random.randrange(100, 250), random.randrange(1, 255))
        addresses = ["%s.%d" % (net, n) for n in ADDRESS.values()]
        if os.geteuid() == 0 and all(bindable(a, 53) for a in addresses):
            return net, 53, None
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.bind((addresses[0], 0))
            port = s.getsockname()[1]
        if all(bindable(a, port) for a in addresses):
            why = "not running as root" if os.geteuid() != 0 else "port 53 is taken on %s" % net
            return net, port, why
    raise AssertionError("no free 127.X.Y.0/24 with a common free port found")


def unbound_config(directory, port, hints):
    return "\n".join([
        "server:",
        "  interface: 127.0.0.1@%d" % port,
        "  do-daemonize: no",
        '  chroot: ""',
        '  username: ""',
        '  pidfile: ""',
        '  directory: "%s"' % directory,
        "  use-syslog: no",
        '  logfile: ""',
        "  verbosity: 1",
        "  num-threads: 1",
        '  root-hints: "%s"' % hints,
        "  do-not-query-localhost: no",
        '  module-config: "iterator"',
        "  qname-minimisation: yes",
        "  rrset-roundrobin: no",
        "  access-control: 127.0.0.0/8 allow",
        # test. is an RFC 6761 name unbound answers itself by default.
        '  local-zone: "test." nodefault',
    ]) + "\n"


@contextlib.contextmanager
def unbound(root_address):
    """Runs unbound with the private root as its only hint; yields its port."""
    tmp = tempfile.mkdtemp(prefix="l7-unbound-")
    port = l7test.free_port()
    hints = os.path.join(tmp, "root.hints")
    with open(hints, "w") as f:
        f.write(".  3600 IN NS ns.root.\nns.root. 3600 IN A %s\n" % root_address)
    conf = os.path.join(tmp, "unbound.conf")
    with open(conf, "w") as f:
        f.write(unbound_config(tmp, port, hints))
    log_path = os.path.join(tmp, "unbound.log")
    log = open(log_path, "wb")
    proc = subprocess.Popen([UNBOUND, "-d", "-c", conf], stdin=subprocess.DEVNULL, stdout=log, stderr=log,
                            start_new_session=True)
    try:
        up = dnstest.wait_until(lambda: proc.poll() is not None or
                                dig(port, "+time=1", "+tries=1", ".", "NS").status is not None, 15)
        if proc.poll() is not None or not up:
            with open(log_path, "rb") as f:
                raise AssertionError("unbound did not start:\n" + f.read().decode("utf-8", "replace"))
        yield port
    finally:
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        log.close()
        shutil.rmtree(tmp, ignore_errors=True)


def has_l7_dns():
    p = subprocess.run([l7test.binary(), "--help"], capture_output=True, timeout=30)
    listed = any(line.split()[:1] == ["dns"] for line in p.stdout.decode().splitlines())
    return listed and subprocess.run([l7test.binary(), "dns", "--help"], capture_output=True,
                                     timeout=30).returncode == 0


def short_lines(text):
    """+short output as a sorted list; a DS digest (dig: upper case in blocks of 56, l7 dns:
    one lower-case string) compared as one upper-case hex string (RFC 4034 §5.3)."""
    out = []
    for line in text.splitlines():
        parts = line.split()
        if len(parts) > 3 and all(p.isdigit() for p in parts[:3]) and \
                all(c in "0123456789abcdefABCDEF" for c in "".join(parts[3:])):
            line = " ".join(parts[:3] + ["".join(parts[3:]).upper()])
        out.append(line)
    return sorted(out)


def keys(answer):
    return sorted((r.name, r.rtype, r.rdata) for r in answer.answer)


@dnstest.needs("dig")
class Recursion(dnstest.DnsCase):
    @classmethod
    def setUpClass(cls):
        cls.net, cls.P, cls.no_unbound = pick_network()
        if cls.no_unbound is None and not os.access(UNBOUND, os.X_OK):
            cls.no_unbound = "%s is not installed" % UNBOUND
        print("\nhierarchy on %s.0/24 port %d%s" % (cls.net, cls.P, "" if cls.no_unbound is None else
                                                      "; unbound comparison skipped: " + cls.no_unbound))
        cls._stack = contextlib.ExitStack()
        try:
            cls.auth = {}
            for role, data in zones(cls.net).items():
                address = "%s.%d" % (cls.net, ADDRESS[role])
                cls.auth[role] = cls._stack.enter_context(dnstest.dns_server(
                    zones=data, settings={"recursion": "false"}, address=address, port=cls.P))
            cls.recursor = cls._stack.enter_context(dnstest.dns_server(settings={
                "root_hints": '["%s.2:%d"]' % (cls.net, cls.P), "referral_port": str(cls.P)}))
            cls.unbound_port = None
            if cls.no_unbound is None:
                cls.unbound_port = cls._stack.enter_context(unbound("%s.2" % cls.net))
            upstream = cls.unbound_port or cls.recursor.port
            cls.forwarder = cls._stack.enter_context(dnstest.dns_server(settings={
                "upstreams": '["127.0.0.1:%d"]' % upstream}))
        except BaseException:
            cls._stack.close()
            raise
        cls.servers = list(cls.auth.values()) + [cls.recursor, cls.forwarder]

    @classmethod
    def tearDownClass(cls):
        cls._stack.close()

    def ask_all(self, port, who):
        """Asks every name of QUERIES with dig +rd; checks each against the table."""
        for name, rtype, rcode, want in QUERIES:
            with self.subTest(server=who, query="%s %s" % (name, rtype)):
                a = dig(port, "+rd", "+time=5", "+tries=1", name, rtype)
                self.assertEqual(a.status, rcode, "%s %s via %s:\n%s" % (name, rtype, who, a.text))
                self.assertIn("ra", a.flags, a.text)
                self.assertEqual(keys(a), sorted(want), "%s %s via %s:\n%s" % (name, rtype, who, a.text))

    # -- a) our recursor

    def test_a_recursor_answers(self):
        print("our recursor: leaf, CNAMEs across TLDs, NXDOMAIN, NODATA, glue-less, inner delegation")
        self.ask_all(self.recursor.port, "l7 recursor")

    def test_a_recursor_over_tcp_with_kdig(self):
        print("our recursor over TCP, asked by kdig: the same answers as the table")
        for name, rtype, rcode, want in QUERIES[:8]:
            with self.subTest(query="%s %s" % (name, rtype)):
                a = dnstest.kdig(self.recursor.port, "+tcp", "+time=5", "+retry=0", name, rtype)
                self.assertEqual(a.status, rcode, a.text)
                self.assertEqual(keys(a), sorted(want), a.text)

    def test_a_recursor_nxdomain_has_the_soa(self):
        print("our recursor: NXDOMAIN and NODATA carry the zone's SOA (RFC 2308)")
        for name, rtype, status in (("nosuch.example.test", "A", "NXDOMAIN"), ("txt.example.test", "A", "NOERROR")):
            a = dig(self.recursor.port, "+time=5", "+tries=1", name, rtype)
            self.assertEqual(a.status, status, a.text)
            self.assertEqual([(r.name, r.rtype) for r in a.authority], [("example.test.", "SOA")], a.text)

    def test_a_cached_answer_counts_down(self):
        print("our recursor: the second answer comes from the cache, its TTL lower by the time passed")
        first = dig(self.recursor.port, "stable.example.test")
        self.assertEqual(first.rdatas("A"), ["192.0.2.2"], first.text)
        time.sleep(1.2)
        second = dig(self.recursor.port, "stable.example.test")
        self.assertEqual(second.rdatas("A"), ["192.0.2.2"], second.text)
        t1, t2 = first.answer[0].ttl, second.answer[0].ttl
        print("  TTL %d then %d" % (t1, t2))
        self.assertLessEqual(t1, 300)
        self.assertLess(t2, t1, "the TTL did not count down: not answered from the cache")
        self.assertGreaterEqual(t2, t1 - 3)

    def test_a_serve_stale(self):
        print("our recursor: leaf server stopped, TTL (2 s) expired: the stale answer (RFC 8767)")
        first = dig(self.recursor.port, "www.stale.test")
        self.assertEqual(first.rdatas("A"), ["192.0.2.80"], first.text)
        self.assertLessEqual(first.answer[0].ttl, 2)
        self.auth["stale"].server.stop()
        time.sleep(3)
        start = time.monotonic()
        a = dig(self.recursor.port, "+time=8", "+tries=1", "www.stale.test")
        print("  after the TTL: %s %s in %.1f s; EDNS %s" % (a.status, a.rdatas("A"), time.monotonic() - start, a.edns))
        self.assertEqual(a.status, "NOERROR", a.text)
        self.assertEqual(a.rdatas("A"), ["192.0.2.80"], a.text)
        self.assertEqual(a.answer[0].ttl, 30, "RFC 8767 §4: stale answers carry a TTL of 30 s\n" + a.text)
        self.assertTrue(any(e.startswith("EDE: 3 ") for e in a.edns), "no EDE 3 (Stale Answer):\n" + a.text)
        # A name never asked before has nothing stale to give: SERVFAIL, promptly.
        start = time.monotonic()
        b = dig(self.recursor.port, "+time=8", "+tries=1", "new.stale.test")
        self.assertEqual(b.status, "SERVFAIL", b.text)
        self.assertLess(time.monotonic() - start, 7)

    # -- b) unbound

    def test_b_unbound_agrees(self):
        if self.unbound_port is None:
            self.skipTest("unbound comparison skipped: " + self.no_unbound)
        print("unbound over the same hierarchy: same rcode and answer RRsets as the table and as ours")
        self.ask_all(self.unbound_port, "unbound")
        for name, rtype, _, _ in QUERIES:
            with self.subTest(query="%s %s" % (name, rtype)):
                ours = dig(self.recursor.port, name, rtype)
                theirs = dig(self.unbound_port, name, rtype)
                self.assertEqual((ours.status, keys(ours)), (theirs.status, keys(theirs)),
                                 "ours:\n%s\nunbound:\n%s" % (ours.text, theirs.text))

    # -- c) forwarding

    def test_c_forwarder_agrees(self):
        print("an l7 forwarder to %s: the same answers" % ("unbound" if self.unbound_port else "our recursor"))
        self.ask_all(self.forwarder.port, "l7 forwarder")

    # -- d) our client

    def test_d_l7_dns_client(self):
        if not has_l7_dns():
            self.skipTest("`l7 dns` is not in this binary")
        targets = [("l7 recursor", self.recursor.port)]
        if self.unbound_port:
            targets.append(("unbound", self.unbound_port))
        print("`l7 dns +short` prints what `dig +short` prints, against %s" % " and ".join(t[0] for t in targets))
        for who, port in targets:
            for name, rtype, _, want in QUERIES:
                with self.subTest(server=who, query="%s %s" % (name, rtype)):
                    p = subprocess.run([l7test.binary(), "dns", "@127.0.0.1", "-p", str(port), "+short", name, rtype],
                                       capture_output=True, timeout=30)
                    ours = p.stdout.decode("utf-8", "replace")
                    theirs = dnstest.dig_short(port, name, rtype)
                    self.assertEqual(p.returncode, 0, p.stderr.decode("utf-8", "replace"))
                    for m in l7test.SANITIZER_MARKERS:
                        self.assertNotIn(m, p.stderr.decode("utf-8", "replace"))
                    self.assertEqual(short_lines(ours), short_lines(theirs), "l7 dns vs dig +short")
                    self.assertEqual(short_lines(ours), short_lines("\n".join(r[2] for r in want)),
                                     "l7 dns vs the table")

    def test_e_l7_dns_trace(self):
        if not has_l7_dns():
            self.skipTest("`l7 dns` is not in this binary")
        print("`l7 dns +trace` walks root -> test. -> example.test. and ends with the answer")
        root = "%s.%d" % (self.net, ADDRESS["root"])
        p = subprocess.run([l7test.binary(), "dns", "+trace", "alias.example.test", "A", "@" + root,
                            "-p", str(self.P)], capture_output=True, timeout=60)
        out = p.stdout.decode("utf-8", "replace")
        self.assertEqual(p.returncode, 0, p.stderr.decode("utf-8", "replace"))
        asked = [line for line in out.splitlines() if line.startswith(";; asked ")]
        zones = [line.split("(a server for ")[1].split(")")[0] for line in asked]
        # Every level of the hierarchy is asked, top down, before the CNAME leads to other.
        self.assertEqual(zones[:3], [".", "test.", "example.test."], out)
        self.assertIn(";; NOERROR, referral", out)
        result = out.split(";; result: ")[1]
        self.assertTrue(result.startswith("NOERROR"), out)
        self.assertIn("alias.example.test.", result)
        self.assertIn("192.0.2.50", result)
        short = subprocess.run([l7test.binary(), "dns", "+trace", "+short", "alias.example.test", "A",
                                "@" + root, "-p", str(self.P)], capture_output=True, timeout=60)
        self.assertEqual(short.stdout.decode().split(), ["192.0.2.50"])


if __name__ == "__main__":
    l7test.main()
