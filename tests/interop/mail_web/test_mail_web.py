"""The web inbox's REST API (docs/mail-web.md) against `l7 serve` with http and smtp: Python's
smtplib sends into the capture mailbox, urllib reads /api/mail/.

Run: python3 test_mail_web.py --l7 build/web/l7
"""

import os
import secrets
import sys
import threading
import time
import unittest
import urllib.parse

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mailwebtest  # noqa: E402
from mailwebtest import call, get_json, l7test, send  # noqa: E402

PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000") + bytes(range(40))


def tag():
    return secrets.token_hex(5)


def q(**params):
    return urllib.parse.urlencode(params)


class ApiTest(l7test.ServerCase):
    @classmethod
    def server_kwargs(cls):
        return {"only": ("http", "smtp"), "config_text": mailwebtest.server_config()}

    def find(self, **params):
        return get_json(self.server, "/api/mail/messages?" + q(**params))

    def test_list_is_newest_first_with_summary_fields(self):
        t = tag()
        send(self.server, "list-%s@example.test" % t, subject="first %s" % t)
        send(self.server, "list-%s@example.test" % t, subject="second %s" % t)
        data = self.find(subject=t)
        self.assertEqual(data["matched"], 2)
        subjects = [m["subject"] for m in data["messages"]]
        self.assertEqual(subjects, ["second %s" % t, "first %s" % t])
        m = data["messages"][0]
        for key in ("id", "from", "to", "subject", "date", "size", "created"):
            self.assertIn(key, m)
        self.assertEqual(m["from"]["address"], "sender@example.test")
        self.assertEqual([x["address"] for x in m["to"]], ["list-%s@example.test" % t])
        self.assertGreater(m["size"], 0)
        self.assertTrue(m["created"].endswith("Z"), m["created"])
        self.assertGreater(m["id"], data["messages"][1]["id"])
        self.assertGreaterEqual(data["total"], 2)

    def test_search_by_from_subject_and_to_case_insensitive(self):
        t = tag()
        send(self.server, "Search-%s@Example.test" % t, subject="Quarterly REPORT %s" % t,
             sender="Boss.%s@corp.example" % t)
        self.assertEqual(self.find(subject="quarterly report %s" % t)["matched"], 1)
        self.assertEqual(self.find(**{"from": "boss.%s" % t})["matched"], 1)
        self.assertEqual(self.find(to="search-%s@example.test" % t)["matched"], 1)
        self.assertEqual(self.find(to="SEARCH-%s" % t)["matched"], 1)
        self.assertEqual(self.find(to="nobody-%s@example.test" % t)["matched"], 0)
        self.assertEqual(self.find(q="report %s" % t)["matched"], 1)

    def test_to_matches_envelope_and_cc(self):
        t = tag()
        # Bcc: only in the envelope; Cc: in the header.
        send(self.server, "main-%s@example.test" % t, subject="cc %s" % t,
             headers={"Cc": "copy-%s@example.test" % t},
             envelope_to=["main-%s@example.test" % t, "copy-%s@example.test" % t, "hidden-%s@example.test" % t])
        self.assertEqual(self.find(to="copy-%s@example.test" % t)["matched"], 1)
        self.assertEqual(self.find(to="hidden-%s@example.test" % t)["matched"], 1)

    def test_plus_tag_inboxes_are_isolated(self):
        t = tag()
        send(self.server, "me+a%s@example.test" % t, subject="for a")
        send(self.server, "me+a%s2@example.test" % t, subject="for a2")
        send(self.server, "me@example.test", subject="untagged %s" % t)
        a = self.find(to="me+a%s@example.test" % t)
        self.assertEqual([m["subject"] for m in a["messages"]], ["for a"])
        a2 = self.find(to="me+a%s2@example.test" % t)
        self.assertEqual([m["subject"] for m in a2["messages"]], ["for a2"])
        # The '+' unencoded (a space once decoded) means the same address.
        plain = get_json(self.server, "/api/mail/messages?to=me+a%s@example.test" % t)
        self.assertEqual([m["subject"] for m in plain["messages"]], ["for a"])

    def test_limit_and_offset(self):
        t = tag()
        for i in range(5):
            send(self.server, "page-%s@example.test" % t, subject="page %s %d" % (t, i))
        page = self.find(subject="page %s" % t, limit=2, offset=1)
        self.assertEqual(page["matched"], 5)
        self.assertEqual([m["subject"] for m in page["messages"]], ["page %s 3" % t, "page %s 2" % t])
        self.assertEqual(call(self.server, "/api/mail/messages?limit=x").status, 400)

    def test_get_message_detail(self):
        t = tag()
        send(self.server, "detail-%s@example.test" % t, subject="Gr\u00fc\u00dfe \u20ac %s" % t,
             body="caf\u00e9 text\n", html="<p>caf\u00e9 <b>html</b></p>",
             attachments=[("pixel.png", "image/png", PNG), ("notes.txt", "text/plain", b"some notes\n")])
        summary = self.find(to="detail-%s@example.test" % t)["messages"][0]
        m = get_json(self.server, "/api/mail/messages/%d" % summary["id"])
        self.assertEqual(m["subject"], "Gr\u00fc\u00dfe \u20ac %s" % t)
        self.assertIn("caf\u00e9 text", m["text"])
        self.assertIn("caf\u00e9 <b>html</b>", m["html"])
        names = {a["name"]: a for a in m["attachments"]}
        self.assertEqual(set(names), {"pixel.png", "notes.txt"})
        self.assertEqual(names["pixel.png"]["type"], "image/png")
        self.assertEqual(names["pixel.png"]["size"], len(PNG))
        self.assertEqual(m["envelope"]["mail_from"], "sender@example.test")
        self.assertEqual(m["envelope"]["rcpt_to"], ["detail-%s@example.test" % t])
        self.assertIn("MAIL FROM", m["transcript"].upper())
        header_names = [h["name"].lower() for h in m["headers"]]
        self.assertIn("subject", header_names)
        subject = [h["value"] for h in m["headers"] if h["name"].lower() == "subject"][0]
        self.assertEqual(subject, m["subject"])  # RFC 2047 decoded

        part = call(self.server, "/api/mail/messages/%d/parts/%s" % (m["id"], names["pixel.png"]["part"]))
        self.assertEqual(part.status, 200)
        self.assertEqual(part.body, PNG)
        self.assertEqual(part.header("Content-Type"), "image/png")
        self.assertIn("attachment", part.header("Content-Disposition"))
        self.assertIn("pixel.png", part.header("Content-Disposition"))
        self.assertEqual(call(self.server, "/api/mail/messages/%d/parts/9.9" % m["id"]).status, 404)

    def test_raw_is_the_message_as_stored(self):
        t = tag()
        send(self.server, "raw-%s@example.test" % t, subject="raw %s" % t, body="line one\nline two\n")
        m = self.find(subject="raw %s" % t)["messages"][0]
        r = call(self.server, "/api/mail/messages/%d/raw" % m["id"])
        self.assertEqual(r.status, 200)
        self.assertEqual(r.header("Content-Type"), "message/rfc822")
        self.assertEqual(len(r.body), m["size"])
        self.assertIn(b"Subject: raw " + t.encode(), r.body)
        self.assertIn(b"Received: from ", r.body)
        self.assertIn(b"line one\r\nline two\r\n", r.body)

    def test_latest(self):
        t = tag()
        send(self.server, "latest-%s@example.test" % t, subject="latest %s" % t)
        self.assertEqual(get_json(self.server, "/api/mail/messages/latest")["subject"], "latest %s" % t)

    def test_html_with_script_is_served_sandboxed(self):
        t = tag()
        send(self.server, "html-%s@example.test" % t, subject="html %s" % t,
             html='<p>hi</p><script>alert(1)</script><img src="http://remote.example/x.png">')
        m = self.find(subject="html %s" % t)["messages"][0]
        r = call(self.server, "/api/mail/messages/%d/html" % m["id"])
        self.assertEqual(r.status, 200)
        self.assertTrue(r.header("Content-Type").startswith("text/html"))
        csp = r.header("Content-Security-Policy")
        self.assertIsNotNone(csp)
        directives = {d.strip().split(" ")[0]: d.strip() for d in csp.split(";")}
        self.assertIn("sandbox", directives)
        self.assertEqual(directives["sandbox"], "sandbox")  # no allow-scripts
        self.assertEqual(directives["default-src"], "default-src 'none'")
        self.assertNotIn("script-src", directives)
        self.assertNotIn("http:", directives.get("img-src", ""))
        self.assertEqual(r.header("X-Content-Type-Options"), "nosniff")
        # The inbox page frames it with sandbox="" (no permissions at all).
        js = call(self.server, "/mail/app.js").body.decode()
        self.assertIn('sandbox: ""', js)
        page = call(self.server, "/mail/")
        self.assertEqual(page.status, 200)
        self.assertIn("default-src 'self'", page.header("Content-Security-Policy"))

    def test_delete_one(self):
        t = tag()
        send(self.server, "del-%s@example.test" % t, subject="del %s" % t)
        m = self.find(subject="del %s" % t)["messages"][0]
        self.assertEqual(get_json(self.server, "/api/mail/messages/%d" % m["id"], method="DELETE"), {"deleted": 1})
        self.assertEqual(self.find(subject="del %s" % t)["matched"], 0)
        r = call(self.server, "/api/mail/messages/%d" % m["id"])
        self.assertEqual(r.status, 404)
        self.assertIn("error", r.json())
        self.assertEqual(call(self.server, "/api/mail/messages/%d" % m["id"], method="DELETE").status, 404)

    def test_bad_ids_and_paths(self):
        self.assertEqual(call(self.server, "/api/mail/messages/abc").status, 400)
        self.assertEqual(call(self.server, "/api/mail/messages/0").status, 400)
        self.assertEqual(call(self.server, "/api/mail/messages/4000000000").status, 404)
        self.assertEqual(call(self.server, "/api/mail/messages/1/nothing").status, 404)
        self.assertEqual(call(self.server, "/api/mail/messages", method="POST").status, 405)

    def test_wait_returns_a_message_sent_after_it_began(self):
        t = tag()
        to = "wait-%s@example.test" % t
        send(self.server, to, subject="old %s" % t)  # present before: not what wait returns
        result = {}

        def waiter():
            start = time.monotonic()
            result["reply"] = call(self.server, "/api/mail/wait?" + q(to=to, timeout=30), timeout=60)
            result["elapsed"] = time.monotonic() - start

        th = threading.Thread(target=waiter)
        th.start()
        time.sleep(1.0)
        sent_at = time.monotonic()
        send(self.server, to, subject="new %s" % t)
        th.join(60)
        self.assertFalse(th.is_alive())
        r = result["reply"]
        self.assertEqual(r.status, 200, r.body)
        self.assertEqual(r.json()["subject"], "new %s" % t)
        self.assertLess(result["elapsed"], 10)
        self.assertLess(time.monotonic() - sent_at, 5)

    def test_wait_times_out_with_408(self):
        start = time.monotonic()
        r = call(self.server, "/api/mail/wait?" + q(to="never-%s@example.test" % tag(), timeout=1))
        self.assertEqual(r.status, 408)
        self.assertIn("error", r.json())
        self.assertGreaterEqual(time.monotonic() - start, 0.9)
        self.assertEqual(call(self.server, "/api/mail/wait?timeout=301").status, 400)

    def test_wait_include_existing_and_since(self):
        t = tag()
        to = "exist-%s@example.test" % t
        send(self.server, to, subject="one %s" % t)
        send(self.server, to, subject="two %s" % t)
        first = get_json(self.server, "/api/mail/wait?" + q(to=to, include_existing=1, timeout=5))
        self.assertEqual(first["subject"], "one %s" % t)
        second = get_json(self.server, "/api/mail/wait?" + q(to=to, since=first["id"], timeout=5))
        self.assertEqual(second["subject"], "two %s" % t)
        self.assertEqual(call(self.server, "/api/mail/wait?" + q(to=to, since=second["id"], timeout=0.5)).status, 408)

    def test_events_stream_announces_changes(self):
        t = tag()
        sock = l7test.connect(self.server.http_port)
        self.addCleanup(sock.close)
        sock.sendall(l7test.request_bytes("GET", "/api/mail/events"))
        reader = l7test.Reader(sock)
        _, status, _, headers = reader.read_head()
        self.assertEqual(status, 200)
        self.assertIn(("Content-Type", "text/event-stream"), headers)
        send(self.server, "events-%s@example.test" % t)
        deadline = time.monotonic() + 10
        seen = b""
        while b"event: change" not in seen and time.monotonic() < deadline:
            sock.settimeout(max(0.1, deadline - time.monotonic()))
            seen += sock.recv(4096)
        self.assertIn(b"event: change", seen)


class PurgeTest(l7test.ServerCase):
    """Its own server: purging must not disturb the other tests."""

    @classmethod
    def server_kwargs(cls):
        return {"only": ("http", "smtp"), "config_text": mailwebtest.server_config()}

    def test_purge(self):
        for i in range(3):
            send(self.server, "purge@example.test", subject="purge %d" % i)
        self.assertEqual(get_json(self.server, "/api/mail/messages")["total"], 3)
        self.assertEqual(get_json(self.server, "/api/mail/messages", method="DELETE"), {"deleted": 3})
        data = get_json(self.server, "/api/mail/messages")
        self.assertEqual((data["total"], data["messages"]), (0, []))
        send(self.server, "purge@example.test", subject="after")
        self.assertEqual([m["subject"] for m in get_json(self.server, "/api/mail/messages")["messages"]], ["after"])


class AccessTest(unittest.TestCase):
    def test_disallowed_address_gets_403(self):
        with mailwebtest.server({"web_allow": '["10.0.0.0/8"]'}) as server:
            for path in ("/api/mail/messages", "/api/mail/wait?timeout=1", "/mail/"):
                r = call(server, path)
                self.assertEqual(r.status, 403, path)
                self.assertIn("web_allow", r.json()["error"])

    def test_web_false_serves_nothing(self):
        with mailwebtest.server({"web": "false"}) as server:
            self.assertEqual(call(server, "/api/mail/messages").status, 404)


if __name__ == "__main__":
    mailwebtest.main()
