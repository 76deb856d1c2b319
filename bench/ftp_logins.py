#!/usr/bin/env python3
"""N simultaneous FTP logins: opens N control connections at once, each reads the 220, logs in
(USER/PASS) and QUITs; prints the wall time for all of them and how many succeeded. A login not done within TIMEOUT
seconds (default 30) counts as failed.
Usage: ftp_logins.py PORT N USER PASSWORD [TIMEOUT]"""

import socket
import sys
import threading
import time

port, count, user, password = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4]
timeout = float(sys.argv[5]) if len(sys.argv) > 5 else 30.0
ok = []
barrier = threading.Barrier(count)


def reply(f):
    line = f.readline()
    while len(line) >= 4 and line[3:4] == b"-":  # multi-line: up to "ddd "
        line = f.readline()
    return line[:3]


def login():
    barrier.wait()
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
            f = s.makefile("rb")
            if reply(f) != b"220":
                return
            s.sendall(b"USER %s\r\n" % user.encode())
            if reply(f) != b"331":
                return
            s.sendall(b"PASS %s\r\n" % password.encode())
            if reply(f) != b"230":
                return
            s.sendall(b"QUIT\r\n")
            if reply(f) == b"221":
                ok.append(1)
    except OSError:
        pass


threads = [threading.Thread(target=login) for _ in range(count)]
start = time.monotonic()
for t in threads:
    t.start()
for t in threads:
    t.join()
print("%.4f %d" % (time.monotonic() - start, len(ok)))
