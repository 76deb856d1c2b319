"""Python's poplib, curl's pop3:// and fetchmail against `l7 serve`'s POP3: login (USER/PASS,
AUTH PLAIN/LOGIN), STLS and pop3s, STAT/LIST/UIDL/RETR/TOP/DELE/RSET, deletions applied only
at QUIT, capture mode (any account reads captured mail), pipelining, bad input and limits.

Run: python3 test_server_pop3.py --l7 build/dev/l7
"""

import os
import poplib
import smtplib
import socket
import subprocess
import sys
import unittest

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "smtp"))
import smtptest  # noqa: E402
from smtptest import PASSWORD, USER  # noqa: E402
import l7test  # noqa: E402

SERVICES = ("smtp", "pop3", "pop3s")


def config(capture):
    text = smtptest.server_config({"capture": "true" if capture else "false", "domains": '["example.test"]'})
    return l7test.set_config_key(text, "pop3", "login_delay", '"50ms"')


class Pop3Case(l7test.ServerCase):
    CAPTURE = False

    @classmethod
    def server_kwargs(cls):
        return dict(only=SERVICES, config_text=config(cls.CAPTURE))

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.pop3_port = cls.server.ports["pop3"]
        cls.pop3s_port = cls.server.ports["pop3s"]
        cls.smtp_port = cls.server.ports["smtp"]
        smtptest.add_user(cls.server)
        smtptest.add_user(cls.server, "bob", "bob-pass")

    def send(self, to, subject, body=b"body line\r\n.dot line\r\n"):
        with smtplib.SMTP("127.0.0.1", self.smtp_port, timeout=10) as s:
            s.sendmail("sender@client.example", [to], b"Subject: " + subject.encode() + b"\r\n\r\n" + body)

    def login(self, user=USER, password=PASSWORD):
        p = poplib.POP3("127.0.0.1", self.pop3_port, timeout=10)
        p.user(user)
        p.pass_(password)
        return p

    def empty_maildrop(self, user=USER, password=PASSWORD):
        p = self.login(user, password)
        for i in range(p.stat()[0]):
            p.dele(i + 1)
        p.quit()


class MaildropTest(Pop3Case):
    def setUp(self):
        self.empty_maildrop()

    def test_retr_top_list_uidl(self):
        self.send("alice@example.test", "first")
        self.send("alice@example.test", "second", b"l1\r\nl2\r\nl3\r\n")
        p = self.login()
        count, octets = p.stat()
        self.assertEqual(count, 2)
        _, listing, _ = p.list()
        sizes = [int(x.split()[1]) for x in listing]
        self.assertEqual(sum(sizes), octets)
        _, lines, size = p.retr(1)
        self.assertIn(b"Subject: first", lines)
        self.assertIn(b".dot line", lines)  # poplib removes the stuffing dot: it was sent
        self.assertEqual(lines[-1], b".dot line")
        _, top, _ = p.top(2, 1)
        self.assertIn(b"Subject: second", top)
        self.assertEqual(top[-1], b"l1")
        _, uidl, _ = p.uidl()
        ids = [x.split()[1] for x in uidl]
        self.assertEqual(len(set(ids)), 2)
        self.assertEqual(p.uidl(2).split()[2], ids[1])
        p.quit()
        p = self.login()
        _, uidl2, _ = p.uidl()
        self.assertEqual([x.split()[1] for x in uidl2], ids)  # stable across sessions
        p.quit()

    def test_deletes_apply_only_at_quit(self):
        self.send("alice@example.test", "a")
        self.send("alice@example.test", "b")
        p = self.login()
        p.dele(1)
        with self.assertRaises(poplib.error_proto):
            p.retr(1)  # marked
        with self.assertRaises(poplib.error_proto):
            p.dele(1)
        self.assertEqual(p.stat()[0], 1)
        p.rset()
        self.assertEqual(p.stat()[0], 2)
        p.dele(2)
        p.sock.close()  # no QUIT: nothing is removed
        p = self.login()
        self.assertEqual(p.stat()[0], 2)
        p.dele(2)
        p.quit()
        p = self.login()
        self.assertEqual(p.stat()[0], 1)
        self.assertIn(b"Subject: a", p.retr(1)[1])
        p.quit()

    def test_auth_mechanisms_and_capa(self):
        p = poplib.POP3("127.0.0.1", self.pop3_port, timeout=10)
        caps = p.capa()
        for c in ("TOP", "UIDL", "RESP-CODES", "AUTH-RESP-CODE", "PIPELINING", "USER", "STLS", "SASL"):
            self.assertIn(c, caps)
        self.assertEqual(caps["SASL"], ["SCRAM-SHA-256", "PLAIN", "LOGIN"])
        import base64
        r = p._shortcmd("AUTH PLAIN " + base64.b64encode(b"\0alice\0" + PASSWORD.encode()).decode())
        self.assertTrue(r.startswith(b"+OK"), r)
        p.quit()
        p = poplib.POP3("127.0.0.1", self.pop3_port, timeout=10)
        p._putcmd("AUTH LOGIN")
        self.assertTrue(p._getline()[0].startswith(b"+ "))
        p._putcmd(base64.b64encode(b"alice").decode())
        self.assertTrue(p._getline()[0].startswith(b"+ "))
        self.assertTrue(p._shortcmd(base64.b64encode(PASSWORD.encode()).decode()).startswith(b"+OK"))
        p.quit()

    def test_wrong_password_and_limits(self):
        p = poplib.POP3("127.0.0.1", self.pop3_port, timeout=10)
        p.user(USER)
        with self.assertRaises(poplib.error_proto) as e:
            p.pass_("wrong")
        self.assertIn(b"[AUTH]", e.exception.args[0])
        with self.assertRaises(poplib.error_proto):
            p.stat()  # still not logged in
        p.user(USER)
        with self.assertRaises(poplib.error_proto):
            p.pass_("wrong")
        p.user(USER)
        with self.assertRaises(poplib.error_proto):
            p.pass_("wrong")
        with self.assertRaises((EOFError, poplib.error_proto, ConnectionError, OSError)):
            p.noop()  # closed after max_login_failures
            p.noop()

    def test_stls_and_implicit_tls(self):
        self.send("alice@example.test", "tls")
        p = poplib.POP3("127.0.0.1", self.pop3_port, timeout=10)
        p.stls(smtptest.tls_context())
        p.user(USER)
        p.pass_(PASSWORD)
        self.assertGreaterEqual(p.stat()[0], 1)
        p.quit()
        p = poplib.POP3_SSL("127.0.0.1", self.pop3s_port, timeout=10, context=smtptest.tls_context())
        p.user(USER)
        p.pass_(PASSWORD)
        self.assertGreaterEqual(p.stat()[0], 1)
        p.quit()

    def test_pipelined_commands_and_bad_input(self):
        self.send("alice@example.test", "pipe")
        s = socket.create_connection(("127.0.0.1", self.pop3_port), timeout=10)
        f = s.makefile("rb")
        f.readline()
        s.sendall(b"USER alice\r\nPASS " + PASSWORD.encode() + b"\r\nSTAT\r\nLIST 99\r\nLIST x\r\nRETR\r\n"
                  b"FOO\r\n" + b"X" * 3000 + b"\r\nNOOP\r\nQUIT\r\n")
        replies = [f.readline() for _ in range(10)]
        self.assertTrue(replies[0].startswith(b"+OK"))
        self.assertTrue(replies[1].startswith(b"+OK"))
        self.assertTrue(replies[2].startswith(b"+OK 1 "))
        for r in replies[3:8]:
            self.assertTrue(r.startswith(b"-ERR"), replies)
        self.assertTrue(replies[8].startswith(b"+OK"))
        self.assertTrue(replies[9].startswith(b"+OK"))
        s.close()


class CaptureTest(Pop3Case):
    CAPTURE = True

    def test_every_account_reads_captured_mail(self):
        self.send("whoever@anywhere.example", "captured one")
        p = self.login("bob", "bob-pass")
        found = [p.retr(i + 1)[1] for i in range(p.stat()[0])]
        self.assertTrue(any(b"Subject: captured one" in m for m in found))
        p.quit()


@unittest.skipUnless(l7test.has_program("curl"), "curl is not installed")
class CurlTest(Pop3Case):
    def test_list_and_retrieve(self):
        self.empty_maildrop()
        self.send("alice@example.test", "for curl")
        url = "pop3://127.0.0.1:%d/" % self.pop3_port
        r = l7test.run(["curl", "-sS", "--max-time", "20", "--user", "%s:%s" % (USER, PASSWORD), url], timeout=60)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertRegex(r.stdout, rb"^1 \d+\r?\n")
        r = l7test.run(["curl", "-sS", "--max-time", "20", "--user", "%s:%s" % (USER, PASSWORD), url + "1"], timeout=60)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn(b"Subject: for curl", r.stdout)
        r = l7test.run(["curl", "-sS", "--max-time", "20", "--ssl-reqd", "-k", "--user", "%s:%s" % (USER, PASSWORD),
                        url + "1"], timeout=60)
        self.assertEqual(r.returncode, 0, r.stderr)
        r = l7test.run(["curl", "-sS", "--max-time", "20", "-k", "--user", "%s:%s" % (USER, PASSWORD),
                        "pop3s://127.0.0.1:%d/1" % self.pop3s_port], timeout=60)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn(b"Subject: for curl", r.stdout)


@unittest.skipUnless(l7test.has_program("fetchmail"), "fetchmail is not installed")
class FetchmailTest(Pop3Case):
    def test_fetch_and_delete_over_stls(self):
        self.empty_maildrop()
        for i in range(3):
            self.send("alice@example.test", "fetch %d" % i)
        home = os.path.join(self.server.data_dir, "fetchmail-home")
        os.makedirs(home, exist_ok=True)
        out = os.path.join(home, "mbox")
        rc = os.path.join(home, ".fetchmailrc")
        with open(rc, "w") as f:
            f.write('poll 127.0.0.1 service %d protocol pop3 user "%s" password "%s" sslproto TLS1.2+ '
                    'no sslcertck mda "cat >> %s"\n' % (self.pop3_port, USER, PASSWORD, out))
        os.chmod(rc, 0o600)
        env = dict(os.environ, HOME=home, FETCHMAILHOME=home)
        r = subprocess.run(["fetchmail", "-f", rc, "--nodetach", "--nosyslog", "-v"], capture_output=True,
                           timeout=120, env=env)
        self.assertEqual(r.returncode, 0, r.stdout.decode(errors="replace") + r.stderr.decode(errors="replace"))
        self.assertIn(b"STLS", r.stdout + r.stderr)  # it upgraded to TLS before logging in
        with open(out, "rb") as f:
            got = f.read()
        for i in range(3):
            self.assertIn(b"Subject: fetch %d" % i, got)
        p = self.login()
        self.assertEqual(p.stat()[0], 0)  # fetchmail deleted what it fetched
        p.quit()


if __name__ == "__main__":
    l7test.main()
