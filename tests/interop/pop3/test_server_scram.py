"""POP3 AUTH SCRAM-SHA-256 (RFC 5034, RFC 5802, RFC 7677) against `l7 serve`, raw: CAPA and
AUTH list the mechanism, an exchange with and without initial response (the server's v=
checked), then STAT; a wrong proof (-ERR [AUTH] after the login delay), cancels and malformed
steps. No Debian POP3 client with SCRAM runs without a terminal (fetchmail has no SCRAM;
neomutt has, through GNU SASL, but is interactive), so the peer here is the standard-library
SCRAM client of tests/interop/lib/scramtest.py; msmtp and mbsync cover GNU SASL and Cyrus SASL
against the same server code in the SMTP and IMAP tests.

Run: python3 test_server_scram.py --l7 build/dev/l7
"""

import os
import socket
import sys
import time

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "smtp"))
import smtptest  # noqa: E402
from smtptest import PASSWORD, USER  # noqa: E402
import l7test  # noqa: E402
import scramtest  # noqa: E402

DELAY = 0.4


class Pop3Line:
    def __init__(self, port):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=10)
        self.buf = b""
        assert self.line().startswith("+OK")

    def line(self):
        while b"\r\n" not in self.buf:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise EOFError("closed; got %r" % self.buf)
            self.buf += chunk
        line, self.buf = self.buf.split(b"\r\n", 1)
        return line.decode()

    def cmd(self, text):
        self.sock.sendall(text.encode() + b"\r\n")
        return self.line()

    def multiline(self, text):
        first = self.cmd(text)
        lines = []
        while True:
            line = self.line()
            if line == ".":
                return first, lines
            lines.append(line)

    def close(self):
        self.sock.close()


class ScramPop3Test(l7test.ServerCase):
    @classmethod
    def server_kwargs(cls):
        text = smtptest.server_config({"capture": "false", "domains": '["example.test"]'})
        text = l7test.set_config_key(text, "pop3", "login_delay", '"400ms"')
        text = l7test.set_config_key(text, "pop3", "max_login_failures", "20")
        return dict(only=("smtp", "pop3"), config_text=text)

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.port = cls.server.ports["pop3"]
        smtptest.add_user(cls.server)

    def continuation(self, line):
        self.assertTrue(line.startswith("+ "), line)
        return scramtest.decode(line[2:])

    def test_capa_and_auth_list(self):
        c = Pop3Line(self.port)
        _, caps = c.multiline("CAPA")
        self.assertIn("SASL SCRAM-SHA-256 PLAIN LOGIN", caps)
        _, mechs = c.multiline("AUTH")
        self.assertEqual(mechs, ["SCRAM-SHA-256", "PLAIN", "LOGIN"])
        c.close()

    def test_exchange_with_and_without_initial_response(self):
        for initial in (True, False):
            c = Pop3Line(self.port)
            client = scramtest.Client(USER, PASSWORD)
            if initial:
                line = c.cmd("AUTH SCRAM-SHA-256 " + scramtest.encode(client.first()))
            else:
                self.assertEqual(c.cmd("AUTH SCRAM-SHA-256"), "+ ")
                line = c.cmd(scramtest.encode(client.first()))
            server_first = self.continuation(line)
            self.assertEqual(self.continuation(c.cmd(scramtest.encode(client.final(server_first)))), client.expected)
            self.assertTrue(c.cmd("").startswith("+OK Logged in"))
            self.assertTrue(c.cmd("STAT").startswith("+OK "))
            c.close()

    def test_wrong_proof_cancel_and_malformed(self):
        c = Pop3Line(self.port)
        client = scramtest.Client(USER, "wrong")
        server_first = self.continuation(c.cmd("AUTH SCRAM-SHA-256 " + scramtest.encode(client.first())))
        started = time.monotonic()
        line = c.cmd(scramtest.encode(client.final(server_first)))
        self.assertEqual(line, "-ERR [AUTH] Authentication failed (e=invalid-proof)")
        self.assertGreaterEqual(time.monotonic() - started, DELAY)
        self.assertEqual(c.cmd("AUTH SCRAM-SHA-256"), "+ ")
        self.assertIn("cancelled", c.cmd("*"))
        line = c.cmd("AUTH SCRAM-SHA-256 " + scramtest.encode(b"p=tls-unique,,n=alice,r=x"))
        self.assertIn("e=channel-binding-not-supported", line)
        line = c.cmd("AUTH SCRAM-SHA-256 " + scramtest.encode(b"n,,n=alice"))
        self.assertIn("e=invalid-encoding", line)
        line = c.cmd("AUTH SCRAM-SHA-256 " + scramtest.encode(b"n,,n=al\x07ice,r=x"))
        self.assertIn("e=invalid-username-encoding", line)
        client = scramtest.Client(USER, PASSWORD)
        self.continuation(c.cmd("AUTH SCRAM-SHA-256 " + scramtest.encode(client.first())))
        self.assertIn("cancelled", c.cmd("*"))
        self.assertTrue(c.cmd("USER " + USER).startswith("+OK"))
        self.assertTrue(c.cmd("PASS " + PASSWORD).startswith("+OK"))  # still usable
        c.close()


if __name__ == "__main__":
    l7test.main()
