"""The outbound relay (src/smtp/relay) against other people's SMTP servers: python3-aiosmtpd
as the MX of remote.test (opportunistic STARTTLS, refused and deferred recipients, DSN
parameters passed on) and Postfix's smtp-sink (pipelining). MX records come from our own DNS
service (a zone file for remote.test). Also: no relaying without AUTH, DSN bounces into the
local sender's INBOX (RFC 3464), null MX (RFC 7505) and NXDOMAIN, and a queue that survives
kill -9 and delivers when the MX comes back.

Run: python3 test_relay.py --l7 build/dev/l7
"""

import os
import sys

try:
    import aiosmtpd  # noqa: F401
except ImportError:
    if os.path.exists("/usr/bin/python3") and os.path.realpath(sys.executable) != os.path.realpath("/usr/bin/python3"):
        os.execv("/usr/bin/python3", ["/usr/bin/python3"] + sys.argv)
    aiosmtpd = None

import email
import email.policy
import glob
import json
import shutil
import smtplib
import subprocess
import tempfile
import threading
import time
import unittest

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import smtptest  # noqa: E402
import l7test  # noqa: E402

if aiosmtpd is not None:
    import ssl
    from aiosmtpd.controller import Controller

SINK = "/usr/sbin/smtp-sink"
SERVICES = ("smtp", "submission", "smtps", "dns")

ZONE = """$ORIGIN remote.test.
$TTL 60
@      IN SOA ns.remote.test. hostmaster.remote.test. 1 60 60 600 60
@      IN NS  ns
ns     IN A   127.0.0.1
@      IN MX  10 mx
mx     IN A   127.0.0.1
"""
NULL_MX_ZONE = """$ORIGIN nomail.test.
$TTL 60
@      IN SOA ns.nomail.test. hostmaster.nomail.test. 1 60 60 600 60
@      IN NS  ns
ns     IN A   127.0.0.1
@      IN MX  0 .
"""


def write_zones(directory):
    paths = []
    for name, text in (("remote.test.zone", ZONE), ("nomail.test.zone", NULL_MX_ZONE)):
        path = os.path.join(directory, name)
        with open(path, "w") as f:
            f.write(text)
        paths.append(path)
    return paths


def _config(settings):
    settings = dict(settings)
    settings.setdefault(("smtp", "auth_delay"), '"50ms"')
    settings.setdefault(("smtp", "hostname"), '"mx.l7.test"')
    return l7test.config_with(settings)


def make_cert(directory):
    cert, key = os.path.join(directory, "cert.pem"), os.path.join(directory, "key.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                    "-keyout", key, "-out", cert, "-days", "2", "-subj", "/CN=mx.remote.test"],
                   check=True, capture_output=True, timeout=60)
    return cert, key


class Recorder:
    """aiosmtpd handler for remote.test: "refuse*" recipients get 550, "later*" 451; the rest
    are kept as (mail_from, rcpt_tos, rcpt_options, content, tls) and waited for by event."""

    def __init__(self):
        self.messages = []
        self.cond = threading.Condition()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.startswith("refuse"):
            return "550 5.1.1 <%s>: Recipient address rejected: User unknown" % address
        if address.startswith("later"):
            return "451 4.7.1 <%s>: Try again later" % address
        envelope.rcpt_tos.append(address)
        envelope.rcpt_options.append(list(rcpt_options))
        return "250 2.1.5 OK"

    async def handle_DATA(self, server, session, envelope):
        with self.cond:
            self.messages.append(dict(mail_from=envelope.mail_from, rcpts=list(envelope.rcpt_tos),
                                      rcpt_options=list(envelope.rcpt_options),
                                      mail_options=list(envelope.mail_options),
                                      content=envelope.original_content, tls=session.ssl is not None))
            self.cond.notify_all()
        return "250 2.0.0 Ok: queued as AIO%d" % len(self.messages)

    def wait_for(self, predicate, timeout=30.0):
        with self.cond:
            ok = self.cond.wait_for(lambda: any(predicate(m) for m in self.messages), timeout)
            if not ok:
                raise AssertionError("no matching message arrived; have %r" % [(m["mail_from"], m["rcpts"]) for m in self.messages])
            return [m for m in self.messages if predicate(m)][-1]


def submit(port, to, subject, body="Hello from the relay test.\r\n.a line with a leading dot\r\n",
           mail_options=(), rcpt_options=()):
    with smtplib.SMTP("127.0.0.1", port, timeout=20) as c:
        c.ehlo("client.test")
        c.starttls(context=smtptest.tls_context())
        c.ehlo("client.test")
        c.login(smtptest.USER, smtptest.PASSWORD)
        msg = ("From: Alice <alice@example.test>\r\nTo: %s\r\nSubject: %s\r\nMessage-ID: <%s@client.test>\r\n\r\n%s"
               % (", ".join(to), subject, subject.replace(" ", "-"), body))
        refused = c.sendmail("alice@example.test", to, msg.encode(), mail_options=list(mail_options),
                             rcpt_options=list(rcpt_options))
        return refused


def wait_inbox(inbox, predicate, timeout=30.0):
    """Polls the sender's Maildir (the relay writes it from its own thread) for a message."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for raw in smtptest.read_messages(inbox):
            msg = email.message_from_bytes(raw, policy=email.policy.default)
            if predicate(msg, raw):
                return msg, raw
        time.sleep(0.05)
    raise AssertionError("no matching message in %s" % inbox)


def dsn_fields(msg):
    """(per-message fields, [per-recipient fields]) of a multipart/report DSN."""
    assert msg.get_content_type() == "multipart/report", msg.get_content_type()
    parts = list(msg.iter_parts())
    status = parts[1]
    assert status.get_content_type() == "message/delivery-status"
    blocks = [p for p in status.get_payload()]
    return blocks[0], blocks[1:], parts


@unittest.skipIf(aiosmtpd is None, "python3-aiosmtpd is not installed")
class RelayToAiosmtpd(unittest.TestCase):
    """One l7 (capture off, example.test local) whose relay reaches an aiosmtpd MX."""

    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.mkdtemp(prefix="l7-relay-")
        cert, key = make_cert(cls.dir)
        ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ctx.load_cert_chain(cert, key)
        cls.handler = Recorder()
        cls.mx = Controller(cls.handler, hostname="127.0.0.1", port=l7test.free_port(), tls_context=ctx,
                            server_hostname="mx.remote.test")
        cls.mx.start()
        cls.zones = write_zones(cls.dir)
        cls.cm = l7test.l7_server(only=SERVICES, config_text=_config({
            ("mail", "capture"): "false",
            ("mail", "domains"): '["example.test"]',
            ("dns", "zones"): "[" + ", ".join('"%s"' % z for z in cls.zones) + "]",
            ("dns", "recursion"): "false",
            ("smtp", "relay_port"): str(cls.mx.port),
            ("smtp", "relay_retry_first"): '"1s"',
            ("smtp", "relay_retry_max"): '"1s"',
        }))
        cls.server = cls.cm.__enter__()
        smtptest.add_user(cls.server)
        cls.inbox = os.path.join(cls.server.data_dir, "mail", smtptest.USER)

    @classmethod
    def tearDownClass(cls):
        cls.cm.__exit__(None, None, None)
        cls.mx.stop()
        shutil.rmtree(cls.dir, ignore_errors=True)

    def test_relays_with_opportunistic_starttls_and_passes_dsn_parameters(self):
        refused = submit(self.server.ports["submission"], ["bob@remote.test"], "relay one",
                         mail_options=["RET=HDRS", "ENVID=env+2Done"],
                         rcpt_options=["NOTIFY=FAILURE,DELAY", "ORCPT=rfc822;Bob@remote.test"])
        self.assertEqual(refused, {})
        m = self.handler.wait_for(lambda m: "bob@remote.test" in m["rcpts"])
        self.assertEqual(m["mail_from"], "alice@example.test")
        self.assertTrue(m["tls"], "the relay did not use the STARTTLS aiosmtpd offered")
        msg = email.message_from_bytes(m["content"], policy=email.policy.default)
        self.assertEqual(msg["Subject"], "relay one")
        self.assertIn("by mx.l7.test (l7) with ESMTPSA", " ".join(msg.get_all("Received")))
        self.assertIn(b"\r\n.a line with a leading dot\r\n", m["content"])
        # aiosmtpd does not offer DSN, so nothing of it may be passed on (RFC 3461 §5.2).
        self.assertEqual(m["rcpt_options"], [[]])
        self.assertFalse(any(o.startswith(("RET=", "ENVID=")) for o in m["mail_options"]), m["mail_options"])

    def test_permanent_refusal_bounces_into_the_senders_inbox(self):
        refused = submit(self.server.ports["submission"], ["refuse-carol@remote.test", "dave@remote.test"],
                         "relay two", rcpt_options=[])
        self.assertEqual(refused, {})  # accepted by us: the refusal comes later, as a DSN
        self.handler.wait_for(lambda m: "dave@remote.test" in m["rcpts"])
        msg, raw = wait_inbox(self.inbox, lambda m, r: "refuse-carol@remote.test" in r.decode("utf-8", "replace")
                              and m.get_content_type() == "multipart/report")
        self.assertEqual(msg["From"], "Mail Delivery System <MAILER-DAEMON@mx.l7.test>")
        self.assertIn("<>", raw.decode().split("\r\n", 1)[0])  # Return-Path: <> (null sender)
        per_msg, per_rcpt, parts = dsn_fields(msg)
        self.assertEqual(per_msg["Reporting-MTA"], "dns; mx.l7.test")
        self.assertEqual(len(per_rcpt), 1)  # dave was delivered: not reported
        self.assertEqual(per_rcpt[0]["Final-Recipient"], "rfc822; refuse-carol@remote.test")
        self.assertEqual(per_rcpt[0]["Action"], "failed")
        self.assertEqual(per_rcpt[0]["Status"], "5.1.1")
        self.assertEqual(per_rcpt[0]["Remote-MTA"], "dns; mx.remote.test")
        self.assertIn("550 5.1.1", per_rcpt[0]["Diagnostic-Code"])
        original = parts[2]
        self.assertEqual(original.get_content_type(), "message/rfc822")
        self.assertIn(b"Subject: relay two", raw)

    def test_notify_success_to_a_server_without_dsn_gets_a_relayed_notice(self):
        submit(self.server.ports["submission"], ["henry@remote.test"], "relay five",
               rcpt_options=["NOTIFY=SUCCESS"])
        self.handler.wait_for(lambda m: "henry@remote.test" in m["rcpts"])
        msg, _ = wait_inbox(self.inbox, lambda m, r: b"henry@remote.test" in r and b"Action: relayed" in r)
        _, per_rcpt, _ = dsn_fields(msg)
        self.assertEqual([(f["Final-Recipient"], f["Action"], f["Status"]) for f in per_rcpt],
                         [("rfc822; henry@remote.test", "relayed", "2.0.0")])

    def test_null_mx_and_unknown_domain_bounce_at_once(self):
        submit(self.server.ports["submission"], ["x@nomail.test", "y@nohost.remote.test"], "relay three")
        msg, raw = wait_inbox(self.inbox, lambda m, r: b"relay three" in r and m.get_content_type() == "multipart/report"
                              and b"nohost.remote.test" in r and b"nomail.test" in r)
        _, per_rcpt, _ = dsn_fields(msg)
        status = {f["Final-Recipient"]: f["Status"] for f in per_rcpt}
        self.assertEqual(status, {"rfc822; x@nomail.test": "5.1.10", "rfc822; y@nohost.remote.test": "5.1.2"})

    def test_temporary_refusal_stays_queued_and_is_retried(self):
        submit(self.server.ports["submission"], ["later-erin@remote.test"], "relay four")
        # Retried every second: the log shows the deferral at least twice, the queue keeps it.
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and self.server.stderr_text().count("to=<later-erin@remote.test>") < 2:
            time.sleep(0.05)
        log = self.server.stderr_text()
        self.assertGreaterEqual(log.count("to=<later-erin@remote.test>"), 2, log[-3000:])
        self.assertIn("status=deferred (451 4.7.1", log)
        queued = glob.glob(os.path.join(self.server.data_dir, "queue", "smtp", "*.json"))
        self.assertTrue(any("later-erin" in open(p).read() for p in queued))
        # `l7 mail queue` shows it while the server runs, in text and JSON.
        r = l7test.run([l7test.L7, "mail", "queue", "--data", self.server.data_dir])
        self.assertEqual(r.returncode, 0, r.stderr)
        text = r.stdout.decode()
        self.assertIn("<alice@example.test>", text)
        self.assertRegex(text, r"pending\s+<later-erin@remote.test>\s+\(mx.remote.test\[127.0.0.1\]:\d+: 451 4.7.1")
        r = l7test.run([l7test.L7, "mail", "queue", "--data", self.server.data_dir, "--json"])
        self.assertEqual(r.returncode, 0, r.stderr)
        entries = [e for e in json.loads(r.stdout) if e["recipients"][0]["address"] == "later-erin@remote.test"]
        self.assertEqual(len(entries), 1)
        self.assertEqual(entries[0]["recipients"][0]["state"], "pending")
        self.assertGreater(entries[0]["size"], 0)
        self.assertGreaterEqual(entries[0]["attempts"], 1)

    def test_no_relay_without_authentication(self):
        c = smtptest.LineClient(self.server.ports["smtp"])
        try:
            self.assertEqual(c.reply()[0], 220)
            self.assertEqual(c.cmd("EHLO client.test")[0], 250)
            self.assertEqual(c.cmd("MAIL FROM:<alice@example.test>")[0], 250)
            code, lines = c.cmd("RCPT TO:<bob@remote.test>")
            self.assertEqual(code, 554)
            self.assertIn("5.7.1", lines[0])
            self.assertEqual(c.cmd("RCPT TO:<alice@example.test>")[0], 250)  # local still works
            c.cmd("QUIT")
        finally:
            c.close()


@unittest.skipIf(aiosmtpd is None, "python3-aiosmtpd is not installed")
class RelayBurst(unittest.TestCase):
    """200 messages for remote.test in one submission session: every one reaches the MX once,
    the queue empties, and l7 gives back the descriptors its deliveries used."""

    def test_two_hundred_messages_in_a_row(self):
        tmp = tempfile.mkdtemp(prefix="l7-relay-burst-")
        handler = Recorder()
        mx = Controller(handler, hostname="127.0.0.1", port=l7test.free_port())
        mx.start()
        try:
            zones = write_zones(tmp)
            with l7test.l7_server(only=SERVICES, config_text=_config({
                ("mail", "capture"): "false",
                ("mail", "domains"): '["example.test"]',
                ("dns", "zones"): "[" + ", ".join('"%s"' % z for z in zones) + "]",
                ("dns", "recursion"): "false",
                ("smtp", "relay_port"): str(mx.port),
            })) as server:
                smtptest.add_user(server)
                fd_dir = "/proc/%d/fd" % server.proc.pid
                before = len(os.listdir(fd_dir))
                count = 200
                with smtplib.SMTP("127.0.0.1", server.ports["submission"], timeout=30) as c:
                    c.starttls(context=smtptest.tls_context())
                    c.login(smtptest.USER, smtptest.PASSWORD)
                    for i in range(count):
                        c.sendmail("alice@example.test", ["burst%d@remote.test" % (i % 7)],
                                   ("Subject: burst %d\r\n\r\nmessage %d\r\n" % (i, i)).encode())
                with handler.cond:
                    ok = handler.cond.wait_for(lambda: len(handler.messages) >= count, 60)
                self.assertTrue(ok, "%d of %d delivered" % (len(handler.messages), count))
                subjects = sorted(email.message_from_bytes(m["content"])["Subject"] for m in handler.messages)
                self.assertEqual(subjects, sorted("burst %d" % i for i in range(count)))  # each once
                queue = os.path.join(server.data_dir, "queue", "smtp")
                deadline = time.monotonic() + 30
                while time.monotonic() < deadline and glob.glob(os.path.join(queue, "*.json")):
                    time.sleep(0.05)
                self.assertEqual(glob.glob(os.path.join(queue, "*")), [])
                self.assertLessEqual(len(os.listdir(fd_dir)), before + 5)
        finally:
            mx.stop()
            shutil.rmtree(tmp, ignore_errors=True)


@unittest.skipIf(aiosmtpd is None, "python3-aiosmtpd is not installed")
class QueueSurvivesKill(unittest.TestCase):
    """The MX is down: the message waits in the queue, survives kill -9 of l7, and is delivered
    by the next l7 on the same data directory once the MX is up."""

    def test_kill9_then_mx_comes_back(self):
        tmp = tempfile.mkdtemp(prefix="l7-relay-kill-")
        mx = None
        servers = []
        try:
            port = l7test.free_port()
            zones = write_zones(tmp)
            cfg_path = os.path.join(tmp, "l7.toml")
            with open(cfg_path, "w") as f:
                f.write(_config({
                    ("mail", "capture"): "false",
                    ("mail", "domains"): '["example.test"]',
                    ("dns", "zones"): "[" + ", ".join('"%s"' % z for z in zones) + "]",
                    ("dns", "recursion"): "false",
                    ("smtp", "relay_port"): str(port),
                    ("smtp", "relay_retry_first"): '"1s"',
                    ("smtp", "relay_retry_max"): '"1s"',
                }))
            data = os.path.join(tmp, "data")
            args = ["--config", cfg_path, "--only", ",".join(SERVICES)] + \
                   sum((["--port", "%s=0" % s] for s in SERVICES), [])

            first = l7test.Server(l7test.L7, data, args)
            servers.append(first)
            first.start(expect_services=list(SERVICES))
            smtptest.add_user(first)
            submit(first.ports["submission"], ["frank@remote.test"], "survives kill")
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline and "to=<frank@remote.test>" not in first.stderr_text():
                time.sleep(0.05)
            self.assertIn("status=deferred", first.stderr_text())
            first.kill()  # SIGKILL: no graceful anything
            first_log = first.stderr_text()

            handler = Recorder()
            mx = Controller(handler, hostname="127.0.0.1", port=port)
            mx.start()
            second = l7test.Server(l7test.L7, data, args)
            servers.append(second)
            second.start(expect_services=list(SERVICES))
            try:
                m = handler.wait_for(lambda m: "frank@remote.test" in m["rcpts"])
            except AssertionError:
                sys.stderr.write("first l7:\n%s\nsecond l7:\n%s\n" % (first_log[-4000:], second.stderr_text()[-4000:]))
                raise
            self.assertIn(b"Subject: survives kill", m["content"])
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline and glob.glob(os.path.join(data, "queue", "smtp", "*.json")):
                time.sleep(0.05)
            self.assertEqual(glob.glob(os.path.join(data, "queue", "smtp", "*.json")), [])
            second.stop()
            self.assertEqual(second.sanitizer_problems(), [])
        finally:
            for s in servers:
                s.kill()
            if mx:
                mx.stop()
            shutil.rmtree(tmp, ignore_errors=True)


LOOP_ZONE = """$ORIGIN loop.test.
$TTL 60
@      IN SOA ns.loop.test. hostmaster.loop.test. 1 60 60 600 60
@      IN NS  ns
ns     IN A   127.0.0.1
@      IN MX  10 mx
mx     IN A   127.0.0.1
"""


class RelayLoop(unittest.TestCase):
    """loop.test's MX is this very l7 (its smtp listener), which does not take mail for
    loop.test: the relay sees its own name in the greeting and bounces (5.4.6) instead of
    sending the message around in circles."""

    def test_mx_pointing_back_to_us_bounces(self):
        tmp = tempfile.mkdtemp(prefix="l7-relay-loop-")
        try:
            zone = os.path.join(tmp, "loop.test.zone")
            with open(zone, "w") as f:
                f.write(LOOP_ZONE)
            port = l7test.free_port()
            cfg = _config({
                ("mail", "capture"): "false",
                ("mail", "domains"): '["example.test"]',
                ("dns", "zones"): '["%s"]' % zone,
                ("dns", "recursion"): "false",
                ("smtp", "relay_port"): str(port),
            })
            with l7test.l7_server(only=SERVICES, config_text=cfg, ports=("submission", "smtps", "dns"),
                                  extra_args=("--port", "smtp=%d" % port)) as server:
                smtptest.add_user(server)
                inbox = os.path.join(server.data_dir, "mail", smtptest.USER)
                submit(server.ports["submission"], ["x@loop.test"], "loop one")
                msg, _ = wait_inbox(inbox, lambda m, r: b"x@loop.test" in r and m.get_content_type() == "multipart/report")
                _, per_rcpt, _ = dsn_fields(msg)
                self.assertEqual(per_rcpt[0]["Status"], "5.4.6")
                self.assertIn("loops back to myself", per_rcpt[0]["Diagnostic-Code"])
        finally:
            shutil.rmtree(tmp, ignore_errors=True)


@unittest.skipUnless(os.path.exists(SINK), "postfix (smtp-sink) is not installed")
class RelayToPostfixSink(unittest.TestCase):
    """Postfix's smtp-sink as the MX: a pipelined transaction with three recipients."""

    def test_three_recipients_in_one_transaction(self):
        tmp = tempfile.mkdtemp(prefix="l7-relay-sink-")
        sink = None
        try:
            dump = os.path.join(tmp, "dump")
            os.makedirs(dump)
            os.chmod(tmp, 0o755)
            os.chmod(dump, 0o777)
            port = l7test.free_port()
            cmd = [SINK, "-d", dump + "/%M.", "-h", "sink.remote.test"]
            if os.geteuid() == 0:
                cmd += ["-u", "nobody"]
            sink = subprocess.Popen(cmd + ["127.0.0.1:%d" % port, "10"], stdout=subprocess.DEVNULL,
                                    stderr=subprocess.PIPE)
            _wait_port(port)
            zones = write_zones(tmp)
            with l7test.l7_server(only=SERVICES, config_text=_config({
                ("mail", "capture"): "false",
                ("mail", "domains"): '["example.test"]',
                ("dns", "zones"): "[" + ", ".join('"%s"' % z for z in zones) + "]",
                ("dns", "recursion"): "false",
                ("smtp", "relay_port"): str(port),
            })) as server:
                smtptest.add_user(server)
                rcpts = ["g1@remote.test", "g2@remote.test", "g3@remote.test"]
                submit(server.ports["submission"], rcpts, "to the sink")
                deadline = time.monotonic() + 30
                files = []
                while time.monotonic() < deadline:
                    files = [p for p in glob.glob(os.path.join(dump, "*")) if os.path.getsize(p) > 0]
                    if files and b"to the sink" in open(files[0], "rb").read():
                        break
                    time.sleep(0.05)
                self.assertEqual(len(files), 1, "one transaction for three recipients")
                text = open(files[0], "rb").read().decode("utf-8", "replace")
                for r in rcpts:
                    self.assertIn(r, text)
                self.assertIn("alice@example.test", text)
                deadline = time.monotonic() + 30
                while time.monotonic() < deadline and "status=sent" not in server.stderr_text():
                    time.sleep(0.05)
                self.assertEqual(server.stderr_text().count("status=sent"), 3)
        finally:
            if sink:
                sink.kill()
                sink.wait(5)
            shutil.rmtree(tmp, ignore_errors=True)


def _wait_port(port, timeout=10.0):
    import socket
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.05)
    raise AssertionError("nothing listens on %d" % port)


if __name__ == "__main__":
    l7test.main()
