"""GNU wget against `l7 serve`: a plain download, a recursive crawl of a directory tree through
the HTML listings, resuming a partial download with --continue (Range), HTTPS.

Run: python3 test_wget.py --l7 build/dev/l7
"""

import os
import shutil
import sys
import tempfile

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import peers  # noqa: E402
from peers import CLEAN_ENV, file_bytes, sha256  # noqa: E402
import l7test  # noqa: E402

TREE = {
    "tree/top.txt": b"top level\n",
    "tree/data.bin": bytes(range(256)) * 300,
    "tree/sub/one.txt": b"one\n",
    "tree/sub/deeper/two.bin": os.urandom(70000),  # over the server's inline limit: sendfile path
    "tree/sub/deeper/three.txt": b"three\n",
    "tree/with space.txt": b"a name with a space\n",
    "tree/empty/.hidden": b"hidden files are not listed\n",
}
OUTSIDE_TREE = {"sibling.txt": b"not under tree/\n"}


def wget(*args, cwd=None, timeout=120):
    cmd = ["wget", "--no-config", "--tries=1", "--timeout=30", "--no-proxy"] + list(args)
    return l7test.run(cmd, timeout=timeout, cwd=cwd, env=CLEAN_ENV)


@peers.needs("wget")
class WgetTest(l7test.ServerCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.big = os.urandom(3 * 1024 * 1024 + 17)
        cls.server.write_public("big.bin", cls.big)
        for rel, data in {**TREE, **OUTSIDE_TREE}.items():
            cls.server.write_public(rel, data)

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="l7-wget-")

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)
        super().tearDown()

    def out(self, *parts):
        return os.path.join(self.tmp, *parts)

    def test_download(self):
        p = wget("-q", "-O", self.out("big.bin"), self.server.url("/big.bin"))
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(sha256(file_bytes(self.out("big.bin"))), sha256(self.big))

    def test_download_ipv6(self):
        p = wget("-q", "-O", self.out("big.bin"), self.server.url("/big.bin", host="::1"))
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(sha256(file_bytes(self.out("big.bin"))), sha256(self.big))

    def test_recursive(self):
        p = wget("-r", "-np", "-nH", "-e", "robots=off", "-P", self.out("mirror"), self.server.url("/tree/"))
        self.assertEqual(p.returncode, 0, p.stderr.decode(errors="replace")[-3000:])
        got = {}
        for root, _, files in os.walk(self.out("mirror")):
            for name in files:
                path = os.path.join(root, name)
                got[os.path.relpath(path, self.out("mirror"))] = file_bytes(path)
        for rel, data in TREE.items():
            if os.path.basename(rel).startswith("."):
                self.assertNotIn(rel, got, "hidden file reached through the listing")
                continue
            self.assertIn(rel, got, "missing from the crawl; got %s" % sorted(got))
            self.assertEqual(sha256(got[rel]), sha256(data), rel)
        for rel in OUTSIDE_TREE:
            self.assertNotIn(rel, got, "-np crawl left tree/")
        # What else arrived: the listings themselves (saved as index.html) only.
        extra = set(got) - set(TREE)
        self.assertTrue(all(os.path.basename(x) == "index.html" for x in extra), extra)

    def test_continue(self):
        part = len(self.big) // 3
        with open(self.out("big.bin"), "wb") as f:
            f.write(self.big[:part])
        p = wget("-c", "-S", "-P", self.tmp, self.server.url("/big.bin"))
        err = p.stderr.decode(errors="replace")
        self.assertEqual(p.returncode, 0, err)
        self.assertIn("206 Partial Content", err)
        self.assertIn("Content-Range: bytes %d-%d/%d" % (part, len(self.big) - 1, len(self.big)), err)
        self.assertEqual(sha256(file_bytes(self.out("big.bin"))), sha256(self.big))

    def test_continue_complete_file(self):
        # Already complete: wget asks for bytes=N- and gets 416; the file stays as is.
        with open(self.out("big.bin"), "wb") as f:
            f.write(self.big)
        p = wget("-c", "-S", "-P", self.tmp, self.server.url("/big.bin"))
        err = p.stderr.decode(errors="replace")
        self.assertEqual(p.returncode, 0, err)
        self.assertIn("416", err)
        self.assertEqual(sha256(file_bytes(self.out("big.bin"))), sha256(self.big))

    def test_https(self):
        p = wget("-q", "--ca-certificate", self.server.cert, "-O", self.out("big.bin"),
                 self.server.url("/big.bin", scheme="https", host="localhost"))
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(sha256(file_bytes(self.out("big.bin"))), sha256(self.big))

    def test_https_ip_literals(self):
        for host in ("127.0.0.1", "::1"):
            with self.subTest(host=host):
                p = wget("-q", "--ca-certificate", self.server.cert, "-O", self.out("top.txt"),
                         self.server.url("/tree/top.txt", scheme="https", host=host))
                self.assertEqual(p.returncode, 0, p.stderr)
                self.assertEqual(file_bytes(self.out("top.txt")), TREE["tree/top.txt"])

    def test_https_untrusted(self):
        p = wget("-q", "--ca-certificate", "/dev/null", "-O", self.out("x"),
                 self.server.url("/tree/top.txt", scheme="https", host="localhost"))
        self.assertEqual(p.returncode, 5, p.stderr)  # 5: SSL verification failure

    def test_404(self):
        p = wget("-q", "-O", self.out("x"), self.server.url("/nope.txt"))
        self.assertEqual(p.returncode, 8, p.stderr)  # 8: server issued an error response


if __name__ == "__main__":
    l7test.main()
