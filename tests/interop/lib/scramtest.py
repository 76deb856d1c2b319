"""A SCRAM-SHA-256 client (RFC 5802, RFC 7677) in the standard library, for the raw-protocol
checks of the SCRAM interop tests: it can send what real clients will not (a wrong proof, a
channel-binding flag, a cancel at each step). The real peers (msmtp, mbsync) are the interop."""

import base64
import hashlib
import hmac
import os


def b64(data):
    return base64.b64encode(data).decode()


class Client:
    def __init__(self, user, password, gs2="n,,"):
        self.user, self.password, self.gs2 = user, password, gs2
        self.nonce = b64(os.urandom(18))
        self.bare = "n=%s,r=%s" % (user.replace("=", "=3D").replace(",", "=2C"), self.nonce)

    def first(self):
        return (self.gs2 + self.bare).encode()

    def final(self, server_first, proof_bytes=None):
        attrs = dict(a.split("=", 1) for a in server_first.decode().split(","))
        salt, iterations, nonce = base64.b64decode(attrs["s"]), int(attrs["i"]), attrs["r"]
        assert nonce.startswith(self.nonce)
        salted = hashlib.pbkdf2_hmac("sha256", self.password.encode(), salt, iterations)
        client_key = hmac.new(salted, b"Client Key", hashlib.sha256).digest()
        stored = hashlib.sha256(client_key).digest()
        without_proof = "c=%s,r=%s" % (b64(self.gs2.encode()), nonce)
        auth = ",".join([self.bare, server_first.decode(), without_proof]).encode()
        signature = hmac.new(stored, auth, hashlib.sha256).digest()
        proof = bytes(a ^ b for a, b in zip(client_key, signature))
        server_key = hmac.new(salted, b"Server Key", hashlib.sha256).digest()
        self.expected = b"v=" + base64.b64encode(hmac.new(server_key, auth, hashlib.sha256).digest())
        return ("%s,p=%s" % (without_proof, b64(proof_bytes or proof))).encode()


def encode(data):
    return base64.b64encode(data).decode()


def decode(text):
    return base64.b64decode(text)
