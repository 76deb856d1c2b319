"""`l7 mail send` against a private Postfix smtpd (the real server, not smtp-sink): its own
config directory, queue and data directories in a temporary directory, smtpd on a free port of
127.0.0.1, mail for example.test delivered by Postfix's virtual(8) agent into a Maildir (the
set-up of bench/smtp.sh; the system's Postfix is not touched). Skipped, with the reason, only
when Postfix is not installed or the test does not run as root (Postfix's master needs it).

Checks: a pipelined message to two recipients is answered 250 with Postfix's queue id and
arrives whole (dot lines included); STARTTLS with the certificate verified; a recipient outside
the domains is refused (relay denied, exit 1).

Run: python3 test_client_postfix.py --l7 build/dev/l7
"""

import glob
import os
import pwd
import re
import shutil
import subprocess
import sys
import tempfile
import time
import unittest

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import smtptest  # noqa: E402,F401  (puts tests/interop/lib on the path)
import l7test  # noqa: E402

POSTFIX = "/usr/sbin/postfix"


def free_port():
    return l7test.free_port()


class PostfixSmtpd(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        if not os.access(POSTFIX, os.X_OK):
            raise unittest.SkipTest("Postfix is not installed (scripts/deps.sh installs it)")
        if os.geteuid() != 0:
            raise unittest.SkipTest("a private Postfix master must start as root")
        cls.dir = tempfile.mkdtemp(prefix="l7-postfix-")
        os.chmod(cls.dir, 0o755)
        d, pf = cls.dir, pwd.getpwnam("postfix")
        for sub in ("conf", "queue", "data", "mail"):
            os.makedirs(os.path.join(d, sub))
        for sub in ("data", "mail"):
            os.chown(os.path.join(d, sub), pf.pw_uid, pf.pw_gid)
        cls.port = free_port()
        cert, key = os.path.join(d, "conf", "cert.pem"), os.path.join(d, "conf", "key.pem")
        subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                        "-keyout", key, "-out", cert, "-days", "2", "-subj", "/CN=localhost",
                        "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"],
                       check=True, capture_output=True, timeout=60)
        cls.cert = cert
        with open("/etc/postfix/master.cf") as f:
            master = re.sub(r"(?m)^smtp\s+inet.*$", "127.0.0.1:%d inet n - n - - smtpd" % cls.port, f.read())
        with open(os.path.join(d, "conf", "master.cf"), "w") as f:
            f.write(master)
        with open(os.path.join(d, "conf", "main.cf"), "w") as f:
            f.write("""compatibility_level = 3.6
queue_directory = {d}/queue
data_directory = {d}/data
mail_owner = postfix
setgid_group = postdrop
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
myhostname = postfix.l7test
mydestination =
relay_domains =
smtpd_relay_restrictions = permit_mynetworks, reject_unauth_destination
mynetworks = 192.0.2.0/24
virtual_mailbox_domains = example.test
virtual_mailbox_base = {d}/mail
virtual_mailbox_maps = static:inbox/
virtual_uid_maps = static:{uid}
virtual_gid_maps = static:{gid}
virtual_minimum_uid = 1
smtpd_tls_security_level = may
smtpd_tls_cert_file = {cert}
smtpd_tls_key_file = {key}
maillog_file = {d}/maillog
maillog_file_prefixes = {d}
biff = no
""".format(d=d, uid=pf.pw_uid, gid=pf.pw_gid, cert=cert, key=key))
        conf = os.path.join(d, "conf")
        cls.conf = conf
        subprocess.run([POSTFIX, "-c", conf, "check"], capture_output=True, timeout=60)  # creates the queue dirs
        r = subprocess.run([POSTFIX, "-c", conf, "start"], capture_output=True, timeout=60)
        if r.returncode != 0:
            shutil.rmtree(d, ignore_errors=True)
            raise AssertionError("postfix start failed: %s" % (r.stdout + r.stderr).decode())
        deadline = time.monotonic() + 20
        while True:
            try:
                l7test.connect(cls.port, timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    cls.tearDownClass()
                    raise AssertionError("Postfix smtpd did not listen on %d" % cls.port)
                time.sleep(0.05)
        cls.maildir = os.path.join(d, "mail", "inbox")

    @classmethod
    def tearDownClass(cls):
        subprocess.run([POSTFIX, "-c", cls.conf, "stop"], capture_output=True, timeout=60)
        shutil.rmtree(cls.dir, ignore_errors=True)

    def send(self, *args):
        r = l7test.run([l7test.L7, "mail", "send", "--timeout", "20s", "--server", "127.0.0.1:%d" % self.port]
                       + list(args), timeout=60)
        return r.returncode, r.stdout.decode(errors="replace"), r.stderr.decode(errors="replace")

    def delivered(self, mark, timeout=30.0):
        """The delivered file holding `mark`: the 250 means queued, virtual(8) delivers after."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for path in glob.glob(os.path.join(self.maildir, "new", "*")):
                with open(path, "rb") as f:
                    data = f.read()
                if mark.encode() in data:
                    return data
            time.sleep(0.05)
        with open(os.path.join(self.dir, "maillog"), errors="replace") as f:
            raise AssertionError("%s not delivered; maillog:\n%s" % (mark, f.read()))

    def test_pipelined_two_recipients_delivered_whole(self):
        mark = "pf-%d" % time.monotonic_ns()
        body = "line one\n.\n..two dots\n.leading\nend %s" % mark
        code, out, err = self.send("--from", "alice@client.example", "--to", "bob@example.test",
                                   "--to", "carol@example.test", "--subject", mark, "--body", body, "-v")
        self.assertEqual(code, 0, err)
        self.assertRegex(out, r"^accepted for 2 of 2 recipients, queue id [0-9A-Za-z]+: 250 2\.0\.0 Ok: queued as ")
        self.assertIn("* pipelining MAIL, 2 RCPT, DATA (RFC 2920)", err)
        self.assertIn("S: 220 postfix.l7test ESMTP", err)
        data = self.delivered(mark)
        self.assertIn(b"\n.\n..two dots\n.leading\nend " + mark.encode(), data.replace(b"\r\n", b"\n"))

    def test_starttls_verified(self):
        mark = "pf-tls-%d" % time.monotonic_ns()
        code, out, err = self.send("--starttls", "--cacert", self.cert, "--from", "alice@client.example",
                                   "--to", "bob@example.test", "--subject", mark, "--body", "x", "-v")
        self.assertEqual(code, 0, err)
        self.assertIn("* TLS established", err)
        self.assertIn(b"Subject: " + mark.encode(), self.delivered(mark))

    def test_relay_denied(self):
        code, out, err = self.send("--from", "alice@client.example", "--to", "someone@elsewhere.example",
                                   "--body", "x")
        self.assertEqual(code, 1, err)
        self.assertIn("554 5.7.1", err)
        self.assertIn("Relay access denied", err)


if __name__ == "__main__":
    l7test.main()
