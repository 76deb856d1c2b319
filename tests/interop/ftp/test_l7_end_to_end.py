"""`l7 ftp` against `l7 serve`: the paths no Debian peer covers on both sides at once —
mirror over MLSD (vsftpd has no MLSD), FTPS with the server requiring TLS session reuse on
TLS 1.3, active mode over IPv6, and resume of an upload.

Run: python3 test_l7_end_to_end.py --l7 build/dev/l7
"""

import os
import subprocess
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ftptest  # noqa: E402
from ftptest import PASSWORD, USER  # noqa: E402
import l7test  # noqa: E402


class EndToEnd(ftptest.FtpServerCase):
    FTP_KEYS = {"require_tls_session_reuse": "true"}

    def ftp(self, *args, url=None):
        url = url or "ftp://127.0.0.1:%d/" % self.ftp_port
        return subprocess.run([l7test.L7, "ftp", "--timeout", "20s", url] + list(args), capture_output=True,
                              timeout=120)

    def test_mirror_uses_mlsd(self):
        d = self.tmpdir()
        r = self.ftp("-v", "mirror", "dir", os.path.join(d, "copy"))
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn(b"MLSD", r.stderr)
        with open(os.path.join(d, "copy/sub/b.txt"), "rb") as f:
            self.assertEqual(f.read(), b"bb\n")

    def test_tls_with_required_session_reuse_both_ways(self):
        d = self.tmpdir()
        src = os.path.join(d, "up.bin")
        data = os.urandom(1500000)
        self.write(src, data)
        url = "ftp://%s:%s@127.0.0.1:%d/" % (USER, PASSWORD, self.ftp_port)
        r = self.ftp("--tls", "-k", "-v", "put", src, "up.bin", url=url)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn(b"session reused", r.stderr)
        self.assertEqual(self.home_file("up.bin"), data)
        implicit = "ftps://%s:%s@127.0.0.1:%d/" % (USER, PASSWORD, self.ftps_port)
        out = os.path.join(d, "down.bin")
        r = self.ftp("-k", "get", "up.bin", out, url=implicit)
        self.assertEqual(r.returncode, 0, r.stderr)
        with open(out, "rb") as f:
            self.assertEqual(f.read(), data)

    def test_active_mode_over_ipv6_and_upload_resume(self):
        d = self.tmpdir()
        out = os.path.join(d, "big.bin")
        r = self.ftp("--active", "get", "big.bin", out, url="ftp://[::1]:%d/" % self.ftp_port)
        self.assertEqual(r.returncode, 0, r.stderr)
        with open(out, "rb") as f:
            self.assertEqual(f.read(), self.big)
        src = os.path.join(d, "part.bin")
        data = os.urandom(400000)
        self.write(os.path.join(self.home, "part.bin"), data[:150000])  # an upload cut short earlier
        self.write(src, data)
        url = "ftp://%s:%s@127.0.0.1:%d/" % (USER, PASSWORD, self.ftp_port)
        r = self.ftp("-c", "put", src, "part.bin", url=url)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(self.home_file("part.bin"), data)

    def test_refusals_come_back_as_exit_code_1(self):
        r = self.ftp("get", "../secret.txt", "-")
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertIn(b"550", r.stderr)
        r = self.ftp("put", "/etc/hostname", "x.txt")  # anonymous is read-only
        self.assertEqual(r.returncode, 1, r.stderr)


if __name__ == "__main__":
    l7test.main()
