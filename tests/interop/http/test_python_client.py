"""python3's http.client (and raw sockets) against `l7 serve`: keep-alive reuse, pipelining,
Expect: 100-continue, HTTP/1.0 connection handling, request bodies the server discards.

Run: python3 test_python_client.py --l7 build/dev/l7
"""

import http.client
import os
import socket
import ssl
import sys
import time

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import peers  # noqa: E402,F401  (sets up sys.path for l7test)
import l7test  # noqa: E402
from l7test import Reader, connect, request_bytes  # noqa: E402

A = b"file a\n"
B = b"file b, a little longer\n"
C = bytes(range(256)) * 400  # over the inline limit: sendfile path


class PythonClientTest(l7test.ServerCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.server.write_public("a.txt", A)
        cls.server.write_public("b.txt", B)
        cls.server.write_public("c.bin", C)

    def conn(self, host="127.0.0.1", tls=False):
        if tls:
            ctx = ssl.create_default_context(cafile=self.server.cert)
            return http.client.HTTPSConnection(host, self.server.https_port, timeout=10, context=ctx)
        return http.client.HTTPConnection(host, self.server.http_port, timeout=10)

    def check_reuse(self, conn, n=20):
        expected = {"/a.txt": A, "/b.txt": B, "/c.bin": C}
        sock = None
        for i in range(n):
            path = list(expected)[i % 3]
            method = "HEAD" if i % 5 == 4 else "GET"
            conn.request(method, path)
            resp = conn.getresponse()
            body = resp.read()
            self.assertEqual(resp.status, 200)
            self.assertEqual(body, b"" if method == "HEAD" else expected[path])
            self.assertEqual(int(resp.getheader("Content-Length")), len(expected[path]))
            self.assertFalse(resp.will_close, "request %d: server asked to close" % i)
            if sock is None:
                sock = conn.sock
            self.assertIs(conn.sock, sock, "request %d: http.client had to reconnect" % i)

    # -- keep-alive

    def test_keep_alive_reuse(self):
        conn = self.conn()
        try:
            self.check_reuse(conn)
        finally:
            conn.close()

    def test_keep_alive_reuse_https(self):
        conn = self.conn("localhost", tls=True)
        try:
            self.check_reuse(conn)
        finally:
            conn.close()

    def test_keep_alive_reuse_ipv6(self):
        conn = self.conn("::1")
        try:
            self.check_reuse(conn, 6)
        finally:
            conn.close()

    # -- pipelining (RFC 9112 §9.3.2)

    def test_pipelining(self):
        with connect(self.server.http_port) as s:
            s.sendall(request_bytes("GET", "/a.txt") + request_bytes("HEAD", "/c.bin") + request_bytes("GET", "/b.txt"))
            rd = Reader(s)
            r1 = rd.read_response("GET")
            r2 = rd.read_response("HEAD")
            r3 = rd.read_response("GET")
            self.assertEqual((r1.status, r1.body), (200, A))
            self.assertEqual((r2.status, r2.body, r2.header("Content-Length")), (200, b"", str(len(C))))
            self.assertEqual((r3.status, r3.body), (200, B))
            self.assertFalse(rd.at_eof(0.3), "the connection should stay open after pipelined requests")

    def test_pipelining_many_in_one_send_last_closes(self):
        paths = ["/a.txt", "/b.txt", "/c.bin", "/missing", "/a.txt"] * 4
        data = b"".join(request_bytes("GET", p) for p in paths[:-1])
        data += request_bytes("GET", paths[-1], headers=[("Connection", "close")])
        with connect(self.server.http_port) as s:
            s.sendall(data)
            rd = Reader(s)
            want = {"/a.txt": A, "/b.txt": B, "/c.bin": C}
            for i, p in enumerate(paths):
                r = rd.read_response()
                if p in want:
                    self.assertEqual((r.status, r.body), (200, want[p]), "response %d" % i)
                else:
                    self.assertEqual(r.status, 404, "response %d" % i)
            self.assertTrue(rd.at_eof(5), "Connection: close on the last request must close the connection")

    def test_pipelined_after_close_not_served(self):
        # RFC 9112 §9.6: after a request with Connection: close the server closes after its
        # response, so a request pipelined behind it gets no response.
        with connect(self.server.http_port) as s:
            s.sendall(request_bytes("GET", "/a.txt", headers=[("Connection", "close")]) +
                      request_bytes("GET", "/b.txt"))
            rd = Reader(s)
            r = rd.read_response()
            self.assertEqual((r.status, r.body), (200, A))
            self.assertTrue(r.has_token("Connection", "close"), r.headers)
            self.assertTrue(rd.at_eof(5), "a request after Connection: close was answered: %r" % rd.buf[:200])

    def test_pipelining_byte_by_byte(self):
        # Two requests written one byte at a time: every split point parses the same.
        data = request_bytes("GET", "/a.txt") + request_bytes("GET", "/b.txt")
        with connect(self.server.http_port) as s:
            s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            for i in range(len(data)):
                s.send(data[i:i + 1])
            rd = Reader(s)
            self.assertEqual(rd.read_response().body, A)
            self.assertEqual(rd.read_response().body, B)

    # -- Expect: 100-continue (RFC 9110 §10.1.1)

    def expect_exchange(self, body, send_body_early):
        """Sends a POST with Expect: 100-continue to a static path; returns (interim, final, closed)."""
        head = request_bytes("POST", "/a.txt", headers=[("Content-Length", str(len(body))),
                                                       ("Expect", "100-continue")])
        with connect(self.server.http_port) as s:
            s.sendall(head + (body if send_body_early else b""))
            rd = Reader(s)
            first = rd.read_response("POST", allow_interim=True)
            interim = None
            if first.status == 100:
                interim = first
                if not send_body_early:
                    s.sendall(body)
                final = rd.read_response("POST")
            else:
                final = first
            # If the server kept the connection, it must have read (or be ready to read)
            # the body: another request afterwards must work.
            closed = rd.at_eof(0.5)
            if not closed:
                if interim is None and not send_body_early:
                    # Final status without 100: the client may still send the body (§10.1.1);
                    # a server that keeps the connection must then read and discard it.
                    s.sendall(body)
                s.sendall(request_bytes("GET", "/a.txt"))
                nxt = rd.read_response()
                self.assertEqual((nxt.status, nxt.body), (200, A), "the connection was kept but is out of sync")
            return interim, final, closed

    def test_expect_100_continue_wait(self):
        interim, final, closed = self.expect_exchange(b"x" * 5000, send_body_early=False)
        self.assertEqual(final.status, 405)
        self.assertIn("GET", final.header("Allow", ""))
        if interim is None and not closed:
            self.fail("final status without 100 Continue and the connection stays open: ambiguous framing")
        if interim is None:
            # RFC 9110 §10.1.1: "A server that responds with a final status code before reading
            # the entire request content SHOULD indicate whether it intends to close the
            # connection (e.g., see Section 9.6 of [HTTP/1.1]) or continue reading the request
            # content." It closes, so the final response should carry Connection: close.
            self.assertTrue(final.has_token("Connection", "close"),
                            "final status before the body, then close, without Connection: close: %s"
                            % final.headers)

    def test_expect_100_continue_body_sent_anyway(self):
        # A client that does not wait for 100 (RFC 9110 §10.1.1 allows it) still gets the
        # final response, never a reset that loses it.
        for _ in range(5):
            interim, final, _ = self.expect_exchange(b"y" * 200000, send_body_early=True)
            self.assertEqual(final.status, 405)

    def test_expect_ignored_in_http10(self):
        # RFC 9110 §10.1.1: a server MUST ignore a 100-continue expectation in an HTTP/1.0 request.
        data = request_bytes("GET", "/a.txt", version="HTTP/1.0", headers=[("Expect", "100-continue")])
        with connect(self.server.http_port) as s:
            s.sendall(data)
            rd = Reader(s)
            r = rd.read_response(allow_interim=True)
            self.assertEqual((r.status, r.body), (200, A))

    # -- HTTP/1.0

    def test_http10_closes(self):
        with connect(self.server.http_port) as s:
            s.sendall(b"GET /a.txt HTTP/1.0\r\n\r\n")  # no Host: fine in 1.0
            rd = Reader(s)
            r = rd.read_response()
            self.assertEqual((r.status, r.body), (200, A))
            self.assertTrue(r.version in ("HTTP/1.0", "HTTP/1.1"), r.version)
            self.assertTrue(rd.at_eof(5), "an HTTP/1.0 request without keep-alive must close")

    def test_http10_keep_alive(self):
        with connect(self.server.http_port) as s:
            ka = [("Connection", "keep-alive")]
            s.sendall(request_bytes("GET", "/a.txt", version="HTTP/1.0", headers=ka))
            rd = Reader(s)
            r = rd.read_response()
            self.assertEqual((r.status, r.body), (200, A))
            self.assertTrue(r.has_token("Connection", "keep-alive"), r.headers)
            s.sendall(request_bytes("GET", "/c.bin", version="HTTP/1.0", headers=ka))
            r = rd.read_response()
            self.assertEqual((r.status, r.body), (200, C))
            # HTTP/1.0 has no chunked: a response without a length would end at close.
            self.assertIsNotNone(r.header("Content-Length"))
            s.sendall(request_bytes("GET", "/b.txt", version="HTTP/1.0"))
            r = rd.read_response()
            self.assertEqual((r.status, r.body), (200, B))
            self.assertTrue(rd.at_eof(5))

    def test_http_client_http10(self):
        class Conn10(http.client.HTTPConnection):
            _http_vsn, _http_vsn_str = 10, "HTTP/1.0"
        conn = Conn10("127.0.0.1", self.server.http_port, timeout=10)
        try:
            conn.request("GET", "/b.txt")
            resp = conn.getresponse()
            self.assertEqual((resp.status, resp.read()), (200, B))
            self.assertTrue(resp.will_close)
        finally:
            conn.close()

    # -- request bodies the handler does not read

    def test_chunked_body_to_static_then_next_request(self):
        body = b"5\r\nhello\r\n1a;ext=1\r\n" + b"z" * 26 + b"\r\n0\r\nX-Trailer: yes\r\n\r\n"
        data = request_bytes("POST", "/a.txt", headers=[("Transfer-Encoding", "chunked")]) + body
        with connect(self.server.http_port) as s:
            s.sendall(data)
            rd = Reader(s)
            r = rd.read_response("POST")
            self.assertEqual(r.status, 405)
            self.assertFalse(r.has_token("Connection", "close"), r.headers)
            s.sendall(request_bytes("GET", "/b.txt"))
            r = rd.read_response()
            self.assertEqual((r.status, r.body), (200, B))

    def test_http_client_chunked_post_then_get(self):
        conn = self.conn()
        try:
            conn.request("POST", "/a.txt", body=iter([b"abc", b"defgh", b"x" * 10000]), encode_chunked=True,
                         headers={"Transfer-Encoding": "chunked"})
            resp = conn.getresponse()
            resp.read()
            self.assertEqual(resp.status, 405)
            sock = conn.sock
            self.assertIsNotNone(sock, "the server closed after discarding a small chunked body")
            conn.request("GET", "/a.txt")
            resp = conn.getresponse()
            self.assertEqual((resp.status, resp.read()), (200, A))
            self.assertIs(conn.sock, sock)
        finally:
            conn.close()

    def test_content_length_body_to_static_then_next_request(self):
        with connect(self.server.http_port) as s:
            s.sendall(request_bytes("PUT", "/a.txt", headers=[("Content-Length", "3000")]) + b"q" * 3000 +
                      request_bytes("GET", "/a.txt"))
            rd = Reader(s)
            r = rd.read_response("PUT")
            self.assertEqual(r.status, 405)
            r = rd.read_response()
            self.assertEqual((r.status, r.body), (200, A))

    def test_large_body_to_static_is_refused_cleanly(self):
        # 5 MiB announced to a static path: the server answers 405 before the body arrives. It
        # may read and discard the body or close; whichever, RFC 9110 §10.1.1 says it SHOULD
        # indicate which (Connection: close when it closes).
        size = 5 * 1024 * 1024
        with connect(self.server.http_port) as s:
            s.sendall(request_bytes("POST", "/a.txt", headers=[("Content-Length", str(size))]))
            rd = Reader(s)
            r = rd.read_response("POST")
            self.assertEqual(r.status, 405)
            announced_close = r.has_token("Connection", "close")
            try:
                s.sendall(b"b" * size + request_bytes("GET", "/a.txt"))
                nxt = rd.read_response()
                kept = True
            except (l7test.ConnectionClosed, ConnectionResetError, BrokenPipeError):
                kept = False
            if kept:
                self.assertEqual((nxt.status, nxt.body), (200, A))
                self.assertFalse(announced_close, "said Connection: close but kept the connection")
            else:
                self.assertTrue(announced_close, "closed after a 405 without Connection: close: %s" % r.headers)

    def test_slow_body_split_across_writes(self):
        with connect(self.server.http_port) as s:
            s.sendall(request_bytes("POST", "/a.txt", headers=[("Content-Length", "10")]) + b"01234")
            time.sleep(0.2)
            s.sendall(b"56789" + request_bytes("GET", "/b.txt"))
            rd = Reader(s)
            self.assertEqual(rd.read_response("POST").status, 405)
            r = rd.read_response()
            self.assertEqual((r.status, r.body), (200, B))

    def test_options_asterisk(self):
        with connect(self.server.http_port) as s:
            s.sendall(request_bytes("OPTIONS", "*"))
            r = Reader(s).read_response("OPTIONS")
            self.assertEqual(r.status, 200)
            self.assertIn("GET", r.header("Allow", ""))

    def test_absolute_form_target(self):
        # RFC 9112 §3.2.2: a server MUST accept the absolute-form in requests.
        with connect(self.server.http_port) as s:
            s.sendall(request_bytes("GET", "http://localhost:%d/a.txt" % self.server.http_port))
            r = Reader(s).read_response()
            self.assertEqual((r.status, r.body), (200, A))


if __name__ == "__main__":
    l7test.main()
