"""curl (Debian's) against `l7 serve`: HTTP/1.0 and 1.1, keep-alive, ranges, validators, HEAD,
405 for a chunked POST, HTTPS on every loopback name, IPv6, a large download, listings, 404,
path traversal and symlink escapes, /metrics.

Run: python3 test_curl.py --l7 build/dev/l7
"""

import json
import os
import re
import shutil
import sys
import tempfile

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import peers  # noqa: E402
from peers import curl, curl_multi, curl_raw, parse_multipart_byteranges, sha256  # noqa: E402
import l7test  # noqa: E402

SMALL = b"hello from l7\n"
RANGE_DATA = bytes((i * 7 + 3) % 256 for i in range(1000))
SECRET = b"TOP-SECRET-7f0c1e2d-never-served\n"


@peers.needs("curl")
class CurlTest(l7test.ServerCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        s = cls.server
        s.write_public("hello.txt", SMALL)
        s.write_public("range.bin", RANGE_DATA)
        cls.big = os.urandom(5 * 1024 * 1024 + 123)
        s.write_public("big.bin", cls.big)
        s.write_public("dir/a.txt", b"a\n")
        s.write_public("dir/b.txt", b"bb\n")
        s.write_public("dir/sub/c.txt", b"ccc\n")
        # A secret next to public/ and one outside the data directory, plus symlinks to them.
        cls.secret_path = os.path.join(s.data_dir, "secret.txt")
        with open(cls.secret_path, "wb") as f:
            f.write(SECRET)
        cls.outside = tempfile.mkdtemp(prefix="l7-outside-")
        with open(os.path.join(cls.outside, "secret.txt"), "wb") as f:
            f.write(SECRET)
        os.symlink(cls.secret_path, os.path.join(s.public, "escape_abs.txt"))
        os.symlink("../secret.txt", os.path.join(s.public, "escape_rel.txt"))
        os.symlink(cls.outside, os.path.join(s.public, "escape_dir"))
        os.symlink("dir/a.txt", os.path.join(s.public, "inside_rel.txt"))

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.outside, ignore_errors=True)
        super().tearDownClass()

    def url(self, path, **kw):
        return self.server.url(path, **kw)

    def assertCurl(self, r, code, body=None):
        self.assertEqual(r.rc, 0, r)
        self.assertEqual(r.code, code, r)
        if body is not None:
            self.assertEqual(r.body, body)

    # -- versions and connections

    def test_http11_get(self):
        r = curl("--http1.1", self.url("/hello.txt"))
        self.assertCurl(r, 200, SMALL)
        self.assertTrue(r.status_line.startswith("HTTP/1.1 200"), r.status_line)
        self.assertEqual(r.header("content-length"), str(len(SMALL)))
        self.assertTrue(r.header("content-type").startswith("text/plain"), r.headers)
        self.assertIsNotNone(r.header("date"))

    def test_http10_get(self):
        r = curl("--http1.0", "-v", self.url("/hello.txt"))
        self.assertCurl(r, 200, SMALL)
        self.assertIn("> GET /hello.txt HTTP/1.0", r.stderr)
        # Without Connection: keep-alive an HTTP/1.0 exchange ends with the connection.
        self.assertNotIn("left intact", r.stderr)
        # RFC 9110 §6.2: the server answers with its own major version: HTTP/1.x.
        self.assertRegex(r.status_line, r"^HTTP/1\.[01] 200")

    def test_http10_keep_alive(self):
        p, bodies = curl_multi([self.url("/hello.txt"), self.url("/dir/a.txt")], "--http1.0", "-v",
                               "-H", "Connection: keep-alive")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(bodies, [SMALL, b"a\n"])
        self.assertIn("Re-using existing connection", p.stderr)

    def test_keep_alive_several_urls(self):
        urls = [self.url("/hello.txt"), self.url("/dir/a.txt"), self.url("/range.bin"), self.url("/dir/b.txt")]
        p, bodies = curl_multi(urls, "-v")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(bodies, [SMALL, b"a\n", RANGE_DATA, b"bb\n"])
        self.assertEqual(p.stderr.count("Re-using existing connection"), 3, p.stderr)
        self.assertEqual(len(re.findall(r"Connected to ", p.stderr)), 1, p.stderr)

    # -- ranges

    def test_range_single(self):
        r = curl("-r", "10-19", self.url("/range.bin"))
        self.assertCurl(r, 206, RANGE_DATA[10:20])
        self.assertEqual(r.header("content-range"), "bytes 10-19/1000")
        self.assertEqual(r.header("content-length"), "10")

    def test_range_suffix_and_open(self):
        r = curl("-H", "Range: bytes=-5", self.url("/range.bin"))
        self.assertCurl(r, 206, RANGE_DATA[-5:])
        self.assertEqual(r.header("content-range"), "bytes 995-999/1000")
        r = curl("-r", "990-", self.url("/range.bin"))
        self.assertCurl(r, 206, RANGE_DATA[990:])
        self.assertEqual(r.header("content-range"), "bytes 990-999/1000")

    def test_range_multi(self):
        r = curl("-r", "0-9,20-29,995-", self.url("/range.bin"))
        self.assertCurl(r, 206)
        self.assertIsNone(r.header("content-range"), "a multipart response has Content-Range only in its parts")
        self.assertEqual(int(r.header("content-length")), len(r.body))
        problems = parse_multipart_byteranges(r.body, r.header("content-type"),
                                              [(0, 9, RANGE_DATA[0:10]), (20, 29, RANGE_DATA[20:30]),
                                               (995, 999, RANGE_DATA[995:])])
        self.assertEqual(problems, [], r.body[:600])

    def test_many_ranges_not_amplified(self):
        # RFC 9110 §14.2: many or overlapping ranges may be coalesced, ignored (200) or refused;
        # the response must never be a multiple of the file.
        spec = ",".join(["0-"] * 400)
        r = curl("-H", "Range: bytes=" + spec, self.url("/big.bin"), timeout=120)
        self.assertEqual(r.rc, 0, r)
        self.assertIn(r.code, (200, 206, 416, 431))
        self.assertLessEqual(len(r.body), 2 * len(self.big))

    def test_query_string_ignored_for_files(self):
        r = curl(self.url("/hello.txt?x=1&y=%20"))
        self.assertCurl(r, 200, SMALL)

    def test_percent_encoded_name(self):
        self.server.write_public("with space & more.txt", b"spaced\n")
        r = curl(self.url("/with%20space%20%26%20more.txt"))
        self.assertCurl(r, 200, b"spaced\n")

    def test_range_unsatisfiable(self):
        r = curl("-r", "5000-6000", self.url("/range.bin"))
        self.assertCurl(r, 416)
        self.assertEqual(r.header("content-range"), "bytes */1000")

    def test_range_large_file(self):
        r = curl("-r", "1000000-3000000", self.url("/big.bin"))
        self.assertCurl(r, 206)
        self.assertEqual(sha256(r.body), sha256(self.big[1000000:3000001]))

    # -- validators

    def validators(self):
        r = curl(self.url("/hello.txt"))
        self.assertCurl(r, 200, SMALL)
        etag, lm = r.header("etag"), r.header("last-modified")
        self.assertIsNotNone(etag)
        self.assertIsNotNone(lm)
        return etag, lm

    def test_304_if_none_match(self):
        etag, _ = self.validators()
        r = curl("-H", "If-None-Match: " + etag, self.url("/hello.txt"))
        self.assertCurl(r, 304, b"")
        self.assertEqual(r.header("etag"), etag)  # RFC 9110 §15.4.5
        # RFC 9110 §8.6: Content-Length in a 304 only with the length a 200 would have.
        self.assertIn(r.header("content-length"), (None, str(len(SMALL))))
        r = curl("-H", 'If-None-Match: "other", ' + etag, self.url("/hello.txt"))
        self.assertCurl(r, 304, b"")
        r = curl("-H", 'If-None-Match: "other"', self.url("/hello.txt"))
        self.assertCurl(r, 200, SMALL)

    def test_304_if_modified_since(self):
        _, lm = self.validators()
        r = curl("-H", "If-Modified-Since: " + lm, self.url("/hello.txt"))
        self.assertCurl(r, 304, b"")
        r = curl("-H", "If-Modified-Since: Sat, 01 Jan 2000 00:00:00 GMT", self.url("/hello.txt"))
        self.assertCurl(r, 200, SMALL)

    def test_412_if_match(self):
        etag, _ = self.validators()
        r = curl("-H", 'If-Match: "nope"', self.url("/hello.txt"))
        self.assertCurl(r, 412, b"")
        r = curl("-H", "If-Match: " + etag, self.url("/hello.txt"))
        self.assertCurl(r, 200, SMALL)

    def test_if_range(self):
        r = curl(self.url("/range.bin"))
        etag = r.header("etag")
        self.assertIsNotNone(etag, r.headers)
        r = curl("-r", "0-3", "-H", "If-Range: " + etag, self.url("/range.bin"))
        self.assertCurl(r, 206, RANGE_DATA[:4])
        r = curl("-r", "0-3", "-H", 'If-Range: "stale"', self.url("/range.bin"))
        self.assertCurl(r, 200, RANGE_DATA)

    # -- methods

    def test_head(self):
        p = curl_raw("-sS", "-I", self.url("/range.bin"))
        self.assertEqual(p.returncode, 0, p.stderr)
        head = p.stdout.decode("latin-1")
        self.assertTrue(head.startswith("HTTP/1.1 200"), head)
        self.assertIn("\r\nContent-Length: %d\r\n" % len(RANGE_DATA), head)
        self.assertTrue(head.endswith("\r\n\r\n"), "no body after the head: %r" % head)
        # On the wire: a HEAD then a GET on one connection. If HEAD sent a body, the second
        # response would not start with a status line.
        with l7test.connect(self.server.http_port) as s:
            s.sendall(l7test.request_bytes("HEAD", "/range.bin") + l7test.request_bytes("GET", "/hello.txt"))
            rd = l7test.Reader(s)
            head = rd.read_response("HEAD")
            self.assertEqual(head.status, 200)
            self.assertEqual(head.header("Content-Length"), str(len(RANGE_DATA)))
            get = rd.read_response()
            self.assertEqual((get.status, get.body), (200, SMALL))

    def test_post_chunked_to_static_is_405(self):
        with tempfile.NamedTemporaryFile(prefix="l7-body-") as f:
            f.write(os.urandom(200000))
            f.flush()
            r = curl("-H", "Transfer-Encoding: chunked", "--data-binary", "@" + f.name, self.url("/hello.txt"))
        self.assertCurl(r, 405)
        allow = [m.strip() for m in (r.header("allow") or "").split(",")]
        self.assertIn("GET", allow)
        self.assertIn("HEAD", allow)

    def test_put_is_405(self):
        r = curl("-X", "PUT", "--data-binary", "x", self.url("/hello.txt"))
        self.assertCurl(r, 405)
        self.assertIsNotNone(r.header("allow"))

    # -- TLS and addresses

    def test_https_localhost(self):
        r = curl("--cacert", self.server.cert, self.url("/hello.txt", scheme="https", host="localhost"))
        self.assertCurl(r, 200, SMALL)

    def test_https_127_0_0_1(self):
        r = curl("--cacert", self.server.cert, self.url("/hello.txt", scheme="https", host="127.0.0.1"))
        self.assertCurl(r, 200, SMALL)

    def test_https_ipv6(self):
        r = curl("--cacert", self.server.cert, self.url("/hello.txt", scheme="https", host="::1"))
        self.assertCurl(r, 200, SMALL)

    def test_https_untrusted_without_cacert(self):
        r = curl(self.url("/hello.txt", scheme="https", host="localhost"))
        self.assertEqual(r.rc, 60, r)  # peer certificate cannot be authenticated

    def test_https_keep_alive(self):
        p, bodies = curl_multi([self.url("/hello.txt", scheme="https", host="localhost"),
                                self.url("/dir/a.txt", scheme="https", host="localhost")],
                               "-v", "--cacert", self.server.cert)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(bodies, [SMALL, b"a\n"])
        self.assertIn("Re-using existing connection", p.stderr)

    def test_ipv6_http(self):
        r = curl(self.url("/hello.txt", host="::1"))
        self.assertCurl(r, 200, SMALL)

    def test_big_file_http(self):
        r = curl(self.url("/big.bin"), timeout=120)
        self.assertCurl(r, 200)
        self.assertEqual(len(r.body), len(self.big))
        self.assertEqual(sha256(r.body), sha256(self.big))

    def test_big_file_https(self):
        r = curl("--cacert", self.server.cert, self.url("/big.bin", scheme="https", host="localhost"), timeout=120)
        self.assertCurl(r, 200)
        self.assertEqual(len(r.body), len(self.big))
        self.assertEqual(sha256(r.body), sha256(self.big))

    def test_big_file_ipv6_https(self):
        r = curl("--cacert", self.server.cert, self.url("/big.bin", scheme="https", host="::1"), timeout=120)
        self.assertCurl(r, 200)
        self.assertEqual(sha256(r.body), sha256(self.big))

    # -- listings and errors

    def test_listing_json(self):
        for args in (["%s?format=json" % self.url("/dir/")], ["-H", "Accept: application/json", self.url("/dir/")]):
            r = curl(*args)
            self.assertCurl(r, 200)
            self.assertTrue(r.header("content-type").startswith("application/json"), r.headers)
            doc = json.loads(r.body)
            entries = {e["name"]: e for e in doc["entries"]}
            self.assertEqual(set(entries), {"a.txt", "b.txt", "sub"}, doc)
            self.assertEqual(entries["a.txt"]["type"], "file")
            self.assertEqual(entries["a.txt"]["size"], 2)
            self.assertEqual(entries["sub"]["type"], "directory")

    def test_listing_html(self):
        r = curl(self.url("/dir/"))
        self.assertCurl(r, 200)
        self.assertTrue(r.header("content-type").startswith("text/html"), r.headers)
        for name in (b"a.txt", b"b.txt", b"sub/"):
            self.assertIn(b'href="' + name + b'"', r.body)

    def test_directory_redirect(self):
        r = curl(self.url("/dir"))
        self.assertCurl(r, 301)
        self.assertTrue(r.header("location").endswith("/dir/"), r.headers)
        r = curl("-L", self.url("/dir"))
        self.assertCurl(r, 200)

    def test_index_html(self):
        r = curl(self.url("/"))
        self.assertCurl(r, 200)
        self.assertIn(b"l7 is running", r.body)

    def test_404(self):
        r = curl(self.url("/no/such/file.txt"))
        self.assertCurl(r, 404)
        r = curl("-f", self.url("/missing"))
        self.assertEqual(r.rc, 22, r)

    # -- the jail

    def assertNeverServed(self, r, what):
        self.assertNotIn(SECRET.strip(), r.body, "%s served the secret" % what)
        self.assertNotEqual(r.code, 200, "%s answered 200: %r" % (what, r.body[:200]))

    def test_path_traversal(self):
        paths = ["/../secret.txt", "/../../secret.txt", "/dir/../../secret.txt", "/%2e%2e/secret.txt",
                 "/%2E%2E/secret.txt", "/..%2fsecret.txt", "/..%2Fsecret.txt", "/%2e%2e%2fsecret.txt",
                 "/dir/%2e%2e/%2e%2e/secret.txt", "/dir/..%2f..%2fsecret.txt", "/.%2e/secret.txt",
                 "/..%5csecret.txt", "/..\\secret.txt", "//../secret.txt", "/./../secret.txt",
                 "/%2e%2e/data/secret.txt", "/dir/sub/../../../secret.txt",
                 "/" + "../" * 12 + os.path.relpath(self.secret_path, "/")]
        for p in paths:
            with self.subTest(path=p):
                r = curl("--path-as-is", self.url(p))
                self.assertEqual(r.rc, 0, r)
                self.assertNeverServed(r, p)
                self.assertIn(r.code, (400, 403, 404), p)

    def test_path_traversal_raw(self):
        # Targets curl would not send: relative and absolute-form, NUL, backslashes.
        targets = ["../secret.txt", "http://localhost/../secret.txt", "/%00/../secret.txt",
                   "/hello.txt%00", "/%2e%2e%00/secret.txt"]
        for t in targets:
            with self.subTest(target=t):
                resp, _, _ = l7test.exchange(self.server.http_port,
                                             l7test.request_bytes("GET", t, headers=[("Connection", "close")]))
                self.assertIsNotNone(resp)
                self.assertNotIn(SECRET.strip(), resp.body)
                self.assertIn(resp.status, (400, 403, 404), t)

    def test_symlink_escape(self):
        for p in ("/escape_abs.txt", "/escape_rel.txt", "/escape_dir/secret.txt", "/escape_dir/"):
            with self.subTest(path=p):
                r = curl(self.url(p))
                self.assertEqual(r.rc, 0, r)
                self.assertNeverServed(r, p)
                self.assertIn(r.code, (403, 404), p)

    def test_symlink_inside(self):
        # A relative symlink that stays inside the root is served (app/jail.hpp).
        r = curl(self.url("/inside_rel.txt"))
        self.assertCurl(r, 200, b"a\n")

    # -- metrics

    def test_metrics(self):
        curl(self.url("/hello.txt"))
        r = curl(self.url("/metrics"))
        self.assertCurl(r, 200)
        self.assertTrue(r.header("content-type").startswith("text/plain"), r.headers)
        text = r.body.decode()
        self.assertIn("l7_http_requests_total", text)
        m = re.search(r'^l7_http_requests_total\{[^}]*class="2xx"[^}]*\} (\d+)', text, re.M)
        self.assertIsNotNone(m, text)
        self.assertGreaterEqual(int(m.group(1)), 1)


if __name__ == "__main__":
    l7test.main()
