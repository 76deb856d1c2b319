"""`l7 mail fetch` with AUTHENTICATE SCRAM-SHA-256 against scripted IMAP servers that do what
real ones do not: a wrong server signature in the last "+" (the client must cancel with "*"
and fail, exit 2), an OK without any "v=" (exit 2), and the server-final as data with success
in the tagged OK (RFC 9051 §6.2.2; accepted when right). Each server takes one connection on
127.0.0.1 and records the lines it received.

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
    s.send("* OK [CAPABILITY IMAP4rev1 SASL-IR AUTH=SCRAM-SHA-256 AUTH=PLAIN] scripted")
    tag, command, mech, initial = s.recv().split(" ")
    assert (command, mech) == ("AUTHENTICATE", "SCRAM-SHA-256"), s.received
    s.send("+ " + scram.first(initial))
    return tag, s.recv()


def run_client(server, *extra):
    server.start()
    r = fetch("-s", "127.0.0.1:%d" % server.port, "-u", USER, "-p", PASSWORD, "-v", "list", *extra)
    server.join(30)
    if server.error:
        raise AssertionError("scripted server: %r; received %r; client:\n%s"
                             % (server.error, server.received, r.stderr.decode()))
    return r


class ScriptedScramTest(unittest.TestCase):
    def test_wrong_signature_is_cancelled(self):
        def script(s):
            scram = Scram()
            tag, client_final = login_until_client_final(s, scram)
            s.send("+ " + scram.final(client_final, password="not-" + PASSWORD))
            if s.recv() == "*":
                s.send(tag + " BAD Authentication cancelled")
            s.recv()  # end of connection (or LOGOUT)
        server = ScriptedServer(script)
        r = run_client(server)
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertEqual(server.received[2], "*", server.received)
        self.assertIn("l7 mail: AUTHENTICATE SCRAM-SHA-256: the server's SCRAM signature does not match",
                      r.stderr.decode())
        self.assertEqual(r.stdout, b"")

    def test_ok_without_signature_fails(self):
        def script(s):
            tag, _ = login_until_client_final(s, Scram())
            s.send(tag + " OK Logged in")
            s.recv()
        server = ScriptedServer(script)
        r = run_client(server)
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertIn("l7 mail: AUTHENTICATE SCRAM-SHA-256: the server's SCRAM signature does not match",
                      r.stderr.decode())
        self.assertFalse(any(line.split(" ")[1:2] == ["EXAMINE"] for line in server.received if line), server.received)

    def test_signature_as_data_with_success(self):
        def script(s):
            scram = Scram()
            tag, client_final = login_until_client_final(s, scram)
            s.send(tag + " OK [CAPABILITY IMAP4rev1] " + scram.final(client_final))
            tag, command = s.recv().split(" ")[:2]
            assert command == "EXAMINE", s.received
            s.send("* 0 EXISTS\r\n* OK [UIDVALIDITY 7] UIDs valid\r\n%s OK [READ-ONLY] done" % tag)
            tag = s.recv().split(" ")[0]
            s.send("* BYE bye\r\n%s OK done" % tag)
        server = ScriptedServer(script)
        r = run_client(server)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(server.received[-1].split(" ")[1], "LOGOUT")


if __name__ == "__main__":
    l7test.main()
