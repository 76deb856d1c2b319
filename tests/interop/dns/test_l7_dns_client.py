"""Our client, `l7 dns`, against Debian's unbound serving local data on 127.0.0.1 and ::1:
every record type we serve there, +short compared line for line with `dig +short`, +tcp, the
TC -> TCP fallback with +bufsize=512, -x for IPv4 and IPv6, NXDOMAIN, an IPv6 server address,
dig's exit codes (9 no reply, 10 malformed reply, 1 usage) and argument order freedom.

Run: python3 test_l7_dns_client.py --l7 build/dev/l7
"""

import base64
import http.server
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import unittest

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import l7test  # noqa: E402

UNBOUND = "/usr/sbin/unbound"
LONG_A = "a" * 200
# Zone-file text: quotes, a backslash, ';', a control octet and UTF-8 inside the second string.
LONG_B = "b" * 190 + r' \"q\" \\ ; \001 é'
BIG = ["198.51.100.%d" % i for i in range(60)]  # 60 A records: over 512 octets on the wire

ZONE = [
    'local-zone: "example." static',
    'local-data: "example. 3600 IN SOA ns.example. hostmaster.example. 1 3600 600 86400 300"',
    'local-data: "example. 300 IN NS ns.example."',
    'local-data: "www.example. 300 IN A 192.0.2.1"',
    'local-data: "www.example. 300 IN AAAA 2001:db8::1"',
    'local-data: "example. 300 IN MX 10 mail.example."',
    'local-data: "example. 300 IN MX 20 mail2.example."',
    'local-data: \'txt.example. 300 IN TXT "%s" "%s"\'' % (LONG_A, LONG_B),
    'local-data: "srv._tcp.example. 300 IN SRV 0 5 5060 sip.example."',
    'local-data-ptr: "192.0.2.1 www.example."',
    'local-data-ptr: "2001:db8::1 www.example."',
] + ['local-data: "big.example. 300 IN A %s"' % a for a in BIG]


def unbound_config(directory, port):
    lines = [
        "server:",
        "  interface: 127.0.0.1",
        "  interface: ::1",
        "  port: %d" % port,
        "  do-daemonize: no",
        '  chroot: ""',
        '  username: ""',
        '  pidfile: ""',
        '  directory: "%s"' % directory,
        "  use-syslog: no",
        '  logfile: ""',
        "  verbosity: 1",
        "  num-threads: 1",
        '  module-config: "iterator"',
        "  rrset-roundrobin: no",
        "  access-control: 127.0.0.0/8 allow",
        "  access-control: ::1 allow",
    ] + ["  " + z for z in ZONE]
    return "\n".join(lines) + "\n"


def l7_dns(*args, timeout=60):
    """Runs `l7 dns ARGS`; returns CompletedProcess with text stdout and stderr."""
    p = subprocess.run([l7test.binary(), "dns"] + list(args), capture_output=True, timeout=timeout)
    p.stdout = p.stdout.decode("utf-8", "replace")
    p.stderr = p.stderr.decode("utf-8", "replace")
    return p


class DohProxy:
    """A minimal RFC 8484 endpoint in front of unbound (python3's http.server): /dns-query takes
    GET ?dns= and POST, relays the message over UDP and answers application/dns-message;
    /resolve answers JSON naming the parameters it got; anything else is 404."""

    def __init__(self, upstream_port):
        proxy = self
        self.requests = []  # (method, path, query message bytes)

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                path, _, query = self.path.partition("?")
                params = dict(p.split("=", 1) for p in query.split("&") if "=" in p)
                if path == "/resolve":
                    return self.reply(200, "application/dns-json", json.dumps(params).encode())
                if path != "/dns-query" or "dns" not in params:
                    return self.reply(404, "text/plain", b"not here\n")
                wire = base64.urlsafe_b64decode(params["dns"] + "=" * (-len(params["dns"]) % 4))
                self.relay("GET", wire)

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                if self.headers.get("Content-Type") != "application/dns-message":
                    return self.reply(415, "text/plain", b"")
                self.relay("POST", body)

            def relay(self, method, wire):
                proxy.requests.append((method, self.path, wire, self.headers.get("Accept")))
                with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as u:
                    u.settimeout(5)
                    u.sendto(wire, ("127.0.0.1", upstream_port))
                    answer = u.recv(65535)
                self.reply(200, "application/dns-message", answer)

            def reply(self, status, ctype, body):
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.httpd.server_address[1]
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def url(self, path):
        return "http://127.0.0.1:%d%s" % (self.port, path)

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


def dig(*args):
    p = subprocess.run(["dig"] + list(args), capture_output=True, timeout=60)
    return p.stdout.decode("utf-8", "replace")


@unittest.skipIf(not os.access(UNBOUND, os.X_OK) or shutil.which("dig") is None,
                 "unbound or dig not installed (see scripts/deps.sh)")
class L7DnsAgainstUnbound(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="l7-dns-client-")
        cls.port = l7test.free_port_both()
        conf = os.path.join(cls.tmp, "unbound.conf")
        with open(conf, "w") as f:
            f.write(unbound_config(cls.tmp, cls.port))
        cls.log = open(os.path.join(cls.tmp, "unbound.log"), "wb")
        cls.unbound = subprocess.Popen([UNBOUND, "-d", "-c", conf], stdin=subprocess.DEVNULL,
                                       stdout=cls.log, stderr=cls.log, start_new_session=True)
        deadline = time.monotonic() + 20
        while "192.0.2.1" not in dig("@127.0.0.1", "-p", str(cls.port), "+short", "+time=1",
                                     "+tries=1", "www.example"):
            if cls.unbound.poll() is not None or time.monotonic() > deadline:
                cls.tearDownClass()
                raise AssertionError("unbound did not start:\n" + cls.log_text())
            time.sleep(0.2)

    @classmethod
    def tearDownClass(cls):
        if cls.unbound.poll() is None:
            cls.unbound.terminate()
            try:
                cls.unbound.wait(10)
            except subprocess.TimeoutExpired:
                cls.unbound.kill()
                cls.unbound.wait()
        cls.log.close()
        shutil.rmtree(cls.tmp, ignore_errors=True)

    @classmethod
    def log_text(cls):
        with open(os.path.join(cls.tmp, "unbound.log"), "rb") as f:
            return f.read().decode("utf-8", "replace")

    # -- helpers

    def server(self):
        return ["@127.0.0.1", "-p", str(self.port)]

    def run_rc(self, rc, *args):
        p = l7_dns(*args)
        for m in l7test.SANITIZER_MARKERS:
            self.assertNotIn(m, p.stderr, "sanitizer report from l7 dns:\n" + p.stderr)
        self.assertEqual(p.returncode, rc, "l7 dns %s\nstdout:\n%s\nstderr:\n%s"
                         % (" ".join(args), p.stdout, p.stderr))
        return p

    def ok(self, *args):
        return self.run_rc(0, *args)

    def same_short_as_dig(self, *query, expect_lines=None):
        """`l7 dns +short` and `dig +short` print the same lines; returns them."""
        ours = self.ok(*(self.server() + ["+short"] + list(query))).stdout
        theirs = dig(*(self.server() + ["+short"] + list(query)))
        self.assertEqual(ours, theirs, "query %s" % " ".join(query))
        if expect_lines is not None:
            self.assertEqual(ours.splitlines(), expect_lines)
        return ours

    # -- record types, compared with dig

    def test_a_aaaa_mx_ns_srv_soa_short_match_dig(self):
        self.same_short_as_dig("www.example", expect_lines=["192.0.2.1"])
        self.same_short_as_dig("www.example", "AAAA", expect_lines=["2001:db8::1"])
        self.same_short_as_dig("example", "MX", expect_lines=["10 mail.example.", "20 mail2.example."])
        self.same_short_as_dig("example", "NS", expect_lines=["ns.example."])
        self.same_short_as_dig("srv._tcp.example", "SRV", expect_lines=["0 5 5060 sip.example."])
        self.same_short_as_dig("example", "SOA",
                               expect_lines=["ns.example. hostmaster.example. 1 3600 600 86400 300"])

    def test_long_txt_short_matches_dig(self):
        out = self.same_short_as_dig("txt.example", "TXT")
        self.assertTrue(out.startswith('"%s" "' % LONG_A), out)
        self.assertGreater(len(out), 255)

    def test_reverse_lookups(self):
        self.same_short_as_dig("-x", "192.0.2.1", expect_lines=["www.example."])
        self.same_short_as_dig("-x", "2001:db8::1", expect_lines=["www.example."])
        full = self.ok(*(self.server() + ["-x", "192.0.2.1"])).stdout
        self.assertIn("1.2.0.192.in-addr.arpa.\t", full)
        self.assertIn("\tPTR\twww.example.", full)

    def test_full_output_layout(self):
        out = self.ok(*(self.server() + ["www.example", "A"])).stdout
        self.assertIn(";; ->>HEADER<<- opcode: QUERY, status: NOERROR, id: ", out)
        self.assertRegex(out, r";; flags: qr aa rd ra ?(ad)?; QUERY: 1, ANSWER: 1, AUTHORITY: 0, ADDITIONAL: 1")
        self.assertIn("; EDNS: version: 0, flags:; udp: 1232", out)
        self.assertIn(";; QUESTION SECTION:\n;www.example.\t\tIN\tA\n", out)
        self.assertIn(";; ANSWER SECTION:\nwww.example.\t300\tIN\tA\t192.0.2.1\n", out)
        self.assertRegex(out, r";; Query time: \d+ msec\n")
        self.assertIn(";; SERVER: 127.0.0.1#%d(127.0.0.1) (UDP)\n" % self.port, out)
        # The same reply size dig reports (dig without its cookie option, which we do not send).
        size = re.search(r";; MSG SIZE  rcvd: (\d+)", out)
        theirs = re.search(r";; MSG SIZE  rcvd: (\d+)", dig(*(self.server() + ["+nocookie", "www.example"])))
        self.assertTrue(size and theirs, out)
        self.assertEqual(size.group(1), theirs.group(1))

    def test_nxdomain_is_an_answer(self):
        out = self.ok(*(self.server() + ["nothing.example"])).stdout
        self.assertIn("status: NXDOMAIN", out)
        self.assertIn(";; AUTHORITY SECTION:\nexample.\t300\tIN\tSOA\tns.example. hostmaster.example.", out)
        self.same_short_as_dig("nothing.example", expect_lines=[])

    # -- transports

    def test_tcp(self):
        out = self.ok(*(self.server() + ["+tcp", "example", "MX"])).stdout
        self.assertIn(";; SERVER: 127.0.0.1#%d(127.0.0.1) (TCP)" % self.port, out)
        self.assertIn("example.\t300\tIN\tMX\t10 mail.example.", out)
        self.assertNotIn("Truncated", out)

    def test_truncated_udp_falls_back_to_tcp(self):
        out = self.ok(*(self.server() + ["big.example", "+bufsize=512"])).stdout
        self.assertIn(";; Truncated, retrying in TCP mode.", out)
        self.assertIn("(TCP)", out)
        self.assertEqual(sorted(re.findall(r"big\.example\.\t300\tIN\tA\t(\S+)", out)), sorted(BIG))
        self.same_short_as_dig("big.example", "+bufsize=512", expect_lines=BIG)
        # Without EDNS the 512-octet limit of RFC 1035 §4.2.1 applies as well.
        self.same_short_as_dig("big.example", "+bufsize=0", expect_lines=BIG)

    def test_ignore_keeps_the_truncated_answer(self):
        out = self.ok(*(self.server() + ["big.example", "+bufsize=512", "+ignore"])).stdout
        self.assertRegex(out, r";; flags: qr aa tc rd ra")
        self.assertIn("(UDP)", out)
        self.assertNotIn("Truncated, retrying", out)

    def test_ipv6_server(self):
        out = self.ok("@::1", "-p", str(self.port), "www.example").stdout
        self.assertIn(";; SERVER: ::1#%d(::1) (UDP)" % self.port, out)
        self.assertIn("\t192.0.2.1\n", out)
        short = self.ok("@[::1]:%d" % self.port, "+short", "www.example", "AAAA").stdout
        self.assertEqual(short, "2001:db8::1\n")

    # -- arguments and options

    def test_any_order(self):
        a = self.ok("MX", "+short", "@127.0.0.1:%d" % self.port, "example").stdout
        b = self.ok("example", "-p", str(self.port), "IN", "@127.0.0.1", "+short", "MX").stdout
        self.assertEqual(a, "10 mail.example.\n20 mail2.example.\n")
        self.assertEqual(a, b)

    def test_flags_options(self):
        out = self.ok(*(self.server() + ["+norecurse", "+dnssec", "www.example"])).stdout
        flags = re.search(r";; flags: ([a-z ]*);", out).group(1).split()
        self.assertNotIn("rd", flags)
        self.assertIn("; EDNS: version: 0, flags: do; udp: 1232", out)
        noedns = self.ok(*(self.server() + ["+bufsize=0", "www.example"])).stdout
        self.assertNotIn("OPT PSEUDOSECTION", noedns)

    def test_usage_errors(self):
        for args in (["+nosuchoption", "www.example"],
                     ["one.example", "two.example"], ["-x", "not-an-address"],
                     ["+bufsize=70000", "www.example"], ["www.example", "AXFR"],
                     ["--json", "www.example"]):
            p = self.run_rc(1, *(self.server() + args))
            self.assertTrue(p.stderr.startswith("l7 dns: "), p.stderr)
            self.assertEqual(p.stdout, "")

    # -- DNS over HTTP(S), RFC 8484, through a relay in front of unbound

    def test_doh_get_and_post(self):
        proxy = DohProxy(self.port)
        try:
            url = proxy.url("/dns-query")
            self.assertEqual(self.ok("--doh", url, "+short", "www.example").stdout, "192.0.2.1\n")
            self.assertEqual(self.ok("--doh", url, "--post", "+short", "example", "MX").stdout,
                             "10 mail.example.\n20 mail2.example.\n")
            full = self.ok("--doh", url, "www.example", "AAAA").stdout
            self.assertIn("www.example.\t300\tIN\tAAAA\t2001:db8::1\n", full)
            self.assertIn(";; SERVER: %s (HTTP)" % url, full)
            self.assertEqual([r[0] for r in proxy.requests], ["GET", "POST", "GET"])
            for method, path, wire, accept in proxy.requests:
                self.assertEqual(wire[:2], b"\0\0", "RFC 8484 §4.1: ID 0")
                self.assertEqual(accept, "application/dns-message")
                if method == "GET":
                    self.assertNotIn("=", path.split("dns=", 1)[1], "base64url without padding")
            p = self.run_rc(10, "--doh", proxy.url("/elsewhere"), "www.example")
            self.assertIn("unexpected HTTP status", p.stderr)
        finally:
            proxy.close()

    def test_doh_json(self):
        proxy = DohProxy(self.port)
        try:
            out = self.ok("--doh", proxy.url("/resolve"), "--json", "www.example", "AAAA").stdout
            self.assertEqual(json.loads(out), {"name": "www.example", "type": "AAAA"})
        finally:
            proxy.close()

    # -- failures

    def test_nothing_listening_exits_9(self):
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        p = self.run_rc(9, "@127.0.0.1", "-p", str(port), "+time=1", "+tries=2", "www.example")
        self.assertIn("no servers could be reached", p.stderr)
        self.assertEqual(p.stdout, "")

    def test_silent_server_times_out_with_9(self):
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.bind(("127.0.0.1", 0))
            start = time.monotonic()
            p = self.run_rc(9, "@127.0.0.1:%d" % s.getsockname()[1], "+time=1", "+tries=2", "www.example")
            elapsed = time.monotonic() - start
        self.assertIn("connection timed out", p.stderr)
        self.assertGreaterEqual(elapsed, 2.0)

    def test_malformed_reply_exits_10(self):
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.bind(("127.0.0.1", 0))
            s.settimeout(10)

            def answer_garbage():
                try:
                    while True:
                        data, peer = s.recvfrom(4096)
                        s.sendto(data[:2] + b"\x81\x80\x00\x01", peer)  # our ID, then cut short
                except OSError:
                    pass

            t = threading.Thread(target=answer_garbage, daemon=True)
            t.start()
            p = self.run_rc(10, "@127.0.0.1:%d" % s.getsockname()[1], "+time=1", "+tries=1", "www.example")
        self.assertIn("malformed reply", p.stderr)


if __name__ == "__main__":
    l7test.main()
