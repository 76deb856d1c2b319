"""SMTP AUTH SCRAM-SHA-256 (RFC 4954, RFC 5802, RFC 7677) against `l7 serve`: msmtp (GNU SASL)
logs in and sends, with the right and a wrong password, over smtp and STARTTLS on submission;
raw exchanges check the 334 steps, the server signature, cancels, malformed messages with
their e= value, channel binding refused, the failure delay, and an account from before SCRAM
keys were kept (PLAIN works, SCRAM does not until the password is set again).

Run: python3 test_server_scram.py --l7 build/dev/l7
"""

import os
import subprocess
import sys
import time
import unittest

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import smtptest  # noqa: E402
from smtptest import PASSWORD, USER  # noqa: E402
import l7test  # noqa: E402
import scramtest  # noqa: E402

DELAY = 0.4


class ScramCase(smtptest.SmtpServerCase):
    SMTP = {"auth_accept_any": "false", "auth_delay": '"400ms"', "max_auth_failures": "20"}

    def ehlo(self, port=None):
        c = smtptest.LineClient(port or self.smtp_port)
        self.assertEqual(c.reply()[0], 220)
        code, lines = c.cmd("EHLO client.test")
        self.assertEqual(code, 250)
        return c, lines

    def scram_exchange(self, c, user=USER, password=PASSWORD, initial=True):
        client = scramtest.Client(user, password)
        if initial:
            code, lines = c.cmd("AUTH SCRAM-SHA-256 " + scramtest.encode(client.first()))
        else:
            code, lines = c.cmd("AUTH SCRAM-SHA-256")
            self.assertEqual((code, lines), (334, [""]))
            code, lines = c.cmd(scramtest.encode(client.first()))
        self.assertEqual(code, 334, lines)
        server_first = scramtest.decode(lines[0])
        self.assertIn(b",i=20000", server_first)
        code, lines = c.cmd(scramtest.encode(client.final(server_first)))
        return client, code, lines


@unittest.skipUnless(l7test.has_program("msmtp"), "msmtp is not installed (scripts/deps.sh)")
class MsmtpTest(ScramCase):
    def msmtp(self, port, password, *tls):
        args = ["msmtp", "--host=127.0.0.1", "--port=%d" % port, "--auth=scram-sha-256", "--user=" + USER,
                "--passwordeval=printf %s '" + password + "'", "--from=sender@client.test"] + list(tls) + \
               ["--", "bob@example.test"]
        return subprocess.run(args, input=b"Subject: scram\r\n\r\nsent by msmtp\r\n", capture_output=True,
                              timeout=60)

    def test_msmtp_logs_in_and_sends(self):
        before = len(self.captured())
        r = self.msmtp(self.smtp_port, PASSWORD, "--tls=off")
        self.assertEqual(r.returncode, 0, r.stderr)
        msgs = self.captured(before + 1)
        self.assertIn(b"sent by msmtp", msgs[-1])

    def test_msmtp_over_starttls_on_submission(self):
        before = len(self.captured())
        r = self.msmtp(self.submission_port, PASSWORD, "--tls=on", "--tls-starttls=on", "--tls-certcheck=off")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.captured(before + 1)

    def test_msmtp_wrong_password(self):
        started = time.monotonic()
        r = self.msmtp(self.smtp_port, "wrong", "--tls=off")
        self.assertNotEqual(r.returncode, 0)
        self.assertIn(b"535", r.stderr)
        self.assertGreaterEqual(time.monotonic() - started, DELAY)


class RawScramTest(ScramCase):
    def test_ehlo_offers_scram_first(self):
        c, lines = self.ehlo()
        self.assertIn("AUTH SCRAM-SHA-256 PLAIN LOGIN", lines)
        c.close()

    def test_exchange_with_and_without_initial_response(self):
        for initial in (True, False):
            c, _ = self.ehlo()
            client, code, lines = self.scram_exchange(c, initial=initial)
            self.assertEqual(code, 334, lines)
            self.assertEqual(scramtest.decode(lines[0]), client.expected)  # the server knows the keys
            code, lines = c.cmd("")
            self.assertEqual(code, 235, lines)
            self.assertEqual(c.cmd("AUTH SCRAM-SHA-256")[0], 503)  # one AUTH per session
            c.close()

    def test_wrong_password_is_535_with_e_after_the_delay(self):
        c, _ = self.ehlo()
        started = time.monotonic()
        _, code, lines = self.scram_exchange(c, password="wrong")
        self.assertEqual(code, 535)
        self.assertIn("e=invalid-proof", lines[0])
        self.assertGreaterEqual(time.monotonic() - started, DELAY)
        # Unknown users look the same: same iteration count, a salt, then invalid-proof.
        _, code, lines = self.scram_exchange(c, user="nobody")
        self.assertEqual(code, 535)
        c.close()

    def test_unknown_user_salt_is_stable(self):
        salts = []
        for _ in range(2):
            c, _ = self.ehlo()
            client = scramtest.Client("nobody", "x")
            code, lines = c.cmd("AUTH SCRAM-SHA-256 " + scramtest.encode(client.first()))
            self.assertEqual(code, 334)
            salts.append([a for a in scramtest.decode(lines[0]).split(b",") if a.startswith(b"s=")])
            self.assertEqual(c.cmd("*")[0], 501)
            c.close()
        self.assertEqual(salts[0], salts[1])

    def test_cancel_and_malformed(self):
        c, _ = self.ehlo()
        self.assertEqual(c.cmd("AUTH SCRAM-SHA-256")[0], 334)
        self.assertEqual(c.cmd("*")[0], 501)
        code, lines = c.cmd("AUTH SCRAM-SHA-256 " + scramtest.encode(b"p=tls-unique,,n=alice,r=abc"))
        self.assertEqual(code, 501)
        self.assertIn("e=channel-binding-not-supported", lines[0])
        code, lines = c.cmd("AUTH SCRAM-SHA-256 " + scramtest.encode(b"n,,r=abc,n=alice"))
        self.assertEqual(code, 501)
        self.assertIn("e=invalid-encoding", lines[0])
        code, lines = c.cmd("AUTH SCRAM-SHA-256 " + scramtest.encode(b"n,a=bob,n=alice,r=abc"))
        self.assertEqual(code, 501)
        self.assertIn("e=other-error", lines[0])
        code, lines = c.cmd("AUTH SCRAM-SHA-256 not-base64!")
        self.assertEqual(code, 501)
        client = scramtest.Client(USER, PASSWORD)
        code, lines = c.cmd("AUTH SCRAM-SHA-256 " + scramtest.encode(client.first()))
        self.assertEqual(code, 334)
        code, lines = c.cmd(scramtest.encode(b"c=eSws,r=" + client.nonce.encode() + b"x,p=AAAA"))
        self.assertEqual(code, 501)
        self.assertIn("e=channel-bindings-dont-match", lines[0])
        # After the server's v=, anything but an empty line means the client refused it.
        _, code, lines = self.scram_exchange(c)
        self.assertEqual(code, 334)
        self.assertEqual(c.cmd("*")[0], 501)
        _, code, lines = self.scram_exchange(c)  # and the session can still log in
        self.assertEqual(c.cmd("")[0], 235)
        c.close()

    def test_account_from_before_scram(self):
        smtptest.add_user(self.server, "olduser", "old-pass")
        keys = os.path.join(self.server.data_dir, "accounts", "scram")
        with open(keys) as f:
            lines = [line for line in f if not line.startswith("olduser:")]
        with open(keys, "w") as f:  # as if the account had been made before SCRAM existed
            f.writelines(lines)
        listed = subprocess.run([l7test.L7, "user", "list", "--data", self.server.data_dir], capture_output=True,
                                text=True, timeout=60)
        self.assertIn("no SCRAM-SHA-256 keys for: olduser", listed.stderr)
        c, _ = self.ehlo()
        _, code, lines = self.scram_exchange(c, "olduser", "old-pass")
        self.assertEqual(code, 535)
        code, _ = c.cmd("AUTH PLAIN " + scramtest.encode(b"\0olduser\0old-pass"))
        self.assertEqual(code, 235)
        c.close()
        subprocess.run([l7test.L7, "user", "passwd", "olduser", "--data", self.server.data_dir, "--password",
                        "old-pass"], check=True, capture_output=True, timeout=60)
        c, _ = self.ehlo()
        _, code, lines = self.scram_exchange(c, "olduser", "old-pass")
        self.assertEqual(code, 334)
        self.assertEqual(c.cmd("")[0], 235)
        c.close()


class AcceptAnyTest(smtptest.SmtpServerCase):
    SMTP = {"auth_accept_any": "true"}

    def test_scram_is_not_offered_when_any_password_is_accepted(self):
        c = smtptest.LineClient(self.smtp_port)
        c.reply()
        code, lines = c.cmd("EHLO client.test")
        self.assertIn("AUTH PLAIN LOGIN", lines)
        c.close()


if __name__ == "__main__":
    l7test.main()
