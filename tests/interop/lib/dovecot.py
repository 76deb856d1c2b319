"""A private Dovecot 2.3 instance for the interop tests of our mail clients (`l7 mail fetch`):
its own config, base_dir, state_dir and log in a temporary directory, IMAP (143-style, with
STARTTLS), IMAPS, POP3 (with STLS) and POP3S on free ports of 127.0.0.1, a self-signed
certificate, users from a passwd-file whose passwords are stored as {SCRAM-SHA-256} (RFC 5803's
keys, made by `doveadm pw`, which needs no running Dovecot), mechanisms PLAIN, LOGIN and
SCRAM-SHA-256, mail in ~/Maildir, mail processes running as `nobody`. Nothing of the system's
Dovecot is touched (the same approach as bench/imap.sh).

    if not dovecot.available(): raise unittest.SkipTest(dovecot.MISSING)
    with dovecot.Dovecot({"alice": "secret"}) as d:
        d.ports["imap"], d.deliver("alice", b"Subject: x\\r\\n\\r\\nhi\\r\\n")
"""

import base64
import hashlib
import hmac
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time

DOVECOT = "/usr/sbin/dovecot"
DOVEADM = "/usr/bin/doveadm"
MISSING = "Dovecot is not installed (dovecot-core, dovecot-imapd, dovecot-pop3d: run scripts/deps.sh)"


def available():
    return all(os.access(p, os.X_OK) for p in (DOVECOT, DOVEADM, "/usr/lib/dovecot/imap", "/usr/lib/dovecot/pop3"))


def scram_password(password):
    """Dovecot 2.3's {SCRAM-SHA-256}iterations,salt,StoredKey,ServerKey (base64) for a password,
    from `doveadm pw`; checked against RFC 5802 §3 computed here, so that a format we misread
    fails the setup rather than every SCRAM login."""
    out = subprocess.run([DOVEADM, "pw", "-s", "SCRAM-SHA-256", "-p", password], check=True,
                         capture_output=True, timeout=60).stdout.decode().strip()
    prefix = "{SCRAM-SHA-256}"
    if not out.startswith(prefix):
        raise RuntimeError("doveadm pw: unexpected output %r" % out)
    iterations, salt, stored, server = out[len(prefix):].split(",")
    salted = hashlib.pbkdf2_hmac("sha256", password.encode(), base64.b64decode(salt), int(iterations))
    client_key = hmac.new(salted, b"Client Key", hashlib.sha256).digest()
    if (base64.b64decode(stored) != hashlib.sha256(client_key).digest() or
            base64.b64decode(server) != hmac.new(salted, b"Server Key", hashlib.sha256).digest()):
        raise RuntimeError("doveadm pw: keys that RFC 5802 does not give: %r" % out)
    return out


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_port(port, timeout=20.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return True
        except OSError:
            time.sleep(0.05)
    return False


class Dovecot:
    def __init__(self, users):
        self.users = dict(users)
        self.dir = tempfile.mkdtemp(prefix="l7-dovecot-")
        os.chmod(self.dir, 0o711)  # the mail processes (nobody) reach their homes
        self.ports = {name: _free_port() for name in ("imap", "imaps", "pop3", "pop3s")}
        self.cert = os.path.join(self.dir, "cert.pem")
        self.proc = None
        self.nobody = pwd.getpwnam("nobody")

    def home(self, user):
        return os.path.join(self.dir, "home", user)

    def maildir(self, user):
        return os.path.join(self.home(user), "Maildir")

    def _config(self):
        d = self.dir
        key = os.path.join(d, "key.pem")
        subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
                        "-nodes", "-days", "2", "-subj", "/CN=localhost", "-addext",
                        "subjectAltName=DNS:localhost,IP:127.0.0.1", "-keyout", key, "-out", self.cert],
                       check=True, capture_output=True, timeout=60)
        with open(os.path.join(d, "passwd"), "w") as f:
            for user, password in self.users.items():
                f.write("%s:%s:%d:%d::%s::\n" % (user, scram_password(password), self.nobody.pw_uid,
                                                 self.nobody.pw_gid, self.home(user)))
                for sub in ("cur", "new", "tmp"):
                    os.makedirs(os.path.join(self.maildir(user), sub), exist_ok=True)
        for root, dirs, files in os.walk(os.path.join(d, "home")):
            for name in dirs + files:
                os.chown(os.path.join(root, name), self.nobody.pw_uid, self.nobody.pw_gid)
        os.chown(os.path.join(d, "home"), self.nobody.pw_uid, self.nobody.pw_gid)
        p = self.ports
        listeners = ""
        for service, names in (("imap-login", ("imap", "imaps")), ("pop3-login", ("pop3", "pop3s"))):
            listeners += "service %s {\n" % service
            for name in names:
                listeners += "  inet_listener %s {\n    address = 127.0.0.1\n    port = %d\n%s  }\n" % (
                    name, p[name], "    ssl = yes\n" if name.endswith("s") else "")
            listeners += "}\n"
        os.makedirs(os.path.join(d, "run"))
        os.makedirs(os.path.join(d, "state"))
        conf = """protocols = imap pop3
listen = 127.0.0.1
base_dir = {d}/run
state_dir = {d}/state
instance_name = l7test-{pid}-{port}
log_path = {d}/dovecot.log
ssl = yes
ssl_cert = <{cert}
ssl_key = <{key}
disable_plaintext_auth = no
auth_mechanisms = plain login scram-sha-256
auth_failure_delay = 0
mail_location = maildir:~/Maildir
first_valid_uid = 1
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {d}/passwd
}}
userdb {{
  driver = passwd-file
  args = username_format=%u {d}/passwd
}}
{listeners}""".format(d=d, pid=os.getpid(), port=p["imap"], cert=self.cert, key=key, listeners=listeners)
        with open(os.path.join(d, "dovecot.conf"), "w") as f:
            f.write(conf)

    def start(self):
        self._config()
        self.out = open(os.path.join(self.dir, "dovecot.out"), "wb")
        self.proc = subprocess.Popen([DOVECOT, "-F", "-c", os.path.join(self.dir, "dovecot.conf")],
                                     stdout=self.out, stderr=subprocess.STDOUT, start_new_session=True)
        for port in self.ports.values():
            if not _wait_port(port):
                self.stop()
                raise RuntimeError("Dovecot did not listen on %d:\n%s" % (port, self.log()))
        return self

    def log(self):
        text = ""
        for name in ("dovecot.out", "dovecot.log"):
            try:
                with open(os.path.join(self.dir, name), errors="replace") as f:
                    text += f.read()
            except OSError:
                pass
        return text

    def deliver(self, user, data):
        """Puts a message into the user's Maildir new/ (tmp/ then rename, as Maildir wants);
        Dovecot sees it at the next SELECT, or at once in IDLE (inotify). Returns the path."""
        name = "%d.%d_%d.l7test" % (time.time(), os.getpid(), time.monotonic_ns())
        tmp = os.path.join(self.maildir(user), "tmp", name)
        with open(tmp, "wb") as f:
            f.write(data)
        os.chown(tmp, self.nobody.pw_uid, self.nobody.pw_gid)
        final = os.path.join(self.maildir(user), "new", name)
        os.rename(tmp, final)
        return final

    def message_count(self, user):
        return sum(len(os.listdir(os.path.join(self.maildir(user), sub))) for sub in ("new", "cur"))

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        if getattr(self, "out", None):
            self.out.close()
        shutil.rmtree(self.dir, ignore_errors=True)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()
