"""`l7 mail fetch --pop3` with AUTH SCRAM-SHA-256 against scripted POP3 servers that do what
real ones do not: a wrong server signature in the last "+ " (the client must cancel with "*"
and fail, exit 2), a +OK without any "v=" (exit 2), and the server-final as data with success
on the +OK (RFC 5034 §4; accepted when right). Each server takes one connection on 127.0.0.1
and records the lines it received.

Run: python3 test_client_fetch_scram.py --l7 build/dev/l7
"""

import os
import sys
import unittest

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import l7test  # noqa: E402
from mailfetch import fetch  # noqa: E402
from scramserver import PASSWORD, USER, Scram, ScriptedServer  # noqa: E402


def login_until_client_final(s, scram):
    s.send("+OK scripted")
    assert s.recv() == "CAPA", s.received
    s.send("+OK\r\nUSER\r\nSASL SCRAM-SHA-256 PLAIN\r\n.")
    command, mech, initial = s.recv().split(" ")
    assert (command, mech) == ("AUTH", "SCRAM-SHA-256"), s.received
    s.send("+ " + scram.first(initial))
    return s.recv()


def run_client(server, *extra):
    server.start()
    r = fetch("--pop3", "-s", "127.0.0.1:%d" % server.port, "-u", USER, "-p", PASSWORD, "-v", "list", *extra)
    server.join(30)
    if server.error:
        raise AssertionError("scripted server: %r; received %r; client:\n%s"
                             % (server.error, server.received, r.stderr.decode()))
    return r


class ScriptedScramTest(unittest.TestCase):
    def test_wrong_signature_is_cancelled(self):
        def script(s):
            scram = Scram()
            client_final = login_until_client_final(s, scram)
            s.send("+ " + scram.final(client_final, password="not-" + PASSWORD))
            if s.recv() == "*":
                s.send("-ERR Authentication cancelled")
            s.recv()  # end of connection (or QUIT)
        server = ScriptedServer(script)
        r = run_client(server)
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertEqual(server.received[3], "*", server.received)
        self.assertIn("l7 mail: AUTH SCRAM-SHA-256: the server's SCRAM signature does not match", r.stderr.decode())
        self.assertEqual(r.stdout, b"")

    def test_ok_without_signature_fails(self):
        def script(s):
            login_until_client_final(s, Scram())
            s.send("+OK Logged in.")
            s.recv()
        server = ScriptedServer(script)
        r = run_client(server)
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertIn("l7 mail: AUTH SCRAM-SHA-256: the server's SCRAM signature does not match", r.stderr.decode())
        self.assertNotIn("LIST", server.received)

    def test_signature_as_data_with_success(self):
        def script(s):
            scram = Scram()
            client_final = login_until_client_final(s, scram)
            s.send("+OK " + scram.final(client_final))
            assert s.recv() == "LIST", s.received
            s.send("+OK 0 messages\r\n.")
            assert s.recv() == "QUIT", s.received
            s.send("+OK bye")
        server = ScriptedServer(script)
        r = run_client(server)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(server.received[-1], "QUIT")


if __name__ == "__main__":
    l7test.main()
