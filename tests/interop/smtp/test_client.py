"""`l7 mail send` (src/smtp/client) against other people's SMTP servers and our own:
python3-aiosmtpd (plain, STARTTLS, implicit TLS, AUTH PLAIN/LOGIN, refused recipients and
messages, MIME parts), Postfix's smtp-sink (pipelining, HELO fallback, a refused end of data)
and `l7 serve` in capture mode (pipelining, BDAT, STARTTLS + AUTH, implicit TLS, IPv6).

Run: python3 test_client.py --l7 build/dev/l7
aiosmtpd is a Debian package for /usr/bin/python3; the script re-runs itself there when the
python3 first on PATH lacks it.
"""

import os
import sys

try:
    import aiosmtpd  # noqa: F401
except ImportError:
    if os.path.exists("/usr/bin/python3") and os.path.realpath(sys.executable) != os.path.realpath("/usr/bin/python3"):
        os.execv("/usr/bin/python3", ["/usr/bin/python3"] + sys.argv)
    aiosmtpd = None

import email
import email.header
import email.policy
import glob
import shutil
import signal
import subprocess
import tempfile
import time
import unittest

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import smtptest  # noqa: E402
import l7test  # noqa: E402

if aiosmtpd is not None:
    import ssl
    from aiosmtpd.controller import Controller
    from aiosmtpd.smtp import AuthResult

SINK = "/usr/sbin/smtp-sink"


def l7_mail(*args, timeout=60):
    """Runs `l7 mail send ARGS`; returns (returncode, stdout text, stderr text)."""
    r = l7test.run([l7test.L7, "mail", "send", "--timeout", "20s"] + list(args), timeout=timeout)
    return r.returncode, r.stdout.decode(errors="replace"), r.stderr.decode(errors="replace")


def make_cert(directory):
    """A self-signed certificate for 127.0.0.1 and localhost; returns (cert, key)."""
    cert, key = os.path.join(directory, "cert.pem"), os.path.join(directory, "key.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                    "-keyout", key, "-out", cert, "-days", "2", "-subj", "/CN=localhost",
                    "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"],
                   check=True, capture_output=True, timeout=60)
    return cert, key


class Recorder:
    """aiosmtpd handler: refuses recipients starting with "refuse", messages holding
    "reject-me"; keeps (mail_from, rcpt_tos, content bytes) of the others."""

    def __init__(self):
        self.messages = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.startswith("refuse"):
            return "550 5.1.1 <%s>: Recipient address rejected" % address
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server, session, envelope):
        if b"reject-me" in envelope.original_content:
            return "554 5.7.1 Message rejected as spam"
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.original_content))
        return "250 2.0.0 Ok: queued as AIO%d" % len(self.messages)


def authenticator(server, session, envelope, mechanism, auth_data):
    ok = auth_data.login == b"alice" and auth_data.password == b"s3cret"
    return AuthResult(success=ok, handled=False)  # handled=False: aiosmtpd sends the 535 itself


@unittest.skipIf(aiosmtpd is None, "python3-aiosmtpd is not installed")
class AiosmtpdTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.mkdtemp(prefix="l7-smtp-client-")
        cls.cert, cls.key = make_cert(cls.dir)
        ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ctx.load_cert_chain(cls.cert, cls.key)
        cls.handler = Recorder()
        cls.controllers = []

        def start(**kw):
            c = Controller(cls.handler, hostname="127.0.0.1", port=l7test.free_port(), **kw)
            c.start()
            cls.controllers.append(c)
            return c.port

        cls.plain = start()
        cls.starttls = start(tls_context=ctx, require_starttls=True, authenticator=authenticator,
                             auth_require_tls=True)
        cls.implicit = start(ssl_context=ctx, authenticator=authenticator, auth_require_tls=False,
                             server_hostname="localhost")

    @classmethod
    def tearDownClass(cls):
        for c in cls.controllers:
            c.stop()
        shutil.rmtree(cls.dir, ignore_errors=True)

    def send(self, port, *args, expect=0):
        rc, out, err = l7_mail("--server", "127.0.0.1:%d" % port, "--from", "Sender <sender@client.test>", *args)
        self.assertEqual(rc, expect, "stdout:\n%s\nstderr:\n%s" % (out, err))
        return out, err

    def last(self):
        mail_from, rcpts, raw = self.handler.messages[-1]
        return mail_from, rcpts, email.message_from_bytes(raw, policy=email.policy.default)

    def test_plain_two_recipients(self):
        out, _ = self.send(self.plain, "--to", "bob@example.test", "--cc", "Carol <carol@example.test>",
                           "--subject", "plain test", "--body", "Hello.\n.leading dot\n")
        self.assertIn("accepted for 2 of 2 recipients", out)
        self.assertIn("queue id AIO", out)
        mail_from, rcpts, msg = self.last()
        self.assertEqual(mail_from, "sender@client.test")
        self.assertEqual(rcpts, ["bob@example.test", "carol@example.test"])
        self.assertEqual(msg["Subject"], "plain test")
        self.assertEqual(msg.get_content().replace("\r\n", "\n"), "Hello.\n.leading dot\n")

    def test_starttls_required_auth_plain(self):
        _, err = self.send(self.starttls, "--to", "bob@example.test", "--starttls", "--insecure",
                           "--auth-user", "alice", "--auth-password", "s3cret", "--auth", "PLAIN", "-v")
        self.assertIn("* TLS established", err)
        self.assertIn("C: AUTH PLAIN ****", err)
        self.assertIn("S: 235", err)
        self.assertNotIn("s3cret", err)
        self.assertNotIn("YWxpY2U", err)  # base64 of the credentials

    def test_starttls_auth_login(self):
        _, err = self.send(self.starttls, "--to", "bob@example.test", "--starttls", "--insecure",
                           "--auth-user", "alice", "--auth-password", "s3cret", "--auth", "LOGIN", "-v")
        self.assertIn("C: AUTH LOGIN", err)
        self.assertIn("S: 235", err)

    def test_bad_password_refused(self):
        _, err = self.send(self.starttls, "--to", "bob@example.test", "--starttls", "--insecure",
                           "--auth-user", "alice", "--auth-password", "wrong", expect=1)
        self.assertIn("AUTH PLAIN: 535", err)

    def test_starttls_required_but_not_offered(self):
        _, err = self.send(self.plain, "--to", "bob@example.test", "--starttls", expect=2)
        self.assertIn("STARTTLS: the server does not offer STARTTLS", err)

    def test_starttls_optional_without_offer(self):
        self.send(self.plain, "--to", "bob@example.test", "--starttls-optional")

    def test_implicit_tls_verified_with_cacert(self):
        _, err = self.send(self.implicit, "--to", "bob@example.test", "--tls", "--cacert", self.cert,
                           "--auth-user", "alice", "--auth-password", "s3cret", "-v")
        self.assertIn("* TLS established", err)

    def test_implicit_tls_unverified_certificate_fails(self):
        _, err = self.send(self.implicit, "--to", "bob@example.test", "--tls", expect=2)
        self.assertIn("TLS handshake", err)

    def test_one_recipient_refused(self):
        out, err = self.send(self.plain, "--to", "bob@example.test", "--to", "refuse-me@example.test",
                             "--no-pipelining")
        self.assertIn("accepted for 1 of 2 recipients", out)
        self.assertIn("recipient <refuse-me@example.test> refused: 550 5.1.1", err)
        self.assertEqual(self.last()[1], ["bob@example.test"])

    def test_all_recipients_refused(self):
        _, err = self.send(self.plain, "--to", "refuse-a@example.test", "--to", "refuse-b@example.test", expect=1)
        self.assertIn("no recipient was accepted", err)

    def test_refused_message(self):
        _, err = self.send(self.plain, "--to", "bob@example.test", "--body", "reject-me please", expect=1)
        self.assertIn("end of data: 554 5.7.1 Message rejected as spam", err)

    def test_html_and_attachments_intact(self):
        binary = bytes(range(256)) * 40 + b"\r\n.\r\n"
        bin_path = os.path.join(self.dir, "blob.bin")
        txt_path = os.path.join(self.dir, "notes.txt")
        html_path = os.path.join(self.dir, "body.html")
        with open(bin_path, "wb") as f:
            f.write(binary)
        with open(txt_path, "wb") as f:
            f.write(b"line one\n.line two\n")
        with open(html_path, "wb") as f:
            f.write("<p>Hello <b>wörld</b></p>\n".encode())
        self.send(self.plain, "--to", "bob@example.test", "--subject", "parts", "--body", "plain part",
                  "--html", html_path, "--attach", bin_path, "--attach", txt_path,
                  "--header", "X-Test: yes")
        _, _, msg = self.last()
        self.assertEqual(msg.get_content_type(), "multipart/mixed")
        self.assertEqual(msg["X-Test"], "yes")
        alternative, blob, notes = msg.get_payload()
        self.assertEqual(alternative.get_content_type(), "multipart/alternative")
        plain, html = alternative.get_payload()
        self.assertEqual(plain.get_content().strip(), "plain part")
        self.assertIn("<b>wörld</b>", html.get_content())
        self.assertEqual(blob.get_filename(), "blob.bin")
        self.assertEqual(blob.get_payload(decode=True), binary)
        self.assertEqual(notes.get_filename(), "notes.txt")
        self.assertEqual(notes.get_payload(decode=True).replace(b"\r\n", b"\n"), b"line one\n.line two\n")

    def test_non_ascii_subject(self):
        subject = "Grüße aus Köln – ✓"
        self.send(self.plain, "--to", "bob@example.test", "--subject", subject, "--body", "x")
        raw = self.handler.messages[-1][2]
        header = [line for line in raw.split(b"\r\n") if line.startswith(b"Subject:")][0]
        self.assertIn(b"=?", header)  # RFC 2047 encoded words on the wire
        self.assertEqual(self.last()[2]["Subject"], subject)

    def test_raw_data_file(self):
        path = os.path.join(self.dir, "raw.eml")
        with open(path, "wb") as f:
            f.write(b"From: raw@client.test\nSubject: raw file\n\n.dot\nbody\n")
        self.send(self.plain, "--to", "bob@example.test", "--data", path)
        raw = self.handler.messages[-1][2]
        self.assertEqual(raw.replace(b"\r\n", b"\n"), b"From: raw@client.test\nSubject: raw file\n\n.dot\nbody\n")

    def test_not_listening(self):
        port = l7test.free_port()
        rc, out, err = l7_mail("--server", "127.0.0.1:%d" % port, "--from", "a@client.test", "--to", "b@example.test")
        self.assertEqual(rc, 2, err)
        self.assertIn("connect to 127.0.0.1:%d" % port, err)
        self.assertIn("refused", err.lower())


@unittest.skipUnless(os.access(SINK, os.X_OK), "postfix's smtp-sink is not installed")
class SmtpSinkTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="l7-smtp-sink-")
        os.chmod(self.dir, 0o777)
        self.procs = []

    def tearDown(self):
        for p in self.procs:
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
                p.wait(5)
        shutil.rmtree(self.dir, ignore_errors=True)

    def sink(self, *options):
        port = l7test.free_port()
        cmd = [SINK] + (["-u", "nobody"] if os.geteuid() == 0 else []) + \
            ["-d", os.path.join(self.dir, "%M.")] + list(options) + ["127.0.0.1:%d" % port, "10"]
        p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        self.procs.append(p)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                l7test.connect(port, timeout=1).close()
                return port
            except OSError:
                time.sleep(0.05)
        self.fail("smtp-sink did not start: %s" % p.stderr.read().decode(errors="replace"))

    def dumps(self, count):
        deadline = time.monotonic() + 10
        while True:
            files = sorted(glob.glob(os.path.join(self.dir, "*")))
            if len(files) >= count or time.monotonic() > deadline:
                out = []
                for path in files:
                    with open(path, "rb") as f:
                        out.append(f.read())
                return out
            time.sleep(0.05)

    def test_pipelined_dialogue(self):
        port = self.sink()
        rc, out, err = l7_mail("--server", "127.0.0.1:%d" % port, "--from", "a@client.test", "--to", "b@example.test",
                               "--to", "c@example.test", "--subject", "to the sink", "--body", "x", "-v")
        self.assertEqual(rc, 0, err)
        self.assertIn("* pipelining MAIL, 2 RCPT, DATA", err)
        lines = [line for line in err.splitlines() if line.startswith(("C: ", "S: "))]
        mail = next(i for i, line in enumerate(lines) if line.startswith("C: MAIL FROM"))
        # RFC 2920: MAIL, both RCPTs and DATA leave before the first reply to them
        self.assertEqual([line[:9] for line in lines[mail:mail + 5]],
                         ["C: MAIL F", "C: RCPT T", "C: RCPT T", "C: DATA", "S: 250 2."])
        dump = self.dumps(1)[0]
        self.assertIn(b"X-Rcpt-Args: <b@example.test>", dump)
        self.assertIn(b"X-Rcpt-Args: <c@example.test>", dump)
        self.assertIn(b"Subject: to the sink", dump)

    def test_no_pipelining(self):
        port = self.sink()
        rc, _, err = l7_mail("--server", "127.0.0.1:%d" % port, "--from", "a@client.test", "--to", "b@example.test",
                             "--no-pipelining", "-v")
        self.assertEqual(rc, 0, err)
        self.assertNotIn("pipelining", err)

    def test_helo_fallback(self):
        port = self.sink("-f", "EHLO")
        rc, _, err = l7_mail("--server", "127.0.0.1:%d" % port, "--from", "a@client.test", "--to", "b@example.test",
                             "-v")
        self.assertEqual(rc, 0, err)
        self.assertIn("C: HELO localhost", err)
        self.assertIn(b"X-Client-Proto: SMTP", self.dumps(1)[0])

    def test_refused_end_of_data(self):
        port = self.sink("-f", ".")
        rc, _, err = l7_mail("--server", "127.0.0.1:%d" % port, "--from", "a@client.test", "--to", "b@example.test")
        self.assertEqual(rc, 1, err)
        self.assertIn("end of data: 5", err)


class OwnServerTest(smtptest.SmtpServerCase):
    def send(self, port, *args):
        rc, out, err = l7_mail("--server", "127.0.0.1:%d" % port, "--from", "sender@client.test",
                               "--to", "bob@example.test", *args)
        self.assertEqual(rc, 0, "stdout:\n%s\nstderr:\n%s" % (out, err))
        return out, err

    def test_plain_pipelined(self):
        before = len(self.captured())
        out, err = self.send(self.smtp_port, "--subject", "to l7", "--body", "hi", "-v")
        self.assertIn("* pipelining MAIL, 1 RCPT, DATA", err)
        self.assertIn("queue id", out)
        self.assertIn(b"Subject: to l7", self.captured(before + 1)[-1])

    def test_bdat_in_chunks(self):
        before = len(self.captured())
        blob = os.path.join(self.server.data_dir, "big.bin")
        with open(blob, "wb") as f:
            f.write(os.urandom(150000))
        _, err = self.send(self.smtp_port, "--subject", "bdat", "--body", "chunked", "--attach", blob, "--bdat", "-v")
        self.assertIn("C: BDAT 65536\n", err + "\n")
        self.assertRegex(err, r"C: BDAT \d+ LAST")
        msg = email.message_from_bytes(self.captured(before + 1)[-1], policy=email.policy.default)
        self.assertEqual(msg["Subject"], "bdat")
        with open(blob, "rb") as f:
            self.assertEqual(msg.get_payload()[1].get_payload(decode=True), f.read())

    def test_starttls_auth_on_submission(self):
        _, err = self.send(self.submission_port, "--starttls", "--insecure", "--auth-user", smtptest.USER,
                           "--auth-password", smtptest.PASSWORD, "--auth", "LOGIN", "-v")
        self.assertIn("* TLS established", err)
        self.assertIn("S: 235", err)

    def test_implicit_tls_verified(self):
        self.send(self.smtps_port, "--tls", "--cacert", self.server.cert, "--auth-user", smtptest.USER,
                  "--auth-password", smtptest.PASSWORD)

    def test_ipv6(self):
        rc, out, err = l7_mail("--server", "[::1]:%d" % self.smtp_port, "--from", "a@client.test",
                               "--to", "b@example.test", "-v")
        self.assertEqual(rc, 0, err)
        self.assertIn("* connected to [::1]:%d" % self.smtp_port, err)


if __name__ == "__main__":
    l7test.main()
