"""DoH (RFC 8484), the JSON API (/resolve) and HTTPDNS (/d) of `l7 serve`, answered from a zone
file: curl against every endpoint over HTTP and HTTPS (the binary replies decoded with a small
parser below), and kdig +https / +https-get when the server speaks HTTP/2 (kdig's DoH is
HTTP/2-only, through libnghttp2; the test says so when it skips).

Run: python3 test_doh.py --l7 build/dev/l7
"""

import base64
import contextlib
import ipaddress
import json
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import unittest

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "lib"))
sys.path.insert(0, os.path.join(HERE, "..", "http"))
import l7test  # noqa: E402
import peers  # noqa: E402
from peers import curl  # noqa: E402

ZONE = """$ORIGIN example.test.
$TTL 300
@       IN SOA ns.example.test. admin.example.test. 1 7200 900 86400 60
@       IN NS  ns
ns      IN A   192.0.2.53
@       IN A   192.0.2.1
@       IN A   192.0.2.2
@       IN AAAA 2001:db8::1
www  60 IN CNAME example.test.
txt     IN TXT "v=spf1 -all" "hello world"
"""

A_SET = {"192.0.2.1", "192.0.2.2"}


# ----------------------------------------------------------------------------- DNS wire


def encode_name(name):
    out = b""
    for label in name.rstrip(".").split("."):
        if label:
            out += bytes([len(label)]) + label.encode()
    return out + b"\x00"


def make_query(name, qtype=1, qid=0, rd=True):
    """An RFC 1035 query: header, one IN question, no EDNS."""
    return struct.pack("!HHHHHH", qid, 0x0100 if rd else 0, 1, 0, 0, 0) + encode_name(name) + \
        struct.pack("!HH", qtype, 1)


def read_name(msg, pos):
    """(name, position after the name); follows compression pointers (RFC 1035 §4.1.4)."""
    labels, end, hops = [], None, 0
    while True:
        n = msg[pos]
        if n & 0xC0 == 0xC0:
            if end is None:
                end = pos + 2
            pos = ((n & 0x3F) << 8) | msg[pos + 1]
            hops += 1
            if hops > 64:
                raise ValueError("compression loop")
            continue
        if n == 0:
            return (".".join(labels) + ".") if labels else ".", end if end is not None else pos + 1
        labels.append(msg[pos + 1:pos + 1 + n].decode("latin-1"))
        pos += 1 + n


def parse_message(msg):
    """A minimal decoder: {"id", "flags", "rcode", "questions", "answers", "authority"};
    records are (name, type, ttl, data) with A/AAAA/CNAME data as text, others raw."""
    qid, flags, qd, an, ns, ar = struct.unpack("!HHHHHH", msg[:12])
    pos = 12
    questions = []
    for _ in range(qd):
        name, pos = read_name(msg, pos)
        qtype, _qclass = struct.unpack("!HH", msg[pos:pos + 4])
        questions.append((name, qtype))
        pos += 4
    sections = []
    for count in (an, ns, ar):
        records = []
        for _ in range(count):
            name, pos = read_name(msg, pos)
            rtype, _rclass, ttl, rdlen = struct.unpack("!HHIH", msg[pos:pos + 10])
            pos += 10
            rdata = msg[pos:pos + rdlen]
            if rtype == 1:
                data = ".".join(str(b) for b in rdata)
            elif rtype == 28:
                data = str(ipaddress.IPv6Address(rdata))
            elif rtype == 5:
                data = read_name(msg, pos)[0]
            else:
                data = rdata
            records.append((name, rtype, ttl, data))
            pos += rdlen
        sections.append(records)
    if pos != len(msg):
        raise ValueError("%d trailing octets" % (len(msg) - pos))
    return {"id": qid, "flags": flags, "rcode": flags & 0xF, "questions": questions,
            "answers": sections[0], "authority": sections[1], "additional": sections[2]}


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


# ----------------------------------------------------------------------------- server


@contextlib.contextmanager
def doh_server():
    """`l7 serve` (http, https, dns on port 0) with example.test in <data>/dns/zones."""
    tmp = tempfile.mkdtemp(prefix="l7-doh-")
    data = os.path.join(tmp, "data")
    os.makedirs(os.path.join(data, "dns", "zones"))
    with open(os.path.join(data, "dns", "zones", "example.test.zone"), "w") as f:
        f.write(ZONE)
    names = ("http", "https", "dns")
    args = []
    for n in names:
        args += ["--port", "%s=0" % n]
    args += ["--only", ",".join(names)]
    server = l7test.Server(l7test.binary(), data, args)
    try:
        server.start(expect_services=list(names))
        yield server
        server.stop()
    finally:
        server.kill()
        shutil.rmtree(tmp, ignore_errors=True)


def speaks_http2(server):
    """True when the https listener answers an HTTP/2 connection preface with a SETTINGS frame
    (RFC 9113 §3.4), as kdig sends it (prior knowledge, no ALPN)."""
    try:
        with contextlib.closing(l7test.connect(server.https_port, tls=True, cafile=server.cert)) as s:
            s.sendall(b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n" + b"\x00\x00\x00\x04\x00\x00\x00\x00\x00")
            head = s.recv(9)
    except OSError:
        return False
    return len(head) == 9 and head[3] == 0x04


@peers.needs("curl")
class Doh(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls._stack = contextlib.ExitStack()
        cls.server = cls._stack.enter_context(doh_server())

    @classmethod
    def tearDownClass(cls):
        cls._stack.close()

    def tearDown(self):
        problems = self.server.sanitizer_problems()
        if not self.server.alive():
            problems.append("l7 serve is no longer running")
        if problems:
            self.fail("; ".join(problems) + "\n" + self.server.stderr_text())

    def get(self, path, *args, scheme="http"):
        extra = ["--cacert", self.server.cert] if scheme == "https" else []
        return curl(*(extra + list(args) + [self.server.url(path, scheme=scheme)]))

    # -- RFC 8484

    def test_get_both_schemes(self):
        for scheme in ("http", "https"):
            with self.subTest(scheme=scheme):
                r = self.get("/dns-query?dns=" + b64url(make_query("example.test")),
                             "-H", "Accept: application/dns-message", scheme=scheme)
                self.assertEqual((r.rc, r.code), (0, 200), r)
                self.assertEqual(r.header("content-type"), "application/dns-message")
                self.assertEqual(r.header("cache-control"), "max-age=300")
                m = parse_message(r.body)
                self.assertEqual(m["id"], 0)
                self.assertTrue(m["flags"] & 0x8000, "QR")
                self.assertEqual(m["rcode"], 0)
                self.assertEqual({a[3] for a in m["answers"] if a[1] == 1}, A_SET)

    def test_post_keeps_the_id_and_follows_cnames(self):
        with tempfile.NamedTemporaryFile(prefix="l7-doh-q") as q:
            q.write(make_query("www.example.test", qid=0x1234))
            q.flush()
            r = self.get("/dns-query", "-X", "POST", "-H", "Content-Type: application/dns-message",
                         "--data-binary", "@" + q.name, scheme="https")
        self.assertEqual((r.rc, r.code), (0, 200), r)
        m = parse_message(r.body)
        self.assertEqual(m["id"], 0x1234)
        self.assertEqual(m["answers"][0][:2], ("www.example.test.", 5))
        self.assertEqual({a[3] for a in m["answers"] if a[1] == 1}, A_SET)
        self.assertEqual(r.header("cache-control"), "max-age=60")  # the CNAME's TTL

    def test_nxdomain_is_cached_for_the_soa_minimum(self):
        r = self.get("/dns-query?dns=" + b64url(make_query("nope.example.test")))
        self.assertEqual(r.code, 200, r)
        m = parse_message(r.body)
        self.assertEqual(m["rcode"], 3)
        self.assertEqual([a[1] for a in m["authority"]], [6])
        self.assertEqual(r.header("cache-control"), "max-age=60")  # RFC 2308 §5

    def test_bad_requests(self):
        q = b64url(make_query("example.test"))
        r = self.get("/dns-query?dns=" + q + "%3D")
        self.assertEqual(r.code, 400)
        self.assertIn(b"padding", r.body)
        r = self.get("/dns-query?dns=" + q.replace("A", "+", 1))
        self.assertEqual(r.code, 400)
        self.assertIn(b"base64url", r.body)
        self.assertEqual(self.get("/dns-query?dns=AAAB").code, 400)
        r = self.get("/dns-query", "-X", "POST", "-H", "Content-Type: text/plain", "--data-binary", "x")
        self.assertEqual(r.code, 415)
        r = self.get("/dns-query?dns=" + q, "-I")
        self.assertEqual(r.code, 405)
        self.assertEqual(r.header("allow"), "GET, POST")

    # -- JSON API

    def test_json_resolve(self):
        r = self.get("/resolve?name=www.example.test&type=A", scheme="https")
        self.assertEqual((r.rc, r.code), (0, 200), r)
        self.assertEqual(r.header("content-type"), "application/json")
        j = json.loads(r.body)
        self.assertEqual(j["Status"], 0)
        self.assertEqual(j["Question"], [{"name": "www.example.test.", "type": 1}])
        self.assertEqual(j["Answer"][0], {"name": "www.example.test.", "type": 5, "TTL": 60,
                                          "data": "example.test."})
        self.assertEqual({a["data"] for a in j["Answer"][1:]}, A_SET)
        j = json.loads(self.get("/resolve?name=txt.example.test&type=txt").body)
        self.assertEqual(j["Answer"][0]["data"], '"v=spf1 -all" "hello world"')
        j = json.loads(self.get("/resolve?name=nope.example.test").body)
        self.assertEqual(j["Status"], 3)
        self.assertNotIn("Answer", j)
        self.assertEqual(j["Authority"][0]["type"], 6)
        r = self.get("/resolve?name=example.test&type=NOPE")
        self.assertEqual(r.code, 400)
        self.assertIn("invalid type", json.loads(r.body)["error"])

    # -- HTTPDNS

    def test_httpdns(self):
        r = self.get("/d?dn=www.example.test&ttl=1")
        self.assertEqual((r.rc, r.code), (0, 200), r)
        ips, _, ttl = r.body.decode().partition(",")
        self.assertEqual(set(ips.split(";")), A_SET)
        self.assertEqual(ttl, "60")
        self.assertEqual(self.get("/d?dn=example.test&type=AAAA").body, b"2001:db8::1")
        self.assertEqual(self.get("/d?dn=nope.example.test").body, b"")
        lines = self.get("/d?dn=example.test,nope.example.test").body.decode().splitlines()
        self.assertEqual(len(lines), 2)
        self.assertEqual(set(lines[0].split(":", 1)[1].split(";")), A_SET)
        self.assertEqual(lines[1], "nope.example.test.:")
        self.assertEqual(self.get("/d?dn=a..test").code, 400)

    # -- our own client against our endpoints

    def test_l7_dns_client(self):
        for extra, scheme in (([], "http"), (["--post"], "http"), ([], "https"), (["--post"], "https")):
            with self.subTest(extra=extra, scheme=scheme):
                args = [l7test.binary(), "dns", "--doh", self.server.url("/dns-query", scheme=scheme),
                        "+short", "example.test", "A"] + extra
                if scheme == "https":
                    args += ["--cacert", self.server.cert]
                out = l7test.run(args, timeout=30)
                self.assertEqual(out.returncode, 0, out.stderr)
                self.assertEqual(set(out.stdout.decode().split()), A_SET, out.stdout)
        out = l7test.run([l7test.binary(), "dns", "--doh", self.server.url("/resolve"), "--json",
                          "www.example.test", "A"], timeout=30)
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertEqual(json.loads(out.stdout)["Status"], 0)
        # Over the server's UDP port, the same answers as dig gives.
        out = l7test.run([l7test.binary(), "dns", "@127.0.0.1", "-p", str(self.server.ports["dns"]),
                          "+short", "example.test", "A"], timeout=30)
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertEqual(set(out.stdout.decode().split()), A_SET, out.stdout)

    # -- kdig

    @unittest.skipUnless(l7test.has_program("kdig"), "kdig not installed (knot-dnsutils)")
    def test_kdig_https_post_and_get(self):
        if not speaks_http2(self.server):
            self.skipTest("kdig's DoH is HTTP/2 only (libnghttp2, prior knowledge); "
                          "l7's https listener does not speak HTTP/2")
        for method in ([], ["+https-get"]):
            with self.subTest(method=method or "POST"):
                out = l7test.run(["kdig", "@127.0.0.1", "-p", str(self.server.https_port),
                                  "+https=/dns-query", "+tls-ca=" + self.server.cert,
                                  "+tls-hostname=localhost", "+short"] + method + ["example.test", "A"],
                                 timeout=30)
                self.assertEqual(out.returncode, 0, out.stderr)
                self.assertEqual(set(out.stdout.decode().split()), A_SET, out.stdout)


if __name__ == "__main__":
    l7test.main()
