"""Shared helpers for the DNS interop tests: `l7 serve --only dns` over prepared zone and hosts
files, and parsers for the text output of dig and kdig (the wire format is in dnswire.py).
Python 3 standard library only.

    with dnstest.dns_server(zones={"example.test": ZONE}) as s:
        r = dnstest.dig(s.port, "www.example.test")
        r.status, r.flags, r.answer  # "NOERROR", {"qr", "aa", ...}, [Record, ...]
"""

import contextlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import unittest

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import l7test  # noqa: E402

DIG = "dig"
KDIG = "kdig"


def needs(*programs):
    """Skips a test (class) when a peer program is missing, saying which."""
    missing = [p for p in programs if shutil.which(p) is None]
    return unittest.skipIf(missing, "peer program(s) not installed: %s (see scripts/deps.sh)"
                           % ", ".join(missing))


# ----------------------------------------------------------------------------- server


class DnsServer:
    """A running `l7 serve --only dns`: .server (l7test.Server), .port, .data, .address."""

    def __init__(self, server, data, address):
        self.server = server
        self.data = data
        self.address = address

    @property
    def port(self):
        return self.server.ports["dns"]

    @property
    def zones_dir(self):
        return os.path.join(self.data, "dns", "zones")

    @property
    def hosts_path(self):
        return os.path.join(self.data, "dns", "hosts")

    def write_zone(self, origin, text):
        write_file(os.path.join(self.zones_dir, zone_file_name(origin)), text)

    def write_hosts(self, text):
        write_file(self.hosts_path, text)

    def problems(self):
        """Sanitizer reports, or the process having died: [] when healthy."""
        out = self.server.sanitizer_problems()
        if not self.server.alive() and not self.server.signalled:
            out.append("l7 serve (%s) is no longer running (%s)"
                       % (self.address, l7test.describe_status(self.server.proc.returncode)))
        return out


def write_file(path, text):
    """Writes `text` through a temp file and a rename, so a reload never sees half a file."""
    os.makedirs(os.path.dirname(path), exist_ok=True)
    tmp = path + ".tmp~"
    with open(tmp, "w") as f:
        f.write(text)
    os.replace(tmp, path)


def zone_file_name(origin):
    # The root zone cannot be named after its origin; its file sets $ORIGIN instead.
    return "root.zone" if origin in (".", "") else origin.rstrip(".") + ".zone"


def make_config(settings=None, address=None, port=None):
    """The embedded default config with `settings` {key: toml value} applied to [dns], and the
    dns listener moved to `address` / `port` when given. Other services are left as they are
    (the servers run with --only dns)."""
    text = l7test.default_config()
    for key, value in (settings or {}).items():
        text = l7test.set_config_key(text, "dns", key, value)
    if address is not None:
        text = l7test.set_config_key(text, "services.dns", "address", '["%s"]' % address)
    if port is not None:
        text = l7test.set_config_key(text, "services.dns", "port", str(port))
    return text


@contextlib.contextmanager
def dns_server(zones=None, hosts="", settings=None, address=None, port=None, extra_args=()):
    """Runs `l7 serve --only dns` over a fresh data directory holding `zones` ({origin: zone
    file text}) and `hosts` (hosts-file text), for the duration of the block.

    settings: {[dns] key: TOML value text}, e.g. {"allow_transfer": '["192.0.2.1"]'}
    address/port: the listener (default: "::" and a free port picked by the server)
    On exit the server must stop gracefully with a clean stderr (l7test.Server.stop)."""
    tmp = tempfile.mkdtemp(prefix="l7-dns-interop-")
    data = os.path.join(tmp, "data")
    os.makedirs(os.path.join(data, "dns", "zones"))
    for origin, text in (zones or {}).items():
        write_file(os.path.join(data, "dns", "zones", zone_file_name(origin)), text)
    write_file(os.path.join(data, "dns", "hosts"), hosts)
    cfg = os.path.join(tmp, "l7.toml")
    with open(cfg, "w") as f:
        f.write(make_config(settings, address, port))
    args = ["--config", cfg, "--only", "dns"]
    if port is None:
        args += ["--port", "dns=0"]
    args += list(extra_args)
    server = l7test.Server(l7test.binary(), data, args)
    l7test._running.append(server)
    ok = False
    try:
        server.start(expect_services=["dns"])
        yield DnsServer(server, data, address or "127.0.0.1")
        ok = True
    finally:
        if server in l7test._running:
            l7test._running.remove(server)
        try:
            if ok:
                server.stop()
            else:
                try:
                    server.stop()
                except l7test.ServerError as e:
                    sys.stderr.write("%s\n" % e)
        finally:
            server.kill()
            shutil.rmtree(tmp, ignore_errors=True)


class DnsCase(unittest.TestCase):
    """A TestCase whose `servers` (a list of DnsServer, filled by the subclass) must all still
    be running without sanitizer reports after each test."""

    servers = []

    def tearDown(self):
        problems = []
        for s in self.servers:
            problems += s.problems()
        if problems:
            self.fail("; ".join(problems) + "".join("\n--- stderr of %s ---\n%s" % (s.address, s.server.stderr_text())
                                                     for s in self.servers))


def wait_until(fn, timeout, interval=0.2):
    """Calls fn() until it returns something true or `timeout` passes; returns the last value."""
    deadline = time.monotonic() + timeout
    while True:
        value = fn()
        if value or time.monotonic() >= deadline:
            return value
        time.sleep(interval)


# ----------------------------------------------------------------------------- dig and kdig


class Record:
    """One resource record as dig or kdig prints it; rdata with runs of blanks collapsed."""

    def __init__(self, name, ttl, rclass, rtype, rdata):
        self.name, self.ttl, self.rclass, self.rtype = name.lower(), ttl, rclass, rtype
        parts = rdata.split()
        if rtype == "DS" and len(parts) > 3:
            # dig splits long digests into blocks, kdig does not: one hex string.
            parts = parts[:3] + ["".join(parts[3:]).upper()]
        self.rdata = " ".join(parts)

    def key(self):
        """Everything but the TTL (for comparing answers from different servers)."""
        return (self.name, self.rclass, self.rtype, self.rdata)

    def full(self):
        return (self.name, self.ttl, self.rclass, self.rtype, self.rdata)

    def __repr__(self):
        return "%s %d %s %s %s" % self.full()


class Answer:
    """Parsed output of one dig or kdig query: status, flags (set), id, question, answer,
    authority, additional (lists of Record), edns (the OPT text lines), text (all of it)."""

    def __init__(self, text, rc):
        self.text = text
        self.rc = rc
        self.status = None
        self.flags = set()
        self.id = None
        self.answer, self.authority, self.additional = [], [], []
        self.edns = []

    def types(self, section="answer"):
        return [r.rtype for r in getattr(self, section)]

    def rdatas(self, rtype, section="answer"):
        return sorted(r.rdata for r in getattr(self, section) if r.rtype == rtype)

    def keys(self, section="answer"):
        return sorted(r.key() for r in getattr(self, section))

    def __repr__(self):
        return self.text


_RECORD = re.compile(r"^(\S+)\s+(\d+)\s+(IN|CH|HS|CLASS\d+)\s+(\S+)\s*(.*)$")
_SECTIONS = {"ANSWER": "answer", "AUTHORITY": "authority", "ADDITIONAL": "additional"}


def parse_output(text, rc=0):
    """Parses dig's or kdig's default output (one message)."""
    a = Answer(text, rc)
    section = None
    for line in text.splitlines():
        m = re.match(r"^;; ->>HEADER<<- opcode: \w+[,;] status: (\w+)[,;] id: (\d+)", line)
        if m:
            a.status, a.id = m.group(1), int(m.group(2))
            continue
        m = re.match(r"^;; [Ff]lags: ([a-z ]*);", line)
        if m:
            a.flags = set(m.group(1).split())
            continue
        m = re.match(r"^;; (\w+)(?: PSEUDO)? ?SECTION:", line)
        if m:
            section = _SECTIONS.get(m.group(1))
            if m.group(1) in ("OPT", "EDNS"):
                section = "edns"
            continue
        if not line.strip():
            section = None
            continue
        if section == "edns" and line.startswith(";"):
            a.edns.append(line.lstrip("; "))
            continue
        if section in ("answer", "authority", "additional") and not line.startswith(";"):
            m = _RECORD.match(line.strip())
            if m:
                getattr(a, section).append(Record(m.group(1), int(m.group(2)), m.group(3), m.group(4),
                                                  m.group(5)))
    return a


def parse_records(text):
    """Every record line in `text` (dig +short is not this; this is for AXFR listings)."""
    out = []
    for line in text.splitlines():
        if line.startswith(";") or not line.strip():
            continue
        m = _RECORD.match(line.strip())
        if m:
            out.append(Record(m.group(1), int(m.group(2)), m.group(3), m.group(4), m.group(5)))
    return out


def run_tool(argv, timeout=30):
    p = subprocess.run(argv, capture_output=True, timeout=timeout)
    return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")


def dig(port, *args, server="127.0.0.1", timeout=30):
    """`dig @server -p port ARGS`, parsed. +time=2 +tries=2 unless ARGS say otherwise."""
    argv = [DIG, "@" + server, "-p", str(port), "+time=2", "+tries=2", "+nocookie"] + list(args)
    rc, out, err = run_tool(argv, timeout)
    a = parse_output(out + err, rc)
    a.argv = argv
    return a


def kdig(port, *args, server="127.0.0.1", timeout=30):
    """`kdig @server -p port ARGS`, parsed."""
    argv = [KDIG, "@" + server, "-p", str(port), "+time=2", "+retry=1"] + list(args)
    rc, out, err = run_tool(argv, timeout)
    a = parse_output(out + err, rc)
    a.argv = argv
    return a


def dig_short(port, *args, server="127.0.0.1"):
    rc, out, err = run_tool([DIG, "@" + server, "-p", str(port), "+time=2", "+tries=2", "+short"] + list(args))
    return out
