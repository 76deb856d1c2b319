"""IMAP AUTHENTICATE SCRAM-SHA-256 (RFC 9051 §6.2.2, RFC 4959 SASL-IR, RFC 5802, RFC 7677)
against `l7 serve`: mbsync from isync (Cyrus SASL's SCRAM plugin from libsasl2-modules, with
`AuthMechs SCRAM-SHA-256`) syncs the INBOX over STARTTLS, and fails with a wrong password; raw
exchanges check CAPABILITY, SASL-IR and "+ " continuations, the server signature, cancels,
malformed steps and a wrong proof (NO [AUTHENTICATIONFAILED] after the login delay).

Run: python3 test_server_scram.py --l7 build/dev/l7
"""

import glob
import os
import subprocess
import sys
import time
import unittest

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import imaptest_util as u  # noqa: E402
from imaptest_util import PASSWORD, USER, send_mail  # noqa: E402
import l7test  # noqa: E402
import scramtest  # noqa: E402

DELAY = 0.4


class ScramImapCase(u.ImapCase):
    IMAP = {"login_delay": '"400ms"', "max_login_failures": "20"}


def have_cyrus_scram():
    return bool(glob.glob("/usr/lib/*/sasl2/libscram.so*"))


@unittest.skipUnless(l7test.has_program("mbsync") and have_cyrus_scram(),
                     "mbsync or Cyrus SASL's SCRAM plugin (libsasl2-modules) is missing (scripts/deps.sh)")
class MbsyncScramTest(ScramImapCase):
    def sync(self, password):
        home = os.path.join(self.server.data_dir, "mbsync-scram-" + password)
        local = os.path.join(home, "local")
        os.makedirs(local, exist_ok=True)
        rc = os.path.join(home, "rc")
        with open(rc, "w") as f:
            f.write("IMAPAccount l7\nHost localhost\nPort %d\nUser %s\nPass %s\nSSLType STARTTLS\n"
                    "CertificateFile %s\nAuthMechs SCRAM-SHA-256\n\n"
                    % (self.imap_port, USER, password, os.path.join(self.server.data_dir, "tls", "cert.pem")))
            f.write("IMAPStore remote\nAccount l7\n\nMaildirStore local\nPath %s/\nInbox %s/INBOX\n\n"
                    % (local, local))
            f.write("Channel inbox\nFar :remote:INBOX\nNear :local:INBOX\nCreate Near\nSyncState *\n")
        r = subprocess.run(["mbsync", "-c", rc, "-V", "inbox"], capture_output=True, timeout=120)
        return r.returncode, r.stdout.decode(errors="replace") + r.stderr.decode(errors="replace"), local

    def test_mbsync_syncs_with_scram(self):
        send_mail(self.smtp_port, "alice@example.test", "over scram")
        rc, text, local = self.sync(PASSWORD)
        self.assertEqual(rc, 0, text)
        self.assertIn("SCRAM-SHA-256", text)  # -V names the mechanism it authenticated with
        files = glob.glob(os.path.join(local, "INBOX", "new", "*")) + glob.glob(os.path.join(local, "INBOX", "cur", "*"))
        self.assertGreaterEqual(len(files), 1)

    def test_mbsync_wrong_password(self):
        started = time.monotonic()
        rc, text, _ = self.sync("wrong-pass")
        self.assertNotEqual(rc, 0, text)
        self.assertIn("AUTHENTICATIONFAILED", text)
        self.assertGreaterEqual(time.monotonic() - started, DELAY)


class RawScramImapTest(ScramImapCase):
    def continuation(self, c):
        line = c.line().decode()
        self.assertTrue(line.startswith("+ "), line)
        return scramtest.decode(line[2:])

    def test_capability_lists_scram(self):
        c = u.RawImap(self.imap_port)
        untagged, done = c.cmd("CAPABILITY")
        self.assertIn("AUTH=SCRAM-SHA-256 AUTH=PLAIN", untagged[0])
        c.close()

    def test_sasl_ir_and_continuations(self):
        for sasl_ir in (True, False):
            c = u.RawImap(self.imap_port)
            client = scramtest.Client(USER, PASSWORD)
            if sasl_ir:
                c.send("a AUTHENTICATE SCRAM-SHA-256 %s\r\n" % scramtest.encode(client.first()))
            else:
                c.send("a AUTHENTICATE SCRAM-SHA-256\r\n")
                self.assertEqual(c.line(), b"+ ")
                c.send(scramtest.encode(client.first()) + "\r\n")
            server_first = self.continuation(c)
            c.send(scramtest.encode(client.final(server_first)) + "\r\n")
            self.assertEqual(self.continuation(c), client.expected)
            c.send("\r\n")
            _, done = c.until("a")
            self.assertIn("a OK [CAPABILITY", done)
            _, done = c.cmd("SELECT INBOX")
            self.assertIn("OK", done)
            c.close()

    def test_wrong_proof_cancel_and_malformed(self):
        c = u.RawImap(self.imap_port)
        client = scramtest.Client(USER, "wrong")
        c.send("a AUTHENTICATE SCRAM-SHA-256 %s\r\n" % scramtest.encode(client.first()))
        server_first = self.continuation(c)
        started = time.monotonic()
        c.send(scramtest.encode(client.final(server_first)) + "\r\n")
        _, done = c.until("a")
        self.assertEqual(done, "a NO [AUTHENTICATIONFAILED] Authentication failed (e=invalid-proof)")
        self.assertGreaterEqual(time.monotonic() - started, DELAY)

        c.send("b AUTHENTICATE SCRAM-SHA-256\r\n")
        self.assertEqual(c.line(), b"+ ")
        c.send("*\r\n")
        _, done = c.until("b")
        self.assertEqual(done, "b BAD Authentication cancelled")

        _, done = c.cmd("AUTHENTICATE SCRAM-SHA-256 " + scramtest.encode(b"p=tls-server-end-point,,n=alice,r=x"))
        self.assertIn("BAD", done)
        self.assertIn("e=channel-binding-not-supported", done)
        _, done = c.cmd("AUTHENTICATE SCRAM-SHA-256 " + scramtest.encode(b"n,,m=x,n=alice,r=x"))
        self.assertIn("e=extensions-not-supported", done)
        _, done = c.cmd("AUTHENTICATE SCRAM-SHA-256 =")
        self.assertIn("e=invalid-encoding", done)

        client = scramtest.Client(USER, PASSWORD)
        c.send("c AUTHENTICATE SCRAM-SHA-256 %s\r\n" % scramtest.encode(client.first()))
        self.continuation(c)
        c.send("*\r\n")
        _, done = c.until("c")
        self.assertEqual(done, "c BAD Authentication cancelled")
        c.login()  # the session is still usable
        c.close()


if __name__ == "__main__":
    l7test.main()
