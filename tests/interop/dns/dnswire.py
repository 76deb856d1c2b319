"""A small DNS wire encoder/decoder (RFC 1035 §4, RFC 6891 §6) and raw UDP/TCP exchanges
(RFC 7766 §8 framing) for the DNS interop tests. Python 3 standard library only.
"""

import contextlib
import ipaddress
import random
import socket
import struct

# RFC 1035 §3.2.2, RFC 3596, RFC 6672, RFC 4034.
TYPES = {"A": 1, "NS": 2, "CNAME": 5, "SOA": 6, "PTR": 12, "MX": 15, "TXT": 16, "AAAA": 28,
         "SRV": 33, "DNAME": 39, "OPT": 41, "DS": 43, "AXFR": 252, "ANY": 255}
TYPE_NAMES = {v: k for k, v in TYPES.items()}
RCODES = {"NOERROR": 0, "FORMERR": 1, "SERVFAIL": 2, "NXDOMAIN": 3, "NOTIMP": 4, "REFUSED": 5,
          "NOTAUTH": 9, "BADVERS": 16}
RCODE_NAMES = {v: k for k, v in RCODES.items()}


def encode_name(name):
    out = b""
    for label in name.rstrip(".").split("."):
        if label:
            out += bytes([len(label)]) + label.encode()
    return out + b"\x00"


def header(qid, flags=0x0100, qd=1, an=0, ns=0, ar=0):
    return struct.pack("!HHHHHH", qid, flags, qd, an, ns, ar)


def opt_record(payload=1232, version=0, do=False):
    """An OPT pseudo-RR (RFC 6891 §6.1.2) with no options."""
    ttl = (version << 16) | (0x8000 if do else 0)
    return b"\x00" + struct.pack("!HHIH", 41, payload, ttl, 0)


def make_query(name, qtype="A", qid=None, rd=True, edns=True, opcode=0, qclass=1):
    """(bytes, id): one question, EDNS(0) with payload 1232 unless edns=False."""
    if qid is None:
        qid = random.randrange(65536)
    t = TYPES[qtype] if isinstance(qtype, str) else qtype
    flags = (opcode << 11) | (0x0100 if rd else 0)
    msg = header(qid, flags, 1, 0, 0, 1 if edns else 0) + encode_name(name) + struct.pack("!HH", t, qclass)
    if edns:
        msg += opt_record()
    return msg, qid


def read_name(msg, pos):
    """(name, position after it); follows compression pointers (RFC 1035 §4.1.4)."""
    labels, end, hops = [], None, 0
    while True:
        n = msg[pos]
        if n & 0xC0 == 0xC0:
            if end is None:
                end = pos + 2
            pos = ((n & 0x3F) << 8) | msg[pos + 1]
            hops += 1
            if hops > 128:
                raise ValueError("compression loop")
            continue
        if n == 0:
            return (".".join(labels) + ".") if labels else ".", end if end is not None else pos + 1
        labels.append(msg[pos + 1:pos + 1 + n].decode("latin-1"))
        pos += 1 + n


def _rdata_text(msg, rtype, pos, rdlen):
    rdata = msg[pos:pos + rdlen]
    if rtype == 1:
        return str(ipaddress.IPv4Address(rdata))
    if rtype == 28:
        return str(ipaddress.IPv6Address(rdata))
    if rtype in (2, 5, 12, 39):
        return read_name(msg, pos)[0]
    if rtype == 15:
        return "%d %s" % (struct.unpack("!H", rdata[:2])[0], read_name(msg, pos + 2)[0])
    if rtype == 6:
        mname, p = read_name(msg, pos)
        rname, p = read_name(msg, p)
        return "%s %s %d %d %d %d %d" % ((mname, rname) + struct.unpack("!IIIII", msg[p:p + 20]))
    return rdata.hex()


class Message:
    """A decoded DNS message: id, flags, opcode, rcode (with the OPT's extended bits), qr, aa,
    tc, rd, ra, questions [(name, type)], answers/authority/additional [(name, type, ttl, data)],
    opt (None or dict: payload, version, do, rdata)."""

    def __repr__(self):
        return "<Message id=%d %s flags=%04x an=%r ns=%r ar=%r>" % (
            self.id, RCODE_NAMES.get(self.rcode, self.rcode), self.flags, self.answers, self.authority,
            self.additional)


def parse_message(msg):
    """Decodes `msg` strictly (trailing octets are an error); raises ValueError/IndexError."""
    if len(msg) < 12:
        raise ValueError("message of %d octets" % len(msg))
    m = Message()
    m.id, m.flags, qd, an, ns, ar = struct.unpack("!HHHHHH", msg[:12])
    m.qr, m.aa, m.tc = bool(m.flags & 0x8000), bool(m.flags & 0x0400), bool(m.flags & 0x0200)
    m.rd, m.ra = bool(m.flags & 0x0100), bool(m.flags & 0x0080)
    m.opcode = (m.flags >> 11) & 0xF
    m.rcode = m.flags & 0xF
    m.opt = None
    pos = 12
    m.questions = []
    for _ in range(qd):
        name, pos = read_name(msg, pos)
        qtype, _ = struct.unpack("!HH", msg[pos:pos + 4])
        m.questions.append((name.lower(), qtype))
        pos += 4
    sections = []
    for count in (an, ns, ar):
        records = []
        for _ in range(count):
            name, pos = read_name(msg, pos)
            rtype, rclass, ttl, rdlen = struct.unpack("!HHIH", msg[pos:pos + 10])
            pos += 10
            if pos + rdlen > len(msg):
                raise ValueError("rdata past the end")
            if rtype == 41:
                m.opt = {"payload": rclass, "version": (ttl >> 16) & 0xFF, "do": bool(ttl & 0x8000),
                         "rdata": msg[pos:pos + rdlen]}
                m.rcode |= ((ttl >> 24) & 0xFF) << 4
            else:
                records.append((name.lower(), rtype, ttl, _rdata_text(msg, rtype, pos, rdlen)))
            pos += rdlen
        sections.append(records)
    if pos != len(msg):
        raise ValueError("%d trailing octets" % (len(msg) - pos))
    m.answers, m.authority, m.additional = sections
    return m


def udp_exchange(port, data, host="127.0.0.1", timeout=2.0):
    """Sends one datagram; returns the reply's bytes, or None when none came within `timeout`."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_DGRAM) as s:
        s.settimeout(timeout)
        s.sendto(data, (host, port))
        try:
            return s.recvfrom(65535)[0]
        except (socket.timeout, ConnectionRefusedError):
            return None


def frame(msg):
    """RFC 7766 §8: the two-octet length prefix."""
    return struct.pack("!H", len(msg)) + msg


def recv_exact(sock, n):
    """n octets, or fewer when the peer closed first."""
    buf = b""
    while len(buf) < n:
        try:
            chunk = sock.recv(n - len(buf))
        except ConnectionResetError:
            break
        if not chunk:
            break
        buf += chunk
    return buf


def recv_framed(sock):
    """One length-prefixed message; None when the connection ended first."""
    head = recv_exact(sock, 2)
    if len(head) < 2:
        return None
    n = struct.unpack("!H", head)[0]
    body = recv_exact(sock, n)
    return body if len(body) == n else None


def tcp_exchange(port, data, host="127.0.0.1", timeout=5.0):
    """One framed query on a new connection; returns the reply's bytes or None."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with contextlib.closing(socket.socket(family, socket.SOCK_STREAM)) as s:
        s.settimeout(timeout)
        s.connect((host, port))
        s.sendall(frame(data))
        return recv_framed(s)


def closed_by_peer(sock, timeout):
    """True when the peer closes (EOF or reset) within `timeout` without sending anything."""
    sock.settimeout(timeout)
    try:
        data = sock.recv(65535)
    except (ConnectionResetError, BrokenPipeError):
        return True
    except socket.timeout:
        return False
    return not data
