"""Our client, `l7 http`, against Debian's nginx and python3's http.server (and, lighter, against
our own `l7 serve`): byte-exact downloads, -o, -I, -i, -L chains, redirect limits, -f, TLS
verification (--cacert, -k, name mismatch), chunked and close-delimited responses, request
bodies, keep-alive reuse, timeouts and connection errors with curl's exit codes.

Run: python3 test_l7_http_client.py --l7 build/dev/l7
"""

import gzip
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import unittest

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import peers  # noqa: E402
from peers import file_bytes, sha256  # noqa: E402
import l7test  # noqa: E402

SMALL = b"hello from nginx's folder\n"
TEXT = ("".join("line %d of a text file that nginx gzips on the fly\n" % i for i in range(3000))).encode()


def l7_http(*args, timeout=120, input=None):
    """Runs `l7 http ARGS`; returns CompletedProcess (bytes stdout, text stderr)."""
    p = subprocess.run([l7test.binary(), "http"] + list(args), capture_output=True, timeout=timeout,
                       env=peers.CLEAN_ENV, input=input)
    p.stderr = p.stderr.decode("utf-8", "replace")
    return p


def sanitizer_free(testcase, p):
    for m in l7test.SANITIZER_MARKERS:
        testcase.assertNotIn(m, p.stderr, "sanitizer report from l7 http:\n" + p.stderr)


class ClientCase(unittest.TestCase):
    def run_ok(self, *args, **kw):
        p = l7_http(*args, **kw)
        sanitizer_free(self, p)
        self.assertEqual(p.returncode, 0, "l7 http %s -> %d\n%s" % (" ".join(args), p.returncode, p.stderr[-3000:]))
        return p

    def run_rc(self, rc, *args, **kw):
        p = l7_http(*args, **kw)
        sanitizer_free(self, p)
        if isinstance(rc, tuple):
            self.assertIn(p.returncode, rc, "l7 http %s\n%s" % (" ".join(args), p.stderr[-3000:]))
        else:
            self.assertEqual(p.returncode, rc, "l7 http %s\n%s" % (" ".join(args), p.stderr[-3000:]))
        return p

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="l7-client-")

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def out(self, name):
        return os.path.join(self.tmp, name)


@peers.needs("nginx", "openssl")
class AgainstNginx(ClientCase):
    @classmethod
    def setUpClass(cls):
        cls.root = tempfile.mkdtemp(prefix="l7-nginx-root-")
        cls.big = os.urandom(5 * 1024 * 1024 + 7)
        for rel, data in {"hello.txt": SMALL, "big.bin": cls.big, "text.txt": TEXT, "sub/x.txt": b"x\n"}.items():
            path = os.path.join(cls.root, rel)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "wb") as f:
                f.write(data)
        os.chmod(cls.root, 0o755)
        cls.nginx = peers.Nginx(cls.root)
        try:
            cls.nginx.start()
        except Exception:
            cls.nginx.cleanup()
            shutil.rmtree(cls.root, ignore_errors=True)
            raise

    @classmethod
    def tearDownClass(cls):
        cls.nginx.cleanup()
        shutil.rmtree(cls.root, ignore_errors=True)

    def url(self, path, host="127.0.0.1", tls=False):
        if ":" in host:
            host = "[%s]" % host
        return "%s://%s:%d%s" % ("https" if tls else "http", host, self.nginx.tls_port if tls else self.nginx.port, path)

    # -- downloads

    def test_get_small_to_stdout(self):
        p = self.run_ok("-s", self.url("/hello.txt"))
        self.assertEqual(p.stdout, SMALL)

    def test_get_big_output_file(self):
        p = self.run_ok("-s", "-o", self.out("big.bin"), self.url("/big.bin"))
        self.assertEqual(p.stdout, b"")
        self.assertEqual(sha256(file_bytes(self.out("big.bin"))), sha256(self.big))

    def test_get_big_to_stdout(self):
        p = self.run_ok("-s", self.url("/big.bin"))
        self.assertEqual(sha256(p.stdout), sha256(self.big))

    def test_remote_name(self):
        p = subprocess.run([l7test.binary(), "http", "-s", "-O", self.url("/sub/x.txt")], cwd=self.tmp,
                           capture_output=True, timeout=60, env=peers.CLEAN_ENV)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(file_bytes(self.out("x.txt")), b"x\n")

    def test_ipv6(self):
        p = self.run_ok("-s", self.url("/hello.txt", host="::1"))
        self.assertEqual(p.stdout, SMALL)

    def test_localhost_name(self):
        p = self.run_ok("-s", self.url("/hello.txt", host="localhost"))
        self.assertEqual(p.stdout, SMALL)

    # -- heads

    def test_head(self):
        p = self.run_ok("-s", "-I", self.url("/big.bin"))
        text = p.stdout.decode("latin-1")
        self.assertTrue(text.startswith("HTTP/1.1 200 OK\r\n"), text)
        self.assertIn("Content-Length: %d\r\n" % len(self.big), text)
        self.assertTrue(text.endswith("\r\n\r\n"), "a HEAD output ends with the head: %r" % text[-50:])

    def test_include(self):
        p = self.run_ok("-s", "-i", self.url("/hello.txt"))
        head, _, body = p.stdout.partition(b"\r\n\r\n")
        self.assertTrue(head.startswith(b"HTTP/1.1 200 OK\r\n"), head)
        self.assertEqual(body, SMALL)

    # -- redirects

    def test_redirect_not_followed(self):
        p = self.run_ok("-s", "-i", self.url("/r301"))
        self.assertTrue(p.stdout.startswith(b"HTTP/1.1 301 "), p.stdout[:200])
        self.assertIn(b"\r\nLocation: ", p.stdout)

    def test_redirect_chain(self):
        p = self.run_ok("-s", "-L", "-v", self.url("/r301"))
        self.assertEqual(p.stdout, SMALL)
        self.assertIn("< HTTP/1.1 301", p.stderr)
        self.assertIn("< HTTP/1.1 302", p.stderr)
        self.assertIn("> GET /hello.txt HTTP/1.1", p.stderr)

    def test_redirect_absolute(self):
        p = self.run_ok("-s", "-L", self.url("/abs"))
        self.assertEqual(p.stdout, SMALL)

    def test_redirect_to_https(self):
        p = self.run_ok("-s", "-L", "--cacert", self.nginx.cert, self.url("/cross-tls"))
        self.assertEqual(p.stdout, SMALL)

    def test_redirect_loop(self):
        self.run_rc(47, "-s", "-L", self.url("/loop"))
        self.run_rc(47, "-s", "-L", "--max-redirs", "1", self.url("/r301"))
        p = self.run_ok("-s", "-L", "--max-redirs", "2", self.url("/r301"))
        self.assertEqual(p.stdout, SMALL)

    # -- errors

    def test_fail_404(self):
        p = self.run_rc(22, "-s", "-f", self.url("/missing"))
        self.assertEqual(p.stdout, b"")

    def test_404_without_fail(self):
        p = self.run_ok("-s", self.url("/missing"))
        self.assertIn(b"404", p.stdout)

    def test_connection_refused(self):
        port = l7test.free_port()
        self.run_rc(7, "-s", "http://127.0.0.1:%d/" % port)

    def test_bad_url(self):
        self.run_rc(3, "-s", "http://[::1/")
        self.run_rc((1, 3), "-s", "ftp://127.0.0.1/x")

    def test_unresolvable(self):
        self.run_rc(6, "-s", "http://no-such-host.invalid/")

    def test_max_time(self):
        # A peer that accepts and never answers: -m 1 -> exit 28 in about a second.
        with socket.socket() as srv:
            srv.bind(("127.0.0.1", 0))
            srv.listen(4)
            start = time.monotonic()
            self.run_rc(28, "-s", "-m", "1", "http://127.0.0.1:%d/" % srv.getsockname()[1], timeout=30)
            self.assertLess(time.monotonic() - start, 10)

    # -- TLS

    def test_https_cacert(self):
        p = self.run_ok("-s", "--cacert", self.nginx.cert, self.url("/hello.txt", host="localhost", tls=True))
        self.assertEqual(p.stdout, SMALL)

    def test_https_ipv6_literal(self):
        p = self.run_ok("-s", "--cacert", self.nginx.cert, self.url("/hello.txt", host="::1", tls=True))
        self.assertEqual(p.stdout, SMALL)

    def test_https_big(self):
        self.run_ok("-s", "--cacert", self.nginx.cert, "-o", self.out("big.bin"),
                    self.url("/big.bin", host="localhost", tls=True))
        self.assertEqual(sha256(file_bytes(self.out("big.bin"))), sha256(self.big))

    def test_https_untrusted(self):
        p = self.run_rc((35, 60), "-s", self.url("/hello.txt", host="localhost", tls=True))
        self.assertEqual(p.stdout, b"")
        self.assertEqual(p.returncode, 60, "an untrusted certificate is curl's 60")

    def test_https_name_mismatch(self):
        # The nginx certificate names localhost and ::1 only, not 127.0.0.1.
        p = self.run_rc((35, 60), "-s", "--cacert", self.nginx.cert, self.url("/hello.txt", host="127.0.0.1", tls=True))
        self.assertEqual(p.stdout, b"")

    def test_https_insecure(self):
        p = self.run_ok("-s", "-k", self.url("/hello.txt", host="127.0.0.1", tls=True))
        self.assertEqual(p.stdout, SMALL)

    def test_bad_cacert_file(self):
        self.run_rc(77, "-s", "--cacert", self.out("missing.pem"), self.url("/hello.txt", host="localhost", tls=True))

    def test_https_to_plain_port(self):
        self.run_rc((35, 56), "-s", "-k", "https://127.0.0.1:%d/hello.txt" % self.nginx.port)

    # -- framing

    def test_chunked_gzip_response(self):
        p = self.run_ok("-s", "-v", "-H", "Accept-Encoding: gzip", self.url("/text.txt"))
        self.assertIn("< Transfer-Encoding: chunked", p.stderr)
        self.assertIn("< Content-Encoding: gzip", p.stderr)
        self.assertEqual(gzip.decompress(p.stdout), TEXT)

    def test_keep_alive_reuse(self):
        p = self.run_ok("-s", "-v", "-o", self.out("1"), "-o", self.out("2"), "-o", self.out("3"),
                        self.url("/hello.txt"), self.url("/big.bin"), self.url("/sub/x.txt"))
        self.assertEqual(p.stderr.count("Re-using existing connection"), 2, p.stderr)
        self.assertEqual(file_bytes(self.out("1")), SMALL)
        self.assertEqual(sha256(file_bytes(self.out("2"))), sha256(self.big))
        self.assertEqual(file_bytes(self.out("3")), b"x\n")

    def test_keep_alive_reuse_tls(self):
        p = self.run_ok("-s", "-v", "--cacert", self.nginx.cert, self.url("/hello.txt", host="localhost", tls=True),
                        self.url("/sub/x.txt", host="localhost", tls=True))
        self.assertIn("Re-using existing connection", p.stderr)
        self.assertEqual(p.stdout, SMALL + b"x\n")

    def test_keep_alive_after_gzip_chunked(self):
        p = self.run_ok("-s", "-v", "-H", "Accept-Encoding: gzip", "-o", self.out("1"), "-o", self.out("2"),
                        self.url("/text.txt"), self.url("/hello.txt"))
        self.assertIn("Re-using existing connection", p.stderr)
        self.assertEqual(gzip.decompress(file_bytes(self.out("1"))), TEXT)

    def test_http10(self):
        p = self.run_ok("-s", "-v", "--http1.0", self.url("/hello.txt"))
        self.assertIn("> GET /hello.txt HTTP/1.0", p.stderr)
        self.assertEqual(p.stdout, SMALL)

    def test_post_to_nginx_static(self):
        # nginx answers 405 to POST on a static file; with -f that is exit 22.
        self.run_rc(22, "-s", "-f", "-d", "a=b", self.url("/hello.txt"))


class AgainstPythonServer(ClientCase):
    @classmethod
    def setUpClass(cls):
        cls.payload = os.urandom(300000)
        cls._cm = peers.python_server(chunked_payload=cls.payload)
        cls.py = cls._cm.__enter__()

    @classmethod
    def tearDownClass(cls):
        cls._cm.__exit__(None, None, None)

    def url(self, path):
        return "http://127.0.0.1:%d%s" % (self.py.port, path)

    def test_chunked_response_with_extensions_and_trailer(self):
        p = self.run_ok("-s", self.url("/chunked"))
        self.assertEqual(sha256(p.stdout), sha256(self.payload))

    def test_chunked_then_reuse(self):
        p = self.run_ok("-s", "-v", "-o", self.out("1"), "-o", self.out("2"), self.url("/chunked"), self.url("/chunked"))
        self.assertIn("Re-using existing connection", p.stderr)
        self.assertEqual(sha256(file_bytes(self.out("1"))), sha256(self.payload))
        self.assertEqual(sha256(file_bytes(self.out("2"))), sha256(self.payload))

    def test_close_delimited_response(self):
        p = self.run_ok("-s", self.url("/close-delimited"))
        self.assertEqual(sha256(p.stdout), sha256(self.payload))

    def test_post_form(self):
        p = self.run_ok("-s", "-i", "-d", "name=l7", "-d", "x=1", self.url("/echo"))
        head, _, body = p.stdout.partition(b"\r\n\r\n")
        self.assertEqual(body, b"name=l7&x=1")
        self.assertIn(b"X-Request-Method: POST", head)
        self.assertIn(b"X-Request-Content-Type: application/x-www-form-urlencoded", head)

    def test_post_binary_file(self):
        data = os.urandom(3 * 1024 * 1024)  # over 1 MiB: sent with Expect: 100-continue
        with open(self.out("body.bin"), "wb") as f:
            f.write(data)
        p = self.run_ok("-s", "-v", "--data-binary", "@" + self.out("body.bin"), self.url("/echo"))
        self.assertEqual(sha256(p.stdout), sha256(data))
        self.assertIn("> Expect: 100-continue", p.stderr)

    def test_post_data_binary_keeps_newlines(self):
        with open(self.out("nl.txt"), "wb") as f:
            f.write(b"a\r\nb\nc\n")
        p = self.run_ok("-s", "--data-binary", "@" + self.out("nl.txt"), self.url("/echo"))
        self.assertEqual(p.stdout, b"a\r\nb\nc\n")
        p = self.run_ok("-s", "-d", "@" + self.out("nl.txt"), self.url("/echo"))
        self.assertEqual(p.stdout, b"abc")

    def test_post_chunked(self):
        p = self.run_ok("-s", "-i", "--chunked", "-d", "chunky body", self.url("/echo"))
        head, _, body = p.stdout.partition(b"\r\n\r\n")
        self.assertEqual(body, b"chunky body")
        self.assertIn(b"X-Request-Transfer-Encoding: chunked", head)

    def test_post_chunked_via_header(self):
        p = self.run_ok("-s", "-H", "Transfer-Encoding: chunked", "--data-binary", "via header", self.url("/echo"))
        self.assertEqual(p.stdout, b"via header")

    def test_put_upload(self):
        data = os.urandom(100000)
        with open(self.out("up.bin"), "wb") as f:
            f.write(data)
        p = self.run_ok("-s", "-i", "-T", self.out("up.bin"), self.url("/echo"))
        head, _, body = p.stdout.partition(b"\r\n\r\n")
        self.assertIn(b"X-Request-Method: PUT", head)
        self.assertEqual(sha256(body), sha256(data))

    def test_put_stdin_chunked(self):
        data = os.urandom(50000)
        p = self.run_ok("-s", "-T", "-", self.url("/echo"), input=data)
        self.assertEqual(sha256(p.stdout), sha256(data))

    def test_redirect_methods(self):
        # RFC 9110 §15.4: 307/308 keep the method and body; 303 becomes GET without a body;
        # 301/302 after POST become GET (the documented, curl-compatible choice).
        for path, method, body in (("/r307", "POST", b"payload"), ("/r308", "POST", b"payload"),
                                   ("/r303", "GET", b""), ("/r301", "GET", b""), ("/r302", "GET", b"")):
            with self.subTest(path=path):
                p = self.run_ok("-s", "-i", "-L", "-d", "payload", self.url(path))
                last = p.stdout.split(b"\r\n\r\n")
                heads = [h for h in last[:-1] if h.startswith(b"HTTP/")]
                final_head, final_body = heads[-1], last[-1]
                self.assertIn(b"X-Request-Method: " + method.encode(), final_head, p.stdout[-500:])
                self.assertEqual(final_body, body)

    def test_credentials_not_sent_to_another_origin(self):
        p = self.run_ok("-s", "-L", "-u", "user:secret", self.url("/cross-origin"))
        self.assertNotIn(b"Authorization", p.stdout, "credentials leaked to another origin on a redirect")
        self.assertIn(b"Host: localhost:", p.stdout)

    def test_custom_headers(self):
        p = self.run_ok("-s", "-H", "X-Custom: yes", "-H", "User-Agent:", "-A", "", self.url("/headers"))
        self.assertIn(b"X-Custom: yes", p.stdout)
        self.assertNotIn(b"User-Agent", p.stdout)

    def test_basic_auth(self):
        p = self.run_ok("-s", "-u", "user:pa:ss", self.url("/headers"))
        self.assertIn(b"Authorization: Basic dXNlcjpwYTpzcw==", p.stdout)


class AgainstL7Serve(ClientCase, l7test.ServerCase):
    """`l7 http` against `l7 serve`: the same client and server codec on both ends."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()  # ServerCase's: ClientCase has none
        cls.big = os.urandom(5 * 1024 * 1024 + 3)
        cls.server.write_public("big.bin", cls.big)
        cls.server.write_public("hello.txt", SMALL)
        cls.server.write_public("dir/x.txt", b"x\n")

    def tearDown(self):
        ClientCase.tearDown(self)
        l7test.ServerCase.tearDown(self)

    def test_get(self):
        p = self.run_ok("-s", self.server.url("/hello.txt"))
        self.assertEqual(p.stdout, SMALL)

    def test_big_http_and_https(self):
        self.run_ok("-s", "-o", self.out("a"), self.server.url("/big.bin"))
        self.assertEqual(sha256(file_bytes(self.out("a"))), sha256(self.big))
        self.run_ok("-s", "--cacert", self.server.cert, "-o", self.out("b"),
                    self.server.url("/big.bin", scheme="https", host="localhost"))
        self.assertEqual(sha256(file_bytes(self.out("b"))), sha256(self.big))

    def test_https_hosts(self):
        for host in ("localhost", "127.0.0.1", "::1"):
            with self.subTest(host=host):
                p = self.run_ok("-s", "--cacert", self.server.cert, self.server.url("/hello.txt", scheme="https", host=host))
                self.assertEqual(p.stdout, SMALL)

    def test_https_untrusted(self):
        self.run_rc(60, "-s", self.server.url("/hello.txt", scheme="https", host="localhost"))

    def test_head(self):
        p = self.run_ok("-s", "-I", self.server.url("/big.bin"))
        text = p.stdout.decode("latin-1")
        self.assertTrue(text.startswith("HTTP/1.1 200 OK\r\n"), text)
        self.assertIn("Content-Length: %d\r\n" % len(self.big), text)

    def test_fail(self):
        self.run_rc(22, "-s", "-f", self.server.url("/missing"))
        self.run_rc(22, "-s", "-f", "-d", "x", self.server.url("/hello.txt"))  # 405

    def test_follow_directory_redirect(self):
        p = self.run_ok("-s", "-L", self.server.url("/dir"))
        self.assertIn(b"x.txt", p.stdout)

    def test_range(self):
        p = self.run_ok("-s", "-H", "Range: bytes=100-199", self.server.url("/big.bin"))
        self.assertEqual(p.stdout, self.big[100:200])

    def test_keep_alive(self):
        p = self.run_ok("-s", "-v", "-o", self.out("1"), "-o", self.out("2"), self.server.url("/hello.txt"),
                        self.server.url("/big.bin"))
        self.assertIn("Re-using existing connection", p.stderr)
        self.assertEqual(sha256(file_bytes(self.out("2"))), sha256(self.big))

    def test_post_big_body_to_static(self):
        # 3 MiB with Expect: 100-continue to a static path: the server answers 405 without 100;
        # the client must report it (exit 22 with -f) without sending the body or hanging.
        with open(self.out("body.bin"), "wb") as f:
            f.write(os.urandom(3 * 1024 * 1024))
        start = time.monotonic()
        self.run_rc(22, "-s", "-f", "--data-binary", "@" + self.out("body.bin"), self.server.url("/hello.txt"))
        self.assertLess(time.monotonic() - start, 10)

    def test_http10(self):
        p = self.run_ok("-s", "--http1.0", self.server.url("/hello.txt"))
        self.assertEqual(p.stdout, SMALL)

    def test_reuse_after_304_and_head(self):
        # Bodyless responses (304, HEAD) must not desynchronize a kept-alive connection.
        etag = [l for l in self.run_ok("-s", "-I", self.server.url("/hello.txt")).stdout.decode().split("\r\n")
                if l.lower().startswith("etag:")][0].split(":", 1)[1].strip()
        p = self.run_ok("-s", "-v", "-H", "If-None-Match: " + etag, "-o", self.out("1"), "-o", self.out("2"),
                        self.server.url("/hello.txt"), self.server.url("/dir/x.txt"))
        self.assertIn("< HTTP/1.1 304", p.stderr)
        self.assertIn("Re-using existing connection", p.stderr)
        self.assertEqual(file_bytes(self.out("2")), b"x\n")
        p = self.run_ok("-s", "-v", "-I", self.server.url("/big.bin"), self.server.url("/hello.txt"))
        self.assertIn("Re-using existing connection", p.stderr)
        self.assertEqual(p.stdout.count(b"HTTP/1.1 200 OK"), 2)


if __name__ == "__main__":
    l7test.main()
