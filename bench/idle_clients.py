#!/usr/bin/env python3
"""Opens N keep-alive HTTP connections to 127.0.0.1:PORT, makes one request on each, holds them
for SECONDS, then exits. Used by bench/http_memory.sh. Usage: idle_clients.py PORT N SECONDS"""
import socket
import sys
import time

port, count, hold = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3])
conns = []
for _ in range(count):
    s = socket.create_connection(("127.0.0.1", port))
    s.sendall(b"GET /small.bin HTTP/1.1\r\nHost: bench\r\n\r\n")
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = s.recv(4096)
        if not chunk:
            sys.exit("server closed a connection")
        data += chunk
    conns.append(s)
print("open", len(conns), flush=True)
time.sleep(hold)
