"""A tiny raw WebSocket toolkit (RFC 6455, RFC 7692) for the Autobahn-style tests.

Everything is built by hand on plain sockets so that a test can send what no well-behaved
library would: any opcode, RSV bits, masked or unmasked frames, non-minimal length forms,
frames cut into chunks with pauses in between. Both roles are covered: `client_handshake()`
opens a connection to `l7 serve`, `FakeServer` accepts one connection from `l7 ws` and runs a
scripted exchange in a thread. permessage-deflate payloads are made and read with zlib's raw
deflate (RFC 7692 §7.2). Standard library only.
"""

import base64
import hashlib
import os
import socket
import struct
import sys
import threading
import time
import zlib

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import l7test  # noqa: E402

CONT, TEXT, BINARY, CLOSE, PING, PONG = 0x0, 0x1, 0x2, 0x8, 0x9, 0xA
RSV1, RSV2, RSV3 = 4, 2, 1  # the `rsv` argument of frame(): bits 6..4 of the first byte
GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
TAIL = b"\x00\x00\xff\xff"  # RFC 7692 §7.2.1: removed by the sender, appended by the receiver


def accept_key(key):
    """Sec-WebSocket-Accept for a Sec-WebSocket-Key (RFC 6455 §4.2.2)."""
    return base64.b64encode(hashlib.sha1(key.encode() + GUID).digest()).decode()


def apply_mask(data, key):
    """XORs data with the 4-byte key (§5.3); big integers keep 16 MiB payloads fast."""
    n = len(data)
    if n == 0:
        return b""
    stream = (key * (n // 4 + 1))[:n]
    return (int.from_bytes(data, "big") ^ int.from_bytes(stream, "big")).to_bytes(n, "big")


def frame(op, payload=b"", fin=True, rsv=0, mask=True, key=None, length_form=None):
    """One frame as bytes. mask: True (random or `key`) / False; length_form: None for the
    shortest form, or 16 / 64 to force an extended length (legal on input, §5.2)."""
    payload = bytes(payload)
    b0 = (0x80 if fin else 0) | (rsv & 7) << 4 | (op & 0xF)
    n = len(payload)
    mbit = 0x80 if mask else 0
    if length_form is None:
        length_form = 7 if n < 126 else 16 if n < 65536 else 64
    if length_form == 7:
        head = struct.pack("!BB", b0, mbit | n)
    elif length_form == 16:
        head = struct.pack("!BBH", b0, mbit | 126, n)
    else:
        head = struct.pack("!BBQ", b0, mbit | 127, n)
    if not mask:
        return head + payload
    key = key or os.urandom(4)
    return head + key + apply_mask(payload, key)


def close_payload(code=None, reason=b""):
    return b"" if code is None else struct.pack("!H", code) + reason


def chunks(data, size):
    return [data[i:i + size] for i in range(0, len(data), size)] or [b""]


def fragments(op, payload, size, rsv=0, mask=True):
    """A message cut into frames of at most `size` payload bytes (§5.4); RSV on the first."""
    parts = chunks(payload, size)
    out = []
    for i, part in enumerate(parts):
        out.append(frame(op if i == 0 else CONT, part, fin=i == len(parts) - 1,
                         rsv=rsv if i == 0 else 0, mask=mask))
    return out


class Frame:
    def __init__(self, fin, rsv, op, masked, payload):
        self.fin, self.rsv, self.op, self.masked, self.payload = fin, rsv, op, masked, payload

    @property
    def code(self):
        return struct.unpack("!H", self.payload[:2])[0] if len(self.payload) >= 2 else None

    @property
    def reason(self):
        return self.payload[2:]

    def __repr__(self):
        p = self.payload if len(self.payload) <= 40 else self.payload[:40] + b"..."
        return "<Frame op=%#x fin=%d rsv=%d masked=%d %d bytes %r>" % (
            self.op, self.fin, self.rsv, self.masked, len(self.payload), p)


class Closed(Exception):
    """The peer closed TCP (EOF or reset) while a frame was expected."""


class Conn:
    """A WebSocket over a socket, either role. Client frames are masked by default (§5.1)."""

    def __init__(self, sock, role="client", leftover=b""):
        self.sock = sock
        self.role = role
        self.buf = bytearray(leftover)
        self.eof = False
        self.last_rsv = 0

    # -- sending
    def send(self, data, chunk=None, pause=0.0):
        """Raw bytes, optionally in chunks of `chunk` bytes with `pause` seconds between."""
        if not chunk:
            self.sock.sendall(data)
            return
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        for i in range(0, len(data), chunk):
            self.sock.sendall(data[i:i + chunk])
            if pause:
                time.sleep(pause)

    def frame(self, op, payload=b"", **kw):
        kw.setdefault("mask", self.role == "client")
        return frame(op, payload, **kw)

    def send_frame(self, op, payload=b"", chunk=None, pause=0.0, **kw):
        self.send(self.frame(op, payload, **kw), chunk, pause)

    def send_close(self, code=None, reason=b"", **kw):
        self.send_frame(CLOSE, close_payload(code, reason), **kw)

    # -- receiving
    def _fill(self, timeout):
        self.sock.settimeout(timeout)
        try:
            data = self.sock.recv(1 << 20)
        except (ConnectionResetError, BrokenPipeError):
            data = b""
        if not data:
            self.eof = True
            raise Closed("connection closed with %d bytes unread" % len(self.buf))
        self.buf += data

    def _need(self, n, deadline):
        while len(self.buf) < n:
            self._fill(max(0.01, deadline - time.monotonic()))

    def recv_frame(self, timeout=10.0):
        """The next frame, unmasked; raises Closed at EOF, socket.timeout when none comes."""
        deadline = time.monotonic() + timeout
        self._need(2, deadline)
        b0, b1 = self.buf[0], self.buf[1]
        n, at = b1 & 0x7F, 2
        if n == 126:
            self._need(4, deadline)
            n, at = struct.unpack("!H", self.buf[2:4])[0], 4
        elif n == 127:
            self._need(10, deadline)
            n, at = struct.unpack("!Q", self.buf[2:10])[0], 10
        masked = bool(b1 & 0x80)
        hlen = at  # header size without the mask: 2, 4 or 10 (which length form was used)
        key = None
        if masked:
            self._need(at + 4, deadline)
            key, at = bytes(self.buf[at:at + 4]), at + 4
        self._need(at + n, deadline)
        payload = bytes(self.buf[at:at + n])
        del self.buf[:at + n]
        if masked:
            payload = apply_mask(payload, key)
        if masked != (self.role == "server"):  # §5.1: only clients mask
            raise AssertionError("%s frame from the %s" % ("masked" if masked else "unmasked",
                                                          "server" if self.role == "client" else "client"))
        f = Frame(bool(b0 & 0x80), (b0 >> 4) & 7, b0 & 0xF, masked, payload)
        f.hlen = hlen
        return f

    def recv_message(self, timeout=10.0):
        """(op, payload, controls): one data message reassembled from its frames, and the
        control frames met on the way. The peer's framing is checked as it goes."""
        deadline = time.monotonic() + timeout
        op, parts, controls = None, [], []
        while True:
            f = self.recv_frame(max(0.01, deadline - time.monotonic()))
            if f.op & 8:
                if f.op == CLOSE:
                    raise AssertionError("close frame %r instead of a message (after %r)" % (f, controls))
                controls.append(f)
                continue
            if (op is None) != (f.op != CONT) or f.rsv & (RSV2 | RSV3) or (op is not None and f.rsv):
                raise AssertionError("bad fragment order or RSV bits: %r" % f)
            if op is None:
                op, first = f.op, f
            parts.append(f.payload)
            if f.fin:
                self.last_rsv = first.rsv  # RSV bits of the message's first frame
                return op, b"".join(parts), controls

    def expect_close(self, code, timeout=10.0, allow_data=False):
        """Reads up to a close frame and asserts its status code (None: empty payload).
        Returns the frames that came before it (only data frames if allow_data)."""
        before = []
        while True:
            try:
                f = self.recv_frame(timeout)
            except Closed:
                raise AssertionError("EOF instead of close %s (frames before: %r)" % (code, before))
            except socket.timeout:
                raise AssertionError("no close %s within %ss (frames before: %r)" % (code, timeout, before))
            if f.op == CLOSE:
                if f.code != code:
                    raise AssertionError("close code %s (reason %r), expected %s; frames before: %r"
                                         % (f.code, f.reason, code, before))
                if not allow_data and before:
                    raise AssertionError("unexpected frames before close %s: %r" % (code, before))
                return before
            before.append(f)

    def at_eof(self, timeout=3.0):
        """True when the peer closes TCP within `timeout` without sending anything more."""
        if self.buf:
            return False
        try:
            self._fill(timeout)
        except Closed:
            return True
        except socket.timeout:
            return False
        return False

    def quiet(self, timeout=0.5):
        """True when no byte arrives within `timeout` (and the connection stays open)."""
        try:
            self._fill(timeout)
        except socket.timeout:
            return not self.buf
        except Closed:
            return False
        return False

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass


# ----------------------------------------------------------------------------- handshakes


def read_head(sock, timeout=10.0):
    """Reads an HTTP head; returns (start line, {lower name: value}, leftover bytes)."""
    sock.settimeout(timeout)
    buf = b""
    while b"\r\n\r\n" not in buf:
        data = sock.recv(65536)
        if not data:
            raise Closed("EOF in the HTTP head: %r" % buf)
        buf += data
    head, rest = buf.split(b"\r\n\r\n", 1)
    lines = head.decode("latin-1").split("\r\n")
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        key = name.strip().lower()
        headers[key] = (headers[key] + ", " if key in headers else "") + value.strip()
    return lines[0], headers, rest


def client_handshake(port, path="/ws/echo", extensions=None, host="127.0.0.1", timeout=10.0):
    """Connects and upgrades; returns (Conn, response headers). Asserts a correct 101."""
    sock = l7test.connect(port, host, timeout)
    key = base64.b64encode(os.urandom(16)).decode()
    lines = ["GET %s HTTP/1.1" % path, "Host: %s:%d" % (host, port), "Upgrade: websocket",
             "Connection: Upgrade", "Sec-WebSocket-Key: " + key, "Sec-WebSocket-Version: 13"]
    if extensions:
        lines.append("Sec-WebSocket-Extensions: " + extensions)
    sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
    status, headers, rest = read_head(sock, timeout)
    if status.split()[1:2] != ["101"] or headers.get("sec-websocket-accept") != accept_key(key):
        sock.close()
        raise AssertionError("handshake refused: %r %r" % (status, headers))
    return Conn(sock, "client", rest), headers


def parse_extensions(value):
    """'a; x=1, b' -> [('a', {'x': '1'}), ('b', {})] (RFC 6455 §9.1; no quoted commas)."""
    out = []
    for item in (value or "").split(","):
        parts = [p.strip() for p in item.split(";")]
        if not parts[0]:
            continue
        params = {}
        for p in parts[1:]:
            name, eq, v = p.partition("=")
            params[name.strip()] = v.strip().strip('"') if eq else None
        out.append((parts[0], params))
    return out


class FakeServer:
    """Accepts one WebSocket client on 127.0.0.1 and runs script(conn, request_headers) in a
    thread. `extension`: the Sec-WebSocket-Extensions value to answer with (None: none);
    `early`: bytes sent in the same write as the 101 response. join() re-raises what the
    script raised."""

    def __init__(self, script, extension=None, early=b""):
        self.script, self.extension, self.early = script, extension, early
        self.listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(1)
        self.port = self.listener.getsockname()[1]
        self.url = "ws://127.0.0.1:%d/test" % self.port
        self.error = None
        self.request = None
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        conn = None
        try:
            self.listener.settimeout(20)
            sock, _ = self.listener.accept()
            start, headers, rest = read_head(sock)
            self.request = (start, headers)
            lines = ["HTTP/1.1 101 Switching Protocols", "Upgrade: websocket", "Connection: Upgrade",
                     "Sec-WebSocket-Accept: " + accept_key(headers["sec-websocket-key"])]
            if self.extension:
                lines.append("Sec-WebSocket-Extensions: " + self.extension)
            sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode() + self.early)
            conn = Conn(sock, "server", rest)
            self.script(conn, headers)
        except BaseException as e:  # reported by join()
            self.error = e
        finally:
            if conn is not None:
                conn.close()
            self.listener.close()

    def join(self, timeout=30):
        self.thread.join(timeout)
        if self.thread.is_alive():
            raise AssertionError("the fake server's script did not finish within %ss" % timeout)
        if self.error is not None:
            raise self.error


# ----------------------------------------------------------------------------- permessage-deflate


class Compressor:
    """Our side's compressor (RFC 7692 §7.2.1): raw deflate, sync flush, tail removed."""

    def __init__(self, window_bits=15, no_context_takeover=False, level=6):
        self.bits, self.reset, self.level = window_bits, no_context_takeover, level
        self.z = None

    def compress(self, data):
        if self.z is None or self.reset:
            self.z = zlib.compressobj(self.level, zlib.DEFLATED, -self.bits)
        out = self.z.compress(data) + self.z.flush(zlib.Z_SYNC_FLUSH)
        assert out.endswith(TAIL), out
        return out[:-4] or b"\x00"


class Decompressor:
    """Inflates the peer's messages with the window it agreed to use; a fresh context per
    message when it agreed to no_context_takeover, so back-references into an earlier message
    (or beyond the window) fail here as zlib errors."""

    def __init__(self, window_bits=15, no_context_takeover=False):
        self.bits, self.reset = window_bits, no_context_takeover
        self.z = None

    def decompress(self, data):
        if self.z is None or self.reset:
            self.z = zlib.decompressobj(-self.bits)
        out = self.z.decompress(data + TAIL)
        if self.z.unconsumed_tail:
            raise AssertionError("compressed message does not end as RFC 7692 §7.2.1 says")
        return out
