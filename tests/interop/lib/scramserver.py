"""Scripted servers for the SCRAM-SHA-256 client tests of `l7 mail fetch` (IMAP and POP3):
RFC 5802's server side for one exchange, knowing the password, and a one-connection line
server that runs a script and records what it received."""

import base64
import hashlib
import hmac
import socket
import threading

USER, PASSWORD = "alice", "pencil-42"
SALT, ITERATIONS = b"scripted-salt-16", 4096


class Scram:
    """The server's side of RFC 5802 for one exchange, knowing the password."""

    def first(self, client_first_b64):
        self.bare = base64.b64decode(client_first_b64).decode().split(",", 2)[2]
        nonce = dict(a.split("=", 1) for a in self.bare.split(","))["r"] + "server-part"
        self.server_first = "r=%s,s=%s,i=%d" % (nonce, base64.b64encode(SALT).decode(), ITERATIONS)
        return base64.b64encode(self.server_first.encode()).decode()

    def final(self, client_final_b64, password=PASSWORD):
        final = base64.b64decode(client_final_b64).decode()
        auth = ",".join([self.bare, self.server_first, final[:final.index(",p=")]]).encode()
        salted = hashlib.pbkdf2_hmac("sha256", password.encode(), SALT, ITERATIONS)
        server_key = hmac.new(salted, b"Server Key", hashlib.sha256).digest()
        v = b"v=" + base64.b64encode(hmac.new(server_key, auth, hashlib.sha256).digest())
        return base64.b64encode(v).decode()


class ScriptedServer(threading.Thread):
    def __init__(self, script):
        super().__init__(daemon=True)
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.script, self.received, self.error = script, [], None

    def run(self):
        conn, _ = self.sock.accept()
        conn.settimeout(30)
        self.f = conn.makefile("rwb")
        try:
            self.script(self)
        except Exception as e:  # reported by the test through self.error
            self.error = e
        finally:
            self.f.close()
            conn.close()
            self.sock.close()

    def send(self, line):
        self.f.write(line.encode() + b"\r\n")
        self.f.flush()

    def recv(self):
        line = self.f.readline().decode().rstrip("\r\n")
        self.received.append(line)
        return line
