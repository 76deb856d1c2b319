"""`l7 mail send` with AUTH SCRAM-SHA-256 (RFC 4954, RFC 5802, RFC 7677): against `l7 serve`
(chosen by itself when offered, before PLAIN; --auth-mech; a wrong password), and against a
small scripted server that answers with a wrong server signature, or 235 without one: the
client must refuse both (RFC 5802 §5: the server proves it knows the keys).

Run: python3 test_client_scram.py --l7 build/dev/l7
"""

import os
import socket
import sys
import threading
import unittest

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import smtptest  # noqa: E402
from smtptest import PASSWORD, USER  # noqa: E402
import l7test  # noqa: E402
import scramtest  # noqa: E402


def l7_mail(*args):
    r = l7test.run([l7test.L7, "mail", "send", "--timeout", "20s"] + list(args), timeout=60)
    return r.returncode, r.stdout.decode(errors="replace"), r.stderr.decode(errors="replace")


class ClientAgainstL7(smtptest.SmtpServerCase):
    SMTP = {"auth_accept_any": "false"}

    def send(self, *args):
        return l7_mail("--server", "127.0.0.1:%d" % self.smtp_port, "--from", "sender@client.test",
                       "--to", "bob@example.test", "--auth-user", USER, *args, "-v")

    def test_scram_is_the_automatic_choice(self):
        before = len(self.captured())
        rc, _, err = self.send("--auth-password", PASSWORD)
        self.assertEqual(rc, 0, err)
        self.assertIn("AUTH SCRAM-SHA-256", err)
        self.assertIn("235 2.7.0", err)
        self.assertEqual(len(self.captured(before + 1)), before + 1)

    def test_auth_mech_names_it(self):
        rc, _, err = self.send("--auth-password", PASSWORD, "--auth-mech", "scram-sha-256")
        self.assertEqual(rc, 0, err)
        self.assertIn("AUTH SCRAM-SHA-256", err)

    def test_wrong_password(self):
        rc, _, err = self.send("--auth-password", "wrong")
        self.assertNotEqual(rc, 0)
        self.assertIn("535 5.7.8", err)


class FakeServer:
    """One SMTP session that runs SCRAM with the right keys and then misbehaves as told."""

    def __init__(self, ending):
        self.ending = ending
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.received = []
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def run(self):
        conn, _ = self.listener.accept()
        f = conn.makefile("rb")

        def send(line):
            conn.sendall(line.encode() + b"\r\n")

        def recv():
            line = f.readline().decode().rstrip("\r\n")
            self.received.append(line)
            return line

        send("220 fake ESMTP")
        recv()  # EHLO
        send("250-fake\r\n250 AUTH SCRAM-SHA-256 PLAIN")
        first = scramtest.decode(recv().split(" ")[2])
        bare = first[3:].decode()
        nonce = bare.split("r=")[1] + "servernonce"
        server_first = "r=%s,s=%s,i=4096" % (nonce, scramtest.b64(b"saltsaltsalt"))
        send("334 " + scramtest.encode(server_first.encode()))
        recv()  # client-final
        if self.ending == "wrong-signature":
            send("334 " + scramtest.encode(b"v=" + scramtest.b64(b"x" * 32).encode()))
            self.cancel = recv()
            send("501 5.0.0 Authentication aborted")
        else:
            send("235 2.7.0 ok")
        recv()  # QUIT (or whatever comes)
        send("221 bye")
        conn.close()
        self.listener.close()


class ClientAgainstLyingServer(unittest.TestCase):
    def run_against(self, ending):
        server = FakeServer(ending)
        rc, _, err = l7_mail("--server", "127.0.0.1:%d" % server.port, "--from", "a@client.test", "--to",
                             "b@example.test", "--auth-user", USER, "--auth-password", PASSWORD, "-v")
        server.thread.join(30)
        return rc, err, server

    def test_wrong_server_signature_is_refused(self):
        rc, err, server = self.run_against("wrong-signature")
        self.assertNotEqual(rc, 0)
        self.assertEqual(server.cancel, "*")
        self.assertIn("signature", err)
        self.assertFalse(any(line.startswith("MAIL") for line in server.received))

    def test_success_without_signature_is_refused(self):
        rc, err, server = self.run_against("no-signature")
        self.assertNotEqual(rc, 0)
        self.assertFalse(any(line.startswith("MAIL") for line in server.received))


if __name__ == "__main__":
    l7test.main()
