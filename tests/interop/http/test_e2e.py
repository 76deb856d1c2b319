"""End to end: `l7 serve` with every service of the embedded default config (no --only), every
listener on port 0, driven with curl over HTTP and HTTPS on IPv4 and IPv6; the access log;
graceful stop on SIGTERM and SIGINT, also with a download in flight.

Run: python3 test_e2e.py --l7 build/dev/l7
"""

import os
import re
import signal
import subprocess
import sys
import tempfile
import time
import unittest

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import peers  # noqa: E402
from peers import curl, file_bytes, sha256  # noqa: E402
import l7test  # noqa: E402

HELLO = b"end to end\n"


def every_service():
    names = l7test.config_services(l7test.default_config())
    if not names:
        raise AssertionError("no [services.NAME] table in `l7 config default`")
    return names


def all_services_server(**kw):
    names = every_service()
    return l7test.l7_server(only=None, ports=names, expect=names, **kw)


@peers.needs("curl")
class EndToEnd(unittest.TestCase):
    def test_every_service_listens(self):
        names = every_service()
        self.assertIn("http", names)
        self.assertIn("https", names)
        with all_services_server() as s:
            seen = {r["service"] for r in s.rows}
            self.assertEqual(seen, set(names), "the listener table should list every default service")
            for r in s.rows:
                with self.subTest(row=r):
                    self.assertNotEqual(r["port"], 0)
                    self.assertEqual(r["address"], "::")
                    if r["transport"] == "tcp":
                        # "::" is dual-stack: both loopbacks reach every TCP listener.
                        for host in ("127.0.0.1", "::1"):
                            l7test.connect(r["port"], host, timeout=5).close()
            https = [r for r in s.rows if r["service"] == "https"]
            self.assertTrue(all(r["tls"] for r in https))
            self.assertFalse(any(r["tls"] for r in s.rows if r["service"] == "http"))

    def test_curl_http_and_https(self):
        with all_services_server(files={"hello.txt": HELLO, "big.bin": b"\x01\x02" * 600000}) as s:
            big = file_bytes(os.path.join(s.public, "big.bin"))
            for scheme in ("http", "https"):
                for host in ("127.0.0.1", "::1", "localhost"):
                    with self.subTest(scheme=scheme, host=host):
                        args = ["--cacert", s.cert] if scheme == "https" else []
                        r = curl(*args, s.url("/hello.txt", scheme=scheme, host=host))
                        self.assertEqual((r.rc, r.code, r.body), (0, 200, HELLO), r)
                        r = curl(*args, s.url("/big.bin", scheme=scheme, host=host))
                        self.assertEqual((r.rc, r.code), (0, 200), r)
                        self.assertEqual(sha256(r.body), sha256(big))
            r = curl(s.url("/"))
            self.assertEqual(r.code, 200)
            self.assertIn(b"l7 is running", r.body)  # the welcome page made on first run
            r = curl(s.url("/metrics"))
            self.assertIn(b"l7_http_requests_total", r.body)
            r = curl(s.url("/missing"))
            self.assertEqual(r.code, 404)
            self.assertTrue(os.path.exists(s.cert), "the self-signed certificate is made on first run")

    def test_access_log(self):
        with l7test.l7_server(files={"hello.txt": HELLO}) as s:
            r = curl("-A", "e2e-agent/1.0", "-e", "http://referer.example/", s.url("/hello.txt"))
            self.assertEqual(r.code, 200)
            pattern = re.compile(r'^127\.0\.0\.1 - - \[\d{2}/\w{3}/\d{4}:\d{2}:\d{2}:\d{2} [+-]\d{4}\] '
                                 r'"GET /hello\.txt HTTP/1\.1" 200 %d "http://referer\.example/" "e2e-agent/1\.0"$'
                                 % len(HELLO), re.M)
            deadline = time.monotonic() + 5
            while not pattern.search(s.stdout_text()) and time.monotonic() < deadline:
                time.sleep(0.05)
            self.assertRegex(s.stdout_text(), pattern)
            r = curl(s.url("/hello.txt", host="::1"))
            deadline = time.monotonic() + 5
            while '::1 - - [' not in s.stdout_text() and time.monotonic() < deadline:
                time.sleep(0.05)
            self.assertIn("::1 - - [", s.stdout_text(), "IPv6 clients are logged in RFC 5952 form")

    def test_sigint_is_graceful(self):
        with l7test.l7_server() as s:
            self.assertEqual(curl(s.url("/")).code, 200)
            s.stop(signal.SIGINT)
            self.assertEqual(s.returncode, 0)

    def test_single_worker(self):
        with l7test.l7_server(extra_args=["-w", "1"], files={"hello.txt": HELLO}) as s:
            r = curl(s.url("/hello.txt"))
            self.assertEqual(r.body, HELLO)

    def test_stop_with_idle_keep_alive_connection(self):
        # An idle kept-alive connection must not hold the stop for the grace period.
        with l7test.l7_server(files={"hello.txt": HELLO}) as s:
            conn = l7test.connect(s.http_port)
            conn.sendall(l7test.request_bytes("GET", "/hello.txt"))
            self.assertEqual(l7test.Reader(conn).read_response().body, HELLO)
            start = time.monotonic()
            s.stop()
            self.assertLess(time.monotonic() - start, 5, "an idle connection delayed the stop")
            conn.close()

    def test_stop_with_download_in_flight(self):
        # SIGTERM during a rate-limited download: the transfer completes byte-exact, new
        # connections are refused meanwhile, then the server exits 0.
        data = os.urandom(4 * 1024 * 1024)
        with l7test.l7_server(files={"big.bin": data}) as s, tempfile.TemporaryDirectory() as tmp:
            out = os.path.join(tmp, "big.bin")
            proc = subprocess.Popen(["curl", "-sS", "--limit-rate", "2M", "-o", out, "-w", "%{http_code}",
                                     s.url("/big.bin")], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                    env=peers.CLEAN_ENV)
            try:
                deadline = time.monotonic() + 10
                while (not os.path.exists(out) or os.path.getsize(out) < 200000) and time.monotonic() < deadline:
                    time.sleep(0.02)
                self.assertGreater(os.path.getsize(out), 0, "the download never started")
                s.terminate()
                time.sleep(0.3)
                # Stopping: the listeners are closed, so a new connection is refused (or, if
                # it raced into the backlog, closed without being served).
                try:
                    c = l7test.connect(s.http_port, timeout=2)
                except OSError:
                    pass
                else:
                    with c:
                        try:
                            c.sendall(l7test.request_bytes("GET", "/", headers=[("Connection", "close")]))
                            resp = l7test.Reader(c).read_response()
                            self.assertNotEqual(resp.status, 200, "a new connection was served while stopping")
                        except (OSError, l7test.ConnectionClosed):
                            pass
                stdout, stderr = proc.communicate(timeout=30)
            finally:
                if proc.poll() is None:
                    proc.kill()
                    proc.wait()
            self.assertEqual(proc.returncode, 0, stderr)
            self.assertEqual(stdout, b"200")
            self.assertEqual(sha256(file_bytes(out)), sha256(data), "the in-flight download was cut")
            s.stop()
            self.assertEqual(s.returncode, 0)

    def test_new_connections_refused_after_sigterm(self):
        with l7test.l7_server(files={"hello.txt": HELLO}) as s:
            port = s.http_port
            s.stop()
            with self.assertRaises(OSError):
                l7test.connect(port, timeout=2).close()


@peers.needs("wrk")
class Load(unittest.TestCase):
    """wrk keeps 32 connections busy for a few seconds: no errors, no sanitizer report, and
    the open-connection gauge returns to where it was."""

    def run_wrk(self, server, url, seconds=3):
        # wrk ends a run by closing its connections, responses still in flight: the server
        # must take that (a reset under sendfile(2) included) and keep serving.
        p = l7test.run(["wrk", "-t2", "-c32", "-d%ds" % seconds, "--timeout", "5s", url], timeout=seconds + 60)
        out = p.stdout.decode(errors="replace")
        time.sleep(0.2)
        self.assertTrue(server.alive(), "l7 serve died (%s) under wrk:\n%s"
                        % (l7test.describe_status(server.proc.returncode), out))
        self.assertEqual(p.returncode, 0, out + p.stderr.decode(errors="replace"))
        m = re.search(r"(\d+) requests in", out)
        self.assertIsNotNone(m, out)
        self.assertGreater(int(m.group(1)), 100, out)
        self.assertNotIn("Non-2xx or 3xx responses", out)
        self.assertNotIn("Socket errors", out)
        return out

    def connections_gauge(self, s):
        body = l7test.get(s.http_port, "/metrics").body.decode()
        m = re.search(r'^l7_http_connections\{[^}]*listener="http"[^}]*\} (\d+)', body, re.M)
        self.assertIsNotNone(m, body)
        return int(m.group(1))

    def test_wrk_small_and_big(self):
        with l7test.l7_server(files={"hello.txt": HELLO, "mid.bin": os.urandom(200000)}) as s:
            self.run_wrk(s, s.url("/hello.txt"))
            self.run_wrk(s, s.url("/mid.bin"), seconds=2)
            self.run_wrk(s, s.url("/hello.txt", host="::1"), seconds=2)
            deadline = time.monotonic() + 5
            while self.connections_gauge(s) > 1 and time.monotonic() < deadline:
                time.sleep(0.1)
            self.assertLessEqual(self.connections_gauge(s), 1, "connections counted open after wrk ended")


@peers.needs("curl")
class Trace(unittest.TestCase):
    """`l7 serve --trace` prints every exchange, decoded."""

    def test_trace_shows_exchange(self):
        with l7test.l7_server(extra_args=["--trace"], files={"hello.txt": HELLO}) as s:
            before = s.stderr_size()
            r = curl("-A", "trace-agent/2", "-H", "X-Trace-Me: yes", s.url("/hello.txt"))
            self.assertEqual(r.code, 200)
            text = self.wait_for(s, before, "X-Trace-Me")
            self.assertRegex(text, r"GET /hello\.txt HTTP/1\.1")
            self.assertRegex(text, r"User-Agent: trace-agent/2")
            self.assertRegex(text, r"X-Trace-Me: yes")
            self.assertRegex(text, r"(HTTP/1\.1 )?200 OK")
            self.assertRegex(text, r"Content-Length: %d" % len(HELLO))

    def test_trace_https_and_errors(self):
        with l7test.l7_server(extra_args=["--trace"], files={"hello.txt": HELLO}) as s:
            before = s.stderr_size()
            r = curl("--cacert", s.cert, "-H", "X-Over-Tls: 1", s.url("/hello.txt", scheme="https", host="localhost"))
            self.assertEqual(r.code, 200)
            text = self.wait_for(s, before, "X-Over-Tls")
            self.assertIn("GET /hello.txt HTTP/1.1", text)
            before = s.stderr_size()
            l7test.exchange(s.http_port, b"GET /hello.txt HTTP/2.0\r\nHost: x\r\n\r\n")
            text = self.wait_for(s, before, "505")
            self.assertRegex(text, r"505 HTTP Version Not Supported")

    def test_no_trace_by_default(self):
        with l7test.l7_server(files={"hello.txt": HELLO}) as s:
            curl("-H", "X-Trace-Me: yes", s.url("/hello.txt"))
            time.sleep(0.3)
            self.assertNotIn("X-Trace-Me", s.stderr_text())

    @staticmethod
    def wait_for(server, offset, needle, timeout=5):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            text = server.stderr_text(offset)
            if needle in text:
                time.sleep(0.1)  # let the rest of the exchange land
                return server.stderr_text(offset)
            time.sleep(0.05)
        raise AssertionError("%r not in the trace within %ss:\n%s" % (needle, timeout, server.stderr_text(offset)))


if __name__ == "__main__":
    l7test.main()
