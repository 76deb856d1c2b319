"""Shared by the SMTP interop tests: `l7 serve` with smtp, submission and smtps, a way to read
what the store kept, and a tiny line-level SMTP client for what smtplib will not send.
"""

import email
import glob
import os
import socket
import ssl
import subprocess
import sys
import time

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import l7test  # noqa: E402

SERVICES = ("smtp", "submission", "smtps")
USER, PASSWORD = "alice", "s3cret-pass"


def server_config(mail=None, smtp=None):
    """The default config with [mail] and [smtp] keys (TOML values) set."""
    settings = {("mail", k): v for k, v in (mail or {}).items()}
    settings.update({("smtp", k): v for k, v in (smtp or {}).items()})
    settings.setdefault(("smtp", "auth_delay"), '"50ms"')
    settings.setdefault(("smtp", "hostname"), '"mx.l7.test"')
    return l7test.config_with(settings)


def tls_context():
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    return ctx


def add_user(server, name=USER, password=PASSWORD):
    subprocess.run([l7test.L7, "user", "add", name, "--data", server.data_dir, "--password", password],
                   check=True, capture_output=True, timeout=60)


def maildir_files(root):
    """Message files of a Maildir (new/ and cur/), oldest first."""
    files = glob.glob(os.path.join(root, "new", "*")) + glob.glob(os.path.join(root, "cur", "*"))
    return sorted(files, key=os.path.getmtime)


def read_messages(root):
    out = []
    for path in maildir_files(root):
        with open(path, "rb") as f:
            out.append(f.read())
    return out


def wait_for_messages(root, count, timeout=10.0):
    """The messages of a Maildir once there are at least `count` (delivery is synchronous with
    the 250, so this only guards against a slow file system view)."""
    deadline = time.monotonic() + timeout
    while True:
        msgs = read_messages(root)
        if len(msgs) >= count or time.monotonic() > deadline:
            return msgs
        time.sleep(0.02)


def parse(raw):
    return email.message_from_bytes(raw)


class LineClient:
    """Raw SMTP over a socket: send bytes, read whole replies (multi-line aware)."""

    def __init__(self, port, host="127.0.0.1", tls=False, timeout=10.0):
        self.sock = socket.create_connection((host, port), timeout=timeout)
        if tls:
            self.sock = tls_context().wrap_socket(self.sock)
        self.buf = b""

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass

    def send(self, data):
        self.sock.sendall(data if isinstance(data, bytes) else data.encode())

    def _line(self):
        while b"\r\n" not in self.buf:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise EOFError("connection closed; buffered: %r" % self.buf)
            self.buf += chunk
        line, self.buf = self.buf.split(b"\r\n", 1)
        return line.decode("utf-8", "replace")

    def reply(self):
        """(code, [text lines]) of the next reply."""
        lines = []
        while True:
            line = self._line()
            lines.append(line[4:])
            if len(line) < 4 or line[3] != "-":
                return int(line[:3]), lines

    def cmd(self, line):
        self.send(line + "\r\n")
        return self.reply()

    def at_eof(self, timeout=5.0):
        self.sock.settimeout(timeout)
        try:
            return self.sock.recv(1) == b""
        except (ConnectionResetError, socket.timeout):
            return False


class SmtpServerCase(l7test.ServerCase):
    """One `l7 serve` with smtp, submission and smtps for the class; account alice."""

    MAIL = {}
    SMTP = {}

    @classmethod
    def server_kwargs(cls):
        return dict(only=SERVICES, config_text=server_config(cls.MAIL, cls.SMTP))

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        s = cls.server
        cls.smtp_port = s.ports["smtp"]
        cls.submission_port = s.ports["submission"]
        cls.smtps_port = s.ports["smtps"]
        cls.capture = os.path.join(s.data_dir, "capture")
        add_user(s)
        cls.inbox = os.path.join(s.data_dir, "mail", USER)

    def captured(self, count=None):
        if count is None:
            return read_messages(self.capture)
        return wait_for_messages(self.capture, count)
