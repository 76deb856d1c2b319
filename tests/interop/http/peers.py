"""Wrappers around peer programs (curl, wget, nginx, python's http.server) for the HTTP tests."""

import contextlib
import hashlib
import http.server
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import unittest

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import l7test  # noqa: E402

# Peers must never go through a proxy from the environment.
CLEAN_ENV = {k: v for k, v in os.environ.items()
             if k.lower() not in ("http_proxy", "https_proxy", "all_proxy", "no_proxy", "curl_ca_bundle",
                                  "ssl_cert_file", "wgetrc")}
CLEAN_ENV["NO_PROXY"] = "*"
CLEAN_ENV["no_proxy"] = "*"


def needs(*programs):
    """Skips a test (class) when a peer program is not installed, saying which and why."""
    missing = [p for p in programs if shutil.which(p) is None]
    return unittest.skipIf(missing, "peer program(s) not installed: %s (see scripts/deps.sh)" % ", ".join(missing))


def sha256(data):
    return hashlib.sha256(data).hexdigest()


def file_bytes(path):
    with open(path, "rb") as f:
        return f.read()


class CurlResult:
    def __init__(self, proc, body, head_text):
        self.rc = proc.returncode
        self.stdout = proc.stdout.decode("utf-8", "replace")
        self.stderr = proc.stderr.decode("utf-8", "replace")
        self.body = body
        self.head_text = head_text
        self.code = int(self.stdout.strip().splitlines()[-1]) if self.stdout.strip() else 0
        self.responses = parse_header_dump(head_text)

    @property
    def headers(self):
        """Header fields of the last response, as {lower-case name: [values]}."""
        return self.responses[-1][1] if self.responses else {}

    def header(self, name):
        v = self.headers.get(name.lower())
        return v[0] if v else None

    @property
    def status_line(self):
        return self.responses[-1][0] if self.responses else ""

    def __repr__(self):
        return "<curl rc=%d code=%d stderr=%r>" % (self.rc, self.code, self.stderr[-2000:])


def parse_header_dump(text):
    """curl -D output -> [(status line, {name: [values]})], one per response."""
    out = []
    for block in re.split(r"\r?\n\r?\n", text):
        lines = [l for l in block.splitlines() if l]
        if not lines or not lines[0].startswith("HTTP/"):
            continue
        fields = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            fields.setdefault(name.strip().lower(), []).append(value.strip())
        out.append((lines[0], fields))
    return out


def curl(*args, timeout=60, input=None):
    """Runs curl -sS with the body to a temp file and the heads to another.

    Returns a CurlResult: rc, code (last %{http_code}), body (bytes), headers, stderr."""
    with tempfile.TemporaryDirectory(prefix="l7-curl-") as tmp:
        body_path = os.path.join(tmp, "body")
        head_path = os.path.join(tmp, "head")
        cmd = ["curl", "-sS", "--max-time", str(timeout - 5), "-o", body_path, "-D", head_path,
               "-w", "%{http_code}\\n"] + list(args)
        proc = subprocess.run(cmd, capture_output=True, timeout=timeout, env=CLEAN_ENV, input=input)
        body = file_bytes(body_path) if os.path.exists(body_path) else b""
        head = file_bytes(head_path).decode("latin-1") if os.path.exists(head_path) else ""
        return CurlResult(proc, body, head)


def curl_multi(urls, *args, timeout=60):
    """curl -sS ARGS URL... with each body to its own file (-o per URL).

    Returns (CompletedProcess, [body bytes per URL]); stderr is text."""
    with tempfile.TemporaryDirectory(prefix="l7-curl-") as tmp:
        cmd = ["curl", "-sS", "--max-time", str(timeout - 5)] + list(args)
        paths = []
        for i, u in enumerate(urls):
            paths.append(os.path.join(tmp, "body%d" % i))
            cmd += ["-o", paths[-1], u]
        proc = subprocess.run(cmd, capture_output=True, timeout=timeout, env=CLEAN_ENV)
        proc.stderr = proc.stderr.decode("utf-8", "replace")
        return proc, [file_bytes(p) if os.path.exists(p) else None for p in paths]


def curl_raw(*args, timeout=60):
    """Runs curl with exactly these arguments; returns CompletedProcess."""
    return subprocess.run(["curl"] + list(args), capture_output=True, timeout=timeout, env=CLEAN_ENV)


def parse_multipart_byteranges(body, content_type, expect):
    """Checks a multipart/byteranges body strictly (RFC 9110 §14.6, RFC 2046 §5.1.1).

    expect: [(first, last, bytes)] in order. Returns a list of problems (empty when fine)."""
    problems = []
    m = re.match(r'multipart/byteranges;\s*boundary=("?)([^";]+)\1\s*$', content_type or "")
    if not m:
        return ["Content-Type %r is not multipart/byteranges with a boundary" % content_type]
    boundary = m.group(2).encode()
    delim = b"--" + boundary
    pos = 0
    # An optional preamble (curl and browsers ignore it); our server sends none, or a CRLF.
    first = body.find(delim)
    if first < 0:
        return ["no boundary delimiter in the body"]
    if body[:first] not in (b"", b"\r\n"):
        problems.append("unexpected preamble %r" % body[:first][:80])
    pos = first + len(delim)
    for i, (lo, hi, data) in enumerate(expect):
        if body[pos:pos + 2] != b"\r\n":
            return problems + ["part %d: delimiter not followed by CRLF" % i]
        pos += 2
        end_of_head = body.find(b"\r\n\r\n", pos)
        if end_of_head < 0:
            return problems + ["part %d: no end of part head" % i]
        fields = {}
        for line in body[pos:end_of_head].split(b"\r\n"):
            name, _, value = line.decode("latin-1").partition(":")
            fields[name.strip().lower()] = value.strip()
        pos = end_of_head + 4
        want_range = "bytes %d-%d/" % (lo, hi)
        if not fields.get("content-range", "").startswith(want_range):
            problems.append("part %d: Content-Range %r, want %s*" % (i, fields.get("content-range"), want_range))
        if "content-type" not in fields:
            problems.append("part %d: no Content-Type" % i)
        got = body[pos:pos + len(data)]
        if got != data:
            problems.append("part %d: data differs (%r... vs %r...)" % (i, got[:20], data[:20]))
        pos += len(data)
        if body[pos:pos + 2 + len(delim)] != b"\r\n" + delim:
            return problems + ["part %d: data not followed by CRLF and the delimiter" % i]
        pos += 2 + len(delim)
    if body[pos:pos + 2] != b"--":
        problems.append("no close delimiter after the last expected part (more parts than expected?)")
    elif body[pos + 2:] not in (b"", b"\r\n"):
        problems.append("unexpected epilogue %r" % body[pos + 2:][:80])
    return problems


# ----------------------------------------------------------------------------- nginx


def make_self_signed(dirpath, name="localhost", san="DNS:localhost,IP:127.0.0.1,IP:::1"):
    """A self-signed certificate (default: for localhost, 127.0.0.1 and ::1); returns (cert, key)."""
    cert = os.path.join(dirpath, "cert.pem")
    key = os.path.join(dirpath, "key.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                    "-nodes", "-keyout", key, "-out", cert, "-days", "2", "-subj", "/CN=%s" % name,
                    "-addext", "subjectAltName=" + san],
                   check=True, capture_output=True, timeout=60)
    return cert, key


NGINX_CONF = """
daemon off;
master_process off;
worker_processes 1;
pid {dir}/nginx.pid;
error_log {dir}/error.log info;
events {{ worker_connections 128; }}
http {{
    access_log off;
    client_body_temp_path {dir}/tmp/body;
    proxy_temp_path {dir}/tmp/proxy;
    fastcgi_temp_path {dir}/tmp/fastcgi;
    uwsgi_temp_path {dir}/tmp/uwsgi;
    scgi_temp_path {dir}/tmp/scgi;
    types {{ text/plain txt; text/html html; application/octet-stream bin; }}
    default_type application/octet-stream;
    sendfile on;
    keepalive_timeout 30s;
    keepalive_requests 1000;
    gzip on;
    gzip_min_length 1;
    gzip_types text/plain;
    server {{
        listen 127.0.0.1:{port};
        listen [::1]:{port};
        listen 127.0.0.1:{tls_port} ssl;
        listen [::1]:{tls_port} ssl;
        server_name localhost;
        ssl_certificate {cert};
        ssl_certificate_key {key};
        root {root};
        location = /r301 {{ return 301 /r302; }}
        location = /r302 {{ return 302 /hello.txt; }}
        location = /loop {{ return 302 /loop; }}
        location = /abs {{ return 301 http://127.0.0.1:{port}/hello.txt; }}
        location = /cross-tls {{ return 302 https://localhost:{tls_port}/hello.txt; }}
        location / {{ }}
    }}
}}
"""


class Nginx:
    """Debian's nginx on loopback, serving `root`: plain on .port, TLS on .tls_port."""

    def __init__(self, root):
        self.root = root
        self.dir = tempfile.mkdtemp(prefix="l7-nginx-")
        os.makedirs(os.path.join(self.dir, "tmp"))
        # localhost and ::1 only: https://127.0.0.1 must fail verification (a name mismatch).
        self.cert, self.key = make_self_signed(self.dir, san="DNS:localhost,IP:::1")
        self.proc = None

    def start(self):
        for attempt in range(5):
            self.port = l7test.free_port_both()
            self.tls_port = l7test.free_port_both()
            conf = os.path.join(self.dir, "nginx.conf")
            with open(conf, "w") as f:
                f.write(NGINX_CONF.format(dir=self.dir, port=self.port, tls_port=self.tls_port, cert=self.cert,
                                          key=self.key, root=self.root))
            self.log = open(os.path.join(self.dir, "stderr.log"), "wb")
            self.proc = subprocess.Popen(["nginx", "-e", os.path.join(self.dir, "error.log"), "-p", self.dir,
                                          "-c", conf], stdout=self.log, stderr=subprocess.STDOUT,
                                         stdin=subprocess.DEVNULL, start_new_session=True)
            if self._wait_ready():
                return self
            self.stop()
        raise RuntimeError("nginx did not start:\n" + self.errors())

    def _wait_ready(self):
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                return False
            try:
                for host, port in (("127.0.0.1", self.port), ("::1", self.port), ("127.0.0.1", self.tls_port)):
                    l7test.connect(port, host, timeout=1).close()
                return True
            except OSError:
                time.sleep(0.05)
        return False

    def errors(self):
        out = ""
        for name in ("stderr.log", "error.log"):
            with contextlib.suppress(OSError):
                out += l7test.run(["tail", "-n", "40", os.path.join(self.dir, name)]).stdout.decode()
        return out

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGQUIT)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(5)
        with contextlib.suppress(Exception):
            self.log.close()

    def cleanup(self):
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


@contextlib.contextmanager
def nginx(root):
    n = Nginx(root)
    try:
        yield n.start()
    finally:
        n.cleanup()


# ----------------------------------------------------------------------------- python http.server


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):  # quiet
        pass

    def _read_body(self):
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            body = b""
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip(), 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return body
                body += self.rfile.read(size)
                self.rfile.readline()
        n = int(self.headers.get("Content-Length", "0"))
        return self.rfile.read(n) if n else b""

    def _send(self, status, body, ctype="application/octet-stream", extra=()):
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for k, v in extra:
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _redirect(self):
        """/r303, /r307, /r308 -> /echo; /cross-origin -> localhost (another origin)."""
        targets = {"/r303": (303, "/echo"), "/r307": (307, "/echo"), "/r308": (308, "/echo"),
                   "/r301": (301, "/echo"), "/r302": (302, "/echo"),
                   "/cross-origin": (302, "http://localhost:%d/headers" % self.server.port)}
        if self.path not in targets:
            return False
        status, location = targets[self.path]
        self._send(status, b"", "text/plain", extra=[("Location", location)])
        return True

    def do_POST(self):
        self.server.record.append((self.command, self.path, dict(self.headers.items())))
        body = self._read_body()
        if self._redirect():
            return
        if self.path.startswith("/echo"):
            extra = [("X-Request-Method", self.command),
                     ("X-Request-Content-Type", self.headers.get("Content-Type", "")),
                     ("X-Request-Transfer-Encoding", self.headers.get("Transfer-Encoding", ""))]
            self._send(200, body, extra=extra)
        else:
            self._send(404, b"no such path\n", "text/plain")

    do_PUT = do_POST

    def do_GET(self):
        self.server.record.append((self.command, self.path, dict(self.headers.items())))
        if self._redirect():
            return
        if self.path.startswith("/echo"):
            self._send(200, b"", extra=[("X-Request-Method", self.command)])
        elif self.path.startswith("/chunked"):
            # A chunked response with chunk extensions and a trailer (RFC 9112 §7.1).
            self.send_response(200)
            self.send_header("Content-Type", "application/octet-stream")
            self.send_header("Transfer-Encoding", "chunked")
            self.send_header("Trailer", "X-Checksum")
            self.end_headers()
            data = self.server.chunked_payload
            # chunks of growing sizes: 1, 4, 13, 40, ... bytes
            pieces, i, step = [], 0, 1
            while i < len(data):
                pieces.append(data[i:i + step])
                i += step
                step = step * 3 + 1
            for n, p in enumerate(pieces):
                ext = ";ext=%d" % n if n % 2 else ""
                self.wfile.write(b"%x%s\r\n" % (len(p), ext.encode()) + p + b"\r\n")
            self.wfile.write(b"0\r\nX-Checksum: " + sha256(data).encode() + b"\r\n\r\n")
        elif self.path.startswith("/close-delimited"):
            # HTTP/1.1 response without a length: the body runs until close (RFC 9112 §6.3 item 8).
            self.send_response(200)
            self.send_header("Content-Type", "application/octet-stream")
            self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(self.server.chunked_payload)
            self.close_connection = True
        elif self.path.startswith("/headers"):
            body = "".join("%s: %s\n" % kv for kv in self.headers.items()).encode()
            self._send(200, body, "text/plain")
        else:
            self._send(404, b"no such path\n", "text/plain")

    def do_HEAD(self):
        self.do_GET()


class _HTTPServer(http.server.ThreadingHTTPServer):
    daemon_threads = True
    address_family = socket.AF_INET


@contextlib.contextmanager
def python_server(chunked_payload=b""):
    """python3's http.server on 127.0.0.1 with /echo (POST), /chunked, /close-delimited, /headers."""
    srv = _HTTPServer(("127.0.0.1", 0), _Handler)
    srv.record = []
    srv.chunked_payload = chunked_payload
    srv.port = srv.server_address[1]
    t = threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
    t.start()
    try:
        yield srv
    finally:
        srv.shutdown()
        srv.server_close()
        t.join(10)
