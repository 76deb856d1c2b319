#!/usr/bin/env python3
"""FTP sessions for bench/ftp.sh: N sessions that each read the 220, log in (USER/PASS),
optionally download a file over a passive data connection (TYPE I, EPSV, RETR), and QUIT.

MODE: "sequential" (one after another, as a script looping over a server does), "burst" (all
N at once), or a number K (K at a time, in waves). A session not done within TIMEOUT seconds
(default 30) counts as failed. Prints "SECONDS OK_COUNT".

Usage: ftp_sessions.py PORT N MODE USER PASSWORD [--retr NAME] [--timeout S]"""

import argparse
import socket
import threading
import time

ap = argparse.ArgumentParser()
ap.add_argument("port", type=int)
ap.add_argument("count", type=int)
ap.add_argument("mode")
ap.add_argument("user")
ap.add_argument("password")
ap.add_argument("--retr")
ap.add_argument("--timeout", type=float, default=30.0)
args = ap.parse_args()
ok = []


def reply(f):
    line = f.readline()
    while len(line) >= 4 and line[3:4] == b"-":  # multi-line: up to "ddd "
        line = f.readline()
    return line


def session(barrier=None):
    if barrier is not None:
        barrier.wait()
    try:
        with socket.create_connection(("127.0.0.1", args.port), timeout=args.timeout) as s:
            f = s.makefile("rb")
            if reply(f)[:3] != b"220":
                return
            for cmd, want in ((b"USER " + args.user.encode(), b"331"), (b"PASS " + args.password.encode(), b"230")):
                s.sendall(cmd + b"\r\n")
                if reply(f)[:3] != want:
                    return
            if args.retr:
                s.sendall(b"TYPE I\r\n")
                if reply(f)[:3] != b"200":
                    return
                s.sendall(b"EPSV\r\n")
                r = reply(f)
                if r[:3] != b"229":
                    return
                port = int(r.split(b"|||")[1].split(b"|")[0])
                with socket.create_connection(("127.0.0.1", port), timeout=args.timeout) as d:
                    s.sendall(b"RETR " + args.retr.encode() + b"\r\n")
                    if reply(f)[:3] not in (b"150", b"125"):
                        return
                    while d.recv(1 << 16):
                        pass
                if reply(f)[:3] != b"226":
                    return
            s.sendall(b"QUIT\r\n")
            if reply(f)[:3] == b"221":
                ok.append(1)
    except OSError:
        pass


def run_threads(n):
    barrier = threading.Barrier(n)
    threads = [threading.Thread(target=session, args=(barrier,)) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


start = time.monotonic()
if args.mode == "sequential":
    for _ in range(args.count):
        session()
elif args.mode == "burst":
    run_threads(args.count)
else:
    wave = int(args.mode)
    done = 0
    while done < args.count:
        n = min(wave, args.count - done)
        run_threads(n)
        done += n
print("%.4f %d" % (time.monotonic() - start, len(ok)))
