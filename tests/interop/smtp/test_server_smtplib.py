"""Python's smtplib (and raw SMTP where smtplib will not go) against `l7 serve`'s SMTP:
capture mode, EHLO extensions, PIPELINING, BDAT, STARTTLS, implicit TLS, AUTH, SIZE, the
transaction's order rules, SMTP smuggling, bad input and limits, local delivery to accounts,
no open relay, timeouts and a graceful stop.

Run: python3 test_server_smtplib.py --l7 build/dev/l7
"""

import contextlib
import json
import os
import smtplib
import socket
import sqlite3
import sys
import threading
import time
import unittest

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import smtptest  # noqa: E402
from smtptest import PASSWORD, USER, LineClient  # noqa: E402
import l7test  # noqa: E402

MESSAGE = (b"From: Sender <sender@client.example>\r\nTo: <bob@example.test>\r\n"
           b"Subject: hello\r\n\r\nfirst line\r\n.starts with a dot\r\nlast line\r\n")


class CaptureTest(smtptest.SmtpServerCase):
    """The embedded default's capture mode: every message is kept, whatever its recipients."""

    def test_ehlo_lists_the_extensions(self):
        with smtplib.SMTP("127.0.0.1", self.smtp_port, timeout=10) as s:
            code, _ = s.ehlo("client.example")
            self.assertEqual(code, 250)
            for ext in ("size", "pipelining", "8bitmime", "smtputf8", "chunking", "binarymime", "dsn",
                        "enhancedstatuscodes", "starttls", "auth"):
                self.assertTrue(s.has_extn(ext), ext)
            self.assertEqual(s.esmtp_features["size"], str(35 * 1024 * 1024))

    def test_message_is_captured_with_trace_headers(self):
        before = len(self.captured())
        with smtplib.SMTP("127.0.0.1", self.smtp_port, timeout=10) as s:
            refused = s.sendmail("sender@client.example", ["bob@example.test", "carol@elsewhere.example"], MESSAGE)
            self.assertEqual(refused, {})
        msgs = self.captured(before + 1)
        self.assertEqual(len(msgs), before + 1)
        raw = msgs[-1]
        self.assertTrue(raw.startswith(b"Return-Path: <sender@client.example>\r\nReceived: from "), raw[:200])
        self.assertIn(b"by mx.l7.test (l7) with ESMTP id ", raw)
        self.assertTrue(raw.endswith(b"first line\r\n.starts with a dot\r\nlast line\r\n"), raw[-80:])
        self.assertEqual(smtptest.parse(raw)["Subject"], "hello")

    def test_capture_keeps_the_envelope_and_transcript(self):
        with smtplib.SMTP("127.0.0.1", self.smtp_port, timeout=10) as s:
            s.sendmail("env@client.example", ["x+tag42@example.test"], b"Subject: envelope\r\n\r\nbody\r\n")
        db = sqlite3.connect(os.path.join(self.capture, "l7-index.sqlite"))
        try:
            # The store's index (until the REST API of the capture inbox reads it).
            rows = [r[0] for r in db.execute("SELECT meta FROM msg UNION ALL SELECT meta FROM pending") if r[0]]
        finally:
            db.close()
        metas = [json.loads(m) for m in rows]
        mine = [m for m in metas if m["mail_from"] == "env@client.example"]
        self.assertEqual(len(mine), 1, metas)
        self.assertEqual(mine[0]["rcpt_to"], ["x+tag42@example.test"])
        self.assertIn("C: mail FROM:<env@client.example>", mine[0]["transcript"])  # as smtplib sends it
        self.assertIn("S: 250 2.1.5 Ok", mine[0]["transcript"])

    def test_pipelined_group_gets_its_replies_in_order(self):
        c = LineClient(self.smtp_port)
        try:
            self.assertEqual(c.reply()[0], 220)
            self.assertEqual(c.cmd("EHLO pipe.example")[0], 250)
            c.send("MAIL FROM:<p@pipe.example>\r\nRCPT TO:<a@example.test>\r\nRCPT TO:<bad address>\r\n"
                   "RCPT TO:<b@example.test>\r\nDATA\r\n")
            codes = [c.reply()[0] for _ in range(5)]
            self.assertEqual(codes, [250, 250, 501, 250, 354])
            c.send("Subject: pipelined\r\n\r\nhi\r\n.\r\nQUIT\r\n")
            code, text = c.reply()
            self.assertEqual(code, 250, text)
            self.assertEqual(c.reply()[0], 221)
        finally:
            c.close()

    def test_bdat_chunks(self):
        before = len(self.captured())
        body = b"Subject: chunked\r\n\r\n" + b"x" * 5000 + b"\r\n.\r\n..\r\n"
        c = LineClient(self.smtp_port)
        try:
            c.reply()
            c.cmd("EHLO chunk.example")
            self.assertEqual(c.cmd("MAIL FROM:<c@chunk.example> BODY=BINARYMIME")[0], 250)
            self.assertEqual(c.cmd("RCPT TO:<r@example.test>")[0], 250)
            c.send(b"BDAT 3000\r\n" + body[:3000])
            self.assertEqual(c.reply()[0], 250)
            c.send(b"BDAT %d LAST\r\n" % (len(body) - 3000) + body[3000:])
            code, text = c.reply()
            self.assertEqual(code, 250, text)
            # DATA is refused for BINARYMIME (RFC 3030 §3), and BDAT without a transaction.
            c.cmd("MAIL FROM:<c@chunk.example> BODY=BINARYMIME")
            c.cmd("RCPT TO:<r@example.test>")
            self.assertEqual(c.cmd("DATA")[0], 503)
            c.cmd("RSET")
            c.send(b"BDAT 5 LAST\r\nhello")
            self.assertEqual(c.reply()[0], 503)
            self.assertEqual(c.cmd("NOOP")[0], 250)  # the refused chunk was read, not taken as commands
        finally:
            c.close()
        msgs = self.captured(before + 1)
        self.assertTrue(msgs[-1].endswith(body), msgs[-1][-40:])  # BDAT content is taken as it is

    def test_smuggled_end_of_data_does_not_split_the_message(self):
        before = len(self.captured())
        c = LineClient(self.smtp_port)
        try:
            c.reply()
            c.cmd("EHLO smuggler.example")
            c.cmd("MAIL FROM:<s@smuggler.example>")
            c.cmd("RCPT TO:<victim@example.test>")
            self.assertEqual(c.cmd("DATA")[0], 354)
            c.send(b"Subject: one\r\n\r\nbody\n.\nMAIL FROM:<admin@bank.example>\r\nRCPT TO:<v@example.test>\r\n"
                   b"DATA\r\nSubject: smuggled\r\n\r\nx\r\n.\r\n")
            code, _ = c.reply()
            self.assertEqual(code, 250)
            c.send("QUIT\r\n")
            self.assertEqual(c.reply()[0], 221)
        finally:
            c.close()
        msgs = self.captured(before + 1)
        self.assertEqual(len(msgs), before + 1)
        self.assertIn(b"MAIL FROM:<admin@bank.example>", msgs[-1])  # inside the one message

    def test_starttls_then_auth_on_submission(self):
        with smtplib.SMTP("127.0.0.1", self.submission_port, timeout=10) as s:
            s.ehlo("tls.example")
            # Without AUTH, submission refuses MAIL (RFC 6409 §4.3).
            code, _ = s.mail("a@tls.example")
            self.assertEqual(code, 530)
            s.starttls(context=smtptest.tls_context())
            s.ehlo("tls.example")
            self.assertFalse(s.has_extn("starttls"))
            s.login("anyone", "anything")  # capture: auth_accept_any
            s.sendmail("a@tls.example", ["b@example.test"], b"Subject: over tls\r\n\r\nx\r\n")
        raw = self.captured()[-1]
        self.assertIn(b" with ESMTPSA id ", raw)

    def test_implicit_tls(self):
        with smtplib.SMTP_SSL("127.0.0.1", self.smtps_port, timeout=10, context=smtptest.tls_context()) as s:
            s.ehlo("ssl.example")
            self.assertFalse(s.has_extn("starttls"))
            s.login("u", "p")
            s.sendmail("a@ssl.example", ["b@example.test"], b"Subject: smtps\r\n\r\nx\r\n")

    def test_bytes_sent_before_the_tls_handshake_are_dropped(self):
        c = LineClient(self.smtp_port)
        try:
            c.reply()
            c.cmd("EHLO inject.example")
            c.send("STARTTLS\r\nMAIL FROM:<injected@evil.example>\r\n")  # CVE-2011-0411's attack
            self.assertEqual(c.reply()[0], 220)
            c.sock = smtptest.tls_context().wrap_socket(c.sock)
            self.assertEqual(c.cmd("RCPT TO:<x@example.test>")[0], 503)  # no MAIL was taken
            self.assertEqual(c.cmd("MAIL FROM:<a@b.example>")[0], 503)  # and no EHLO after TLS
        finally:
            c.close()

    def test_size_limits(self):
        with smtplib.SMTP("127.0.0.1", self.smtp_port, timeout=10) as s:
            s.ehlo("big.example")
            code, text = s.mail("a@big.example", ["SIZE=%d" % (36 * 1024 * 1024)])
            self.assertEqual(code, 552, text)
            self.assertTrue(text.startswith(b"5.3.4"))

    def test_order_errors_and_unknown_commands(self):
        c = LineClient(self.smtp_port)
        try:
            c.reply()
            self.assertEqual(c.cmd("MAIL FROM:<a@b.example>")[0], 503)  # no EHLO yet
            c.cmd("EHLO order.example")
            self.assertEqual(c.cmd("RCPT TO:<a@example.test>")[0], 503)
            self.assertEqual(c.cmd("DATA")[0], 503)
            self.assertEqual(c.cmd("MAIL FROM:<a@b.example> FOO=BAR")[0], 555)
            self.assertEqual(c.cmd("MAIL FROM:<a@b.example>")[0], 250)
            self.assertEqual(c.cmd("MAIL FROM:<a@b.example>")[0], 503)  # nested
            self.assertEqual(c.cmd("DATA")[0], 554)  # no recipients
            self.assertEqual(c.cmd("XYZZY")[0], 500)
            self.assertEqual(c.cmd("VRFY alice")[0], 252)
            self.assertEqual(c.cmd("EXPN list")[0], 502)
            self.assertEqual(c.cmd("HELP")[0], 214)
            self.assertEqual(c.cmd("X" * 5000)[0], 500)  # over the line limit: 500 5.5.6
            self.assertEqual(c.cmd("NOOP")[0], 250)  # and the session goes on
        finally:
            c.close()

    def test_too_many_errors_close_the_session(self):
        c = LineClient(self.smtp_port)
        try:
            c.reply()
            codes = [c.cmd("BOGUS %d" % i)[0] for i in range(9)]
            self.assertEqual(codes, [500] * 9)
            code, text = c.cmd("BOGUS 10")
            self.assertEqual(code, 500)
            self.assertEqual(c.reply()[0], 421)
            self.assertTrue(c.at_eof())
        finally:
            c.close()

    def test_auth_without_tls_from_loopback_and_aborts(self):
        c = LineClient(self.smtp_port)
        try:
            c.reply()
            c.cmd("EHLO auth.example")
            self.assertEqual(c.cmd("AUTH CRAM-MD5")[0], 504)
            self.assertEqual(c.cmd("AUTH LOGIN")[0], 334)
            self.assertEqual(c.cmd("*")[0], 501)  # cancelled (RFC 4954 §4)
            self.assertEqual(c.cmd("AUTH PLAIN !!!")[0], 501)
            self.assertEqual(c.cmd("AUTH PLAIN AHUAcA==")[0], 235)
            self.assertEqual(c.cmd("AUTH PLAIN AHUAcA==")[0], 503)  # only once
        finally:
            c.close()

    def test_sequential_and_concurrent_sessions(self):
        before = len(self.captured())
        for i in range(300):
            with smtplib.SMTP("127.0.0.1", self.smtp_port, timeout=10) as s:
                s.sendmail("seq@client.example", ["r@example.test"], b"Subject: seq %d\r\n\r\nx\r\n" % i)
        errors = []

        def one(i):
            try:
                with smtplib.SMTP("127.0.0.1", self.smtp_port, timeout=30) as s:
                    s.sendmail("par@client.example", ["r@example.test"], b"Subject: par %d\r\n\r\nx\r\n" % i)
            except Exception as e:  # noqa: BLE001
                errors.append(repr(e))

        threads = [threading.Thread(target=one, args=(i,)) for i in range(19)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.assertEqual(errors, [])
        self.assertEqual(len(self.captured(before + 319)), before + 319)


class DeliveryTest(smtptest.SmtpServerCase):
    """capture = false: local domains go to accounts; nothing is relayed."""

    MAIL = {"capture": "false", "domains": '["example.test"]'}
    SMTP = {"auth_accept_any": "false", "max_per_ip": "5"}

    def test_local_delivery_with_plus_tags(self):
        before = len(smtptest.read_messages(self.inbox))
        with smtplib.SMTP("127.0.0.1", self.smtp_port, timeout=10) as s:
            s.sendmail("x@client.example", ["alice@example.test", "Alice+news@EXAMPLE.test"],
                       b"Subject: for alice\r\n\r\nhi alice\r\n")
        msgs = smtptest.wait_for_messages(self.inbox, before + 1)
        self.assertEqual(len(msgs), before + 1)  # one copy per account
        self.assertIn(b"hi alice", msgs[-1])
        self.assertEqual(smtptest.read_messages(self.capture), [])

    def test_unknown_users_and_relaying_are_refused(self):
        c = LineClient(self.smtp_port)
        try:
            c.reply()
            c.cmd("EHLO relay.example")
            c.cmd("MAIL FROM:<x@client.example>")
            code, text = c.cmd("RCPT TO:<nobody@example.test>")
            self.assertEqual(code, 550)
            self.assertTrue(text[0].startswith("5.1.1"), text)
            code, text = c.cmd("RCPT TO:<someone@elsewhere.example>")  # no open relay
            self.assertEqual(code, 554)
            self.assertTrue(text[0].startswith("5.7.1"), text)
        finally:
            c.close()

    def test_auth_checks_the_account_password(self):
        with smtplib.SMTP("127.0.0.1", self.submission_port, timeout=10) as s:
            s.starttls(context=smtptest.tls_context())
            with self.assertRaises(smtplib.SMTPAuthenticationError):
                s.login(USER, "wrong")
            s.login(USER, PASSWORD)
            s.sendmail("alice@example.test", ["alice@example.test"], b"Subject: self\r\n\r\nx\r\n")

    def test_connections_per_address_are_limited(self):
        clients = []
        try:
            for _ in range(5):
                c = LineClient(self.smtp_port)
                self.assertEqual(c.reply()[0], 220)
                clients.append(c)
            extra = LineClient(self.smtp_port)
            clients.append(extra)
            self.assertEqual(extra.reply()[0], 421)
        finally:
            for c in clients:
                c.close()
        # The server frees a slot when it reads the EOF, which races with the next test's
        # connection: wait until a greeting says 220 again, so that no other test sees 421.
        deadline = time.monotonic() + 10
        while True:
            c = LineClient(self.smtp_port)
            try:
                code = c.reply()[0]
            finally:
                c.close()
            if code == 220 or time.monotonic() > deadline:
                break
            time.sleep(0.01)
        self.assertEqual(code, 220)


class TimeoutTest(smtptest.SmtpServerCase):
    SMTP = {"command_timeout": '"1s"'}

    def test_idle_client_gets_421(self):
        c = LineClient(self.smtp_port)
        try:
            c.reply()
            code, text = c.reply()  # nothing sent: the server gives up
            self.assertEqual(code, 421)
            self.assertIn("timeout", " ".join(text))
            self.assertTrue(c.at_eof())
        finally:
            c.close()


class StopTest(unittest.TestCase):
    def test_graceful_stop_says_421_to_idle_sessions(self):
        with l7test.l7_server(only=smtptest.SERVICES, config_text=smtptest.server_config()) as server:
            clients = [LineClient(server.ports["smtp"]) for _ in range(20)]
            for c in clients:
                self.assertEqual(c.reply()[0], 220)
            server.terminate()
            for c in clients:
                self.assertEqual(c.reply()[0], 421)
                self.assertTrue(c.at_eof())
                c.close()


class CrashTest(unittest.TestCase):
    def test_kill_9_loses_no_acknowledged_message(self):
        """Four clients send as fast as they can; the server is killed with SIGKILL; every
        message it answered 250 is on disk, whole."""
        with l7test.l7_server(only=smtptest.SERVICES, config_text=smtptest.server_config()) as server:
            port = server.ports["smtp"]
            acked, lock, stop = [], threading.Lock(), threading.Event()

            def sender(n):
                with contextlib.suppress(OSError, smtplib.SMTPException):
                    with smtplib.SMTP("127.0.0.1", port, timeout=10) as s:
                        i = 0
                        while not stop.is_set():
                            subject = "crash-%d-%d" % (n, i)
                            body = ("x" * 2000 + "\r\n") * 20
                            s.sendmail("c@client.example", ["r@example.test"],
                                       ("Subject: %s\r\n\r\n%s" % (subject, body)).encode())
                            with lock:
                                acked.append(subject)
                            i += 1

            threads = [threading.Thread(target=sender, args=(n,)) for n in range(4)]
            for t in threads:
                t.start()
            deadline = time.monotonic() + 20
            while len(acked) < 40 and time.monotonic() < deadline:
                time.sleep(0.01)
            server.kill()
            stop.set()
            for t in threads:
                t.join()
            self.assertGreaterEqual(len(acked), 40)
            stored = {}
            for raw in smtptest.read_messages(os.path.join(server.data_dir, "capture")):
                msg = smtptest.parse(raw)
                stored[msg["Subject"]] = raw
            for subject in acked:
                self.assertIn(subject, stored)
                self.assertTrue(stored[subject].endswith(("x" * 2000 + "\r\n").encode()))
            # The store opens again after the crash: a new server on the same data delivers.
            again = l7test.Server(l7test.L7, server.data_dir, ["--only", "smtp", "--port", "smtp=0"])
            again.start(expect_services=["smtp"])
            try:
                with smtplib.SMTP("127.0.0.1", again.ports["smtp"], timeout=10) as s:
                    s.sendmail("c@client.example", ["r@example.test"], b"Subject: after the crash\r\n\r\nx\r\n")
                subjects = [smtptest.parse(r)["Subject"]
                            for r in smtptest.read_messages(os.path.join(server.data_dir, "capture"))]
                self.assertIn("after the crash", subjects)
            finally:
                again.stop()
            server.proc = None  # killed on purpose: nothing left for the context to stop


if __name__ == "__main__":
    l7test.main()
