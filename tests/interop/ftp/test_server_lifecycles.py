"""The session lifecycles FTP users produce, with Python's ftplib against `l7 serve`: hundreds
of short sessions one after another (each with passive data connections, whose ports end in
TIME_WAIT on our side), and more concurrent passive setups than a configured port range has
ports. With no `passive_ports` the kernel picks passive ports; with a range, a port whose last
data connection is in TIME_WAIT is reused at once (SO_REUSEADDR), and a range that is really
full gives a clean 425 that the session survives.

Run: python3 test_server_lifecycles.py --l7 build/dev/l7
"""

import ftplib
import io
import os
import random
import socket
import sys
import threading

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ftptest  # noqa: E402
import l7test  # noqa: E402

SESSIONS = 500
HELLO = b"hello from l7 ftp\n"


def free_range(n):
    """n consecutive TCP ports on 127.0.0.1 that nobody listens on right now."""
    for _ in range(50):
        base = random.randrange(40000, 59000)
        ok = True
        for p in range(base, base + n):
            with socket.socket() as s:
                try:
                    s.bind(("127.0.0.1", p))
                except OSError:
                    ok = False
                    break
        if ok:
            return base
    raise RuntimeError("no free port range")


class Lifecycle(ftptest.FtpServerCase):
    def login(self):
        f = ftplib.FTP(timeout=20)
        f.connect("127.0.0.1", self.ftp_port)
        f.login()
        return f

    def short_session(self, i):
        """login, LIST, RETR, QUIT: two passive data connections."""
        f = self.login()
        try:
            names = f.nlst()
            self.assertIn("hello.txt", names, "session %d" % i)
            out = io.BytesIO()
            f.retrbinary("RETR hello.txt", out.write)
            self.assertEqual(out.getvalue(), HELLO, "session %d" % i)
            f.quit()
        finally:
            f.close()

    def sequential_sessions(self):
        for i in range(SESSIONS):
            try:
                self.short_session(i)
            except ftplib.Error as e:
                self.fail("session %d of %d failed: %s" % (i + 1, SESSIONS, e))

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.server.write_public("hello.txt", HELLO)


class AnyPassivePort(Lifecycle):
    """The embedded default: no passive_ports."""

    def test_500_sequential_sessions(self):
        print("%d sequential sessions (LIST + RETR each), kernel-picked passive ports" % SESSIONS)
        self.sequential_sessions()

    def test_epsv_ports_come_from_the_kernel(self):
        f = self.login()
        self.addCleanup(f.close)
        ports = set()
        for _ in range(5):
            resp = f.sendcmd("EPSV")
            ports.add(int(resp.split("|||")[1].split("|")[0]))
        self.assertTrue(all(p >= 1024 for p in ports), ports)
        f.quit()


class SmallPassiveRange(Lifecycle):
    """passive_ports with five ports: each is reused about 200 times within seconds, always
    while its last data connection sits in TIME_WAIT."""

    PORTS = 5
    BASE = free_range(PORTS)
    FTP_KEYS = {"passive_ports": "[%d, %d]" % (BASE, BASE + PORTS - 1), "anonymous": "true"}

    def test_500_sequential_sessions_through_five_ports(self):
        print("%d sequential sessions through passive ports %d-%d" % (SESSIONS, self.BASE, self.BASE + self.PORTS - 1))
        self.sequential_sessions()

    def test_more_concurrent_setups_than_ports(self):
        print("12 sessions at once ask for a passive port; 5 ports: 7 clean 425s, then everyone transfers")
        sessions = [self.login() for _ in range(12)]
        for f in sessions:
            self.addCleanup(f.close)
        granted, refused = [], []
        for f in sessions:
            try:
                resp = f.sendcmd("EPSV")
                port = int(resp.split("|||")[1].split("|")[0])
                self.assertTrue(self.BASE <= port < self.BASE + self.PORTS, resp)
                granted.append((f, port))
            except ftplib.error_temp as e:
                self.assertTrue(str(e).startswith("425"), e)
                refused.append(f)
        self.assertEqual(len(granted), self.PORTS)
        self.assertEqual(len({p for _, p in granted}), self.PORTS)
        self.assertEqual(len(refused), 12 - self.PORTS)
        # Every refused session is still alive.
        for f in refused:
            self.assertEqual(f.sendcmd("NOOP")[:3], "200")
        # The granted ones use their listeners (the RETR connects to the port EPSV gave).
        for f, port in granted:
            with socket.create_connection(("127.0.0.1", port), timeout=10) as data:
                f.putcmd("RETR hello.txt")
                self.assertEqual(f.getresp()[:3], "150")
                got = b""
                while True:
                    chunk = data.recv(65536)
                    if not chunk:
                        break
                    got += chunk
            self.assertEqual(got, HELLO)
            self.assertEqual(f.voidresp()[:3], "226")
        # Now the range is free again: the refused sessions get their transfers too, all at
        # once, each in its own thread (never a stuck session).
        errors = []

        def transfer(f):
            try:
                out = io.BytesIO()
                f.retrbinary("RETR hello.txt", out.write)
                if out.getvalue() != HELLO:
                    errors.append("wrong data")
            except Exception as e:  # noqa: BLE001 (reported below)
                errors.append(repr(e))

        for start in range(0, len(refused), self.PORTS):  # at most one per port at a time
            threads = [threading.Thread(target=transfer, args=(f,)) for f in refused[start:start + self.PORTS]]
            for t in threads:
                t.start()
            for t in threads:
                t.join(30)
            self.assertFalse(any(t.is_alive() for t in threads), "a transfer hung")
        self.assertEqual(errors, [])
        for f in sessions:
            f.quit()


if __name__ == "__main__":
    l7test.main()
