"""Python's ftplib against `l7 serve`'s FTP: anonymous and account logins, LIST/NLST/MLSD,
binary and ASCII transfers, REST resume, uploads, renames, passive (PASV, EPSV on IPv6) and
active (PORT, EPRT) mode, explicit (AUTH TLS) and implicit FTPS, ABOR mid-transfer, and bad
input: traversal, FXP bounce, overlong lines, failed logins, limits.

Run: python3 test_server_ftplib.py --l7 build/dev/l7
"""

import ftplib
import io
import os
import socket
import ssl
import sys
import time
import unittest

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ftptest  # noqa: E402
from ftptest import PASSWORD, SECRET, TEXT, USER  # noqa: E402
import l7test  # noqa: E402


def tls_context():
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    return ctx


class ImplicitFTP_TLS(ftplib.FTP_TLS):
    """ftplib has no implicit FTPS: TLS from the first byte, then the 220."""

    def connect(self, host="", port=0, timeout=-999, source_address=None):
        self.host, self.port = host, port
        if timeout != -999:
            self.timeout = timeout
        sock = socket.create_connection((host, port), self.timeout)
        self.af = sock.family
        self.sock = self.context.wrap_socket(sock, server_hostname=host)
        self.file = self.sock.makefile("r", encoding=self.encoding)
        self.welcome = self.getresp()
        return self.welcome


class FtplibTest(ftptest.FtpServerCase):
    def ftp(self, user=None, host="127.0.0.1"):
        f = ftplib.FTP(timeout=20)
        f.connect(host, self.ftp_port)
        self.addCleanup(f.close)
        if user == USER:
            f.login(USER, PASSWORD)
        else:
            f.login()
        return f

    def retr(self, f, name, rest=None):
        out = io.BytesIO()
        f.retrbinary("RETR " + name, out.write, rest=rest)
        return out.getvalue()

    def test_welcome_feat_syst_help(self):
        f = self.ftp()
        self.assertTrue(f.getwelcome().startswith("220 "))
        feat = f.sendcmd("FEAT")
        for item in ("AUTH TLS", "EPSV", "EPRT", "MLST type*", "REST STREAM", "SIZE", "MDTM", "UTF8", "PBSZ", "PROT"):
            self.assertIn(item, feat)
        self.assertTrue(feat.startswith("211-") and feat.endswith("211 End"), feat)
        self.assertEqual(f.sendcmd("SYST"), "215 UNIX Type: L8")
        self.assertTrue(f.sendcmd("HELP").startswith("214-"))
        self.assertEqual(f.sendcmd("OPTS UTF8 ON")[:3], "200")
        self.assertEqual(f.sendcmd("NOOP")[:3], "200")

    def test_anonymous_listings_and_binary_retr(self):
        f = self.ftp()
        self.assertEqual(f.pwd(), "/")
        self.assertLessEqual({"big.bin", "dir", "escape", "hello.txt", "text.txt"}, set(f.nlst()))
        facts = dict(f.mlsd())
        self.assertEqual(facts["big.bin"]["type"], "file")
        self.assertEqual(int(facts["big.bin"]["size"]), len(self.big))
        self.assertEqual(facts["dir"]["type"], "dir")
        self.assertEqual(facts["big.bin"]["perm"], "r")  # anonymous: read only
        lines = []
        f.dir(lines.append)
        self.assertTrue(any(l.startswith("d") and l.endswith(" dir") for l in lines), lines)
        self.assertTrue(any(l.startswith("-r") and l.endswith(" hello.txt") for l in lines), lines)
        self.assertEqual(self.retr(f, "big.bin"), self.big)
        self.assertEqual(f.size("big.bin"), len(self.big))
        mdtm = f.sendcmd("MDTM big.bin")
        self.assertRegex(mdtm, r"^213 \d{14}$")
        f.cwd("dir/sub")
        self.assertEqual(f.pwd(), "/dir/sub")
        self.assertEqual(self.retr(f, "b.txt"), b"bb\n")
        f.cwd("..")
        self.assertEqual(f.nlst("sub"), ["sub/b.txt"])
        self.assertEqual(f.sendcmd("CDUP")[:3], "250")
        self.assertEqual(f.pwd(), "/")
        mlst = f.sendcmd("MLST hello.txt")
        self.assertIn("type=file;size=18;", mlst)
        self.assertIn(" /hello.txt", mlst)

    def test_ascii_type_converts_line_ends_both_ways(self):
        f = self.ftp(USER)
        f.sendcmd("TYPE A")
        raw = io.BytesIO()
        f.retrbinary("RETR /mine.txt", raw.write)  # retrbinary sends TYPE I: re-read in A below
        lines = []
        f.retrlines("RETR mine.txt", lines.append)
        self.assertEqual(lines, ["alice's file"])
        with open(os.path.join(self.server.public, "text.txt"), "rb") as src:
            f.storlines("STOR text.txt", src)
        self.assertEqual(self.home_file("text.txt"), TEXT)  # CR LF on the wire, LF on disk
        f.sendcmd("TYPE A")
        conn = f.transfercmd("RETR text.txt")
        wire = b""
        while True:
            chunk = conn.recv(65536)
            if not chunk:
                break
            wire += chunk
        conn.close()
        f.voidresp()
        self.assertEqual(wire, TEXT.replace(b"\n", b"\r\n"))
        self.assertEqual(f.sendcmd("SIZE text.txt"), "213 %d" % len(wire))  # RFC 3659 §4: the TYPE A size
        f.sendcmd("TYPE I")
        self.assertEqual(f.size("text.txt"), len(TEXT))

    def test_rest_resumes_downloads_and_uploads(self):
        f = self.ftp(USER)
        self.assertEqual(self.retr(f, "mine.txt", rest=8), b"file\n")
        anon = self.ftp()
        self.assertEqual(self.retr(anon, "big.bin", rest=1000000), self.big[1000000:])
        data = os.urandom(300000)
        f.storbinary("STOR part.bin", io.BytesIO(data[:100000]))
        f.storbinary("STOR part.bin", io.BytesIO(data[100000:]), rest=100000)
        self.assertEqual(self.home_file("part.bin"), data)
        with self.assertRaises(ftplib.error_perm) as e:
            self.retr(f, "part.bin", rest=10**9)
        self.assertTrue(str(e.exception).startswith("554"))

    def test_account_uploads_and_manages_files(self):
        f = self.ftp(USER)
        data = os.urandom(1024 * 1024 + 5)
        f.storbinary("STOR up.bin", io.BytesIO(data))
        self.assertEqual(self.home_file("up.bin"), data)
        f.storbinary("APPE up.bin", io.BytesIO(b"tail"))
        self.assertEqual(self.home_file("up.bin"), data + b"tail")
        resp = f.storbinary("STOU", io.BytesIO(b"unique"))
        self.assertTrue(resp.startswith("226"), resp)
        uniques = [n for n in os.listdir(self.home) if n.startswith("upload.")]
        self.assertEqual(len(uniques), 1)
        self.assertEqual(f.mkd('new "dir"'), '/new "dir"')
        f.cwd('new "dir"')
        self.assertEqual(f.pwd(), '/new "dir"')
        f.storbinary("STOR x.txt", io.BytesIO(b"x"))
        f.rename("x.txt", "/y.txt")
        self.assertEqual(self.home_file("y.txt"), b"x")
        f.cwd("/")
        self.assertEqual(f.rmd('new "dir"')[:3], "250")
        f.delete("y.txt")
        self.assertFalse(os.path.exists(os.path.join(self.home, "y.txt")))
        self.assertEqual(dict(f.mlsd())["up.bin"]["perm"], "adfrw")
        with self.assertRaises(ftplib.error_perm):
            f.sendcmd("RNTO z")  # RNTO without RNFR: 503
        with self.assertRaises(ftplib.error_perm):
            f.rmd("/")

    def test_anonymous_is_read_only(self):
        f = self.ftp()
        for cmd in ("MKD x", "DELE hello.txt", "RMD dir", "RNFR hello.txt", "SITE CHMOD 777 hello.txt"):
            with self.assertRaises(ftplib.error_perm) as e:
                f.sendcmd(cmd)
            self.assertTrue(str(e.exception).startswith("550"), (cmd, e.exception))
        with self.assertRaises(ftplib.error_perm) as e:
            f.storbinary("STOR new.txt", io.BytesIO(b"x"))
        self.assertTrue(str(e.exception).startswith("550"))
        self.assertFalse(os.path.exists(os.path.join(self.server.public, "new.txt")))

    def test_paths_cannot_leave_the_jail(self):
        f = self.ftp()
        for name in ("../secret.txt", "/../secret.txt", "dir/../../secret.txt", "escape", "/escape",
                     "..%2fsecret.txt", "dir/sub/../../../secret.txt"):
            with self.assertRaises(ftplib.error_perm, msg=name) as e:
                self.retr(f, name)
            self.assertTrue(str(e.exception).startswith("550"), (name, e.exception))
        with self.assertRaises(ftplib.error_perm):
            f.cwd("..")  # nothing above the root
        self.assertEqual(f.pwd(), "/")
        with self.assertRaises(ftplib.error_perm):
            f.cwd("escape")
        a = self.ftp(USER)
        for name in ("../../secret.txt", "/../../public/hello.txt", "../alice/../../secret.txt"):
            with self.assertRaises(ftplib.error_perm, msg=name):
                self.retr(a, name)
        with self.assertRaises(ftplib.error_perm):
            a.storbinary("STOR ../../evil.txt", io.BytesIO(b"x"))
        self.assertFalse(os.path.exists(os.path.join(self.server.data_dir, "evil.txt")))

    def test_active_mode_port_and_eprt(self):
        f = self.ftp()
        f.set_pasv(False)
        self.assertEqual(self.retr(f, "big.bin"), self.big)  # PORT
        f6 = self.ftp(host="::1")
        f6.set_pasv(False)
        self.assertEqual(self.retr(f6, "hello.txt"), b"hello from l7 ftp\n")  # EPRT |2|::1|...

    def test_epsv_over_ipv6_and_pasv_refused_there(self):
        f = self.ftp(host="::1")
        self.assertEqual(self.retr(f, "big.bin"), self.big)  # ftplib uses EPSV on IPv6
        with self.assertRaises(ftplib.error_temp):
            f.sendcmd("PASV")
        with self.assertRaises(ftplib.error_perm) as e:
            f.sendcmd("EPSV 1")
        self.assertTrue(str(e.exception).startswith("522"))

    def test_data_connections_go_to_the_client_only(self):
        f = self.ftp()
        for cmd in ("PORT 10,0,0,1,200,10", "EPRT |1|10.0.0.1|5000|", "PORT 127,0,0,1,0,21", "PORT 1,2,3"):
            with self.assertRaises(ftplib.error_perm, msg=cmd) as e:
                f.sendcmd(cmd)
            self.assertTrue(str(e.exception).startswith("501"), (cmd, e.exception))
        self.assertEqual(self.retr(f, "hello.txt"), b"hello from l7 ftp\n")  # still serving
        # A transfer without PASV/PORT first.
        g = self.ftp()
        with self.assertRaises(ftplib.error_temp) as e:
            g.sendcmd("RETR hello.txt")
        self.assertTrue(str(e.exception).startswith("425"))

    def test_explicit_tls(self):
        f = ftplib.FTP_TLS(context=tls_context(), timeout=20)
        f.connect("127.0.0.1", self.ftp_port)
        self.addCleanup(f.close)
        f.auth()
        f.login(USER, PASSWORD)
        f.prot_p()
        data = os.urandom(2 * 1024 * 1024)
        f.storbinary("STOR tls.bin", io.BytesIO(data))
        self.assertEqual(self.home_file("tls.bin"), data)
        self.assertEqual(self.retr(f, "tls.bin"), data)
        self.assertIn("TLS", f.sendcmd("STAT"))
        f.prot_c()
        self.assertEqual(self.retr(f, "mine.txt"), b"alice's file\n")

    def test_implicit_tls(self):
        f = ImplicitFTP_TLS(context=tls_context(), timeout=20)
        f.connect("127.0.0.1", self.ftps_port)
        self.addCleanup(f.close)
        self.assertTrue(f.getwelcome().startswith("220"))
        f.login()
        f.prot_p()
        self.assertEqual(self.retr(f, "big.bin"), self.big)
        self.assertLessEqual({"big.bin", "dir", "escape", "hello.txt", "text.txt"}, set(f.nlst()))
        with self.assertRaises(ftplib.error_perm):
            f.sendcmd("AUTH TLS")  # already TLS: 503

    def test_abor_during_a_transfer(self):
        self.server.write_public("huge.bin", b"\0" * (64 * 1024 * 1024))
        f = self.ftp()
        f.voidcmd("TYPE I")
        conn = f.transfercmd("RETR huge.bin")
        conn.recv(65536)
        resp = f.abort()
        conn.close()
        self.assertEqual(resp[:3], "426", resp)  # the transfer's reply ...
        self.assertEqual(f.voidresp()[:3], "226")  # ... then ABOR's
        self.assertEqual(self.retr(f, "hello.txt"), b"hello from l7 ftp\n")
        self.assertEqual(f.sendcmd("ABOR")[:3], "225")  # nothing to abort

    def test_overlong_line_gets_500_and_the_session_goes_on(self):
        s = l7test.connect(self.ftp_port)
        self.addCleanup(s.close)
        r = s.makefile("rb")
        self.assertTrue(r.readline().startswith(b"220"))
        s.sendall(b"NOOP " + b"x" * 20000 + b"\r\nNOOP\r\n")
        self.assertTrue(r.readline().startswith(b"500"))
        self.assertTrue(r.readline().startswith(b"200"))
        s.sendall(b"12garbage\r\nRETR\r\n")
        self.assertTrue(r.readline().startswith(b"500"))
        self.assertTrue(r.readline().startswith(b"530"))  # not logged in
        s.sendall(b"QUIT\r\n")
        self.assertTrue(r.readline().startswith(b"221"))

    def test_failed_logins_are_refused_then_cut_off(self):
        f = ftplib.FTP(timeout=20)
        f.connect("127.0.0.1", self.ftp_port)
        self.addCleanup(f.close)
        for _ in range(2):
            with self.assertRaises(ftplib.error_perm) as e:
                f.login(USER, "wrong")
            self.assertTrue(str(e.exception).startswith("530"))
        with self.assertRaises(ftplib.error_temp) as e:
            f.login("nobody", "wrong")
        self.assertTrue(str(e.exception).startswith("421"))
        g = self.ftp(USER)  # the account still works on a new connection
        self.assertEqual(self.retr(g, "mine.txt"), b"alice's file\n")


class FtpLimitsTest(ftptest.FtpServerCase):
    # idle_timeout leaves the limit test time to open its connections even on a loaded machine.
    FTP_KEYS = {"max_per_ip": "2", "idle_timeout": '"4s"', "data_timeout": '"1s"', "anonymous": "true"}

    def test_data_connection_never_opened_times_out(self):
        f = ftplib.FTP(timeout=20)
        f.connect("127.0.0.1", self.ftp_port)
        self.addCleanup(f.close)
        f.login()
        f.sendcmd("PASV")  # ... and never connect to it
        started = time.monotonic()
        with self.assertRaises(ftplib.error_temp) as e:
            f.sendcmd("RETR hello.txt")
        self.assertTrue(str(e.exception).startswith("425"))
        self.assertLess(time.monotonic() - started, 10)
        self.assertEqual(f.sendcmd("NOOP")[:3], "200")  # the session goes on

    def test_per_address_limit(self):
        a = ftplib.FTP(timeout=20)
        a.connect("127.0.0.1", self.ftp_port)
        b = ftplib.FTP(timeout=20)
        b.connect("127.0.0.1", self.ftp_port)
        self.addCleanup(a.close)
        self.addCleanup(b.close)
        c = ftplib.FTP(timeout=20)
        with self.assertRaises(ftplib.error_temp) as e:
            c.connect("127.0.0.1", self.ftp_port)
        self.assertTrue(str(e.exception).startswith("421"))
        c.close()
        a.quit()
        # The slot is free again once the server has closed a's session (retry a moment).
        deadline = time.monotonic() + 10
        while True:
            d = ftplib.FTP(timeout=20)
            try:
                d.connect("127.0.0.1", self.ftp_port)
                break
            except ftplib.error_temp:
                d.close()
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        d.quit()

    def test_stalled_download_times_out_with_426(self):
        self.server.write_public("stall.bin", b"\0" * (64 * 1024 * 1024))
        f = ftplib.FTP(timeout=20)
        f.connect("127.0.0.1", self.ftp_port)
        self.addCleanup(f.close)
        f.login()
        f.voidcmd("TYPE I")
        conn = f.transfercmd("RETR stall.bin")  # ... and never read: the buffers fill, then stall
        self.addCleanup(conn.close)
        with self.assertRaises(ftplib.error_temp) as e:
            f.voidresp()
        self.assertIn("timed out", str(e.exception))
        self.assertTrue(str(e.exception).startswith("426"), e.exception)

    def test_idle_timeout_sends_421(self):
        s = l7test.connect(self.ftp_port)
        self.addCleanup(s.close)
        r = s.makefile("rb")
        self.assertTrue(r.readline().startswith(b"220"))
        started = time.monotonic()
        self.assertTrue(r.readline().startswith(b"421"))
        self.assertEqual(r.read(), b"")  # then closed
        self.assertLess(time.monotonic() - started, 15)


class FtpGracefulStopTest(unittest.TestCase):
    def test_idle_session_gets_421_on_stop(self):
        with l7test.l7_server(only=("ftp",), config_text=ftptest.server_config()) as srv:
            f = ftplib.FTP(timeout=20)
            f.connect("127.0.0.1", srv.ports["ftp"])
            f.login()
            srv.stop()  # SIGTERM: asserts a clean exit within 10 s
            with self.assertRaises(ftplib.error_temp) as e:
                f.voidresp()
            self.assertTrue(str(e.exception).startswith("421"), e.exception)
            f.close()


if __name__ == "__main__":
    l7test.main()
