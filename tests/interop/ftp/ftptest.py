"""Shared by the FTP server interop tests: `l7 serve --only ftp,ftps` with an account, files
under public/ and in the account's home, and a secret outside both to prove the jail holds.
"""

import os
import subprocess
import sys
import tempfile

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import l7test  # noqa: E402

USER, PASSWORD = "alice", "s3cret-pass"
SECRET = b"TOP-SECRET-ftp-never-served\n"
TEXT = b"line one\nline two\n\nlast line\n"


def server_config(**ftp_keys):
    """The default config with [ftp] keys (TOML values) set."""
    settings = {("ftp", k): v for k, v in ftp_keys.items()}
    # Failed-login pauses would slow every negative test down.
    settings.setdefault(("ftp", "login_delay"), '"50ms"')
    return l7test.config_with(settings)


class FtpServerCase(l7test.ServerCase):
    """One `l7 serve` with ftp (AUTH TLS) and ftps (implicit) for the class, plus:
    public/: hello.txt, text.txt, big.bin (random, 3 MiB + 17), dir/{a.txt,sub/b.txt},
             escape -> ../secret.txt (a symlink out of the jail)
    home/alice/: mine.txt; account alice / s3cret-pass.
    """

    FTP_KEYS = {}

    @classmethod
    def server_kwargs(cls):
        return dict(only=("ftp", "ftps"), config_text=server_config(**cls.FTP_KEYS))

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        s = cls.server
        cls.ftp_port = s.ports["ftp"]
        cls.ftps_port = s.ports["ftps"]
        s.write_public("hello.txt", b"hello from l7 ftp\n")
        s.write_public("text.txt", TEXT)
        cls.big = os.urandom(3 * 1024 * 1024 + 17)
        s.write_public("big.bin", cls.big)
        s.write_public("dir/a.txt", b"a\n")
        s.write_public("dir/sub/b.txt", b"bb\n")
        with open(os.path.join(s.data_dir, "secret.txt"), "wb") as f:
            f.write(SECRET)
        os.symlink("../secret.txt", os.path.join(s.public, "escape"))
        subprocess.run([l7test.L7, "user", "add", USER, "--data", s.data_dir, "--password", PASSWORD],
                       check=True, capture_output=True, timeout=60)
        cls.home = os.path.join(s.data_dir, "home", USER)
        with open(os.path.join(cls.home, "mine.txt"), "wb") as f:
            f.write(b"alice's file\n")

    def home_file(self, rel):
        with open(os.path.join(self.home, rel), "rb") as f:
            return f.read()

    @staticmethod
    def write(path, data):
        """Writes bytes to a local file (its directories must exist)."""
        with open(path, "wb") as f:
            f.write(data)
        return path

    def tmpdir(self):
        d = tempfile.mkdtemp(prefix="l7-ftp-")
        self.addCleanup(lambda: subprocess.run(["rm", "-rf", d]))
        return d
