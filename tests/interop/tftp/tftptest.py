"""Shared helpers for the TFTP interop tests: `l7 serve` with only the tftp listener, a raw
TFTP client (RFC 1350 packets by hand, so tests see exact ERROR codes and TIDs), and test data.
"""

import os
import socket
import struct
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import l7test  # noqa: E402

RRQ, WRQ, DATA, ACK, ERROR, OACK = 1, 2, 3, 4, 5, 6


def tftp_config(upload=True, overwrite=False, **extra):
    """The default config with an upload directory (data/upload) and extra [tftp] keys."""
    settings = {("tftp", "upload_dir"): '"upload"' if upload else '""',
                ("tftp", "allow_overwrite"): "true" if overwrite else "false"}
    for key, value in extra.items():
        settings[("tftp", key)] = value
    return l7test.config_with(settings)


def tftp_server(upload=True, overwrite=False, extra_args=(), **extra):
    """l7_server() context with only tftp on a free port; the Server has .tftp_port."""
    return l7test.l7_server(config_text=tftp_config(upload, overwrite, **extra), only=("tftp",),
                            extra_args=extra_args)


def pattern(n, seed=1):
    """n bytes of deterministic noise (every byte value, CR and LF included)."""
    out = bytearray(n)
    x = seed * 2654435761 + 1
    for i in range(n):
        x = (x * 1103515245 + 12345) & 0xFFFFFFFF
        out[i] = x >> 24
    return bytes(out)


def text_lines(n):
    """Local text with LF line ends and a few bare CRs (netascii turns them into CR NUL)."""
    return b"".join(b"line %d of the text\n" % i + (b"cr\rhere\n" if i % 7 == 0 else b"") for i in range(n))


def request(op, name, mode="octet", options=()):
    b = struct.pack(">H", op) + name.encode() + b"\0" + mode.encode() + b"\0"
    for k, v in options:
        b += k.encode() + b"\0" + str(v).encode() + b"\0"
    return b


def ack(block):
    return struct.pack(">HH", ACK, block & 0xFFFF)


def data(block, payload):
    return struct.pack(">HH", DATA, block & 0xFFFF) + payload


def parse(d):
    """(opcode, fields): DATA -> (block, payload), ACK -> block, ERROR -> (code, message),
    OACK -> {name: value}."""
    op = struct.unpack(">H", d[:2])[0]
    if op == DATA:
        return op, (struct.unpack(">H", d[2:4])[0], d[4:])
    if op == ACK:
        return op, struct.unpack(">H", d[2:4])[0]
    if op == ERROR:
        return op, (struct.unpack(">H", d[2:4])[0], d[4:].split(b"\0")[0].decode("latin-1"))
    if op == OACK:
        parts = d[2:].split(b"\0")[:-1]
        return op, {parts[i].decode().lower(): parts[i + 1].decode() for i in range(0, len(parts), 2)}
    return op, d[2:]


class RawClient:
    """One UDP socket talking TFTP by hand to host:port; .tid is the server's transfer port."""

    def __init__(self, port, host="127.0.0.1", timeout=5.0):
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        self.sock = socket.socket(family, socket.SOCK_DGRAM)
        self.sock.settimeout(timeout)
        self.host, self.port, self.tid = host, port, None

    def close(self):
        self.sock.close()

    def send_request(self, op, name, mode="octet", options=()):
        self.sock.sendto(request(op, name, mode, options), (self.host, self.port))

    def send(self, payload, port=None):
        self.sock.sendto(payload, (self.host, port or self.tid))

    def recv(self):
        d, addr = self.sock.recvfrom(70000)
        if self.tid is None:
            self.tid = addr[1]
        return parse(d), addr[1]

    def expect_error(self, op, name, mode="octet", options=()):
        """Sends a request; returns the (code, message) of the ERROR that must come back."""
        self.send_request(op, name, mode, options)
        (kind, fields), _ = self.recv()
        if kind != ERROR:
            raise AssertionError("expected ERROR, got opcode %d %r" % (kind, fields))
        return fields

    def get(self, name, options=(), mode="octet"):
        """Reads a file lock-step (windowsize 1 unless asked); returns (bytes, oack or None)."""
        self.send_request(RRQ, name, mode, options)
        out, expected, oack = b"", 1, None
        blksize = 512
        while True:
            (kind, fields), port = self.recv()
            if port != self.tid:
                continue
            if kind == OACK:
                oack = fields
                blksize = int(fields.get("blksize", 512))
                self.send(ack(0))
                continue
            if kind == ERROR:
                raise AssertionError("ERROR %d %s" % fields)
            block, payload = fields
            if block == expected & 0xFFFF:
                out += payload
                expected += 1
            self.send(ack(block))
            if block == (expected - 1) & 0xFFFF and len(payload) < blksize:
                return out, oack
