"""Shared by the interop tests of `l7 mail fetch` (tests/interop/imap and pop3): run it, parse
its `list` output, tricky messages, and find a stored message by a marker in a Maildir.
"""

import glob
import os
import subprocess
import time
import uuid

import l7test


def fetch(*args, timeout=60, env=None):
    """Runs `l7 mail fetch ARGS`; returns the CompletedProcess (stdout and stderr as bytes)."""
    return subprocess.run([l7test.L7, "mail", "fetch"] + [str(a) for a in args], capture_output=True,
                          timeout=timeout, env=env)


def listing(stdout):
    """`list` output -> [(id, size, date, from, subject)]."""
    rows = []
    for line in stdout.decode().splitlines():
        f = line.split("\t")
        assert len(f) == 5, line
        rows.append((int(f[0]), int(f[1]), f[2], f[3], f[4]))
    return rows


def marker():
    return uuid.uuid4().hex[:12]


def message(subject, body=b"hello\r\n", sender=b"Ann Example <ann@client.example>"):
    return (b"From: " + sender + b"\r\nTo: alice@example.test\r\nSubject: " + subject.encode() +
            b"\r\nDate: Mon, 07 Dec 2026 10:00:00 +0100\r\nMessage-ID: <" + subject.encode() +
            b"@client.example>\r\n\r\n" + body)


# A body with a line that is only ".", lines starting with dots, and CRLF.CRLF inside: over
# POP3 it is dot-stuffed, over IMAP it travels in a literal that contains "\r\n.\r\n".
TRICKY_BODY = b"first line\r\n.\r\n.leading dot\r\n..two dots\r\n. \r\nlast line\r\n"


def stored(maildir, mark, timeout=10.0):
    """The bytes of the one message file in maildir (new/ or cur/) that contains `mark`."""
    deadline = time.monotonic() + timeout
    while True:
        for path in glob.glob(os.path.join(maildir, "new", "*")) + glob.glob(os.path.join(maildir, "cur", "*")):
            try:
                with open(path, "rb") as f:
                    data = f.read()
            except FileNotFoundError:  # renamed from new/ to cur/ meanwhile
                continue
            if mark.encode() in data:
                return data
        if time.monotonic() > deadline:
            raise AssertionError("no message with %s in %s" % (mark, maildir))
        time.sleep(0.05)


def read_line(stream, needle, timeout=30.0):
    """Reads lines of a pipe until one contains `needle` (bytes); returns the lines read. The
    read blocks on the pipe (the event), with a watchdog so that a hung client fails the test."""
    import threading
    lines, found = [], threading.Event()

    def reader():
        for line in iter(stream.readline, b""):
            lines.append(line)
            if needle in line:
                found.set()
                return
        found.set()

    t = threading.Thread(target=reader, daemon=True)
    t.start()
    if not found.wait(timeout):
        raise AssertionError("no line with %r within %ss; got %r" % (needle, timeout, lines))
    assert lines and needle in lines[-1], "stream ended before %r; got %r" % (needle, lines)
    return lines
