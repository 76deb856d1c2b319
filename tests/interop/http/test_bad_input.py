"""Bad and hostile input against `l7 serve`, over raw sockets.

Every malformed request gets exactly one error response (the status line checked exactly,
with `Connection: close`) and then the connection closes; afterwards a fresh connection
still gets 200 (the service keeps serving). Also: slowloris (header_timeout), idle
keep-alive connections (idle_timeout) and the connection cap (max_connections -> 503).

Run: python3 test_bad_input.py --l7 build/dev/l7
"""

import os
import socket
import ssl
import struct
import sys
import threading
import time

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import peers  # noqa: E402,F401  (sets up sys.path for l7test)
import l7test  # noqa: E402
from l7test import Reader, connect, exchange, request_bytes  # noqa: E402

# RFC 9110 §15 (431: RFC 6585 §5) reason phrases.
REASONS = {400: "Bad Request", 405: "Method Not Allowed", 413: "Content Too Large", 414: "URI Too Long",
           431: "Request Header Fields Too Large", 501: "Not Implemented", 503: "Service Unavailable",
           505: "HTTP Version Not Supported"}

BODY = b"hello\n"


def raw(text):
    return text.encode("latin-1")


class BadInputTest(l7test.ServerCase):
    """One request per connection; exact status line, Connection: close, then EOF."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.server.write_public("hello.txt", BODY)

    def assertStillServing(self):
        r = l7test.get(self.server.http_port, "/hello.txt")
        self.assertEqual((r.status, r.body), (200, BODY), "the service stopped serving after bad input")

    def assertRejected(self, data, status, note=""):
        resp, closed, reader = exchange(self.server.http_port, data)
        what = "%s%r" % (note + ": " if note else "", data[:120])
        self.assertIsNotNone(resp, "%s: the connection ended without a response%s"
                             % (what, " (TCP reset)" if reader.reset else ""))
        self.assertEqual(resp.status_line, "HTTP/1.1 %d %s" % (status, REASONS[status]), what)
        self.assertTrue(resp.has_token("Connection", "close"), "%s: no Connection: close in %s" % (what, resp.headers))
        self.assertTrue(closed, "%s: the connection stayed open after the error (or more bytes followed: %r)"
                        % (what, reader.buf[:200]))
        self.assertStillServing()
        return resp

    # -- framing (RFC 9112 §6)

    def test_content_length_and_transfer_encoding(self):
        # RFC 9112 §6.1: the server MAY reject; this one answers 400 and closes (§6.3 item 3).
        self.assertRejected(raw("POST /hello.txt HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n"
                                "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n"), 400)

    def test_transfer_encoding_then_content_length(self):
        self.assertRejected(raw("POST /hello.txt HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
                                "Content-Length: 5\r\n\r\n0\r\n\r\n"), 400)

    def test_differing_content_lengths(self):
        # RFC 9112 §6.3 item 5: invalid Content-Length -> 400 and close.
        self.assertRejected(raw("POST /hello.txt HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n"
                                "Content-Length: 6\r\n\r\nhello!"), 400, "two fields")
        self.assertRejected(raw("POST /hello.txt HTTP/1.1\r\nHost: x\r\nContent-Length: 5, 6\r\n\r\nhello!"),
                            400, "one list")

    def test_identical_content_lengths_accepted(self):
        # RFC 9110 §8.6: a list of identical values may be accepted as that value.
        with connect(self.server.http_port) as s:
            s.sendall(raw("POST /hello.txt HTTP/1.1\r\nHost: x\r\nContent-Length: 5, 5\r\n\r\nhello") +
                      request_bytes("GET", "/hello.txt"))
            rd = Reader(s)
            self.assertEqual(rd.read_response("POST").status, 405)
            self.assertEqual(rd.read_response().body, BODY)

    def test_invalid_content_length(self):
        for value in ("-1", "abc", "+5", "0x10", "5 5", ""):
            with self.subTest(value=value):
                self.assertRejected(raw("POST /hello.txt HTTP/1.1\r\nHost: x\r\nContent-Length: %s\r\n\r\n"
                                        % value), 400, value)

    def test_huge_content_length(self):
        # RFC 9110 §15.5.14: over max_body -> 413 before any of the body is read.
        self.assertRejected(raw("POST /hello.txt HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999\r\n\r\n"), 413)

    def test_content_length_overflow(self):
        self.assertRejected(raw("POST /hello.txt HTTP/1.1\r\nHost: x\r\n"
                                "Content-Length: 99999999999999999999999999\r\n\r\n"), 400)

    def test_transfer_encoding_gzip_only(self):
        # RFC 9112 §6.3 item 4: chunked is not the final coding of a request -> 400 and close.
        self.assertRejected(raw("POST /hello.txt HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\nabc"), 400)

    def test_transfer_encoding_unknown_then_chunked(self):
        # RFC 9112 §6.1: a coding the server does not understand -> 501 (SHOULD).
        self.assertRejected(raw("POST /hello.txt HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: foo, chunked\r\n\r\n"
                                "0\r\n\r\n"), 501)

    def test_chunked_twice(self):
        # RFC 9112 §7: chunked MUST NOT be applied more than once: the framing is invalid.
        self.assertRejected(raw("POST /hello.txt HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked, chunked\r\n\r\n"
                                "0\r\n\r\n"), 400)

    def test_chunked_in_http10(self):
        # RFC 9112 §6.1: Transfer-Encoding in an HTTP/1.0 message -> treat the framing as
        # faulty and close after the response.
        data = raw("POST /hello.txt HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n")
        resp, closed, _ = exchange(self.server.http_port, data)
        self.assertIsNotNone(resp)
        self.assertIn(resp.status, (400, 405))
        self.assertTrue(closed)
        self.assertStillServing()

    def test_invalid_chunk_size_after_response(self):
        # The static handler answers 405 without reading the body; the session then discards the
        # body to keep the connection and meets the bad chunk size. The 405 is already on the
        # wire, and a request gets exactly one final response, so the only correct move is to
        # close (RFC 9112 §6.3: the framing is unrecoverable; §9.3: unread data must not be taken
        # as the next request). So: 405, then EOF, no second response and no reply to the
        # pipelined GET.
        for bad in ("zz\r\nhello\r\n0\r\n\r\n", "-5\r\nhello\r\n0\r\n\r\n", "ffffffffffffffffffffff\r\n",
                    "5\r\nhelloXX0\r\n\r\n", "5 ;\r\n", "\r\n"):
            with self.subTest(chunks=bad):
                data = (raw("POST /hello.txt HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n") + raw(bad) +
                        request_bytes("GET", "/hello.txt"))
                resp, closed, reader = exchange(self.server.http_port, data)
                self.assertIsNotNone(resp)
                self.assertIn(resp.status, (400, 405), resp)
                self.assertTrue(closed, "after a bad chunk the connection must close; got more: %r" % reader.buf[:200])
                self.assertStillServing()

    def test_invalid_chunk_size_before_response(self):
        # A malformed chunk size sent with the head of a request to an unknown method on '*':
        # also exercised through OPTIONS, which reads no body either.
        data = raw("OPTIONS * HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nxyz\r\n")
        resp, closed, reader = exchange(self.server.http_port, data, method="OPTIONS")
        self.assertIsNotNone(resp)
        self.assertIn(resp.status, (200, 400))
        self.assertTrue(closed, "more after the response: %r" % reader.buf[:200])
        self.assertStillServing()

    # -- header syntax (RFC 9112 §5)

    def test_obs_fold(self):
        # RFC 9112 §5.2: obs-fold outside message/http -> 400 (or replace with SP); this server rejects.
        self.assertRejected(raw("GET /hello.txt HTTP/1.1\r\nHost: x\r\nX-Folded: a\r\n b\r\n\r\n"), 400)
        self.assertRejected(raw("GET /hello.txt HTTP/1.1\r\nHost: x\r\nX-Folded: a\r\n\tb\r\n\r\n"), 400, "tab")

    def test_bare_lf(self):
        self.assertRejected(raw("GET /hello.txt HTTP/1.1\nHost: x\n\n"), 400, "all LF")
        self.assertRejected(raw("GET /hello.txt HTTP/1.1\r\nHost: x\nX: y\r\n\r\n"), 400, "one LF")

    def test_bare_cr(self):
        # RFC 9112 §2.2: a bare CR outside content -> invalid (or replaced by SP); this server rejects.
        self.assertRejected(raw("GET /hello.txt HTTP/1.1\r\nHost: x\r\nX: a\rb\r\n\r\n"), 400)

    def test_space_before_colon(self):
        # RFC 9112 §5.1: MUST reject with 400.
        self.assertRejected(raw("GET /hello.txt HTTP/1.1\r\nHost : x\r\n\r\n"), 400)
        self.assertRejected(raw("GET /hello.txt HTTP/1.1\r\nHost: x\r\nX-A\t: y\r\n\r\n"), 400, "tab")

    def test_whitespace_before_first_field(self):
        # RFC 9112 §2.2: whitespace between the start line and the first field: MUST reject or ignore.
        data = raw("GET /hello.txt HTTP/1.1\r\n Host: x\r\n\r\n")
        resp, closed, _ = exchange(self.server.http_port, data)
        self.assertIsNotNone(resp)
        self.assertEqual(resp.status, 400)
        self.assertTrue(closed)

    def test_missing_host(self):
        # RFC 9112 §3.2: MUST respond 400 to an HTTP/1.1 request without Host.
        self.assertRejected(raw("GET /hello.txt HTTP/1.1\r\nAccept: */*\r\n\r\n"), 400)

    def test_two_hosts(self):
        # RFC 9112 §3.2: ... or with more than one Host field line.
        self.assertRejected(raw("GET /hello.txt HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n"), 400)

    def test_invalid_host(self):
        self.assertRejected(raw("GET /hello.txt HTTP/1.1\r\nHost: a b\r\n\r\n"), 400)

    def test_nul_in_header(self):
        self.assertRejected(b"GET /hello.txt HTTP/1.1\r\nHost: x\r\nX-Nul: a\x00b\r\n\r\n", 400, "value")
        self.assertRejected(b"GET /hello.txt HTTP/1.1\r\nHost: x\r\nX-\x00Nul: ab\r\n\r\n", 400, "name")

    def test_control_chars_in_header(self):
        self.assertRejected(b"GET /hello.txt HTTP/1.1\r\nHost: x\r\nX-Ctl: a\x01b\r\n\r\n", 400)
        self.assertRejected(b"GET /hello.txt HTTP/1.1\r\nHost: x\r\nX-Del: a\x7fb\r\n\r\n", 400, "DEL")

    def test_invalid_field_name(self):
        self.assertRejected(raw("GET /hello.txt HTTP/1.1\r\nHost: x\r\nX(y): z\r\n\r\n"), 400)
        self.assertRejected(raw("GET /hello.txt HTTP/1.1\r\nHost: x\r\n: z\r\n\r\n"), 400, "empty name")
        self.assertRejected(raw("GET /hello.txt HTTP/1.1\r\nHost: x\r\nNoColon\r\n\r\n"), 400, "no colon")

    # -- request line (RFC 9112 §3)

    def test_request_line_too_long(self):
        self.assertRejected(raw("GET /%s HTTP/1.1\r\nHost: x\r\n\r\n" % ("a" * 9000)), 414)

    def test_request_line_too_long_no_end(self):
        # 64 KiB with no line end at all: refused as soon as the limit is passed.
        self.assertRejected(raw("GET /" + "b" * 65536), 414)

    def test_http2_version(self):
        self.assertRejected(raw("GET /hello.txt HTTP/2.0\r\nHost: x\r\n\r\n"), 505)

    def test_http3_version(self):
        self.assertRejected(raw("GET /hello.txt HTTP/3.0\r\nHost: x\r\n\r\n"), 505)

    def test_higher_minor_version(self):
        # RFC 9112 §2.3 / RFC 9110 §6.2: a higher minor version is processed as the highest
        # supported minor version (1.1), not refused.
        resp, _, _ = exchange(self.server.http_port, raw("GET /hello.txt HTTP/1.7\r\nHost: x\r\n\r\n"))
        self.assertIsNotNone(resp)
        self.assertEqual((resp.status, resp.body), (200, BODY))

    def test_malformed_request_lines(self):
        for line in ("GET  /hello.txt HTTP/1.1", "GET /hello.txt  HTTP/1.1",
                     "GET /hello.txt HTTP/1.1 ", "GET /hello.txt http/1.1", "GET /hello.txt HTTP/1",
                     "GET /hello.txt HTTP/1.1.1", "G@T /hello.txt HTTP/1.1", "GET /hel lo.txt HTTP/1.1",
                     "GET\t/hello.txt\tHTTP/1.1", " GET /hello.txt HTTP/1.1", "GET /hello.txt HTTP/01.1"):
            with self.subTest(line=line):
                resp, closed, _ = exchange(self.server.http_port, raw(line + "\r\nHost: x\r\n\r\n"))
                self.assertIsNotNone(resp, line)
                self.assertEqual(resp.status_line, "HTTP/1.1 400 Bad Request", line)
                self.assertTrue(closed, line)
        self.assertStillServing()

    def test_http09_simple_request(self):
        # "GET /path" without a version is an HTTP/0.9 simple request; refusing it as an
        # unsupported version (505) or as a malformed request line (400) are both correct.
        resp, closed, _ = exchange(self.server.http_port, raw("GET /hello.txt\r\n\r\n"))
        self.assertIsNotNone(resp)
        self.assertIn(resp.status_line, ("HTTP/1.1 400 Bad Request", "HTTP/1.1 505 HTTP Version Not Supported"))
        self.assertNotIn(BODY, resp.body)
        self.assertTrue(closed)
        self.assertStillServing()

    def test_leading_empty_line_ignored(self):
        # RFC 9112 §2.2: a server SHOULD ignore at least one empty line before the request line.
        resp, _, _ = exchange(self.server.http_port, raw("\r\nGET /hello.txt HTTP/1.1\r\nHost: x\r\n\r\n"))
        self.assertIsNotNone(resp)
        self.assertEqual((resp.status, resp.body), (200, BODY))

    def test_tls_client_hello_on_plain_port(self):
        # A ClientHello-like record followed by an empty line (the parser looks at a head once
        # its section is complete; TimeoutTest covers one without line ends).
        hello = bytes.fromhex("16030100a5010000a10303") + bytes(range(32, 64)) + b"\x00" * 40 + b"\r\n\r\n"
        self.assertRejected(hello, 400)

    def test_binary_garbage(self):
        self.assertRejected(os.urandom(4096).replace(b"\r", b"x").replace(b"\n", b"y") + b"\r\n\r\n", 400)

    # -- sizes (RFC 6585 §5)

    def test_too_many_headers(self):
        fields = "".join("X-H%d: v\r\n" % i for i in range(200))
        self.assertRejected(raw("GET /hello.txt HTTP/1.1\r\nHost: x\r\n" + fields + "\r\n"), 431)

    def test_header_section_too_large(self):
        fields = "".join("X-Big%d: %s\r\n" % (i, "v" * 5000) for i in range(20))  # ~100 KiB
        self.assertRejected(raw("GET /hello.txt HTTP/1.1\r\nHost: x\r\n" + fields + "\r\n"), 431)

    def test_one_huge_header(self):
        self.assertRejected(raw("GET /hello.txt HTTP/1.1\r\nHost: x\r\nX-Huge: %s\r\n\r\n" % ("h" * 102400)), 431)

    def test_header_flood_megabyte(self):
        # A client that keeps sending after the limit: the 431 must still reach it (the server
        # closes its side in stages, RFC 9112 §9.6, rather than resetting the response away).
        for _ in range(5):
            self.assertRejected(raw("GET /hello.txt HTTP/1.1\r\nHost: x\r\nX-Huge: %s\r\n\r\n" % ("h" * 1024 * 1024)),
                                431)

    def test_trailer_section_too_large(self):
        # A chunked body whose trailer section is over the header limit; the static handler has
        # already answered 405, so: 405 (or 431), then close.
        trailers = "".join("X-T%d: %s\r\n" % (i, "t" * 5000) for i in range(20))
        data = raw("POST /hello.txt HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n" + trailers + "\r\n")
        resp, closed, reader = exchange(self.server.http_port, data)
        self.assertIsNotNone(resp, "no response%s" % (" (TCP reset)" if reader.reset else ""))
        self.assertIn(resp.status, (405, 431))
        self.assertTrue(closed)
        self.assertStillServing()

    # -- many bad clients at once

    def test_bad_requests_in_parallel(self):
        cases = [raw("GET /hello.txt HTTP/1.1\r\n\r\n"), raw("GET /x HTTP/2.0\r\nHost: x\r\n\r\n"),
                 b"\x00\x01\x02\r\n\r\n", raw("GET /%s HTTP/1.1\r\n\r\n" % ("a" * 10000))]
        errors = []

        def worker(i):
            try:
                for j in range(10):
                    resp, closed, _ = exchange(self.server.http_port, cases[(i + j) % len(cases)])
                    if resp is None or resp.status < 400 or not closed:
                        errors.append((i, j, resp))
            except Exception as e:  # noqa: BLE001
                errors.append((i, repr(e)))

        threads = [threading.Thread(target=worker, args=(i,)) for i in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        self.assertEqual(errors, [])
        self.assertStillServing()


class ClientAbortBase(l7test.ServerCase):
    """Clients that go away mid-response. One server per class, so a crash in one case
    does not hide the others."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.server.write_public("hello.txt", BODY)
        cls.server.write_public("big.bin", os.urandom(5 * 1024 * 1024))

    def abort_mid_download(self, tls, rst, headers=()):
        port = self.server.https_port if tls else self.server.http_port
        s = connect(port, tls=tls, cafile=self.server.cert)
        try:
            s.sendall(request_bytes("GET", "/big.bin", headers=list(headers)))
            Reader(s).read_head()
            if rst:  # SO_LINGER 0: the close sends a TCP reset
                s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        finally:
            s.close()

    def check_aborts(self, n, **kw):
        # The client reads the head of a 5 MiB response and closes with unread data (half the
        # time with a reset), so the server's next writes meet a dead connection.
        for i in range(n):
            self.abort_mid_download(rst=bool(i % 2), **kw)
            time.sleep(0.2)
            self.assertTrue(self.server.alive(), "l7 serve died (%s) after client %d closed mid-download"
                            % (l7test.describe_status(self.server.proc.returncode), i + 1))
        r = l7test.get(self.server.http_port, "/hello.txt")
        self.assertEqual((r.status, r.body), (200, BODY))


class ClientAbortPlain(ClientAbortBase):
    def test_client_closes_mid_download(self):
        # Plain HTTP sends files with sendfile(2), which raises SIGPIPE on a reset connection
        # unless the process ignores SIGPIPE (sendfile has no MSG_NOSIGNAL).
        self.check_aborts(6, tls=False)


class ClientAbortMultipart(ClientAbortBase):
    def test_client_closes_mid_multipart(self):
        self.check_aborts(6, tls=False, headers=[("Range", "bytes=0-2000000,3000000-")])


class ClientAbortTls(ClientAbortBase):
    def test_client_closes_mid_download_tls(self):
        self.check_aborts(6, tls=True)


class TimeoutTest(l7test.ServerCase):
    """header_timeout, idle_timeout and io_timeout all 1s."""

    @classmethod
    def server_kwargs(cls):
        return {"config_text": l7test.config_with({("http", "header_timeout"): '"1s"',
                                                   ("http", "idle_timeout"): '"1s"',
                                                   ("http", "io_timeout"): '"1s"'})}

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.server.write_public("hello.txt", BODY)
        cls.server.write_public("big.bin", os.urandom(20 * 1024 * 1024))

    def time_to_close(self, sock, limit=15):
        """Seconds until the server closes `sock` (EOF or reset); bytes received on the way."""
        start = time.monotonic()
        sock.settimeout(limit)
        got = b""
        try:
            while True:
                data = sock.recv(65536)
                if not data:
                    break
                got += data
        except (ConnectionResetError, socket.timeout):
            pass
        return time.monotonic() - start, got

    def assertClosedWithin(self, elapsed, got, lo=0.5, hi=5.0):
        self.assertGreaterEqual(elapsed, lo, "closed too early (%.2fs)" % elapsed)
        self.assertLess(elapsed, hi, "not closed within %ss (%.2fs)" % (hi, elapsed))
        # Closing silently or with a 408 (RFC 9110 §15.5.9) are both fine.
        if got:
            self.assertTrue(got.startswith(b"HTTP/1.1 408 "), got[:200])

    def test_slowloris_partial_head(self):
        with connect(self.server.http_port, timeout=20) as s:
            s.sendall(raw("GET /hello.txt HTTP/1.1\r\nHost: x\r\nX-Slow: "))
            elapsed, got = self.time_to_close(s)
        self.assertClosedWithin(elapsed, got)
        l7test.get(self.server.http_port, "/hello.txt")

    def test_slowloris_trickle(self):
        # One byte every 200 ms: the header timeout runs from the first byte, not per read.
        with connect(self.server.http_port, timeout=20) as s:
            start = time.monotonic()
            closed_at = None
            for b in raw("GET /hello.txt HTTP/1.1\r\nHost: x\r\n" + "X-A: b\r\n" * 100):
                try:
                    s.send(bytes([b]))
                except (BrokenPipeError, ConnectionResetError):
                    closed_at = time.monotonic() - start
                    break
                s.settimeout(0.2)
                try:
                    if s.recv(65536) == b"":
                        closed_at = time.monotonic() - start
                        break
                except socket.timeout:
                    pass
                except ConnectionResetError:
                    closed_at = time.monotonic() - start
                    break
                if time.monotonic() - start > 15:
                    break
        self.assertIsNotNone(closed_at, "a trickling client was never cut off")
        self.assertGreaterEqual(closed_at, 0.5)
        self.assertLess(closed_at, 5.0)

    def test_silent_connection(self):
        # Connected, nothing sent: closed after the idle (or header) timeout.
        with connect(self.server.http_port, timeout=20) as s:
            elapsed, got = self.time_to_close(s)
        self.assertClosedWithin(elapsed, got)

    def test_idle_keep_alive(self):
        with connect(self.server.http_port, timeout=20) as s:
            s.sendall(request_bytes("GET", "/hello.txt"))
            rd = Reader(s)
            r = rd.read_response()
            self.assertEqual((r.status, r.body), (200, BODY))
            self.assertFalse(r.has_token("Connection", "close"))
            elapsed, got = self.time_to_close(s)
        self.assertClosedWithin(elapsed, got)

    def test_active_keep_alive_survives_idle_timeout(self):
        # Requests every 0.4 s for 3 s: each one restarts the idle timer.
        with connect(self.server.http_port, timeout=20) as s:
            rd = Reader(s)
            start = time.monotonic()
            while time.monotonic() - start < 3:
                s.sendall(request_bytes("GET", "/hello.txt"))
                self.assertEqual(rd.read_response().body, BODY)
                time.sleep(0.4)

    def test_stalled_reader(self):
        # A client that asks for 20 MiB and never reads: the server gives up after io_timeout
        # instead of holding the connection (and the file) forever.
        for tls in (False, True):
            with self.subTest(tls=tls):
                port = self.server.https_port if tls else self.server.http_port
                s = connect(port, timeout=20, tls=tls, cafile=self.server.cert)
                with s:
                    s.sendall(request_bytes("GET", "/big.bin"))
                    time.sleep(4)  # the socket buffers fill at once, then the 1 s io_timeout
                    got = 0
                    s.settimeout(10)
                    try:
                        while True:
                            data = s.recv(1 << 20)
                            if not data:
                                break
                            got += len(data)
                    except (ConnectionResetError, socket.timeout, ssl.SSLError, OSError):
                        pass
                self.assertLess(got, 20 * 1024 * 1024, "the stalled transfer was never cut off")
                self.assertTrue(self.server.alive())
        l7test.get(self.server.http_port, "/hello.txt")

    def test_partial_head_tls(self):
        with connect(self.server.https_port, host="127.0.0.1", timeout=20, tls=True, cafile=self.server.cert) as s:
            s.sendall(raw("GET /hello.txt HTTP/1.1\r\nHost: x\r\n"))
            start = time.monotonic()
            s.settimeout(15)
            try:
                while s.recv(65536):
                    pass
            except (ConnectionResetError, socket.timeout, OSError):
                pass
            elapsed = time.monotonic() - start
        self.assertGreaterEqual(elapsed, 0.5)
        self.assertLess(elapsed, 5.0)

    def test_tls_client_hello_on_plain_port_no_line_end(self):
        # An https client on the plain port: bytes that can never start a request line, and no
        # CRLF. The server may refuse at once (400) or when the header timeout fires; either
        # way the connection must end within the header timeout.
        hello = bytes.fromhex("16030100a5010000a10303") + bytes(range(32, 64)) + b"\x00" * 40
        with connect(self.server.http_port, timeout=20) as s:
            s.sendall(hello)
            elapsed, got = self.time_to_close(s)
        self.assertLess(elapsed, 5.0)
        if got:
            self.assertTrue(got.startswith(b"HTTP/1.1 400 Bad Request\r\n"), got[:200])

    def test_tls_handshake_never_started(self):
        # TCP connected to the TLS port, no ClientHello: cut off by the header timeout.
        with connect(self.server.https_port, timeout=20) as s:
            elapsed, got = self.time_to_close(s)
        self.assertGreaterEqual(elapsed, 0.5)
        self.assertLess(elapsed, 5.0)
        self.assertEqual(got, b"")


class ConnectionCapTest(l7test.ServerCase):
    """[services.http] max_connections = 2."""

    @classmethod
    def server_kwargs(cls):
        return {"config_text": l7test.config_with({("services.http", "max_connections"): "2"})}

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.server.write_public("hello.txt", BODY)

    def open_served(self):
        # Connections closed by an earlier test free their slots only once the server has seen
        # the close, so a 503 right at the start is retried for a while; a slot that never
        # frees still fails.
        deadline = time.monotonic() + 5
        while True:
            s = connect(self.server.http_port)
            s.sendall(request_bytes("GET", "/hello.txt"))
            rd = Reader(s)
            r = rd.read_response()
            if r.status != 503 or time.monotonic() > deadline:
                break
            s.close()
            time.sleep(0.05)
        self.assertEqual((r.status, r.body), (200, BODY))
        return s, rd

    def test_third_connection_refused_then_recovers(self):
        a, ra = self.open_served()
        b, rb = self.open_served()
        try:
            resp, closed, reader = exchange(self.server.http_port, request_bytes("GET", "/hello.txt"))
            if resp is not None:
                self.assertEqual(resp.status_line, "HTTP/1.1 503 Service Unavailable")
                self.assertTrue(resp.has_token("Connection", "close"), resp.headers)
            self.assertTrue(closed, "the third connection was served: %r" % resp)
            # the first two still work
            a.sendall(request_bytes("GET", "/hello.txt"))
            self.assertEqual(ra.read_response().body, BODY)
            # one closes: a new connection is served (the slot frees once the session ends)
            a.close()
            deadline = time.monotonic() + 5
            while True:
                resp, _, _ = exchange(self.server.http_port, request_bytes("GET", "/hello.txt",
                                                                           headers=[("Connection", "close")]))
                if resp is not None and resp.status == 200:
                    break
                self.assertLess(time.monotonic(), deadline, "no slot freed 5 s after a connection closed")
                time.sleep(0.1)
            self.assertEqual(resp.body, BODY)
        finally:
            a.close()
            b.close()

    def test_https_not_capped_by_http(self):
        a, _ = self.open_served()
        b, _ = self.open_served()
        try:
            with connect(self.server.https_port, host="127.0.0.1", tls=True, cafile=self.server.cert) as s:
                s.sendall(request_bytes("GET", "/hello.txt", headers=[("Connection", "close")]))
                self.assertEqual(Reader(s).read_response().body, BODY)
        finally:
            a.close()
            b.close()


if __name__ == "__main__":
    l7test.main()
