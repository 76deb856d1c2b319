"""Our client, `l7 ftp`, against Debian's vsftpd on loopback: listings, byte-exact binary
downloads and uploads, TYPE A both ways, resume (REST / APPE), mkdir/rm/rmdir/mv, mirror
(vsftpd has no MLSD, so this is the LIST fallback), active mode, ABOR, explicit FTPS (AUTH TLS,
PROT P) with require_ssl_reuse=YES (vsftpd refuses a data connection that does not resume the
control connection's TLS session), implicit FTPS (ftps://), and IPv6 with EPSV/EPRT.

vsftpd runs in the foreground with a generated config: anonymous, rooted in a temp dir, with
uploads allowed. It needs root (it chroots the anonymous session); without root or without
/usr/sbin/vsftpd the tests are skipped.

Run: python3 test_client_vsftpd.py --l7 build/dev/l7
"""

import contextlib
import ftplib
import os
import pwd
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import unittest

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import l7test  # noqa: E402

VSFTPD = "/usr/sbin/vsftpd"
CLEAN_ENV = {k: v for k, v in os.environ.items() if not k.lower().endswith("_proxy")}


def usable():
    if not os.path.exists(VSFTPD):
        return "vsftpd not installed (see scripts/deps.sh)"
    if os.geteuid() != 0:
        return "vsftpd's anonymous chroot needs root"
    try:
        pwd.getpwnam("ftp")
    except KeyError:
        return "no 'ftp' user (created by Debian's vsftpd package)"
    return None


def has_ipv6():
    try:
        with socket.socket(socket.AF_INET6, socket.SOCK_STREAM) as s:
            s.bind(("::1", 0))
        return True
    except OSError:
        return False


class Vsftpd:
    """One vsftpd in the foreground. `root` is the anonymous root; vsftpd refuses a root the
    anonymous user can write to, so uploads go to directories owned by user ftp below it."""

    def __init__(self, base, name, tls=None, ipv6=False):
        self.dir = os.path.join(base, name)
        self.root = os.path.join(self.dir, "root")
        empty = os.path.join(self.dir, "empty")
        os.makedirs(self.root)
        os.makedirs(empty)
        os.chmod(self.dir, 0o755)
        os.chmod(self.root, 0o755)
        self.host = "::1" if ipv6 else "127.0.0.1"
        self.port = l7test.free_port(socket.AF_INET6 if ipv6 else socket.AF_INET, self.host)
        self.log = os.path.join(self.dir, "vsftpd.log")
        pasv = self.port + 1 if self.port < 60000 else 30000
        lines = [
            "listen=%s" % ("NO" if ipv6 else "YES"), "listen_ipv6=%s" % ("YES" if ipv6 else "NO"),
            ("listen_address6=::1" if ipv6 else "listen_address=127.0.0.1"),
            "listen_port=%d" % self.port, "background=NO",
            "anonymous_enable=YES", "local_enable=NO", "anon_root=%s" % self.root,
            "write_enable=YES", "anon_upload_enable=YES", "anon_mkdir_write_enable=YES",
            "anon_other_write_enable=YES", "anon_umask=022",
            "secure_chroot_dir=%s" % empty,
            # the container has no seccomp filter and no namespaces to spare for vsftpd
            "seccomp_sandbox=NO", "isolate=NO", "isolate_network=NO",
            "pasv_enable=YES", "pasv_min_port=%d" % pasv, "pasv_max_port=%d" % (pasv + 50),
            "ascii_download_enable=YES", "ascii_upload_enable=YES", "async_abor_enable=YES",
            "use_localtime=NO", "vsftpd_log_file=%s" % self.log, "log_ftp_protocol=YES",
            "xferlog_enable=YES",
        ]
        if tls:
            cert, key = tls
            lines += ["ssl_enable=YES", "allow_anon_ssl=YES", "rsa_cert_file=%s" % cert,
                      "rsa_private_key_file=%s" % key, "ssl_ciphers=HIGH", "ssl_tlsv1=YES",
                      # everything must be encrypted, and every data connection must resume
                      # the control connection's session (RFC 4217 §10)
                      "force_anon_logins_ssl=YES", "force_anon_data_ssl=YES",
                      "require_ssl_reuse=YES"]
        self.implicit = False
        self.conf = os.path.join(self.dir, "vsftpd.conf")
        self.lines = lines

    def start(self, implicit=False):
        if implicit:
            self.lines.append("implicit_ssl=YES")
        with open(self.conf, "w") as f:
            f.write("\n".join(self.lines) + "\n")
        self.out = open(os.path.join(self.dir, "vsftpd.out"), "wb")
        self.proc = subprocess.Popen([VSFTPD, self.conf], stdin=subprocess.DEVNULL, stdout=self.out,
                                     stderr=subprocess.STDOUT, start_new_session=True)
        family = socket.AF_INET6 if ":" in self.host else socket.AF_INET
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("vsftpd exited: %s" % self.output())
            with contextlib.suppress(OSError), socket.socket(family, socket.SOCK_STREAM) as s:
                s.connect((self.host, self.port))
                return
            time.sleep(0.05)
        raise RuntimeError("vsftpd did not listen: %s" % self.output())

    def output(self):
        with contextlib.suppress(OSError), open(os.path.join(self.dir, "vsftpd.out"), "rb") as f:
            return f.read().decode("utf-8", "replace")
        return ""

    def log_text(self):
        with contextlib.suppress(OSError), open(self.log, "rb") as f:
            return f.read().decode("utf-8", "replace")
        return ""

    def stop(self):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, 15)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.proc.wait(5)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, 9)
        self.out.close()

    def url(self, path="/", scheme="ftp"):
        host = "[%s]" % self.host if ":" in self.host else self.host
        return "%s://%s:%d%s" % (scheme, host, self.port, path)

    def put_file(self, rel, data, mode=0o644, owner_ftp=False):
        path = os.path.join(self.root, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(data)
        os.chmod(path, mode)
        if owner_ftp:
            os.chown(path, pwd.getpwnam("ftp").pw_uid, -1)
        return path

    def read(self, rel):
        with open(os.path.join(self.root, rel), "rb") as f:
            return f.read()

    def make_writable_dir(self, rel):
        path = os.path.join(self.root, rel)
        os.makedirs(path, exist_ok=True)
        os.chown(path, pwd.getpwnam("ftp").pw_uid, -1)
        return path


def l7_ftp(*args, timeout=120, input=None):
    """Runs `l7 ftp ARGS`; returns CompletedProcess (bytes stdout, text stderr)."""
    p = subprocess.run([l7test.binary(), "ftp"] + list(args), capture_output=True, timeout=timeout,
                       env=CLEAN_ENV, input=input)
    p.stderr = p.stderr.decode("utf-8", "replace")
    return p


def make_cert(directory):
    cert, key = os.path.join(directory, "cert.pem"), os.path.join(directory, "key.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert,
                    "-days", "2", "-subj", "/CN=localhost",
                    "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1"],
                   check=True, capture_output=True, timeout=60)
    return cert, key


class ClientCase(unittest.TestCase):
    SERVER = {}          # Vsftpd keyword arguments
    IMPLICIT = False

    @classmethod
    def setUpClass(cls):
        why = usable()
        if why:
            raise unittest.SkipTest(why)
        cls.base = tempfile.mkdtemp(prefix="l7-vsftpd-")
        os.chmod(cls.base, 0o755)
        kwargs = dict(cls.SERVER)
        if kwargs.pop("tls", False):
            cls.cert, cls.key = make_cert(cls.base)
            kwargs["tls"] = (cls.cert, cls.key)
        cls.ftpd = Vsftpd(cls.base, "server", **kwargs)
        cls.big = os.urandom(5 * 1024 * 1024 + 7)
        cls.text = "".join("line %d of a text file\n" % i for i in range(20000)).encode()
        cls.ftpd.put_file("big.bin", cls.big)
        cls.ftpd.put_file("text.txt", cls.text)
        cls.ftpd.put_file("hello.txt", b"hello from vsftpd\n")
        cls.ftpd.put_file("sub dir/inner.txt", b"inner\n")
        cls.ftpd.make_writable_dir("up")
        cls.ftpd.start(implicit=cls.IMPLICIT)

    @classmethod
    def tearDownClass(cls):
        cls.ftpd.stop()
        shutil.rmtree(cls.base, ignore_errors=True)

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="l7-ftp-client-")

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def local(self, name):
        return os.path.join(self.tmp, name)

    def extra(self):
        """Options every invocation of this class needs (TLS trust)."""
        return []

    def run_rc(self, rc, *args, **kw):
        p = l7_ftp(*(self.extra() + list(args)), **kw)
        for marker in l7test.SANITIZER_MARKERS:
            self.assertNotIn(marker, p.stderr, "sanitizer report from l7 ftp:\n" + p.stderr)
        self.assertEqual(p.returncode, rc, "l7 ftp %s -> %d, want %d\n%s\n--- vsftpd log tail ---\n%s"
                         % (" ".join(args), p.returncode, rc, p.stderr[-4000:], self.ftpd.log_text()[-3000:]))
        return p

    def run_ok(self, *args, **kw):
        return self.run_rc(0, *args, **kw)

    def file(self, path):
        with open(path, "rb") as f:
            return f.read()


class TransferTests:
    """What every variant (plain, explicit TLS, implicit TLS, IPv6) must do."""

    def test_list_directory_url(self):
        p = self.run_ok(self.ftpd.url("/"))
        out = p.stdout.decode()
        for name in ("big.bin", "hello.txt", "sub dir", "up"):
            self.assertIn(name, out)
        self.assertRegex(out, r"(?m)^-rw-r--r--.* %d .*big\.bin$" % len(self.big))

    def test_ls_command_with_path(self):
        p = self.run_ok(self.ftpd.url("/"), "ls", "sub dir")
        self.assertIn("inner.txt", p.stdout.decode())

    def test_get_binary_byte_exact(self):
        out = self.local("big.bin")
        p = self.run_ok(self.ftpd.url("/big.bin"), "-o", out, "-v")
        self.assertEqual(self.file(out), self.big)
        self.assertIn("> TYPE I", p.stderr)
        self.assertIn("> RETR big.bin", p.stderr)

    def test_get_to_stdout(self):
        p = self.run_ok(self.ftpd.url("/hello.txt"))
        self.assertEqual(p.stdout, b"hello from vsftpd\n")

    def test_put_binary_byte_exact(self):
        data = os.urandom(3 * 1024 * 1024 + 11)
        src = self.local("upload.bin")
        with open(src, "wb") as f:
            f.write(data)
        name = "put-%s.bin" % self.__class__.__name__
        self.run_ok(self.ftpd.url("/up/"), "put", src, name)
        self.assertEqual(self.ftpd.read("up/" + name), data)

    def test_active_mode(self):
        out = self.local("big.bin")
        p = self.run_ok(self.ftpd.url("/big.bin"), "--active", "-o", out, "-v")
        self.assertEqual(self.file(out), self.big)
        self.assertRegex(p.stderr, r"> (EPRT|PORT) ")
        self.assertNotIn("> EPSV", p.stderr)
        listing = self.run_ok(self.ftpd.url("/"), "--active", "ls")
        self.assertIn("hello.txt", listing.stdout.decode())

    def test_missing_file_is_a_refusal(self):
        p = self.run_rc(1, self.ftpd.url("/no-such-file"), "-o", self.local("x"))
        self.assertIn("550", p.stderr)
        self.assertFalse(os.path.exists(self.local("x")), "a refused RETR must not leave a file")


class PlainTests(TransferTests, ClientCase):
    def test_passive_uses_epsv(self):
        p = self.run_ok(self.ftpd.url("/hello.txt"), "-v")
        self.assertIn("> EPSV", p.stderr)
        self.assertIn("< 229 ", p.stderr)
        self.assertIn("> USER anonymous", p.stderr)
        self.assertIn("> PASS ****", p.stderr)
        self.assertNotIn("anonymous@", p.stderr)

    def test_password_is_masked(self):
        p = self.run_ok("ftp://anonymous:t0p%%2Dsecret@%s:%d/hello.txt" % (self.ftpd.host, self.ftpd.port), "-v")
        self.assertIn("> PASS ****", p.stderr)
        self.assertNotIn("t0p", p.stderr)
        self.assertIn('anon password "t0p-secret"', self.ftpd.log_text())  # decoded, then sent
        q = self.run_rc(1, "ftp://someone:pw@%s:%d/" % (self.ftpd.host, self.ftpd.port))
        self.assertIn("l7 ftp: 530 ", q.stderr)

    def test_get_ascii_converts_line_ends(self):
        # vsftpd really sends CR LF in TYPE A ...
        with ftplib.FTP() as f:
            f.connect(self.ftpd.host, self.ftpd.port, timeout=10)
            f.login()
            f.voidcmd("TYPE A")
            with f.transfercmd("RETR text.txt") as conn:
                wire = b""
                while True:
                    chunk = conn.recv(65536)
                    if not chunk:
                        break
                    wire += chunk
            f.voidresp()
        self.assertEqual(wire, self.text.replace(b"\n", b"\r\n"))
        # ... and we turn it back into LF.
        out = self.local("text.txt")
        p = self.run_ok(self.ftpd.url("/"), "--ascii", "get", "text.txt", out, "-v")
        self.assertIn("> TYPE A", p.stderr)
        self.assertEqual(self.file(out), self.text)
        # ;type=a in the URL does the same
        p = self.run_ok(self.ftpd.url("/text.txt;type=a"))
        self.assertEqual(p.stdout, self.text)

    def test_put_ascii(self):
        src = self.local("lines.txt")
        with open(src, "wb") as f:
            f.write(b"one\ntwo\nthree\n")
        p = self.run_ok(self.ftpd.url("/up/"), "--ascii", "put", src, "ascii.txt", "-v")
        self.assertIn("> TYPE A", p.stderr)
        self.assertEqual(self.ftpd.read("up/ascii.txt"), b"one\ntwo\nthree\n")

    def test_put_from_stdin(self):
        self.run_ok(self.ftpd.url("/up/"), "put", "-", "stdin.txt", input=b"from stdin\n")
        self.assertEqual(self.ftpd.read("up/stdin.txt"), b"from stdin\n")

    def test_resume_get(self):
        out = self.local("partial.bin")
        with open(out, "wb") as f:
            f.write(self.big[:1234567])
        p = self.run_ok(self.ftpd.url("/"), "get", "big.bin", out, "-c", "-v")
        self.assertIn("> REST 1234567", p.stderr)
        self.assertEqual(self.file(out), self.big)
        # complete already: nothing is transferred
        p = self.run_ok(self.ftpd.url("/"), "get", "big.bin", out, "-c", "-v")
        self.assertNotIn("RETR", p.stderr)
        self.assertEqual(self.file(out), self.big)

    def test_resume_put(self):
        data = os.urandom(2 * 1024 * 1024 + 3)
        self.ftpd.put_file("up/resume.bin", data[:700001], owner_ftp=True)
        src = self.local("resume.bin")
        with open(src, "wb") as f:
            f.write(data)
        p = self.run_ok(self.ftpd.url("/up/"), "put", src, "-c", "-v")
        self.assertIn("> SIZE resume.bin", p.stderr)
        self.assertIn("> APPE resume.bin", p.stderr)
        self.assertEqual(self.ftpd.read("up/resume.bin"), data)

    def test_mkdir_mv_rm_rmdir(self):
        url = self.ftpd.url("/up/")
        self.run_ok(url, "mkdir", "made")
        self.assertTrue(os.path.isdir(os.path.join(self.ftpd.root, "up", "made")))
        src = self.local("f.txt")
        with open(src, "wb") as f:
            f.write(b"move me\n")
        self.run_ok(url, "put", src, "made/f.txt")
        self.run_ok(url, "mv", "made/f.txt", "made/g.txt")
        self.assertEqual(self.ftpd.read("up/made/g.txt"), b"move me\n")
        self.assertFalse(os.path.exists(os.path.join(self.ftpd.root, "up", "made", "f.txt")))
        p = self.run_rc(1, url, "rmdir", "made")  # not empty
        self.assertIn("550", p.stderr)
        self.run_ok(url, "rm", "made/g.txt")
        self.run_ok(url, "rmdir", "made")
        self.assertFalse(os.path.exists(os.path.join(self.ftpd.root, "up", "made")))
        self.run_rc(1, url, "rm", "made/g.txt")

    def test_mirror_tree(self):
        tree = {
            "m/a.txt": b"a\n",
            "m/b.bin": os.urandom(300000),
            "m/empty.txt": b"",
            "m/deeper/c.txt": b"c\n",
            "m/deeper/with space/d e.txt": b"d\n",
            "m/deeper/-dash.txt": b"dash\n",
        }
        for rel, data in tree.items():
            self.ftpd.put_file(rel, data)
        old = 1500000000  # a fixed time, so the copy's time shows it came from MDTM
        os.utime(os.path.join(self.ftpd.root, "m/a.txt"), (old, old))
        os.symlink("a.txt", os.path.join(self.ftpd.root, "m/link"))
        dest = self.local("copy")
        p = self.run_ok(self.ftpd.url("/"), "mirror", "m", dest, "-v")
        self.assertIn("> LIST", p.stderr)  # vsftpd has no MLSD (FEAT does not list MLST)
        for rel, data in tree.items():
            self.assertEqual(self.file(os.path.join(dest, rel[2:])), data, rel)
        self.assertEqual(int(os.stat(os.path.join(dest, "a.txt")).st_mtime), old)
        self.assertFalse(os.path.lexists(os.path.join(dest, "link")), "symlinks are skipped")
        self.assertIn("6 files", p.stderr)
        # a second run finds everything current
        p = self.run_ok(self.ftpd.url("/"), "mirror", "m", dest, "-v")
        self.assertIn("0 files", p.stderr)
        self.assertIn("6 unchanged", p.stderr)
        self.assertNotIn("> RETR", p.stderr)

    def test_abort_on_local_write_failure(self):
        big = os.urandom(32 * 1024 * 1024)
        self.ftpd.put_file("huge.bin", big)
        start = time.monotonic()
        p = self.run_rc(2, self.ftpd.url("/huge.bin"), "-o", "/dev/full", "-v", timeout=60)
        self.assertIn("> ABOR", p.stderr)
        self.assertIn("No space left", p.stderr)
        self.assertLess(time.monotonic() - start, 20)

    def test_usage_and_connection_errors(self):
        p = self.run_rc(2, "http://example.org/")
        self.assertIn("ftp", p.stderr)
        self.run_rc(2, self.ftpd.url("/"), "frobnicate")
        self.run_rc(2, self.ftpd.url("/"), "mv", "only-one")
        closed = l7test.free_port()
        p = self.run_rc(2, "ftp://127.0.0.1:%d/" % closed)
        self.assertIn("connect", p.stderr)

    def test_cwd_per_segment(self):
        p = self.run_ok(self.ftpd.url("/sub%20dir/inner.txt"), "-v")
        self.assertEqual(p.stdout, b"inner\n")
        self.assertIn("> CWD sub dir", p.stderr)
        self.assertIn("> RETR inner.txt", p.stderr)


class ExplicitTlsTests(TransferTests, ClientCase):
    SERVER = {"tls": True}

    def extra(self):
        return ["--tls", "--cacert", self.cert]

    def test_tls_session_reused_on_data(self):
        out = self.local("big.bin")
        p = self.run_ok(self.ftpd.url("/big.bin"), "-o", out, "-v")
        self.assertEqual(self.file(out), self.big)
        self.assertIn("> AUTH TLS", p.stderr)
        self.assertIn("> PBSZ 0", p.stderr)
        self.assertIn("> PROT P", p.stderr)
        self.assertIn("session reused", p.stderr)

    def test_untrusted_certificate_fails(self):
        p = l7_ftp(self.ftpd.url("/hello.txt"), "--tls")
        self.assertEqual(p.returncode, 2, p.stderr)
        self.assertIn("TLS handshake", p.stderr)
        q = l7_ftp(self.ftpd.url("/hello.txt"), "--tls", "-k")
        self.assertEqual(q.returncode, 0, q.stderr)
        self.assertEqual(q.stdout, b"hello from vsftpd\n")

    def test_plain_login_refused(self):
        p = l7_ftp(self.ftpd.url("/hello.txt"))
        self.assertEqual(p.returncode, 1, p.stderr)
        self.assertIn("530", p.stderr)


class ImplicitTlsTests(TransferTests, ClientCase):
    SERVER = {"tls": True}
    IMPLICIT = True

    def extra(self):
        return ["--cacert", self.cert]

    def run_rc(self, rc, *args, **kw):
        args = [a.replace("ftp://", "ftps://", 1) if isinstance(a, str) and a.startswith("ftp://") else a
                for a in args]
        return super().run_rc(rc, *args, **kw)

    def test_implicit_reuses_session(self):
        p = self.run_ok(self.ftpd.url("/hello.txt"), "-v")
        self.assertEqual(p.stdout, b"hello from vsftpd\n")
        self.assertNotIn("> AUTH TLS", p.stderr)
        self.assertIn("TLS established", p.stderr)
        self.assertIn("session reused", p.stderr)


@unittest.skipUnless(has_ipv6(), "no IPv6 loopback")
class Ipv6Tests(TransferTests, ClientCase):
    SERVER = {"ipv6": True}

    def test_epsv_and_eprt_over_ipv6(self):
        p = self.run_ok(self.ftpd.url("/hello.txt"), "-v")
        self.assertIn("> EPSV", p.stderr)
        self.assertIn("[::1]", p.stderr)
        q = self.run_ok(self.ftpd.url("/hello.txt"), "--active", "-v")
        self.assertIn("> EPRT |2|::1|", q.stderr)
        self.assertEqual(q.stdout, b"hello from vsftpd\n")


if __name__ == "__main__":
    l7test.main()
