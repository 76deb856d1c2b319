"""`l7 ftp` against a small scripted FTP server (Python standard library only), for the paths
vsftpd cannot show: a server without EPSV (PASV fallback) whose 227 reply names another host
(we must connect to the control connection's peer instead), MLSD listings (RFC 3659) for
mirror with exact modify= times, and hostile names in a listing ("..", "a/b") that must not
escape the local directory.

Run: python3 test_client_scripted.py --l7 build/dev/l7
"""

import calendar
import os
import shutil
import socket
import socketserver
import subprocess
import sys
import tempfile
import threading
import unittest

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import l7test  # noqa: E402

MODIFY = "20240229123456"
MODIFY_EPOCH = calendar.timegm((2024, 2, 29, 12, 34, 56, 0, 0, 0))

# path -> bytes (files) or None (directories)
TREE = {
    "/": None,
    "/pub": None,
    "/pub/a.txt": b"alpha\n",
    "/pub/big.bin": os.urandom(700000),
    "/pub/sub": None,
    "/pub/sub/b c.txt": b"bravo charlie\n",
}
# Extra MLSD lines of /pub that name things outside the directory.
HOSTILE = ["type=file;size=4;modify=%s; ../evil.txt" % MODIFY,
           "type=file;size=4;modify=%s; x/y.txt" % MODIFY]


class Handler(socketserver.StreamRequestHandler):
    """One control connection: no EPSV, PASV with a wrong address, MLSD, RETR, SIZE."""

    def reply(self, text):
        self.wfile.write((text + "\r\n").encode())

    def handle(self):
        self.cwd = "/"
        self.passive = None
        self.reply("220 scripted server")
        for raw in self.rfile:
            line = raw.decode().rstrip("\r\n")
            verb, _, arg = line.partition(" ")
            verb = verb.upper()
            self.server.log.append(line)
            if verb == "QUIT":
                self.reply("221 bye")
                return
            handler = getattr(self, "do_" + verb, None)
            if handler is None:
                self.reply("502 %s not implemented" % verb)
            else:
                handler(arg)

    def path(self, arg):
        p = arg if arg.startswith("/") else (self.cwd.rstrip("/") + "/" + arg)
        return "/" + "/".join(s for s in p.split("/") if s and s != ".")

    def do_USER(self, arg):
        self.reply("331 password please")

    def do_PASS(self, arg):
        self.reply("230 welcome")

    def do_FEAT(self, arg):
        self.wfile.write(b"211-Features:\r\n MLST type*;size*;modify*;\r\n SIZE\r\n MDTM\r\n211 End\r\n")

    def do_TYPE(self, arg):
        self.reply("200 type set")

    def do_PWD(self, arg):
        self.reply('257 "%s" is the current directory' % self.cwd)

    def do_CWD(self, arg):
        p = self.path(arg)
        if p in TREE and TREE[p] is None:
            self.cwd = p
            self.reply("250 ok")
        else:
            self.reply("550 no such directory")

    def do_SIZE(self, arg):
        data = TREE.get(self.path(arg))
        self.reply("213 %d" % len(data) if isinstance(data, bytes) else "550 not a file")

    def do_PASV(self, arg):
        self.passive = socket.socket()
        self.passive.bind(("127.0.0.1", 0))
        self.passive.listen(1)
        port = self.passive.getsockname()[1]
        # 10.9.8.7 is not the server: a client that believes it would time out
        self.reply("227 Entering Passive Mode (10,9,8,7,%d,%d)" % (port >> 8, port & 255))

    def send_data(self, data):
        if self.passive is None:
            self.reply("425 use PASV first")
            return
        self.passive.settimeout(10)
        try:
            conn, _ = self.passive.accept()
        except OSError:
            self.reply("425 no data connection")
            return
        finally:
            self.passive.close()
            self.passive = None
        self.reply("150 here it comes")
        conn.sendall(data)
        conn.close()
        self.reply("226 done")

    def do_MLSD(self, arg):
        d = self.path(arg) if arg else self.cwd
        lines = ["type=cdir;modify=%s; ." % MODIFY, "type=pdir;modify=%s; .." % MODIFY]
        for p, data in sorted(TREE.items()):
            if p != "/" and p.rsplit("/", 1)[0] == ("" if d == "/" else d):
                name = p.rsplit("/", 1)[1]
                if data is None:
                    lines.append("Type=dir;Modify=%s;UNIX.mode=0755; %s" % (MODIFY, name))
                else:
                    lines.append("type=file;size=%d;modify=%s;perm=r; %s" % (len(data), MODIFY, name))
        if d == "/pub":
            lines += HOSTILE
        self.send_data("".join(l + "\r\n" for l in lines).encode())

    def do_RETR(self, arg):
        data = TREE.get(self.path(arg))
        if not isinstance(data, bytes):
            if self.passive:
                self.passive.close()
                self.passive = None
            self.reply("550 no such file")
            return
        self.send_data(data)


class Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), Handler)
        self.log = []


class ScriptedTests(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = Server()
        cls.port = cls.server.server_address[1]
        cls.thread = threading.Thread(target=cls.server.serve_forever, daemon=True)
        cls.thread.start()

    @classmethod
    def tearDownClass(cls):
        cls.server.shutdown()
        cls.server.server_close()

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="l7-ftp-scripted-")
        self.server.log.clear()

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def l7(self, *args, rc=0):
        p = subprocess.run([l7test.binary(), "ftp", "--timeout", "10s"] + list(args), capture_output=True,
                           timeout=60)
        p.stderr = p.stderr.decode("utf-8", "replace")
        for marker in l7test.SANITIZER_MARKERS:
            self.assertNotIn(marker, p.stderr)
        self.assertEqual(p.returncode, rc, p.stderr[-3000:])
        return p

    def url(self, path="/"):
        return "ftp://127.0.0.1:%d%s" % (self.port, path)

    def test_pasv_fallback_uses_the_control_peer(self):
        p = self.l7(self.url("/pub/big.bin"), "-v")
        self.assertEqual(p.stdout, TREE["/pub/big.bin"])
        self.assertIn("> EPSV", p.stderr)
        self.assertIn("< 502", p.stderr)
        self.assertIn("> PASV", p.stderr)
        self.assertIn("227 names 10.9.8.7, connecting to the server's address 127.0.0.1 instead", p.stderr)
        # EPSV is not asked again on the same connection
        q = self.l7(self.url("/pub/"), "get", "a.txt", "-", "-v")
        self.assertEqual(q.stdout, b"alpha\n")

    def test_epsv_asked_once_per_session(self):
        p = self.l7(self.url("/pub/"), "mirror", ".", os.path.join(self.tmp, "m"), "-v")
        self.assertEqual(p.stderr.count("> EPSV"), 1, p.stderr)
        self.assertGreater(p.stderr.count("> PASV"), 2)

    def test_mirror_with_mlsd(self):
        dest = os.path.join(self.tmp, "copy")
        p = self.l7(self.url("/"), "mirror", "pub", dest, "-v")
        self.assertIn("> MLSD", p.stderr)
        self.assertNotIn("> LIST", p.stderr)
        self.assertNotIn("> MDTM", p.stderr)  # modify= is exact already
        for rel in ("a.txt", "big.bin", "sub/b c.txt"):
            with open(os.path.join(dest, rel), "rb") as f:
                self.assertEqual(f.read(), TREE["/pub/" + rel], rel)
            self.assertEqual(int(os.stat(os.path.join(dest, rel)).st_mtime), MODIFY_EPOCH, rel)
        # the hostile names were skipped, and nothing was written outside dest
        self.assertFalse(os.path.exists(os.path.join(self.tmp, "evil.txt")))
        self.assertFalse(os.path.exists(os.path.join(dest, "x")))
        self.assertIn("skipped /pub/../evil.txt (unsafe name)", p.stderr)
        self.assertIn("skipped /pub/x/y.txt (unsafe name)", p.stderr)
        self.assertIn("3 files", p.stderr)
        again = self.l7(self.url("/"), "mirror", "pub", dest, "-v")
        self.assertIn("3 unchanged", again.stderr)
        self.assertNotIn("> RETR", again.stderr)

    def test_refused_file_in_mirror_goes_on(self):
        TREE["/pub/gone.txt"] = b"x"
        try:
            # listed, but RETR refuses it: the server's tree changes between MLSD and RETR
            original = Handler.do_RETR

            def refuse_gone(handler, arg):
                if arg == "gone.txt":
                    if handler.passive:
                        handler.passive.close()
                        handler.passive = None
                    handler.reply("550 vanished")
                    return
                original(handler, arg)
            Handler.do_RETR = refuse_gone
            dest = os.path.join(self.tmp, "copy")
            p = self.l7(self.url("/"), "mirror", "pub", dest, "-v", rc=1)
            self.assertIn("550 vanished", p.stderr)
            self.assertTrue(os.path.exists(os.path.join(dest, "sub", "b c.txt")))
            self.assertFalse(os.path.exists(os.path.join(dest, "gone.txt")))
        finally:
            Handler.do_RETR = original
            del TREE["/pub/gone.txt"]


if __name__ == "__main__":
    l7test.main()
