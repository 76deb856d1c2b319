"""Shared helpers for the interop tests: run `l7 serve`, talk raw HTTP, find free ports.

Every test script does:

    import l7test
    class T(l7test.ServerCase): ...
    if __name__ == "__main__":
        l7test.main()

and is run as `python3 test_x.py --l7 /path/to/l7`. Only the Python standard library is used.

`l7_server()` starts `l7 serve` on port 0 in a temporary data directory, reads the listener
table, and on exit stops it with SIGTERM and asserts a graceful exit (status 0 within 10 s)
and a stderr free of sanitizer reports. Everything listens on loopback only from the tests'
point of view: clients connect to 127.0.0.1 / ::1.
"""

import argparse
import contextlib
import os
import re
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
import time
import unittest

L7 = None  # path of the l7 binary, set by main() from --l7

SANITIZER_MARKERS = ("AddressSanitizer", "LeakSanitizer", "runtime error:", "UndefinedBehaviorSanitizer")
STOP_TIMEOUT = 10.0
START_TIMEOUT = 30.0

# Every server started by l7_server() and still running; the test result prints the stderr
# each of them wrote while a failing test ran.
_running = []


# ----------------------------------------------------------------------------- processes


def describe_status(rc):
    """'status 1' or 'killed by SIGPIPE' for a Popen returncode."""
    if rc is not None and rc < 0:
        try:
            return "killed by %s" % signal.Signals(-rc).name
        except ValueError:
            return "killed by signal %d" % -rc
    return "status %s" % rc


class ServerError(AssertionError):
    """The server misbehaved: did not start, did not stop gracefully, or a sanitizer fired."""


class Server:
    """A running `l7 serve`. Attributes: proc, data_dir, public, cert, rows, ports, stderr_path."""

    def __init__(self, binary, data_dir, args, env=None):
        self.binary = binary
        self.data_dir = data_dir
        self.public = os.path.join(data_dir, "public")
        self.cert = os.path.join(data_dir, "tls", "cert.pem")
        self.stdout_path = os.path.join(os.path.dirname(data_dir), "serve.stdout")
        self.stderr_path = os.path.join(os.path.dirname(data_dir), "serve.stderr")
        self.args = [binary, "serve", "--data", data_dir] + list(args)
        self.rows = []   # dicts: service, transport, address, port, tls
        self.ports = {}  # service name -> port (first row of that name)
        self.proc = None
        self.returncode = None
        self.signalled = False
        self._stdout = open(self.stdout_path, "wb")
        self._stderr = open(self.stderr_path, "wb")
        self._env = env

    # -- lifecycle

    def start(self, expect_services=None):
        env = dict(os.environ)
        env.setdefault("ASAN_OPTIONS", "detect_leaks=1:abort_on_error=0")
        env.setdefault("UBSAN_OPTIONS", "print_stacktrace=1")
        if self._env:
            env.update(self._env)
        self.proc = subprocess.Popen(self.args, stdin=subprocess.DEVNULL, stdout=self._stdout,
                                     stderr=self._stderr, env=env, start_new_session=True)
        self._read_table(expect_services)

    def _read_table(self, expect_services):
        deadline = time.monotonic() + START_TIMEOUT
        stable_since = None
        last = None
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise ServerError("l7 serve exited (%s) before printing its listener table:\n%s"
                                  % (describe_status(self.proc.returncode), self.stderr_text()))
            rows = self._parse_table(self.stdout_text())
            if rows is not None:
                names = {r["service"] for r in rows}
                if expect_services is not None:
                    if set(expect_services) <= names:
                        self._set_rows(rows)
                        return
                else:
                    # The table is flushed in one piece and followed by the "serving with"
                    # log line; without that line, accept a table unchanged for 1 s.
                    if "serving with" in self.stderr_text():
                        self._set_rows(self._parse_table(self.stdout_text()))
                        return
                    if rows != last:
                        last, stable_since = rows, time.monotonic()
                    elif rows and time.monotonic() - stable_since > 1.0:
                        self._set_rows(rows)
                        return
            time.sleep(0.05)
        self.kill()
        raise ServerError("no complete listener table from l7 serve within %ss; stdout:\n%s\nstderr:\n%s"
                          % (START_TIMEOUT, self.stdout_text(), self.stderr_text()))

    @staticmethod
    def _parse_table(text):
        lines = text.splitlines()
        for i, line in enumerate(lines):
            if line.split()[:5] == ["SERVICE", "TRANSPORT", "ADDRESS", "PORT", "TLS"]:
                rows = []
                for row in lines[i + 1:]:
                    f = row.split()
                    if len(f) != 5 or not f[3].isdigit() or f[4] not in ("yes", "no"):
                        break
                    rows.append({"service": f[0], "transport": f[1], "address": f[2],
                                 "port": int(f[3]), "tls": f[4] == "yes"})
                # a row still being written shows up as a short last line: wait for it
                if text.endswith("\n"):
                    return rows
                return None
        return None

    def _set_rows(self, rows):
        self.rows = rows
        for r in rows:
            self.ports.setdefault(r["service"], r["port"])

    def terminate(self, sig=signal.SIGTERM):
        """Sends the first (graceful) stop signal without waiting; stop() then only waits."""
        if not self.signalled and self.alive():
            self.proc.send_signal(sig)
            self.signalled = True

    def stop(self, sig=signal.SIGTERM):
        """SIGTERM, then assert exit status 0 within STOP_TIMEOUT and a clean stderr."""
        if self.proc is None or self.returncode is not None:
            return
        problems = []
        if self.proc.poll() is not None and not self.signalled:
            problems.append("l7 serve died during the test (%s)" % describe_status(self.proc.returncode))
        else:
            self.terminate(sig)
            try:
                self.proc.wait(STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                problems.append("l7 serve did not exit within %ss of SIGTERM" % STOP_TIMEOUT)
                self.kill()
        self.returncode = self.proc.returncode
        if not problems and self.returncode != 0:
            problems.append("l7 serve exited with %s after the stop signal (want status 0)"
                            % describe_status(self.returncode))
        self._close_files()
        problems += self.sanitizer_problems()
        if problems:
            raise ServerError("; ".join(problems) + "\n--- l7 serve stderr ---\n" + self.stderr_text())

    def kill(self):
        if self.proc and self.proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGKILL)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.proc.wait(5)
        self._close_files()

    def _close_files(self):
        for f in (self._stdout, self._stderr):
            with contextlib.suppress(Exception):
                f.close()

    # -- output

    def stderr_text(self, start=0):
        try:
            with open(self.stderr_path, "rb") as f:
                f.seek(start)
                return f.read().decode("utf-8", "replace")
        except OSError:
            return ""

    def stderr_size(self):
        try:
            return os.path.getsize(self.stderr_path)
        except OSError:
            return 0

    def stdout_text(self):
        try:
            with open(self.stdout_path, "rb") as f:
                return f.read().decode("utf-8", "replace")
        except OSError:
            return ""

    def sanitizer_problems(self):
        text = self.stderr_text()
        return ["sanitizer report in l7 serve's stderr (%s)" % m for m in SANITIZER_MARKERS if m in text]

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    # -- addresses

    @property
    def http_port(self):
        return self.ports["http"]

    @property
    def https_port(self):
        return self.ports["https"]

    def url(self, path="/", scheme="http", host="127.0.0.1"):
        port = self.ports[scheme]
        if ":" in host and not host.startswith("["):
            host = "[%s]" % host
        return "%s://%s:%d%s" % (scheme, host, port, path)

    def write_public(self, rel, data, mode=None):
        """Writes bytes (or str) to public/REL, creating directories; returns the path."""
        path = os.path.join(self.public, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(data.encode() if isinstance(data, str) else data)
        if mode is not None:
            os.chmod(path, mode)
        return path


def default_config(binary=None):
    """The embedded default config text (`l7 config default`)."""
    out = subprocess.run([binary or L7, "config", "default"], check=True, capture_output=True, timeout=30)
    return out.stdout.decode()


def set_config_key(text, section, key, value):
    """Returns TOML `text` with `key = value` (value already in TOML syntax) in [section]."""
    lines = text.splitlines()
    header = "[%s]" % section
    start = None
    for i, line in enumerate(lines):
        if line.strip() == header:
            start = i
            break
    if start is None:
        return text.rstrip("\n") + "\n\n%s\n%s = %s\n" % (header, key, value)
    end = len(lines)
    for j in range(start + 1, len(lines)):
        if lines[j].strip().startswith("["):
            end = j
            break
    pattern = re.compile(r"^\s*%s\s*=" % re.escape(key))
    for j in range(start + 1, end):
        if pattern.match(lines[j]):
            lines[j] = "%s = %s" % (key, value)
            return "\n".join(lines) + "\n"
    lines.insert(start + 1, "%s = %s" % (key, value))
    return "\n".join(lines) + "\n"


def config_services(text):
    """Names of the [services.NAME] tables in a config text, in order."""
    return re.findall(r"^\[services\.([A-Za-z0-9_-]+)\]\s*$", text, re.M)


def config_with(settings, binary=None):
    """The default config with {(section, key): toml_value} applied."""
    text = default_config(binary)
    for (section, key), value in settings.items():
        text = set_config_key(text, section, key, value)
    return text


@contextlib.contextmanager
def l7_server(l7_binary=None, extra_args=(), config_text=None, only=("http", "https"),
              ports=None, files=None, env=None, expect=None):
    """Runs `l7 serve` for the duration of the block and yields the Server.

    only:   services for --only (None: no --only, every service the config enables)
    ports:  service names to put on port 0 (default: the `only` names)
    files:  {relative path: bytes} written under public/ once the server runs
    expect: service names the listener table must show (default: the `only` names)
    """
    binary = l7_binary or L7
    tmp = tempfile.mkdtemp(prefix="l7-interop-")
    data = os.path.join(tmp, "data")
    args = []
    if config_text is not None:
        cfg = os.path.join(tmp, "l7.toml")
        with open(cfg, "w") as f:
            f.write(config_text)
        args += ["--config", cfg]
    names = list(ports if ports is not None else (only or ()))
    for name in names:
        args += ["--port", "%s=0" % name]
    if only:
        args += ["--only", ",".join(only)]
    args += list(extra_args)
    server = Server(binary, data, args, env)
    ok = False
    try:
        if expect is None and only:
            expect = only
        server.start(expect_services=list(expect) if expect else None)
        for rel, content in (files or {}).items():
            server.write_public(rel, content)
        _running.append(server)
        yield server
        ok = True
    finally:
        if server in _running:
            _running.remove(server)
        try:
            if ok:
                server.stop()
            else:
                # the block failed: still stop (and report), but do not hide the first error
                try:
                    server.stop()
                except ServerError as e:
                    sys.stderr.write("%s\n" % e)
        finally:
            server.kill()
            shutil.rmtree(tmp, ignore_errors=True)


def run(cmd, timeout=60, input=None, check=False, cwd=None, env=None):
    """Runs a peer program; returns CompletedProcess with bytes stdout/stderr."""
    return subprocess.run(cmd, input=input, capture_output=True, timeout=timeout, check=check, cwd=cwd,
                          env=env)


# ----------------------------------------------------------------------------- sockets


def free_port(family=socket.AF_INET, host="127.0.0.1"):
    """A TCP port that was free a moment ago on `host` (for peers that cannot use port 0)."""
    with socket.socket(family, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def free_port_both():
    """A port free on both 127.0.0.1 and ::1."""
    for _ in range(50):
        port = free_port()
        try:
            with socket.socket(socket.AF_INET6, socket.SOCK_STREAM) as s:
                s.bind(("::1", port))
            return port
        except OSError:
            continue
    raise RuntimeError("no port free on both 127.0.0.1 and ::1")


def connect(port, host="127.0.0.1", timeout=10.0, tls=False, cafile=None):
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    s = socket.socket(family, socket.SOCK_STREAM)
    s.settimeout(timeout)
    s.connect((host, port))
    if tls:
        ctx = ssl.create_default_context(cafile=cafile)
        s = ctx.wrap_socket(s, server_hostname="localhost")
    return s


class Response:
    def __init__(self, version, status, reason, headers, body):
        self.version, self.status, self.reason = version, status, reason
        self.headers = headers  # list of (name, value)
        self.body = body

    def header(self, name, default=None):
        for k, v in self.headers:
            if k.lower() == name.lower():
                return v
        return default

    def header_all(self, name):
        return [v for k, v in self.headers if k.lower() == name.lower()]

    def has_token(self, name, token):
        return any(t.strip().lower() == token.lower() for v in self.header_all(name) for t in v.split(","))

    @property
    def status_line(self):
        return "%s %d %s" % (self.version, self.status, self.reason)

    def __repr__(self):
        return "<Response %s %d %s, %d body bytes>" % (self.version, self.status, self.reason, len(self.body))


class ConnectionClosed(Exception):
    pass


class Reader:
    """Reads HTTP/1.1 responses from a socket, strictly (RFC 9112 framing)."""

    def __init__(self, sock):
        self.sock = sock
        self.buf = b""
        self.eof = False

    def _fill(self):
        data = self.sock.recv(65536)
        if not data:
            self.eof = True
            raise ConnectionClosed("connection closed with %d unread bytes" % len(self.buf))
        self.buf += data

    def _line(self, limit=65536):
        while b"\r\n" not in self.buf:
            if len(self.buf) > limit:
                raise AssertionError("response line too long")
            self._fill()
        line, self.buf = self.buf.split(b"\r\n", 1)
        return line

    def _exact(self, n):
        while len(self.buf) < n:
            self._fill()
        out, self.buf = self.buf[:n], self.buf[n:]
        return out

    def read_head(self):
        line = self._line().decode("latin-1")
        m = re.match(r"^(HTTP/\d\.\d) (\d{3}) ?(.*)$", line)
        if not m:
            raise AssertionError("malformed status line %r" % line)
        headers = []
        while True:
            h = self._line().decode("latin-1")
            if h == "":
                break
            name, sep, value = h.partition(":")
            if not sep or name != name.strip() or not name:
                raise AssertionError("malformed header line %r" % h)
            headers.append((name, value.strip(" \t")))
        return m.group(1), int(m.group(2)), m.group(3), headers

    def read_response(self, method="GET", allow_interim=False):
        """One response. 1xx interim responses are returned as such when allow_interim,
        otherwise skipped. The body is framed per RFC 9112 §6.3."""
        while True:
            version, status, reason, headers = self.read_head()
            r = Response(version, status, reason, headers, b"")
            if 100 <= status < 200 and status != 101:
                if allow_interim:
                    return r
                continue
            break
        if method == "HEAD" or status in (204, 304) or 100 <= status < 200:
            return r
        if r.has_token("Transfer-Encoding", "chunked"):
            body = b""
            while True:
                size_line = self._line().decode("latin-1")
                size = int(size_line.split(";")[0].strip(), 16)
                if size == 0:
                    while self._line() != b"":  # trailers
                        pass
                    break
                body += self._exact(size)
                if self._exact(2) != b"\r\n":
                    raise AssertionError("chunk not followed by CRLF")
            r.body = body
        elif r.header("Content-Length") is not None:
            r.body = self._exact(int(r.header("Content-Length")))
        else:
            r.body = self.read_until_eof()
        return r

    def read_until_eof(self, timeout=None):
        if timeout is not None:
            self.sock.settimeout(timeout)
        while not self.eof:
            try:
                self._fill()
            except ConnectionClosed:
                break
        out, self.buf = self.buf, b""
        return out

    def at_eof(self, timeout=5.0):
        """True when the peer closes (EOF or reset) with nothing more sent within `timeout`."""
        if self.buf:
            return False
        self.sock.settimeout(timeout)
        try:
            data = self.sock.recv(65536)
        except (ConnectionResetError, BrokenPipeError):
            return True
        except socket.timeout:
            return False
        if data:
            self.buf += data
            return False
        self.eof = True
        return True


def request_bytes(method="GET", target="/", host="localhost", headers=(), body=b"", version="HTTP/1.1"):
    lines = ["%s %s %s" % (method, target, version)]
    if host is not None:
        lines.append("Host: %s" % host)
    lines += ["%s: %s" % (k, v) for k, v in headers]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


def exchange(port, data, host="127.0.0.1", timeout=10.0, method="GET"):
    """Sends raw bytes on a new connection and reads one response.

    Returns (Response or None, closed_after, reader). None means the connection ended before
    a complete response; reader.reset tells whether it ended with a TCP reset."""
    with contextlib.closing(connect(port, host, timeout)) as s:
        reader = Reader(s)
        reader.reset = False
        try:
            s.sendall(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server may answer and close before reading everything
        try:
            resp = reader.read_response(method)
        except ConnectionClosed:
            return None, True, reader
        except ConnectionResetError:
            reader.reset = True
            return None, True, reader
        closed = reader.at_eof(timeout)
        return resp, closed, reader


def get(port, path="/", host="127.0.0.1", headers=(), timeout=10.0):
    """One GET on a new connection with `Connection: close`; returns the Response."""
    data = request_bytes("GET", path, headers=list(headers) + [("Connection", "close")])
    with contextlib.closing(connect(port, host, timeout)) as s:
        s.sendall(data)
        return Reader(s).read_response()


# ----------------------------------------------------------------------------- unittest glue


class ServerCase(unittest.TestCase):
    """A TestCase class with one `l7 serve` (http + https) for all its tests: self.server.

    Override SERVER_KWARGS for l7_server() options. After each test, the server must still
    be running with no sanitizer report; at the end it must stop gracefully.
    """

    SERVER_KWARGS = {}

    @classmethod
    def server_kwargs(cls):
        """Options for l7_server(); override to compute them (e.g. a config from the binary)."""
        return dict(cls.SERVER_KWARGS)

    @classmethod
    def setUpClass(cls):
        cls._stack = contextlib.ExitStack()
        try:
            cls.server = cls._stack.enter_context(l7_server(**cls.server_kwargs()))
        except BaseException:
            cls._stack.close()
            raise

    @classmethod
    def tearDownClass(cls):
        cls._stack.close()

    def tearDown(self):
        problems = self.server.sanitizer_problems()
        if not self.server.alive():
            problems.append("l7 serve is no longer running (%s)" % describe_status(self.server.proc.returncode))
        if problems:
            self.fail("; ".join(problems) + "\n--- l7 serve stderr ---\n" + self.server.stderr_text())


class _Result(unittest.TextTestResult):
    """Prints what the running servers wrote on stderr while a failing test ran."""

    def startTest(self, test):
        self._offsets = {id(s): s.stderr_size() for s in _running}
        super().startTest(test)

    def _dump(self):
        for s in list(_running):
            text = s.stderr_text(self._offsets.get(id(s), 0))
            if text.strip():
                self.stream.write("\n--- l7 serve stderr during this test ---\n%s--- end ---\n" % text)

    def addFailure(self, test, err):
        super().addFailure(test, err)
        self._dump()

    def addError(self, test, err):
        super().addError(test, err)
        self._dump()


def main():
    """Parses --l7 BINARY (default $L7 or build/dev/l7), then runs unittest."""
    global L7
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument("--l7", default=os.environ.get("L7"))
    args, rest = parser.parse_known_args()
    if not args.l7:
        root = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
        args.l7 = os.path.join(root, "build", "dev", "l7")
    L7 = os.path.abspath(args.l7)
    if not os.access(L7, os.X_OK):
        sys.exit("l7 binary not found or not executable: %s" % L7)
    runner = unittest.TextTestRunner(verbosity=2, resultclass=_Result, stream=sys.stdout)
    unittest.main(argv=[sys.argv[0]] + rest, testRunner=runner, module="__main__")


def binary():
    return L7


def has_program(name):
    return shutil.which(name) is not None


def background(fn):
    """Runs fn in a daemon thread; returns the thread."""
    t = threading.Thread(target=fn, daemon=True)
    t.start()
    return t
