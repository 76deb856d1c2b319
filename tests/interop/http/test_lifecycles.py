"""The connection lifecycles users produce, against `l7 serve`'s HTTP service (raw sockets, the
standard library's ssl, and the WebSocket helpers of tests/interop/websocket):

- thousands of short connections one after another (connect, one request, close);
- a thousand keep-alive connections at once, idle in between, then all asking again;
- idle connections closed by idle_timeout, plain and TLS, and the connection gauge back to 0;
- a graceful stop with hundreds of idle keep-alive connections and WebSockets open: the stop
  is prompt, every WebSocket gets a 1001 close, nothing is left running.

The server starts with a soft open-file limit of 256 (as under a service manager's 1024, only
lower), so a thousand connections at once work only because `l7 serve` raises it to the hard
limit.

Run: python3 test_lifecycles.py --l7 build/dev/l7
"""

import contextlib
import os
import re
import resource
import socket
import sys
import time
import unittest

sys.dont_write_bytecode = True
here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(here, "..", "lib"))
sys.path.insert(0, os.path.join(here, "..", "websocket"))
import autobahn as ab  # noqa: E402
import l7test  # noqa: E402

HELLO = b"hello from a lifecycle test\n"


def gauge(port, listener):
    """l7_http_connections{listener=...} from /metrics (the /metrics connection included)."""
    body = l7test.get(port, "/metrics").body.decode()
    m = re.search(r'^l7_http_connections\{listener="%s"\} (\d+)$' % listener, body, re.M)
    return int(m.group(1)) if m else None


def wait_gauge(port, listener, want, timeout=15.0):
    deadline = time.monotonic() + timeout
    while True:
        got = gauge(port, listener)
        if got == want or time.monotonic() > deadline:
            return got
        time.sleep(0.1)


def keepalive_get(sock, path="/hello.txt"):
    sock.sendall(l7test.request_bytes("GET", path))
    return l7test.Reader(sock).read_response()


def open_file_limits(pid):
    """(soft, hard) 'Max open files' of a process, from /proc."""
    with open("/proc/%d/limits" % pid) as f:
        for line in f:
            if line.startswith("Max open files"):
                soft, hard = line.split()[3:5]
                return int(soft), int(hard)
    return None


@contextlib.contextmanager
def soft_open_file_limit(n):
    """Processes started inside inherit a soft limit of n; ours is back afterwards."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (n, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))


def setUpModule():
    # This process holds a thousand sockets and more at once.
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < 4096 <= hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


class Lifecycles(l7test.ServerCase):
    @classmethod
    def server_kwargs(cls):
        return dict(files={"hello.txt": HELLO}, config_text=l7test.config_with(
            {("http", "idle_timeout"): '"3s"', ("http", "header_timeout"): '"1s"',
             ("log", "access_log"): "false"}))

    @classmethod
    def setUpClass(cls):
        with soft_open_file_limit(256):
            super().setUpClass()

    def test_server_raised_its_open_file_limit(self):
        soft, hard = open_file_limits(self.server.proc.pid)
        self.assertEqual(soft, hard, "l7 serve kept the soft limit it was started with")
        self.assertGreater(soft, 256)

    def test_thousands_of_short_connections_in_a_row(self):
        port = self.server.http_port
        for i in range(3000):
            r = l7test.get(port, "/hello.txt")
            self.assertEqual((r.status, r.body), (200, HELLO), "connection %d" % i)
        self.assertEqual(wait_gauge(port, "http", 1), 1, "only the /metrics connection is open")

    def test_a_thousand_keepalive_connections_at_once(self):
        port = self.server.http_port
        socks = []
        self.addCleanup(lambda: [s.close() for s in socks])
        for _ in range(1000):
            socks.append(l7test.connect(port, timeout=20))
        for s in socks:  # all ask, then all read: the server has them all in flight
            s.sendall(l7test.request_bytes("GET", "/hello.txt"))
        for s in socks:
            r = l7test.Reader(s).read_response()
            self.assertEqual((r.status, r.body), (200, HELLO))
        self.assertEqual(gauge(port, "http"), 1001)
        time.sleep(0.5)  # parked now
        for s in socks:  # the same connections again
            self.assertEqual(keepalive_get(s).body, HELLO)
        for s in socks:
            s.close()
        socks.clear()
        self.assertEqual(wait_gauge(port, "http", 1), 1)

    def test_idle_timeout_closes_parked_connections(self):
        port = self.server.http_port
        plain = [l7test.connect(port) for _ in range(300)]
        secure = [l7test.connect(self.server.https_port, tls=True, cafile=self.server.cert) for _ in range(50)]
        self.addCleanup(lambda: [s.close() for s in plain + secure])
        for s in plain + secure:
            self.assertEqual(keepalive_get(s).body, HELLO)
        started = time.monotonic()
        for s in plain + secure:
            self.assertTrue(l7test.Reader(s).at_eof(10.0), "a parked connection outlived idle_timeout")
        self.assertLess(time.monotonic() - started, 9.0)
        self.assertEqual(wait_gauge(port, "http", 1), 1)
        self.assertEqual(wait_gauge(port, "https", 0), 0)

    def test_tls_connection_that_never_sends_a_request_stays_until_idle_timeout(self):
        # The handshake has the header timeout (1 s here); once done, the wait for a first
        # request is the idle timeout (3 s), as on plain HTTP.
        s = l7test.connect(self.server.https_port, tls=True, cafile=self.server.cert)
        self.addCleanup(s.close)
        time.sleep(1.6)
        self.assertEqual(keepalive_get(s).body, HELLO)


class GracefulStop(unittest.TestCase):
    def test_stop_with_idle_connections_and_websockets_open(self):
        with l7test.l7_server(files={"hello.txt": HELLO}) as server:
            port = server.http_port
            idle = [l7test.connect(port) for _ in range(300)]
            for s in idle:
                self.assertEqual(keepalive_get(s).body, HELLO)
            sockets = []
            for _ in range(100):
                conn, _headers = ab.client_handshake(port, "/ws/echo")
                conn.send_frame(ab.TEXT, b"ping")
                op, payload, _ = conn.recv_message()
                self.assertEqual(payload, b"ping")
                sockets.append(conn)
            started = time.monotonic()
            server.terminate()  # SIGTERM: a graceful stop begins
            for s in idle:  # parked: closed at once
                self.assertTrue(l7test.Reader(s).at_eof(5.0))
                s.close()
            for conn in sockets:  # every WebSocket: 1001, and we answer the close
                f = conn.recv_frame(5)
                self.assertEqual((f.op, f.code), (ab.CLOSE, 1001))
                conn.send_close(1001)
            server.stop()  # waits for the exit, status 0, clean stderr
            self.assertLess(time.monotonic() - started, 8.0, "the stop was not prompt")
            for conn in sockets:
                self.assertTrue(conn.at_eof(5.0))
                conn.close()


if __name__ == "__main__":
    l7test.main()
