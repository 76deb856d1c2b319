"""`l7 mail fetch --pop3` as a POP3 client: against `l7 serve` (pop3 with and without STLS,
pop3s) and against a private Dovecot 2.3 (tests/interop/lib/dovecot.py; skipped, with the
reason, only when Dovecot is not installed). Each server gets the same tests: list, RETR round
trip of a message with a line that is only "." and lines starting with dots (dot-unstuffing),
get into a directory over implicit TLS, delete (applied at QUIT), a wrong password with
SCRAM-SHA-256, PLAIN and USER (exit 1), SCRAM-SHA-256 as the automatic choice (its -v
dialogue) and over implicit TLS, -v with the password masked, and --idle refused (IMAP only).
Dovecot stores the password as SCRAM-SHA-256 keys (doveadm pw).

Run: python3 test_client_fetch.py --l7 build/dev/l7
"""

import base64
import os
import smtplib
import sys
import tempfile
import unittest

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "smtp"))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import dovecot  # noqa: E402
import l7test  # noqa: E402
import mailfetch  # noqa: E402
import smtptest  # noqa: E402
from mailfetch import fetch, listing  # noqa: E402

DOVECOT_USER, DOVECOT_PASSWORD = "alice", "dove-pass"


class FetchTests:
    """Tests shared by both servers. A subclass provides user, password, cacert, ports
    (pop3, pop3s), deliver(raw) and maildir."""

    def args(self, *extra, tls="stls"):
        a = ["--pop3", "-u", self.user, "-p", self.password]
        if tls == "stls":
            a += ["-s", "127.0.0.1:%d" % self.ports["pop3"], "--starttls", "--cacert", self.cacert]
        elif tls == "implicit":
            a += ["-s", "127.0.0.1:%d" % self.ports["pop3s"], "--tls", "-k"]
        else:
            a += ["-s", "127.0.0.1:%d" % self.ports["pop3"]]
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
        number, size, date, sender, subject = self.find(listing(self.ok("list").stdout), mark)
        self.assertEqual(sender, "Ann Example <ann@client.example>")
        self.assertEqual(date, "2026-12-07 10:00 +0100")
        want = mailfetch.stored(self.maildir, mark)
        self.assertEqual(size, len(want))
        got = self.ok("get", number).stdout
        self.assertEqual(got, want)
        self.assertIn(b"\r\n.\r\n.leading dot\r\n..two dots\r\n", got)

    def test_user_pass_and_implicit_tls_into_directory(self):
        mark = mailfetch.marker()
        self.deliver(mailfetch.message("plain " + mark))
        number = self.find(listing(self.ok("list", "--auth", "USER", tls="none").stdout), mark)[0]
        with tempfile.TemporaryDirectory() as out:
            self.ok("get", number, "-o", out, tls="implicit")
            with open(os.path.join(out, "%d.eml" % number), "rb") as f:
                self.assertEqual(f.read(), mailfetch.stored(self.maildir, mark))

    def test_delete_at_quit(self):
        marks = [mailfetch.marker() for _ in range(2)]
        for m in marks:
            self.deliver(mailfetch.message("delete " + m))
        rows = listing(self.ok("list").stdout)
        gone = self.find(rows, marks[0])[0]
        r = self.ok("delete", gone, "-v")
        self.assertIn(b"deleted 1 message", r.stderr)
        self.assertIn(b"C: DELE %d\n" % gone, r.stderr)
        self.assertIn(b"C: QUIT\nS: +OK", r.stderr)
        subjects = [row[4] for row in listing(self.ok("list").stdout)]
        self.assertFalse(any(marks[0] in s for s in subjects), subjects)
        self.assertTrue(any(marks[1] in s for s in subjects), subjects)
        r = fetch(*self.args("get", 999))
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertRegex(r.stderr.decode(), r"l7 mail: RETR 999: -ERR")

    def test_wrong_password(self):
        for auth, where in (("SCRAM-SHA-256", "AUTH SCRAM-SHA-256"), ("PLAIN", "AUTH PLAIN"), ("USER", "PASS")):
            r = fetch("--pop3", "-u", self.user, "-p", "wrong-" + self.password, "-s",
                      "127.0.0.1:%d" % self.ports["pop3"], "--auth", auth, "list")
            self.assertEqual(r.returncode, 1, r.stderr)
            self.assertRegex(r.stderr.decode(), r"^l7 mail: %s: -ERR .*\n$" % where)
            self.assertEqual(r.stdout, b"")

    def test_scram_is_the_automatic_choice(self):
        """SCRAM-SHA-256 is offered, so it is used without --auth: the -v dialogue shows the
        command, the server-first (nonce, salt, iterations) and masks what the client sends."""
        r = self.ok("list", "-v")
        err = r.stderr.decode()
        self.assertIn("C: AUTH SCRAM-SHA-256 ****\n", err)
        self.assertNotIn("AUTH PLAIN", err)
        self.assertNotIn(self.password, err)
        challenges = [base64.b64decode(line[5:]).decode() for line in err.splitlines()
                      if line.startswith("S: + ") and len(line) > 5]
        self.assertTrue(any(c.startswith("r=") and ",s=" in c and ",i=" in c for c in challenges), err)
        self.assertIn("C: ****\n", err)  # the client-final
        # Both servers send the server-final as a last "+ ", answered with an empty line.
        self.assertTrue(any(c.startswith("v=") for c in challenges), err)
        self.assertIn("C: \nS: +OK", err)

    def test_scram_over_implicit_tls_get(self):
        mark = mailfetch.marker()
        self.deliver(mailfetch.message("scram " + mark))
        number = self.find(listing(self.ok("list", "--auth", "SCRAM-SHA-256", tls="implicit").stdout), mark)[0]
        got = self.ok("get", number, "--auth", "SCRAM-SHA-256", tls="implicit").stdout
        self.assertEqual(got, mailfetch.stored(self.maildir, mark))

    def test_verbose_masks_the_password(self):
        for auth, shown in (("PLAIN", "C: AUTH PLAIN ****"), ("USER", "C: PASS ****")):
            r = self.ok("list", "-v", "--auth", auth)
            err = r.stderr.decode()
            self.assertIn(shown, err)
            self.assertIn("C: STLS", err)
            self.assertIn("* TLS established", err)
            self.assertNotIn(self.password, err)

    def test_idle_is_imap_only(self):
        r = fetch(*self.args("--idle"))
        self.assertEqual(r.returncode, 2)
        self.assertIn(b"--idle needs IMAP", r.stderr)


class AgainstL7(FetchTests, l7test.ServerCase):
    @classmethod
    def server_kwargs(cls):
        text = smtptest.server_config({"capture": "false", "domains": '["example.test"]'})
        text = l7test.set_config_key(text, "pop3", "login_delay", '"50ms"')
        return dict(only=("smtp", "pop3", "pop3s"), config_text=text)

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        smtptest.add_user(cls.server)
        cls.user, cls.password = smtptest.USER, smtptest.PASSWORD
        cls.cacert = cls.server.cert
        cls.ports = {"pop3": cls.server.ports["pop3"], "pop3s": cls.server.ports["pop3s"]}
        cls.maildir = os.path.join(cls.server.data_dir, "mail", cls.user)

    def deliver(self, raw):
        with smtplib.SMTP("127.0.0.1", self.server.ports["smtp"], timeout=10) as s:
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
