"""`l7 serve`'s TFTP service seen by a hand-written client: exact ERROR codes for refused paths
(traversal, absolute, encoded, symlinks out of the root), missing files, uploads when they are
off, existing files and oversized uploads; a stranger's packets to a transfer's port (wrong
TID) answered with ERROR 5 while the transfer carries on; OACK values; IPv6; per-client
session limits; malformed requests.

Run: python3 test_server_raw.py --l7 build/dev/l7
"""

import os
import socket
import struct
import time
import unittest

import tftptest
from tftptest import ACK, DATA, ERROR, OACK, RRQ, WRQ, RawClient, ack, data, l7test


class ServerRaw(l7test.ServerCase):
    @classmethod
    def server_kwargs(cls):
        return {"config_text": tftptest.tftp_config(upload=True, max_upload='"100k"', max_sessions_per_ip="4",
                                                    max_windowsize="8"),
                "only": ("tftp",)}

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.port = cls.server.ports["tftp"]
        cls.upload = os.path.join(cls.server.data_dir, "upload")
        cls.server.write_public("file.bin", tftptest.pattern(5000))
        outside = os.path.join(cls.server.data_dir, "outside.txt")
        with open(outside, "wb") as f:
            f.write(b"secret")
        os.symlink(outside, os.path.join(cls.server.public, "abs-link"))
        os.symlink("../outside.txt", os.path.join(cls.server.public, "rel-link"))
        os.makedirs(os.path.join(cls.server.public, "sub"), exist_ok=True)

    def client(self, host="127.0.0.1"):
        c = RawClient(self.port, host)
        self.addCleanup(c.close)
        return c

    def test_refused_paths_get_error_2(self):
        for name in ("../outside.txt", "sub/../../outside.txt", "/etc/passwd", "..\\outside.txt",
                     "%2e%2e/outside.txt", "%2E%2E%2Foutside.txt", "abs-link", "rel-link", "C:\\x"):
            code, _ = self.client().expect_error(RRQ, name)
            self.assertEqual(code, 2, name)
        code, _ = self.client().expect_error(WRQ, "../evil.bin")
        self.assertEqual(code, 2)
        self.assertFalse(os.path.exists(os.path.join(self.server.data_dir, "evil.bin")))

    def test_missing_file_and_directory_get_error_1(self):
        self.assertEqual(self.client().expect_error(RRQ, "nope.bin")[0], 1)
        self.assertEqual(self.client().expect_error(RRQ, "sub")[0], 1)

    def test_unknown_mode_gets_error_4(self):
        self.assertEqual(self.client().expect_error(RRQ, "file.bin", mode="mail")[0], 4)

    def test_malformed_request_gets_error_4(self):
        c = self.client()
        c.sock.sendto(struct.pack(">H", RRQ) + b"file.bin", ("127.0.0.1", self.port))  # no NULs
        (kind, fields), _ = c.recv()
        self.assertEqual((kind, fields[0]), (ERROR, 4))

    def test_oack_is_clamped(self):
        c = self.client()
        got, oack = c.get("file.bin", options=[("blksize", "70000"), ("tsize", "0"), ("windowsize", "1"),
                                               ("timeout", "2"), ("unknown", "1")])
        self.assertEqual(got, tftptest.pattern(5000))
        self.assertEqual(oack, {"blksize": "65464", "tsize": "5000", "windowsize": "1", "timeout": "2"})

    def test_wrong_tid_gets_error_5_and_the_transfer_goes_on(self):
        c = self.client()
        c.send_request(RRQ, "file.bin")
        (kind, (block, payload)), tid = c.recv()
        self.assertEqual((kind, block), (DATA, 1))
        stranger = self.client()
        stranger.send(ack(1), port=tid)
        (kind, (code, _)), port = stranger.recv()
        self.assertEqual((kind, code, port), (ERROR, 5, tid))
        out = payload
        c.send(ack(1))
        while True:
            (kind, (block, payload)), _ = c.recv()
            self.assertEqual(kind, DATA)
            out += payload
            c.send(ack(block))
            if len(payload) < 512:
                break
        self.assertEqual(out, tftptest.pattern(5000))

    def test_upload_refusals(self):
        c = self.client()
        self.assertEqual(c.expect_error(WRQ, "big.bin", options=[("tsize", str(200 * 1024))])[0], 3)
        # Without tsize the limit is found while receiving: ERROR 3, nothing left behind.
        c = self.client()
        c.send_request(WRQ, "grows.bin", options=[("blksize", "1024")])
        (kind, fields), _ = c.recv()
        self.assertEqual(kind, OACK)
        block = 1
        while True:
            c.send(data(block, b"x" * 1024))
            (kind, fields), _ = c.recv()
            if kind == ERROR:
                self.assertEqual(fields[0], 3)
                break
            self.assertEqual((kind, fields), (ACK, block))
            block += 1
        self.assertEqual(block, 101)
        # The ERROR goes out just before the session removes its temporary file.
        leftovers = None
        for _ in range(100):
            leftovers = [n for n in os.listdir(self.upload) if n.startswith(".") or n == "grows.bin"]
            if not leftovers:
                break
            time.sleep(0.02)
        self.assertEqual(leftovers, [])

    def test_upload_then_overwrite_refused(self):
        c = self.client()
        c.send_request(WRQ, "once.bin")
        (kind, block), _ = c.recv()
        self.assertEqual((kind, block), (ACK, 0))
        c.send(data(1, b"hello"))
        (kind, block), _ = c.recv()
        self.assertEqual((kind, block), (ACK, 1))
        with open(os.path.join(self.upload, "once.bin"), "rb") as f:
            self.assertEqual(f.read(), b"hello")  # in place before the last ACK
        self.assertEqual(self.client().expect_error(WRQ, "once.bin")[0], 6)

    def test_per_client_session_limit(self):
        held = []
        for _ in range(4):
            c = self.client()
            c.send_request(RRQ, "file.bin")
            (kind, _), _ = c.recv()
            self.assertEqual(kind, DATA)
            held.append(c)
        code, msg = self.client().expect_error(RRQ, "file.bin")
        self.assertEqual(code, 0)
        self.assertIn("too many", msg)
        for c in held:  # an ERROR ends them and frees the slots
            c.send(struct.pack(">HH", ERROR, 0) + b"bye\0")
        for _ in range(50):
            try:
                got, _ = self.client().get("file.bin")
                break
            except AssertionError:
                continue
        self.assertEqual(got, tftptest.pattern(5000))

    def test_answers_come_from_the_address_the_request_went_to(self):
        # 127.0.0.2 is loopback too; the kernel would pick 127.0.0.1 as the source of an answer
        # to 127.0.0.1, so this checks that the transfer socket is bound to the request's
        # destination (the listener is the wildcard "::").
        c = RawClient(self.port, host="127.0.0.2")
        self.addCleanup(c.close)
        c.send_request(RRQ, "file.bin")
        d, addr = c.sock.recvfrom(70000)
        self.assertEqual(tftptest.parse(d)[0], DATA)
        self.assertEqual(addr[0], "127.0.0.2")
        c.sock.sendto(struct.pack(">HH", ERROR, 0) + b"done\0", addr)

    def test_ipv6(self):
        got, oack = self.client("::1").get("file.bin", options=[("blksize", "1000")])
        self.assertEqual(got, tftptest.pattern(5000))
        self.assertEqual(oack, {"blksize": "1000"})


class UploadsOff(unittest.TestCase):
    def test_write_requests_refused_with_error_2(self):
        with tftptest.tftp_server(upload=False) as server:
            c = RawClient(server.ports["tftp"])
            try:
                self.assertEqual(c.expect_error(WRQ, "x.bin")[0], 2)
            finally:
                c.close()


if __name__ == "__main__":
    l7test.main()
