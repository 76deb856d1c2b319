"""curl, lftp and tnftp against `l7 serve`'s FTP server: passive (EPSV, PASV) and active
(EPRT, PORT), IPv4 and IPv6, ASCII and binary, resume, uploads, mirror both ways, and FTPS
explicit and implicit over TLS 1.2 and 1.3 with the server *requiring* that data connections
resume the control connection's TLS session (require_tls_session_reuse = true).

Run: python3 test_server_peers.py --l7 build/dev/l7
"""

import os
import subprocess
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "http"))
import ftptest  # noqa: E402
from ftptest import PASSWORD, TEXT, USER  # noqa: E402
import l7test  # noqa: E402
import peers  # noqa: E402


def run(cmd, input=None, timeout=60):
    return subprocess.run(cmd, input=input, capture_output=True, timeout=timeout)


class PeerCase(ftptest.FtpServerCase):
    FTP_KEYS = {"require_tls_session_reuse": "true"}

    def url(self, path="/", user=None, host="127.0.0.1", scheme="ftp"):
        port = self.ftps_port if scheme == "ftps" else self.ftp_port
        auth = "%s:%s@" % (USER, PASSWORD) if user else ""
        return "%s://%s%s:%d%s" % (scheme, auth, "[%s]" % host if ":" in host else host, port, path)

    def read(self, path):
        with open(path, "rb") as f:
            return f.read()


@peers.needs("curl")
class CurlTest(PeerCase):
    def curl(self, *args):
        r = run(["curl", "-sS", "--max-time", "30"] + list(args))
        return r

    def test_passive_and_active_every_form(self):
        for extra in ([], ["--disable-epsv"], ["-P", "-"], ["-P", "-", "--disable-eprt"]):
            r = self.curl(*extra, self.url("/big.bin"))
            self.assertEqual(r.returncode, 0, (extra, r.stderr))
            self.assertEqual(r.stdout, self.big, extra)

    def test_ipv6_epsv_and_eprt(self):
        for extra in ([], ["-P", "-"]):
            r = self.curl(*extra, self.url("/hello.txt", host="::1"))
            self.assertEqual((r.returncode, r.stdout), (0, b"hello from l7 ftp\n"), (extra, r.stderr))

    def test_listing_and_name_list(self):
        r = self.curl(self.url("/dir/"))
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertRegex(r.stdout.decode(), r"(?m)^-rw.* a\.txt\r?$")
        self.assertRegex(r.stdout.decode(), r"(?m)^d.* sub\r?$")
        r = self.curl("--list-only", self.url("/dir/"))
        self.assertEqual(sorted(r.stdout.decode().split()), ["a.txt", "sub"])

    def test_ascii_type_from_the_url(self):
        r = self.curl(self.url("/text.txt;type=a"))
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stdout, TEXT)  # CR LF on the wire, LF again after curl's TYPE A

    def test_resume_a_download(self):
        d = self.tmpdir()
        part = os.path.join(d, "big.bin")
        self.write(part, self.big[:123457])
        r = self.curl("-C", "-", "-o", part, self.url("/big.bin"))
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(self.read(part), self.big)

    def test_upload_create_dirs_rename_delete(self):
        d = self.tmpdir()
        src = os.path.join(d, "up.bin")
        data = os.urandom(700000)
        self.write(src, data)
        r = self.curl("--ftp-create-dirs", "-T", src, self.url("/new/deeper/up.bin", user=True))
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(self.home_file("new/deeper/up.bin"), data)
        r = self.curl("-Q", "RNFR /new/deeper/up.bin", "-Q", "RNTO /moved.bin", "-Q", "DELE /mine.txt",
                      self.url("/", user=True))
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(self.home_file("moved.bin"), data)
        self.assertFalse(os.path.exists(os.path.join(self.home, "mine.txt")))
        r = self.curl("-T", src, self.url("/nope.bin"))  # anonymous: refused
        self.assertNotEqual(r.returncode, 0)
        self.assertFalse(os.path.exists(os.path.join(self.server.public, "nope.bin")))

    def test_traversal_refused(self):
        for path in ("/../secret.txt", "/dir/../../secret.txt", "/escape", "/%2e%2e/secret.txt"):
            r = self.curl("--path-as-is", self.url(path))
            self.assertNotEqual(r.returncode, 0, path)
            self.assertNotIn(b"SECRET", r.stdout, path)

    def test_explicit_and_implicit_tls_with_session_reuse(self):
        for tls in (["--tlsv1.3"], ["--tls-max", "1.2"]):
            r = self.curl("-k", "--ssl-reqd", *tls, self.url("/big.bin"))
            self.assertEqual((r.returncode, r.stdout == self.big), (0, True), (tls, r.stderr))
            r = self.curl("-k", *tls, self.url("/big.bin", scheme="ftps"))
            self.assertEqual((r.returncode, r.stdout == self.big), (0, True), (tls, r.stderr))
        d = self.tmpdir()
        src = os.path.join(d, "secure.bin")
        data = os.urandom(300000)
        self.write(src, data)
        r = self.curl("-k", "--ssl-reqd", "-T", src, self.url("/secure.bin", user=True))
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(self.home_file("secure.bin"), data)


@peers.needs("lftp")
class LftpTest(PeerCase):
    def lftp(self, script, user=False, tls=False):
        settings = "set net:max-retries 1; set net:timeout 10; set cmd:fail-exit yes; "
        if tls:
            settings += ("set ssl:verify-certificate no; set ftp:ssl-force yes; "
                         "set ftp:ssl-protect-data yes; set ftp:ssl-protect-list yes; ")
        else:
            settings += "set ftp:ssl-allow no; "
        name, password = (USER, PASSWORD) if user else ("anonymous", "x")
        login = "open -u %s,%s %s; " % (name, password, self.url("/"))
        return run(["lftp", "-c", settings + login + script], timeout=120)

    def test_mirror_download_tree(self):
        d = self.tmpdir()
        r = self.lftp("mirror /dir %s/dir" % d)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(self.read(os.path.join(d, "dir/a.txt")), b"a\n")
        self.assertEqual(self.read(os.path.join(d, "dir/sub/b.txt")), b"bb\n")

    def test_reverse_mirror_upload_over_tls(self):
        d = self.tmpdir()
        os.makedirs(os.path.join(d, "tree/x"))
        payload = os.urandom(200000)
        self.write(os.path.join(d, "tree/x/p.bin"), payload)
        self.write(os.path.join(d, "tree/top.txt"), b"top\n")
        r = self.lftp("mirror -R %s/tree /tree; cls -1 /tree" % d, user=True, tls=True)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(self.home_file("tree/x/p.bin"), payload)
        self.assertEqual(self.home_file("tree/top.txt"), b"top\n")

    def test_get_resume_and_ls_over_tls(self):
        d = self.tmpdir()
        dest = os.path.join(d, "big.bin")
        self.write(dest, self.big[:777777])
        r = self.lftp("lcd %s; get -c /big.bin; ls /" % d, tls=True)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(self.read(dest), self.big)
        self.assertIn(b"hello.txt", r.stdout)


@peers.needs("tnftp")
class TnftpTest(PeerCase):
    def tnftp(self, commands, host="127.0.0.1"):
        script = "\n".join(commands) + "\nquit\n"
        return run(["tnftp", "-n", host, str(self.ftp_port)], input=script.encode())

    def test_scripted_session_passive_and_active(self):
        d = self.tmpdir()
        r = self.tnftp(["user anonymous guest@", "binary", "get big.bin %s/p.bin" % d,
                        "passive off", "get hello.txt %s/a.txt" % d, "ascii", "get text.txt %s/t.txt" % d])
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertEqual(self.read(os.path.join(d, "p.bin")), self.big)
        self.assertEqual(self.read(os.path.join(d, "a.txt")), b"hello from l7 ftp\n")
        self.assertEqual(self.read(os.path.join(d, "t.txt")), TEXT)  # CR LF on the wire, LF here

    def test_upload_and_listing_as_user_over_ipv6(self):
        d = self.tmpdir()
        src = os.path.join(d, "src.bin")
        data = os.urandom(100000)
        self.write(src, data)
        r = self.tnftp(["user %s %s" % (USER, PASSWORD), "binary", "put %s tn.bin" % src, "ls"], host="::1")
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertEqual(self.home_file("tn.bin"), data)
        self.assertIn(b"tn.bin", r.stdout)

    def test_url_download(self):
        d = self.tmpdir()
        out = os.path.join(d, "o.bin")
        r = run(["tnftp", "-o", out, self.url("/big.bin")])
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertEqual(self.read(out), self.big)


if __name__ == "__main__":
    l7test.main()
