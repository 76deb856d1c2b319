"""Other people's SMTP clients against `l7 serve`: swaks (pipelining, STARTTLS, AUTH, implicit
TLS, BDAT) and curl's smtp:// (plain, STARTTLS with --ssl-reqd, smtps://, AUTH).

Run: python3 test_server_peers.py --l7 build/dev/l7
"""

import os
import sys
import unittest

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import smtptest  # noqa: E402
import l7test  # noqa: E402


@unittest.skipUnless(l7test.has_program("swaks"), "swaks is not installed (scripts/deps.sh installs it)")
class SwaksTest(smtptest.SmtpServerCase):
    def swaks(self, *args):
        cmd = ["swaks", "--server", "127.0.0.1", "--from", "swaks@client.example", "--to", "bob@example.test",
               "--helo", "swaks.example", "--timeout", "20"] + list(args)
        r = l7test.run(cmd, timeout=60)
        out = r.stdout.decode(errors="replace")
        self.assertEqual(r.returncode, 0, out + r.stderr.decode(errors="replace"))
        return out

    def test_plain_with_pipelining(self):
        before = len(self.captured())
        out = self.swaks("--port", str(self.smtp_port), "--pipeline", "--header", "Subject: swaks pipelined")
        self.assertIn("<-  250 2.0.0 Ok: queued as", out)
        self.assertIn(b"Subject: swaks pipelined", self.captured(before + 1)[-1])

    def test_starttls_and_auth_on_submission(self):
        out = self.swaks("--port", str(self.submission_port), "--tls", "--auth", "PLAIN", "--auth-user", "u",
                         "--auth-password", "p")
        self.assertIn("235 2.7.0 Authentication successful", out)
        out = self.swaks("--port", str(self.submission_port), "--tls", "--auth", "LOGIN", "--auth-user", "u",
                         "--auth-password", "p")
        self.assertIn("235 2.7.0", out)

    def test_implicit_tls(self):
        out = self.swaks("--port", str(self.smtps_port), "--tls-on-connect", "--auth", "PLAIN", "--auth-user", "u",
                         "--auth-password", "p")
        self.assertIn("250 2.0.0 Ok: queued as", out)

    def test_bdat(self):
        before = len(self.captured())
        body = "Subject: swaks bdat\r\n\r\n" + "line\r\n" * 2000
        self.swaks("--port", str(self.smtp_port), "--data", body, "--pipeline")
        self.assertIn(b"Subject: swaks bdat", self.captured(before + 1)[-1])


@unittest.skipUnless(l7test.has_program("curl"), "curl is not installed")
class CurlTest(smtptest.SmtpServerCase):
    MESSAGE = b"From: curl@client.example\r\nTo: bob@example.test\r\nSubject: from curl\r\n\r\n.dot line\r\nbody\r\n"

    def curl(self, url, *args):
        path = os.path.join(self.server.data_dir, "curl-message.eml")
        with open(path, "wb") as f:
            f.write(self.MESSAGE)
        r = l7test.run(["curl", "-sS", "--max-time", "20", url, "--mail-from", "curl@client.example",
                        "--mail-rcpt", "bob@example.test", "--upload-file", path] + list(args), timeout=60)
        self.assertEqual(r.returncode, 0, r.stderr.decode(errors="replace"))

    def test_plain(self):
        before = len(self.captured())
        self.curl("smtp://127.0.0.1:%d/client.example" % self.smtp_port)
        raw = self.captured(before + 1)[-1]
        self.assertTrue(raw.endswith(b"\r\n.dot line\r\nbody\r\n"), raw[-60:])

    def test_starttls_required_and_auth(self):
        self.curl("smtp://127.0.0.1:%d" % self.submission_port, "--ssl-reqd", "-k", "--user", "u:p")

    def test_implicit_tls(self):
        self.curl("smtps://127.0.0.1:%d" % self.smtps_port, "-k", "--user", "u:p")


if __name__ == "__main__":
    l7test.main()
