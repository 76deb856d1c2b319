"""Shared by the IMAP interop tests: `l7 serve` with smtp, imap and imaps, accounts, and a raw
IMAP client for what imaplib will not send (IDLE, literals, pipelining, bad input).
"""

import os
import re
import smtplib
import socket
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "smtp"))
import smtptest  # noqa: E402
from smtptest import PASSWORD, USER, tls_context  # noqa: E402,F401
import l7test  # noqa: E402

SERVICES = ("smtp", "imap", "imaps")


def config(capture=False, imap=None):
    text = smtptest.server_config({"capture": "true" if capture else "false", "domains": '["example.test"]'})
    settings = {"login_delay": '"50ms"'}
    settings.update(imap or {})
    for k, v in settings.items():
        text = l7test.set_config_key(text, "imap", k, v)
    return text


class RawImap:
    """IMAP over a socket: tagged commands, untagged lines collected, literals read whole."""

    def __init__(self, port, tls=False, timeout=10.0, greeting=True):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
        if tls:
            self.sock = tls_context().wrap_socket(self.sock)
        self.buf = b""
        self.n = 0
        self.greeting = self.line() if greeting else None

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass

    def send(self, data):
        self.sock.sendall(data if isinstance(data, bytes) else data.encode())

    def line(self):
        """One response line with its literals inlined (bytes, CRLF removed)."""
        out = b""
        while True:
            while b"\r\n" not in self.buf:
                chunk = self.sock.recv(65536)
                if not chunk:
                    raise EOFError("connection closed; got %r" % (out + self.buf))
                self.buf += chunk
            line, self.buf = self.buf.split(b"\r\n", 1)
            out += line
            m = re.search(rb"~?\{(\d+)\}$", line)
            if not m:
                return out
            size = int(m.group(1))
            while len(self.buf) < size:
                chunk = self.sock.recv(65536)
                if not chunk:
                    raise EOFError("connection closed inside a literal")
                self.buf += chunk
            out += b"\r\n" + self.buf[:size]
            self.buf = self.buf[size:]

    def tag(self):
        self.n += 1
        return "t%d" % self.n

    def cmd(self, text, tag=None):
        """Sends `tag text`; returns (untagged lines, tagged line) as str."""
        tag = tag or self.tag()
        self.send("%s %s\r\n" % (tag, text))
        return self.until(tag)

    def until(self, tag):
        untagged = []
        while True:
            line = self.line().decode("utf-8", "replace")
            if line.startswith(tag + " "):
                return untagged, line
            untagged.append(line)

    def login(self, user=USER, password=PASSWORD):
        _, done = self.cmd('LOGIN "%s" "%s"' % (user, password))
        assert " OK " in done, done
        return done

    def at_eof(self, timeout=5.0):
        self.sock.settimeout(timeout)
        try:
            while True:
                chunk = self.sock.recv(65536)
                if not chunk:
                    return True
                self.buf += chunk
        except (ConnectionResetError, socket.timeout):
            return False


def send_mail(port, to, subject, body=b"hello\r\n", extra=b""):
    with smtplib.SMTP("127.0.0.1", port, timeout=10) as s:
        s.sendmail("sender@client.example", [to],
                   b"From: Sender <sender@client.example>\r\nTo: " + to.encode() + b"\r\nSubject: " +
                   subject.encode() + b"\r\nDate: Mon, 07 Dec 2026 10:00:00 +0000\r\n" + extra + b"\r\n" + body)


class ImapCase(l7test.ServerCase):
    CAPTURE = False
    IMAP = {}

    @classmethod
    def server_kwargs(cls):
        return dict(only=SERVICES, config_text=config(cls.CAPTURE, cls.IMAP))

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.imap_port = cls.server.ports["imap"]
        cls.imaps_port = cls.server.ports["imaps"]
        cls.smtp_port = cls.server.ports["smtp"]
        smtptest.add_user(cls.server)
        smtptest.add_user(cls.server, "bob", "bob-pass")
