"""Our client, `l7 tftp`, against tftpd-hpa (`in.tftpd -L`, in the foreground on a free
loopback port): get and put in octet and netascii, blksize/tsize (tftpd-hpa has no
windowsize, so that option must be ignored cleanly), IPv6, and the exit codes: 1 for an ERROR
from the server, 2 for no answer and usage errors.

Run: python3 test_l7_client.py --l7 build/dev/l7
"""

import contextlib
import os
import socket
import subprocess
import tempfile
import time
import unittest

import tftptest
from tftptest import l7test

TFTPD = "/usr/sbin/in.tftpd"


@contextlib.contextmanager
def tftpd_hpa(root, address="127.0.0.1", create=False):
    port = l7test.free_port(socket.AF_INET6 if ":" in address else socket.AF_INET, address)
    where = "[%s]:%d" % (address, port) if ":" in address else "%s:%d" % (address, port)
    cmd = [TFTPD, "-L", "-s", root, "-a", where, "-u", "root", "-p"]
    if create:
        cmd.insert(1, "--create")
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        time.sleep(0.3)
        if proc.poll() is not None:
            raise RuntimeError("in.tftpd exited: %s" % proc.stderr.read().decode())
        yield port
    finally:
        proc.terminate()
        proc.wait(10)


@unittest.skipUnless(os.access(TFTPD, os.X_OK), "tftpd-hpa not installed")
class L7ClientAgainstTftpdHpa(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory(prefix="l7-tftpd-")
        self.addCleanup(self.tmp.cleanup)
        self.root = os.path.join(self.tmp.name, "root")
        os.makedirs(self.root)
        os.chmod(self.root, 0o777)
        self.big = tftptest.pattern(2 * 1024 * 1024 + 77)
        self.write(os.path.join(self.root, "big.bin"), self.big)
        self.text = tftptest.text_lines(300)
        self.write(os.path.join(self.root, "notes.txt"), self.text)

    def write(self, path, content):
        with open(path, "wb") as f:
            f.write(content)

    def read(self, path):
        with open(path, "rb") as f:
            return f.read()

    def l7(self, *args, timeout=120):
        return l7test.run([l7test.binary(), "tftp"] + list(args), timeout=timeout)

    def test_get_octet_with_and_without_options(self):
        with tftpd_hpa(self.root) as port:
            for opts in ([], ["--blksize", "1468", "--tsize"], ["--blksize", "512", "--windowsize", "8"]):
                out = os.path.join(self.tmp.name, "out.bin")
                r = self.l7("get", "127.0.0.1:%d" % port, "big.bin", out, "-v", *opts)
                self.assertEqual(r.returncode, 0, r.stderr)
                self.assertEqual(self.read(out), self.big, opts)
                if "--blksize" in opts and "1468" in opts:
                    self.assertIn(b"OACK blksize=1468 tsize=%d" % len(self.big), r.stderr)

    def test_get_netascii(self):
        with tftpd_hpa(self.root) as port:
            out = os.path.join(self.tmp.name, "notes.txt")
            r = self.l7("get", "127.0.0.1", "notes.txt", out, "--port", str(port), "--mode", "netascii")
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertEqual(self.read(out), self.text)

    def test_put_octet_and_netascii_with_blksize(self):
        with tftpd_hpa(self.root, create=True) as port:
            src = os.path.join(self.tmp.name, "up.bin")
            self.write(src, tftptest.pattern(700000, 5))
            r = self.l7("put", "127.0.0.1:%d" % port, "up.bin", src, "--blksize", "1400", "--tsize")
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertEqual(self.read(os.path.join(self.root, "up.bin")), tftptest.pattern(700000, 5))
            txt = os.path.join(self.tmp.name, "up.txt")
            self.write(txt, self.text)
            r = self.l7("put", "127.0.0.1:%d" % port, "up.txt", txt, "--mode", "netascii")
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertEqual(self.read(os.path.join(self.root, "up.txt")), self.text)

    def test_ipv6(self):
        with tftpd_hpa(self.root, address="::1") as port:
            out = os.path.join(self.tmp.name, "big6.bin")
            r = self.l7("get", "[::1]:%d" % port, "big.bin", out, "--blksize", "1428")
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertEqual(self.read(out), self.big)

    def test_exit_codes(self):
        with tftpd_hpa(self.root) as port:
            out = os.path.join(self.tmp.name, "missing.bin")
            r = self.l7("get", "127.0.0.1:%d" % port, "missing.bin", out)
            self.assertEqual(r.returncode, 1, r.stderr)
            self.assertIn(b"server error 1", r.stderr)
            self.assertFalse(os.path.exists(out))  # a failed get leaves nothing
        # Nobody listening: retries, then 2.
        port = l7test.free_port()
        r = self.l7("get", "127.0.0.1:%d" % port, "x", os.path.join(self.tmp.name, "x"), "--timeout", "1",
                    "--retries", "1")
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertIn(b"timed out", r.stderr)
        r = self.l7("get", "127.0.0.1", "x", "--blksize", "4")
        self.assertEqual(r.returncode, 2, r.stderr)


if __name__ == "__main__":
    l7test.main()
