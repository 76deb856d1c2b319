"""`l7 mail fetch` as an IMAP client: against `l7 serve` (imap with and without STARTTLS,
imaps) and against a private Dovecot 2.3 (tests/interop/lib/dovecot.py; skipped, with the
reason, only when Dovecot is not installed). Each server gets the same tests: list, get round
trip of a message whose literal holds CRLF.CRLF and lines starting with a dot, get into a
directory, delete, a wrong password with SCRAM-SHA-256 and PLAIN (exit 1), SCRAM-SHA-256 as the
automatic choice (its -v dialogue), -v with the password masked, and --idle woken by a message
delivered meanwhile. Dovecot stores the password as SCRAM-SHA-256 keys (doveadm pw).

Run: python3 test_client_fetch.py --l7 build/dev/l7
"""

import base64
import os
import signal
import smtplib
import subprocess
import sys
import tempfile
import unittest

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import dovecot  # noqa: E402
import imaptest_util  # noqa: E402
import l7test  # noqa: E402
import mailfetch  # noqa: E402
from mailfetch import fetch, listing  # noqa: E402

DOVECOT_USER, DOVECOT_PASSWORD = "alice", "dove-pass"


class FetchTests:
    """Tests shared by both servers. A subclass provides user, password, cacert, ports
    (imap, imaps), deliver(raw) and maildir."""

    def args(self, *extra, tls="starttls"):
        a = ["-u", self.user, "-p", self.password]
        if tls == "starttls":
            a += ["-s", "127.0.0.1:%d" % self.ports["imap"], "--starttls", "--cacert", self.cacert]
        elif tls == "implicit":
            a += ["-s", "127.0.0.1:%d" % self.ports["imaps"], "--tls", "-k"]
        else:
            a += ["-s", "127.0.0.1:%d" % self.ports["imap"]]
        return a + list(extra)

    def ok(self, *args, **kw):
        r = fetch(*self.args(*args, **kw))
        self.assertEqual(r.returncode, 0, r.stderr.decode())
        return r

    def find(self, rows, mark):
        found = [row for row in rows if mark in row[4]]
        self.assertEqual(len(found), 1, rows)
        return found[0]

    def test_list_and_get_round_trip(self):
        mark = mailfetch.marker()
        self.deliver(mailfetch.message("dots " + mark, mailfetch.TRICKY_BODY))
        rows = listing(self.ok("list").stdout)
        uid, size, date, sender, subject = self.find(rows, mark)
        self.assertEqual(subject, "dots " + mark)
        self.assertEqual(sender, "Ann Example <ann@client.example>")
        self.assertEqual(date, "2026-12-07 10:00 +0100")
        want = mailfetch.stored(self.maildir, mark)
        self.assertEqual(size, len(want))
        got = self.ok("get", uid).stdout
        self.assertEqual(got, want)
        self.assertIn(b"\r\n.\r\n.leading dot\r\n..two dots\r\n", got)

    def test_plain_text_login_and_implicit_tls_into_directory(self):
        mark = mailfetch.marker()
        self.deliver(mailfetch.message("plain " + mark))
        uid = self.find(listing(self.ok("list", "--auth", "LOGIN", tls="none").stdout), mark)[0]
        with tempfile.TemporaryDirectory() as out:
            self.ok("get", uid, "-o", out, tls="implicit")
            with open(os.path.join(out, "%d.eml" % uid), "rb") as f:
                self.assertEqual(f.read(), mailfetch.stored(self.maildir, mark))

    def test_delete(self):
        marks = [mailfetch.marker() for _ in range(2)]
        for m in marks:
            self.deliver(mailfetch.message("delete " + m))
        rows = listing(self.ok("list").stdout)
        gone, kept = self.find(rows, marks[0])[0], self.find(rows, marks[1])[0]
        r = self.ok("delete", gone)
        self.assertIn(b"deleted 1 message", r.stderr)
        uids = [row[0] for row in listing(self.ok("list").stdout)]
        self.assertNotIn(gone, uids)
        self.assertIn(kept, uids)
        r = fetch(*self.args("get", gone))
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertIn(b"no message with UID %d" % gone, r.stderr)
        r = fetch(*self.args("delete", gone))
        self.assertEqual(r.returncode, 1, r.stderr)

    def test_wrong_password(self):
        for auth, where in (("SCRAM-SHA-256", "AUTHENTICATE SCRAM-SHA-256"), ("PLAIN", "AUTHENTICATE PLAIN")):
            r = fetch("-u", self.user, "-p", "wrong-" + self.password, "-s", "127.0.0.1:%d" % self.ports["imap"],
                      "--starttls", "-k", "--auth", auth, "list")
            self.assertEqual(r.returncode, 1, r.stderr)
            self.assertRegex(r.stderr.decode(), r"^l7 mail: %s: NO .*\n$" % where)
            self.assertEqual(r.stdout, b"")

    def test_scram_is_the_automatic_choice(self):
        """SCRAM-SHA-256 is offered, so it is used without --auth: the -v dialogue shows the
        command, the server-first (nonce, salt, iterations) and the server-final v=, and masks
        what the client sends."""
        r = self.ok("list", "-v")
        err = r.stderr.decode()
        self.assertRegex(err, r"C: (a\d+) AUTHENTICATE SCRAM-SHA-256( \*\*\*\*)?\n")
        self.assertNotIn("AUTHENTICATE PLAIN", err)
        self.assertNotIn(self.password, err)
        challenges = [base64.b64decode(line[5:]).decode() for line in err.splitlines()
                      if line.startswith("S: + ") and len(line) > 5]
        self.assertTrue(any(c.startswith("r=") and ",s=" in c and ",i=" in c for c in challenges), err)
        # Both servers send the server-final as a last "+", answered with an empty line.
        self.assertTrue(any(c.startswith("v=") for c in challenges), err)
        sent = [line[3:] for line in err.splitlines() if line.startswith("C: ")]
        self.assertIn("****", sent)  # the client-final (and client-first without SASL-IR)
        self.assertIn("", sent)
        self.assertRegex(err, r"S: a\d+ OK")

    def test_scram_over_implicit_tls_get(self):
        mark = mailfetch.marker()
        self.deliver(mailfetch.message("scram " + mark))
        uid = self.find(listing(self.ok("list", "--auth", "SCRAM-SHA-256", tls="implicit").stdout), mark)[0]
        got = self.ok("get", uid, "--auth", "SCRAM-SHA-256", tls="implicit").stdout
        self.assertEqual(got, mailfetch.stored(self.maildir, mark))

    def test_verbose_masks_the_password(self):
        r = self.ok("list", "-v", "--auth", "PLAIN")
        err = r.stderr.decode()
        self.assertRegex(err, r"C: a\d+ STARTTLS\n")
        self.assertIn("* TLS established", err)
        self.assertIn("AUTHENTICATE PLAIN ****", err)
        self.assertNotIn(self.password, err)
        r = self.ok("list", "-v", "--auth", "LOGIN")
        self.assertIn("LOGIN %s ****" % self.user, r.stderr.decode())
        self.assertNotIn(self.password, r.stderr.decode())

    def test_unknown_folder_is_refused(self):
        r = fetch(*self.args("--folder", "No/Such/Folder", "list"))
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertIn(b"EXAMINE No/Such/Folder: NO", r.stderr)

    def test_idle_woken_by_new_mail(self):
        proc = subprocess.Popen([l7test.L7, "mail", "fetch", "--idle", "--count", "1"] + self.args(),
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        try:
            mailfetch.read_line(proc.stderr, b"idling in INBOX")
            mark = mailfetch.marker()
            self.deliver(mailfetch.message("idle " + mark))
            line = mailfetch.read_line(proc.stdout, mark.encode())[-1].decode()
            self.assertIn("Ann Example <ann@client.example>\tidle " + mark, line)
            self.assertEqual(proc.wait(timeout=30), 0, proc.stderr.read())
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()

    def test_idle_stops_on_sigint(self):
        proc = subprocess.Popen([l7test.L7, "mail", "fetch", "--idle", "-v"] + self.args(),
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        try:
            mailfetch.read_line(proc.stderr, b"idling in INBOX")  # after the login's "+" challenges
            mailfetch.read_line(proc.stderr, b"S: + ")
            proc.send_signal(signal.SIGINT)
            self.assertEqual(proc.wait(timeout=30), 0)
            rest = proc.stderr.read().decode()
            self.assertIn("C: DONE", rest)
            self.assertIn("LOGOUT", rest)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()


class AgainstL7(FetchTests, imaptest_util.ImapCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.user, cls.password = imaptest_util.USER, imaptest_util.PASSWORD
        cls.cacert = cls.server.cert
        cls.ports = {"imap": cls.imap_port, "imaps": cls.imaps_port}
        cls.maildir = os.path.join(cls.server.data_dir, "mail", cls.user)

    def deliver(self, raw):
        with smtplib.SMTP("127.0.0.1", self.smtp_port, timeout=10) as s:
            s.sendmail("ann@client.example", ["%s@example.test" % self.user], raw)


class AgainstDovecot(FetchTests, unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        if not dovecot.available():
            raise unittest.SkipTest(dovecot.MISSING)
        cls.dovecot = dovecot.Dovecot({DOVECOT_USER: DOVECOT_PASSWORD}).start()
        cls.user, cls.password = DOVECOT_USER, DOVECOT_PASSWORD
        cls.cacert = cls.dovecot.cert
        cls.ports = cls.dovecot.ports
        cls.maildir = cls.dovecot.maildir(DOVECOT_USER)

    @classmethod
    def tearDownClass(cls):
        cls.dovecot.stop()

    def deliver(self, raw):
        self.dovecot.deliver(self.user, raw)


if __name__ == "__main__":
    l7test.main()
