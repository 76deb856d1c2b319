"""Test bases for the Autobahn-style tests: EchoCase drives `l7 serve`'s /ws/echo over raw
sockets (autobahn.py), ClientCase runs `l7 ws` against a scripted autobahn.FakeServer."""

import os
import shutil
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import autobahn as ab  # noqa: E402
from autobahn import CLOSE, TEXT  # noqa: E402
import l7test  # noqa: E402


def minimal_hlen(n):
    """Header size (without mask) of the shortest length form for n payload bytes (§5.2)."""
    return 2 if n < 126 else 4 if n < 65536 else 10


class EchoCase(l7test.ServerCase):
    """Tests against `l7 serve`'s echo endpoint. After every test a fresh connection must
    still get an echo: hostile input ends one connection, never the service."""

    PATH = "/ws/echo"

    def open(self, extensions=None):
        conn, self.response_headers = ab.client_handshake(self.server.http_port, self.PATH, extensions)
        self.addCleanup(conn.close)
        return conn

    def echo(self, conn, op, payload, timeout=10.0):
        """Sends one message (single masked frame) and asserts the exact echo."""
        conn.send_frame(op, payload)
        self.assert_echo(conn, op, payload, timeout)

    def assert_echo(self, conn, op, payload, timeout=10.0, controls=()):
        got_op, got, seen = conn.recv_message(timeout)
        self.assertEqual(got_op, op, "echo opcode")
        if got != payload:
            diff = next((i for i, (a, b) in enumerate(zip(got, payload)) if a != b), min(len(got), len(payload)))
            self.fail("echo differs: %d bytes sent, %d received, first difference at %d"
                      % (len(payload), len(got), diff))
        self.assertEqual([(f.op, f.payload) for f in seen], list(controls), "control frames before the echo")

    def assert_fails(self, conn, code, before=(), timeout=10.0):
        """The server fails the connection: exactly the frames `before` ((op, payload) pairs),
        a close frame with `code`, then EOF."""
        frames = conn.expect_close(code, timeout, allow_data=True)
        self.assertEqual([(f.op, f.payload) for f in frames], list(before), "frames before close %d" % code)
        self.assertTrue(conn.at_eof(3.0), "the server did not close TCP after failing with %d" % code)

    def assert_clean_close(self, conn, code=1000, reason=b""):
        """Our close handshake: the server echoes the code (§5.5.1) and closes TCP (§7.1.1)."""
        conn.send_close(code, reason)
        conn.expect_close(code)
        self.assertTrue(conn.at_eof(2.0), "no EOF within 2 s of the server's close frame")

    def tearDown(self):
        if self.server.alive():
            c = self.open()
            self.echo(c, TEXT, b"still serving")
            self.assert_clean_close(c)
        super().tearDown()


class ClientCase(unittest.TestCase):
    """`l7 ws --keep-open URL` against a FakeServer running a script(conn, request_headers)."""

    def run_client(self, script, *args, extension=None, stdin=None, timeout=60, early=b""):
        """Returns (CompletedProcess, FakeServer) once both have finished; the script's own
        assertion errors are re-raised. `stdin`: bytes for a file given as standard input."""
        server = ab.FakeServer(script, extension, early)
        env = dict(os.environ)
        env.setdefault("ASAN_OPTIONS", "detect_leaks=1:abort_on_error=0")
        cmd = [l7test.binary(), "ws", "--keep-open"] + list(args) + [server.url]
        if stdin is None:
            proc = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True, timeout=timeout, env=env)
        else:
            path = os.path.join(self.tmpdir(), "stdin")
            with open(path, "wb") as f:
                f.write(stdin)
            with open(path, "rb") as f:
                proc = subprocess.run(cmd, stdin=f, capture_output=True, timeout=timeout, env=env)
        server.join()
        err = proc.stderr.decode("utf-8", "replace")
        for marker in l7test.SANITIZER_MARKERS:
            self.assertNotIn(marker, err, "sanitizer report from l7 ws:\n" + err)
        return proc, server

    def tmpdir(self):
        d = tempfile.mkdtemp(prefix="l7-ws-client-")
        self.addCleanup(shutil.rmtree, d, True)
        return d

    def assert_exit(self, proc, status, stdout=None):
        msg = "l7 ws exit status %d, stderr:\n%s" % (proc.returncode, proc.stderr.decode("utf-8", "replace"))
        self.assertEqual(proc.returncode, status, msg)
        if stdout is not None and proc.stdout != stdout:
            self.fail("l7 ws printed %d bytes %r..., expected %d bytes %r...; %s"
                      % (len(proc.stdout), proc.stdout[:80], len(stdout), stdout[:80], msg))


def client_close(conn, code, timeout=10.0):
    """Server side: reads the client's frames up to its close, asserts the close code and
    that every client frame was masked (§5.1); returns the frames before the close."""
    before = []
    while True:
        f = conn.recv_frame(timeout)
        assert f.masked, "unmasked frame from the client: %r" % f
        if f.op == CLOSE:
            assert f.code == code, "client closed with %s (reason %r), expected %s; before: %r" % (
                f.code, f.reason, code, before)
            return before
        before.append(f)


def server_close(conn, code=1000, reason=b""):
    """Server side: the server starts the close handshake; the client must echo the code,
    and must leave closing TCP to the server (§7.1.1): it is still open 0.3 s later."""
    conn.send_close(code, reason)
    before = client_close(conn, code)
    assert conn.quiet(0.3), "the client closed TCP before the server did"
    return before
