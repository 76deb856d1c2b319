#!/usr/bin/env python3
"""Load client and mailbox generator for bench/imap.sh (Python stdlib only).

  imap_load.py gen DIR COUNT [SEED]
      writes COUNT messages (1-4 KB, CRLF, varied headers, about a fifth multipart) into the
      Maildir DIR (cur/ new/ tmp/); file names carry ,S=<size>,W=<size> and :2,<flags>.

  imap_load.py fetch PORT USER PASS [--cpu SPEC] [--runs N] [--label L] [--check 0|1]
      N times (1): connect, LOGIN, SELECT INBOX, FETCH 1:* (UID FLAGS RFC822.SIZE
      BODY.PEEK[HEADER.FIELDS (FROM TO SUBJECT DATE MESSAGE-ID)]), LOGOUT. One line per run:
        run L total_s select_s fetch_s server_cpu_s client_cpu_s messages digest bytes
      SPEC says how to read the server's CPU time: "cgroup:DIR" (cpuacct.usage) or "pid:PID"
      (the process, its live descendants and its reaped children, from /proc). The digest is
      over the sorted per-message (RFC822.SIZE, flags without \\Recent, header literal), so two
      servers serving the same messages print the same digest whatever UIDs they gave.
      --check 0 only counts the responses, skipping each literal by its length ("-" as
      digest): the cheapest reader, for the timed runs.

  imap_load.py idle PORT USER PASS N PROBE_USER --mem SPEC [--cpu SPEC] [--users K]
      opens N connections that each LOGIN (as USER, or with --users K as USER0..USER<K-1> in
      turn), SELECT INBOX and IDLE; measures the server's memory (SPEC "pid:PID": PSS and RSS
      of the process and its descendants) before and after, times a new client (LOGIN,
      SELECT, NOOP, LOGOUT as PROBE_USER) before and while they idle, then APPENDs one
      message to the INBOX of (up to 10 of) the accounts and counts their idlers told EXISTS.
      Prints "key value" lines.

  imap_load.py users SRC K PREFIX HASH L7_DATA DC_HOME DC_PASSWD UID_BASE GID
      K accounts PREFIX0.. for both servers, each with a Maildir hard-linked from SRC.

The responses are read with one recv_into a large buffer and scanned with bytes.find; a
literal ({n}) is skipped by length, so the client's own CPU stays small (it is printed).
"""
import concurrent.futures
import hashlib
import os
import random
import re
import selectors
import socket
import statistics
import sys
import time

# ---------------------------------------------------------------- mailbox generator
FIRST = ["Alice", "Bob", "Carol", "Dave", "Erin", "Frank", "Grace", "Heidi", "Ivan", "Judy", "Mallory",
         "Niaj", "Olivia", "Peggy", "Rupert", "Sybil", "Trent", "Victor", "Walter", "Zoë", "José", "Ingrid"]
LAST = ["Smith", "Jones", "Müller", "Dubois", "Rossi", "Novak", "Tanaka", "Garcia", "Olsen", "Kowalski"]
DOMAINS = ["example.com", "example.org", "mail.example.net", "lists.example.edu", "corp.example"]
WORDS = ("meeting report budget release build server deploy review quarterly update invoice "
         "schedule proposal draft agenda minutes ticket outage patch security notice travel "
         "lunch friday project roadmap customer feedback question answer status weekly").split()
LOREM = ("lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor incididunt ut "
         "labore et dolore magna aliqua enim ad minim veniam quis nostrud exercitation ullamco laboris "
         "nisi aliquip ex ea commodo consequat duis aute irure in reprehenderit voluptate velit esse").split()
DAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def encoded_word(text):
    import base64
    return "=?UTF-8?B?" + base64.b64encode(text.encode()).decode() + "?="


def address(rnd):
    first, last = rnd.choice(FIRST), rnd.choice(LAST)
    mailbox = f"{first.lower()}.{last.lower()}".encode("ascii", "ignore").decode() or "user"
    mailbox = re.sub(r"[^a-z.]", "", mailbox) or "user"
    name = f"{first} {last}"
    if not name.isascii():
        name = encoded_word(name)
    elif rnd.random() < 0.3:
        name = f'"{last}, {first}"'
    return f"{name} <{mailbox}@{rnd.choice(DOMAINS)}>"


def paragraph(rnd, n):
    words = [rnd.choice(LOREM) for _ in range(n)]
    lines, line = [], []
    for w in words:
        line.append(w)
        if sum(len(x) + 1 for x in line) > 68:
            lines.append(" ".join(line))
            line = []
    if line:
        lines.append(" ".join(line))
    return "\r\n".join(lines)


def message(rnd, i, when):
    t = time.gmtime(when)
    date = f"{DAYS[t.tm_wday]}, {t.tm_mday} {MONTHS[t.tm_mon - 1]} {t.tm_year} " \
           f"{t.tm_hour:02}:{t.tm_min:02}:{t.tm_sec:02} {rnd.choice(['+0000', '-0500', '+0100', '+0900'])}"
    subject = " ".join(rnd.choice(WORDS) for _ in range(rnd.randint(2, 9)))
    if rnd.random() < 0.2:
        subject = "Re: " + subject
    if rnd.random() < 0.1:
        subject = encoded_word("Grüße: " + subject)
    if rnd.random() < 0.1:  # folded
        subject = subject + "\r\n " + " ".join(rnd.choice(WORDS) for _ in range(6))
    sender = address(rnd)
    to = ", ".join(address(rnd) for _ in range(rnd.choice([1, 1, 1, 2, 3])))
    domain = rnd.choice(DOMAINS)
    h = [f"Return-Path: <bounce-{i}@{domain}>",
         f"Received: from mx{rnd.randint(1, 9)}.{domain} (mx.{domain} [192.0.2.{rnd.randint(1, 254)}])\r\n"
         f"\tby mail.example.test with ESMTPS id {rnd.getrandbits(48):012x}\r\n\tfor <bench@example.test>; {date}",
         f"Date: {date}", f"From: {sender}", f"To: {to}"]
    if rnd.random() < 0.3:
        h.append(f"Cc: {address(rnd)}")
    h.append(f"Subject: {subject}")
    h.append(f"Message-ID: <{when}.{i}.{rnd.getrandbits(32):08x}@{domain}>")
    if rnd.random() < 0.3:
        h.append(f"In-Reply-To: <{when - 3600}.{rnd.randint(1, 99999)}@{domain}>")
    h.append("MIME-Version: 1.0")
    target = rnd.randint(1024, 4096)
    if rnd.random() < 0.2:
        boundary = f"=_b{rnd.getrandbits(64):016x}"
        h.append(f'Content-Type: multipart/alternative; boundary="{boundary}"')
        head = "\r\n".join(h) + "\r\n\r\n"
        text = paragraph(rnd, max(10, (target - len(head)) // 14))
        html = "<p>" + text.replace("\r\n", " ")[: max(20, target - len(head) - len(text) - 300)] + "</p>"
        body = (f"This is a multi-part message in MIME format.\r\n\r\n--{boundary}\r\n"
                f"Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 7bit\r\n\r\n{text}\r\n"
                f"--{boundary}\r\nContent-Type: text/html; charset=utf-8\r\n\r\n{html}\r\n--{boundary}--\r\n")
    else:
        h.append("Content-Type: text/plain; charset=utf-8")
        head = "\r\n".join(h) + "\r\n\r\n"
        body = paragraph(rnd, max(10, (target - len(head)) // 6)) + "\r\n"
    return (head + body).encode()


def gen(directory, count, seed=1):
    rnd = random.Random(seed)
    for sub in ("cur", "new", "tmp"):
        os.makedirs(os.path.join(directory, sub), exist_ok=True)
    start = 1_700_000_000
    when = start
    for i in range(1, count + 1):
        when += rnd.randint(1, 600)
        data = message(rnd, i, when)
        flags = "S" if rnd.random() < 0.8 else ""
        if rnd.random() < 0.05:
            flags = "F" + flags
        if rnd.random() < 0.1:
            flags = flags.replace("S", "RS") if "S" in flags else "R"
        name = f"{when}.M{i % 1000000}P4242Q{i}.bench,S={len(data)},W={len(data)}:2,{flags}"
        path = os.path.join(directory, "cur", name)
        with open(path, "wb") as f:
            f.write(data)
        os.utime(path, (when, when))


# ---------------------------------------------------------------- accounting
def proc_tree(pid):
    """pid and its live descendants"""
    children = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                ppid = int(f.read().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(ppid, []).append(int(entry))
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(children.get(p, []))
    return out


CLK = os.sysconf("SC_CLK_TCK")


def server_cpu(spec):
    """seconds of CPU (user + system) of the server"""
    kind, _, arg = spec.partition(":")
    if kind == "cgroup":
        with open(os.path.join(arg, "cpuacct.usage")) as f:
            return int(f.read()) / 1e9
    total = 0
    for i, p in enumerate(proc_tree(int(arg))):
        try:
            with open(f"/proc/{p}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        # utime stime cutime cstime (fields 14-17); reaped children only for the whole tree
        total += int(fields[11]) + int(fields[12]) + int(fields[13]) + int(fields[14])
    return total / CLK


def server_memory(spec):
    """(PSS KiB, RSS KiB, processes) of the process and its descendants"""
    pss = rss = n = 0
    for p in proc_tree(int(spec.partition(":")[2])):
        try:
            with open(f"/proc/{p}/smaps_rollup") as f:
                for line in f:
                    if line.startswith("Rss:"):
                        rss += int(line.split()[1])
                    elif line.startswith("Pss:"):
                        pss += int(line.split()[1])
            n += 1
        except OSError:
            continue
    return pss, rss, n


# ---------------------------------------------------------------- IMAP connection
class Conn:
    def __init__(self, port, timeout=120):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
        self.buf = bytearray()
        self.pos = 0
        self.tag = 0
        self.received = 0
        self.greeting = self.line()

    def fill(self):
        """reads more; returns how far the buffer's contents moved left (consumed bytes
        dropped from its front)"""
        shift = 0
        if self.pos > (1 << 20) and self.pos > len(self.buf) // 2:
            shift = self.pos
            del self.buf[: self.pos]
            self.pos = 0
        chunk = self.sock.recv(1 << 20)
        if not chunk:
            raise ConnectionError("server closed the connection")
        self.buf += chunk
        self.received += len(chunk)
        return shift

    def line(self):
        """next response line (without literals), as bytes"""
        while True:
            nl = self.buf.find(b"\r\n", self.pos)
            if nl >= 0:
                out = bytes(self.buf[self.pos:nl])
                self.pos = nl + 2
                return out
            self.fill()

    def send(self, text):
        self.tag += 1
        tag = f"a{self.tag}"
        self.sock.sendall(f"{tag} {text}\r\n".encode())
        return tag.encode()

    def command(self, text):
        """sends a command, returns (untagged lines, tagged line); no literals expected"""
        tag = self.send(text)
        lines = []
        while True:
            ln = self.line()
            if ln.startswith(tag + b" "):
                if not ln.startswith(tag + b" OK"):
                    raise RuntimeError(f"{text.split()[0]}: {ln.decode(errors='replace')}")
                return lines, ln
            lines.append(ln)

    def fetch_headers(self, tag):
        """reads FETCH responses until the tagged reply; returns (messages, per-message
        hashes). A response is text up to "{n}", CRLF, n bytes of literal, more text, CRLF."""
        hashes = []
        count = 0
        buf = self.buf
        tagp = tag + b" "
        size_re = re.compile(rb"RFC822\.SIZE (\d+)")
        flags_re = re.compile(rb"FLAGS \(([^)]*)\)")
        while True:
            start = self.pos
            nl = buf.find(b"\r\n", start)
            if nl < 0:
                self.fill()
                continue
            if buf.startswith(tagp, start):
                ln = bytes(buf[start:nl])
                self.pos = nl + 2
                if not ln.startswith(tagp + b"OK"):
                    raise RuntimeError(ln.decode(errors="replace"))
                return count, hashes
            if not buf.startswith(b"* ", start) or buf.find(b" FETCH (", start, nl) < 0:
                self.pos = nl + 2  # another untagged response
                continue
            text = []
            literal = b""
            pos = start
            while True:
                nl = buf.find(b"\r\n", pos)
                while nl < 0:
                    pos -= self.fill()
                    nl = buf.find(b"\r\n", pos)
                seg = bytes(buf[pos:nl])
                text.append(seg)
                if seg.endswith(b"}"):
                    n = int(seg[seg.rfind(b"{") + 1:-1])
                    while len(buf) < nl + 2 + n:
                        shift = self.fill()
                        nl -= shift
                    literal = bytes(buf[nl + 2:nl + 2 + n])
                    pos = nl + 2 + n
                    continue
                pos = nl + 2
                break
            self.pos = pos
            head = b" ".join(text)
            m = size_re.search(head)
            f = flags_re.search(head)
            flags = b" ".join(sorted(x for x in (f.group(1).split() if f else []) if x != b"\\Recent"))
            hashes.append(hashlib.sha1((m.group(1) if m else b"?") + b"|" + flags + b"|" + literal).digest())
            count += 1


    def fetch_count(self, tag):
        """reads FETCH responses until the tagged reply, skipping each literal by its length
        without looking into it; returns the number of FETCH responses (the cheap reader for
        the timed runs)"""
        count = 0
        buf = self.buf
        tagp = tag + b" "
        pos = self.pos
        while True:
            nl = buf.find(b"\r\n", pos)
            if nl < 0:
                self.pos = pos
                self.fill()
                pos = self.pos
                continue
            if buf[nl - 1] == 0x7D:  # "}": a literal follows the CRLF
                brace = buf.rfind(b"{", pos, nl)
                end = nl + 2 + int(buf[brace + 1:nl - 1])
                while len(buf) < end:
                    self.pos = pos
                    shift = self.fill()
                    pos -= shift
                    end -= shift
                    nl -= shift
                if buf.startswith(b"* ", pos):
                    count += 1
                # the rest of the response continues after the literal, as text of its own
                pos = end
                continue
            if buf.startswith(tagp, pos):
                ln = bytes(buf[pos:nl])
                self.pos = nl + 2
                if not ln.startswith(tagp + b"OK"):
                    raise RuntimeError(ln.decode(errors="replace"))
                return count
            pos = nl + 2


FETCH = "FETCH 1:* (UID FLAGS RFC822.SIZE BODY.PEEK[HEADER.FIELDS (FROM TO SUBJECT DATE MESSAGE-ID)])"


def fetch_run(port, user, password, cpu_spec, check):
    c0 = time.process_time()
    s0 = server_cpu(cpu_spec) if cpu_spec else 0.0
    t0 = time.monotonic()
    c = Conn(port)
    c.command(f'LOGIN "{user}" "{password}"')
    t1 = time.monotonic()
    untagged, _ = c.command("SELECT INBOX")
    t2 = time.monotonic()
    exists = next((int(ln.split()[1]) for ln in untagged if ln.endswith(b" EXISTS")), -1)
    tag = c.send(FETCH)
    r0 = c.received
    if check:
        count, hashes = c.fetch_headers(tag)
    else:
        count, hashes = c.fetch_count(tag), None
    nbytes = c.received - r0
    t3 = time.monotonic()
    c.command("LOGOUT")
    c.sock.close()
    t4 = time.monotonic()
    s1 = server_cpu(cpu_spec) if cpu_spec else 0.0
    c1 = time.process_time()
    if count != exists:
        raise RuntimeError(f"FETCH 1:* answered {count} messages, SELECT said {exists}")
    digest = hashlib.sha1(b"".join(sorted(hashes))).hexdigest()[:16] if check else "-"
    return t4 - t0, t2 - t1, t3 - t2, s1 - s0, c1 - c0, count, digest, nbytes


# ---------------------------------------------------------------- idle connections
def probe(port, user, password, rounds=20):
    times = []
    for _ in range(rounds):
        t0 = time.monotonic()
        c = Conn(port, timeout=30)
        c.command(f'LOGIN "{user}" "{password}"')
        c.command("SELECT INBOX")
        c.command("NOOP")
        c.command("LOGOUT")
        c.sock.close()
        times.append(time.monotonic() - t0)
    times.sort()
    return statistics.median(times) * 1000, times[int(len(times) * 0.9)] * 1000


def idle(port, user, password, n, probe_user, mem_spec, cpu_spec, accounts=0):
    """accounts 0: every connection logs in as USER; K > 0: connection i as USER<i % K>"""
    out = {}
    names = [f"{user}{i % accounts}" if accounts else user for i in range(n)]
    # warm-up: the server has served this user and mailbox once before the baseline
    for _ in range(3):
        probe(port, probe_user, password, 1)
    out["probe_before_ms"], out["probe_before_p90_ms"] = probe(port, probe_user, password)
    time.sleep(1.0)
    pss0, rss0, procs0 = server_memory(mem_spec)
    t0 = time.monotonic()
    cpu0 = server_cpu(cpu_spec) if cpu_spec else 0.0

    def open_idle(i):
        c = Conn(port, timeout=120)
        c.command(f'LOGIN "{names[i]}" "{password}"')
        c.user = names[i]
        c.command("SELECT INBOX")
        tag = c.send("IDLE")
        ln = c.line()
        while not ln.startswith(b"+"):
            if ln.startswith(tag):
                raise RuntimeError(f"IDLE refused: {ln.decode(errors='replace')}")
            ln = c.line()
        return c

    conns = []
    # a few at a time: Dovecot forks a login and a mail process per connection
    with concurrent.futures.ThreadPoolExecutor(max_workers=8) as pool:
        for f in [pool.submit(open_idle, i) for i in range(n)]:
            try:
                conns.append(f.result())
            except Exception as e:  # report how many made it
                out.setdefault("error", f"{e!r}".replace(" ", "_")[:200])
    out["connected"] = len(conns)
    out["connect_s"] = time.monotonic() - t0
    out["connect_cpu_ms"] = ((server_cpu(cpu_spec) - cpu0) * 1000 / max(1, len(conns))) if cpu_spec else 0.0
    time.sleep(3.0)  # let the servers settle (lazy frees, processes finishing their start)
    pss1, rss1, procs1 = server_memory(mem_spec)
    out["pss_before_kib"], out["pss_after_kib"] = pss0, pss1
    out["rss_before_kib"], out["rss_after_kib"] = rss0, rss1
    out["procs_before"], out["procs_after"] = procs0, procs1
    k = max(1, len(conns))
    out["pss_per_conn_kib"] = (pss1 - pss0) / k
    out["rss_per_conn_kib"] = (rss1 - rss0) / k
    c0 = server_cpu(cpu_spec) if cpu_spec else 0.0
    out["probe_during_ms"], out["probe_during_p90_ms"] = probe(port, probe_user, password)
    # one new message in the INBOX of up to 10 of the accounts: how many of their idlers hear
    # "* n EXISTS", and how fast
    msg = (b"From: probe@example.test\r\nTo: idle@example.test\r\nSubject: wake up\r\n"
           b"Message-ID: <wake@example.test>\r\n\r\nhello\r\n")
    targets = sorted(set(names))[:10]
    t_append = time.monotonic()  # the wake-up times count from the first APPEND's start
    for t in targets:
        a = Conn(port, timeout=30)
        a.command(f'LOGIN "{t}" "{password}"')
        tag = a.send(f"APPEND INBOX {{{len(msg)}}}")
        ln = a.line()
        if not ln.startswith(b"+"):
            raise RuntimeError(f"APPEND: {ln.decode(errors='replace')}")
        a.sock.sendall(msg + b"\r\n")
        while not ln.startswith(tag):
            ln = a.line()
        a.command("LOGOUT")
        a.sock.close()
    conns_told = [c for c in conns if c.user in targets]
    out["told"] = len(conns_told)
    sel = selectors.DefaultSelector()
    for c in conns_told:
        c.sock.setblocking(False)
        sel.register(c.sock, selectors.EVENT_READ, c)
    woken, last = 0, 0.0
    deadline = t_append + 5.0
    pending = set(id(c) for c in conns_told)
    while pending and time.monotonic() < deadline:
        for key, _ in sel.select(timeout=max(0.0, deadline - time.monotonic())):
            c = key.data
            try:
                data = c.sock.recv(65536)
            except BlockingIOError:
                continue
            c.buf += data
            if id(c) in pending and b" EXISTS\r\n" in c.buf[c.pos:]:
                pending.discard(id(c))
                woken += 1
                last = time.monotonic() - t_append
            if not data:
                sel.unregister(c.sock)
                pending.discard(id(c))
    out["woken"] = woken
    out["woken_within_s"] = last
    out["server_cpu_probe_s"] = (server_cpu(cpu_spec) - c0) if cpu_spec else 0
    for c in conns:
        c.sock.close()
    for k2, v in out.items():
        print(k2, f"{v:.3f}" if isinstance(v, float) else v)


def users(src, count, prefix, hash_, l7_data, dc_home, dc_passwd, uid_base, gid):
    """COUNT accounts PREFIX0.. with the crypt(3) hash HASH_: lines added to l7's account file
    (<l7_data>/accounts/passwd, "name:hash") and to Dovecot's passwd-file, each with a Maildir
    hard-linked from SRC for both; each Dovecot account gets a uid of its own (UID_BASE + i;
    the directories are its own, the message files are shared and world-readable)."""
    with open(os.path.join(l7_data, "accounts", "passwd"), "a") as l7p, open(dc_passwd, "a") as dcp:
        for i in range(count):
            name = f"{prefix}{i}"
            uid = uid_base + i
            l7p.write(f"{name}:{hash_}\n")
            dcp.write(f"{name}:{{CRYPT}}{hash_}:{uid}:{gid}::{dc_home}/{name}::\n")
            for root, owner in ((os.path.join(l7_data, "mail", name), None),
                                (os.path.join(dc_home, name, "Maildir"), uid)):
                for sub in ("cur", "new", "tmp"):
                    os.makedirs(os.path.join(root, sub))
                    for f in os.listdir(os.path.join(src, sub)):
                        os.link(os.path.join(src, sub, f), os.path.join(root, sub, f))
                    if owner is not None:
                        os.chown(os.path.join(root, sub), owner, gid)
                if owner is not None:
                    os.chown(root, owner, gid)
                    os.chown(os.path.dirname(root), owner, gid)


def main(argv):
    if argv[1] == "gen":
        gen(argv[2], int(argv[3]), int(argv[4]) if len(argv) > 4 else 1)
        return
    if argv[1] == "users":
        users(argv[2], int(argv[3]), argv[4], argv[5], argv[6], argv[7], argv[8], int(argv[9]), int(argv[10]))
        return
    opts = {}
    args = []
    i = 2
    while i < len(argv):
        if argv[i].startswith("--"):
            opts[argv[i][2:]] = argv[i + 1]
            i += 2
        else:
            args.append(argv[i])
            i += 1
    if argv[1] == "fetch":
        port, user, password = int(args[0]), args[1], args[2]
        for _ in range(int(opts.get("runs", 1))):
            r = fetch_run(port, user, password, opts.get("cpu"), opts.get("check", "1") == "1")
            print("run", opts.get("label", "-"), " ".join(f"{x:.4f}" if isinstance(x, float) else str(x) for x in r),
                  flush=True)
    elif argv[1] == "idle":
        idle(int(args[0]), args[1], args[2], int(args[3]), args[4], opts["mem"], opts.get("cpu"),
             int(opts.get("users", 0)))
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main(sys.argv)
