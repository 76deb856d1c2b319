"""Python's imaplib and a raw IMAP client against `l7 serve`'s IMAP: login (LOGIN,
AUTHENTICATE PLAIN/LOGIN, SASL-IR), STARTTLS and imaps, mailboxes (LIST patterns,
LIST-EXTENDED, LIST-STATUS, STATUS, CREATE/RENAME/DELETE, SUBSCRIBE/LSUB), APPEND/UIDPLUS,
FETCH items and sections, SEARCH/ESEARCH/SEARCHRES, STORE, COPY/MOVE, EXPUNGE, several
sessions on one mailbox, IDLE woken by SMTP delivery, CONDSTORE/QRESYNC, bad input, many
sessions, graceful stop.

Run: python3 test_server_imaplib.py --l7 build/dev/l7
"""

import imaplib
import os
import re
import socket
import ssl
import sys
import threading
import time
import unittest

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import imaptest_util as u  # noqa: E402
from imaptest_util import PASSWORD, USER, RawImap, send_mail  # noqa: E402
import l7test  # noqa: E402

MULTIPART = (b"From: A <a@example.test>\r\nTo: alice@example.test\r\nSubject: parts\r\n"
             b"Date: Tue, 01 Dec 2026 09:00:00 +0100\r\nMessage-ID: <parts@example.test>\r\n"
             b"MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n"
             b"preamble\r\n--b1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nthe text part\r\n"
             b"--b1\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n"
             b"Content-Disposition: attachment; filename=\"x.bin\"\r\n\r\nAAECAwQ=\r\n--b1--\r\n")


class ImapTest(u.ImapCase):
    def login(self, user=USER, password=PASSWORD):
        m = imaplib.IMAP4("127.0.0.1", self.imap_port, timeout=10)
        m.login(user, password)
        return m

    def fresh_inbox(self, m):
        typ, data = m.select("INBOX")
        self.assertEqual(typ, "OK")
        if int(data[0]) > 0:
            m.store("1:*", "+FLAGS.SILENT", "\\Deleted")
            m.expunge()

    def test_greeting_capabilities_and_login(self):
        c = RawImap(self.imap_port)
        try:
            self.assertTrue(c.greeting.startswith(b"* OK [CAPABILITY IMAP4rev1 "), c.greeting)
            caps = c.greeting.decode()
            for cap in ("STARTTLS", "AUTH=PLAIN", "SASL-IR", "LITERAL+", "ID", "ENABLE"):
                self.assertIn(cap, caps)
            untagged, done = c.cmd("NOOP")
            self.assertIn(" OK", done)
            _, done = c.cmd("SELECT INBOX")
            self.assertIn(" BAD", done)  # not logged in yet
            done = c.login()
            self.assertIn("[CAPABILITY ", done)
            for cap in ("IDLE", "UIDPLUS", "MOVE", "CONDSTORE", "QRESYNC", "ESEARCH", "LIST-STATUS",
                        "SPECIAL-USE", "NAMESPACE", "UNSELECT", "BINARY", "APPENDLIMIT="):
                self.assertIn(cap, done)
            untagged, done = c.cmd("NAMESPACE")
            self.assertEqual(untagged, ['* NAMESPACE (("" ".")) NIL NIL'])
            untagged, done = c.cmd('ID ("name" "test")')
            self.assertTrue(untagged[0].startswith('* ID ("name" "l7"'), untagged)
            untagged, done = c.cmd("LOGOUT")
            self.assertTrue(untagged[0].startswith("* BYE"), untagged)
            self.assertTrue(c.at_eof())
        finally:
            c.close()

    def test_wrong_password_is_refused_and_limited(self):
        c = RawImap(self.imap_port)
        try:
            for i in range(2):
                _, done = c.cmd('LOGIN "%s" "wrong"' % USER)
                self.assertIn("NO [AUTHENTICATIONFAILED]", done)
            _, done = c.cmd('LOGIN "%s" "wrong"' % USER)
            self.assertIn("NO [AUTHENTICATIONFAILED]", done)
            self.assertTrue(c.line().startswith(b"* BYE"))  # the third failure ends it
            self.assertTrue(c.at_eof())
        finally:
            c.close()

    def test_authenticate_plain_login_and_sasl_ir(self):
        m = imaplib.IMAP4("127.0.0.1", self.imap_port, timeout=10)
        typ, _ = m.authenticate("PLAIN", lambda _: ("\0%s\0%s" % (USER, PASSWORD)).encode())
        self.assertEqual(typ, "OK")
        m.logout()
        m = imaplib.IMAP4("127.0.0.1", self.imap_port, timeout=10)
        answers = iter([USER.encode(), PASSWORD.encode()])
        typ, _ = m.authenticate("LOGIN", lambda _: next(answers))
        self.assertEqual(typ, "OK")
        m.logout()
        c = RawImap(self.imap_port)
        try:  # SASL-IR (RFC 4959): the response on the command line
            import base64
            ir = base64.b64encode(("\0%s\0%s" % (USER, PASSWORD)).encode()).decode()
            _, done = c.cmd("AUTHENTICATE PLAIN " + ir)
            self.assertIn(" OK ", done)
            c2 = RawImap(self.imap_port)
            c2.send("a AUTHENTICATE PLAIN\r\n")
            self.assertEqual(c2.line(), b"+ ")
            c2.send("*\r\n")  # cancelled
            self.assertTrue(c2.line().startswith(b"a BAD"))
            c2.close()
        finally:
            c.close()

    def test_starttls_and_imaps(self):
        ctx = u.tls_context()
        m = imaplib.IMAP4("127.0.0.1", self.imap_port, timeout=10)
        m.starttls(ssl_context=ctx)
        self.assertNotIn("STARTTLS", m.capabilities)
        m.login(USER, PASSWORD)
        self.assertEqual(m.select("INBOX")[0], "OK")
        m.logout()
        m = imaplib.IMAP4_SSL("127.0.0.1", self.imaps_port, ssl_context=ctx, timeout=10)
        m.login(USER, PASSWORD)
        self.assertEqual(m.select("INBOX")[0], "OK")
        m.logout()
        # Bytes sent with STARTTLS, before the handshake, are not read as coming over TLS.
        c = RawImap(self.imap_port)
        c.send("a STARTTLS\r\nb LOGIN alice x\r\n")
        self.assertTrue(c.line().startswith(b"a OK"))
        c.sock = ctx.wrap_socket(c.sock)
        c.buf = b""
        _, done = c.cmd("CAPABILITY")
        self.assertIn(" OK", done)
        c.close()

    def test_fetch_search_store_expunge(self):
        m = self.login()
        self.fresh_inbox(m)
        for i in range(3):
            send_mail(self.smtp_port, "alice@example.test", "hello %d" % i, b"body %d\r\n" % i)
        typ, data = m.select("INBOX")
        self.assertEqual(data, [b"3"])
        typ, data = m.fetch("1:*", "(UID FLAGS RFC822.SIZE ENVELOPE BODY.PEEK[HEADER.FIELDS (SUBJECT)])")
        self.assertEqual(typ, "OK")
        heads = [d for d in data if isinstance(d, tuple)]
        self.assertEqual(len(heads), 3)
        uids = [re.search(rb"UID (\d+)", h[0]).group(1) for h in heads]
        self.assertIn(b'ENVELOPE ("Mon, 07 Dec 2026 10:00:00 +0000" "hello 0" (("Sender" NIL "sender" '
                      b'"client.example"))', heads[0][0])
        self.assertEqual(heads[1][1], b"Subject: hello 1\r\n\r\n")
        self.assertIn(b"FLAGS ()", heads[0][0])  # PEEK: not seen
        typ, data = m.search(None, "SUBJECT", '"hello 2"')
        self.assertEqual(data, [b"3"])
        typ, data = m.search(None, "OR", "BODY", '"body 0"', "BODY", '"body 1"')
        self.assertEqual(data, [b"1 2"])
        typ, data = m.fetch("2", "(BODY[TEXT])")  # not PEEK: sets \Seen, and says so
        self.assertIn(b"\\Seen", data[0][0])
        typ, data = m.search(None, "UNSEEN")
        self.assertEqual(data, [b"1 3"])
        typ, data = m.store("1", "+FLAGS", "(\\Deleted $Important)")
        self.assertIn(b"\\Deleted", data[0])
        self.assertIn(b"$Important", data[0])
        typ, data = m.expunge()
        self.assertEqual(data, [b"1"])
        typ, data = m.fetch("1:*", "(UID)")
        left = [re.search(rb"UID (\d+)", d).group(1) for d in data]
        self.assertEqual(left, uids[1:])
        typ, data = m.uid("SEARCH", None, "ALL")
        self.assertEqual(data, [b" ".join(uids[1:])])
        m.logout()

    def test_files_with_bare_lf_are_sent_with_crlf(self):
        # Dovecot, Postfix and procmail write Maildir files with LF line ends.
        m = self.login()
        m.create("LfBox")
        cur = os.path.join(self.server.data_dir, "mail", USER, ".LfBox", "cur")
        raw = b"Subject: lf only\nFrom: a@b.test\n\nline one\nline two\n"
        with open(os.path.join(cur, "1700000000.M1P1.other:2,S"), "wb") as f:
            f.write(raw)
        typ, data = m.select("LfBox")
        self.assertEqual(data, [b"1"])
        typ, data = m.fetch("1", "(RFC822.SIZE BODY.PEEK[HEADER] BODY.PEEK[])")
        crlf = raw.replace(b"\n", b"\r\n")
        self.assertIn(b"RFC822.SIZE %d " % len(crlf), data[0][0])
        self.assertEqual(data[0][1], b"Subject: lf only\r\nFrom: a@b.test\r\n\r\n")
        self.assertEqual(data[1][1], crlf)
        typ, data = m.append("LfBox", None, None, b"Subject: appended lf\n\nbody\n")
        m.select("LfBox")
        typ, data = m.fetch("2", "(RFC822.SIZE BODY.PEEK[])")
        self.assertIn(b"RFC822.SIZE %d " % len(data[0][1]), data[0][0])
        self.assertEqual(data[0][1], b"Subject: appended lf\r\n\r\nbody\r\n")
        m.close()
        m.delete("LfBox")
        m.logout()

    def test_sections_binary_and_bodystructure(self):
        m = self.login()
        self.fresh_inbox(m)
        typ, data = m.append("INBOX", None, None, MULTIPART)
        self.assertEqual(typ, "OK")
        m.select("INBOX")
        typ, data = m.fetch("1", "(BODYSTRUCTURE BODY.PEEK[1] BODY.PEEK[2.MIME] BINARY.PEEK[2] BINARY.SIZE[2] "
                                 "BODY.PEEK[]<0.4>)")
        self.assertEqual(typ, "OK")
        flat = b"".join(x if isinstance(x, bytes) else x[0] + x[1] for x in data)
        self.assertIn(b'BODYSTRUCTURE (("text" "plain" ("charset" "utf-8") NIL NIL "7bit" 13 0 NIL NIL NIL NIL)'
                      b'("application" "octet-stream" NIL NIL NIL "base64" 8 NIL ("attachment" ("filename" "x.bin"))'
                      b' NIL NIL) "mixed" ("boundary" "b1") NIL NIL NIL)', flat)
        self.assertIn(b"BODY[1] {13}the text part", flat)
        self.assertIn(b"BINARY.SIZE[2] 5", flat)
        self.assertIn(b"BINARY[2] ~{5}\x00\x01\x02\x03\x04", flat)  # NUL: a literal8 (RFC 3516)
        self.assertIn(b"BODY[]<0> {4}From", flat)
        m.logout()

    def test_mailboxes(self):
        m = self.login()
        for name in ("Work", "Work.Projects", "Work.Projects.X", "Sent", "Trash"):
            typ, _ = m.create(name)
            self.assertEqual(typ, "OK", name)
        self.assertEqual(m.create("Work")[0], "NO")  # exists
        typ, data = m.list('""', "%")
        names = sorted(d.decode() for d in data)
        self.assertIn('(\\HasChildren) "." Work', names)
        self.assertIn('(\\HasNoChildren \\Sent) "." Sent', names)
        self.assertNotIn('(\\HasChildren) "." Work.Projects', names)
        typ, data = m.list("Work", "*")
        self.assertEqual(sorted(d.decode() for d in data),
                         ['(\\HasChildren) "." Work.Projects', '(\\HasNoChildren) "." Work.Projects.X'])
        typ, data = m.list('""', '""')
        self.assertEqual(data, [b'(\\Noselect) "." ""'])
        typ, data = m.list('""', "inbox")
        self.assertEqual(data, [b'(\\HasNoChildren) "." INBOX'])
        self.assertEqual(m.rename("Work.Projects", "Archive.Old")[0], "OK")
        typ, data = m.list('""', "Archive*")
        self.assertEqual(sorted(d.decode() for d in data),
                         ['(\\HasChildren \\Archive) "." Archive', '(\\HasChildren) "." Archive.Old',
                          '(\\HasNoChildren) "." Archive.Old.X'])
        self.assertEqual(m.subscribe("Sent")[0], "OK")
        typ, data = m.lsub('""', "*")
        self.assertIn(b'() "." Sent', data)
        typ, data = m._simple_command("LIST", "(SUBSCRIBED)", '""', "*")
        typ, data = m._untagged_response(typ, data, "LIST")
        self.assertIn(b'(\\HasNoChildren \\Sent \\Subscribed) "." Sent', data)
        send_mail(self.smtp_port, "alice@example.test", "for status")
        typ, data = m.status("INBOX", "(MESSAGES UNSEEN UIDNEXT UIDVALIDITY SIZE HIGHESTMODSEQ DELETED)")
        self.assertRegex(data[0].decode(), r"^INBOX \(MESSAGES \d+ UNSEEN \d+ UIDNEXT \d+ UIDVALIDITY \d+ SIZE \d+ "
                                           r"HIGHESTMODSEQ \d+ DELETED \d+\)$")
        typ, data = m._simple_command("LIST", '""', "%", "RETURN", "(STATUS (MESSAGES))")
        self.assertEqual(typ, "OK")
        self.assertTrue(any(d.startswith(b"INBOX (MESSAGES ") for d in m.untagged_responses.get("STATUS", [])))
        self.assertEqual(m.delete("Archive")[0], "NO")  # has children
        self.assertEqual(m.delete("Archive.Old.X")[0], "OK")
        self.assertEqual(m.delete("Nope")[0], "NO")
        self.assertEqual(m.select("Nope")[0], "NO")
        m.logout()

    def test_append_copy_move_uidplus(self):
        m = self.login()
        m.create("Dest")
        self.fresh_inbox(m)
        typ, data = m.append("INBOX", "(\\Flagged)", imaplib.Time2Internaldate(1700000000),
                             b"Subject: appended\r\n\r\nx\r\n")
        self.assertEqual(typ, "OK")
        appenduid = re.search(rb"\[APPENDUID (\d+) (\d+)\]", data[0])
        self.assertIsNotNone(appenduid, data)
        typ, data = m.append("Missing", None, None, b"Subject: x\r\n\r\nx\r\n")
        self.assertEqual(typ, "NO")
        self.assertIn(b"[TRYCREATE]", data[0])
        m.select("INBOX")
        typ, data = m.fetch("1", "(FLAGS INTERNALDATE)")
        self.assertIn(b"\\Flagged", data[0])
        self.assertIn(b'INTERNALDATE "14-Nov-2023 22:13:20 +0000"', data[0])
        typ, data = m.copy("1", "Dest")
        self.assertRegex(data[0], rb"^\[COPYUID \d+ \d+ \d+\]")
        c = RawImap(self.imap_port)
        try:
            c.login()
            c.cmd("SELECT INBOX")
            untagged, done = c.cmd("MOVE 1 Dest")
            self.assertIn(" OK", done)
            self.assertTrue(any(x.startswith("* OK [COPYUID ") for x in untagged), untagged)
            self.assertIn("* 1 EXPUNGE", untagged)
        finally:
            c.close()
        typ, data = m.status("Dest", "(MESSAGES)")
        self.assertEqual(data, [b"Dest (MESSAGES 2)"])
        m.logout()

    def test_sessions_see_each_others_changes(self):
        a = RawImap(self.imap_port)
        b = self.login()
        try:
            self.fresh_inbox(b)
            for i in range(3):
                send_mail(self.smtp_port, "alice@example.test", "shared %d" % i)
            a.login()
            untagged, _ = a.cmd("SELECT INBOX")
            self.assertIn("* 3 EXISTS", untagged)
            b.select("INBOX")
            b.store("2", "+FLAGS", "\\Flagged")
            b.store("3", "+FLAGS", "$Custom")
            b.store("1", "+FLAGS", "\\Deleted")
            b.expunge()
            send_mail(self.smtp_port, "alice@example.test", "shared 3")
            untagged, _ = a.cmd("NOOP")
            self.assertIn("* 1 EXPUNGE", untagged)
            self.assertIn("* 3 EXISTS", untagged)
            self.assertTrue(any(re.match(r"\* 1 FETCH \(FLAGS \(\\Flagged\)\)", x) for x in untagged), untagged)
            # A keyword A has not heard of comes with new FLAGS first (RFC 9051 §7.3.5).
            flags_at = [i for i, x in enumerate(untagged) if x.startswith("* FLAGS (") and "$Custom" in x]
            fetch_at = [i for i, x in enumerate(untagged) if x == "* 2 FETCH (FLAGS ($Custom))"]
            self.assertTrue(flags_at and fetch_at and flags_at[0] < fetch_at[0], untagged)
            # No EXPUNGE in the middle of a FETCH by sequence number (RFC 9051 §7.4.1).
            b.store("1", "+FLAGS", "\\Deleted")
            b.expunge()
            untagged, _ = a.cmd("FETCH 1 (FLAGS)")
            self.assertFalse(any("EXPUNGE" in x for x in untagged), untagged)
            untagged, _ = a.cmd("UID FETCH 1:* (FLAGS)")
            self.assertIn("* 1 EXPUNGE", untagged)
        finally:
            a.close()
            b.logout()

    def test_idle_wakes_on_delivery_and_on_other_sessions(self):
        a = RawImap(self.imap_port)
        b = self.login()
        try:
            self.fresh_inbox(b)
            a.login()
            a.cmd("SELECT INBOX")
            a.send("i1 IDLE\r\n")
            self.assertEqual(a.line(), b"+ idling")
            send_mail(self.smtp_port, "alice@example.test", "wake up")
            self.assertEqual(a.line(), b"* 1 EXISTS")  # the delivery woke the IDLE
            b.select("INBOX")
            b.store("1", "+FLAGS", "\\Seen")
            self.assertRegex(a.line().decode(), r"^\* 1 FETCH \(FLAGS \(\\Seen\)\)$")
            a.send("DONE\r\n")
            self.assertTrue(a.line().startswith(b"i1 OK"))
            _, done = a.cmd("NOOP")
            self.assertIn(" OK", done)
        finally:
            a.close()
            b.logout()

    def test_selected_mailbox_deleted_by_another_session(self):
        b = self.login()
        b.create("Doomed")
        a = RawImap(self.imap_port)
        try:
            a.login()
            a.cmd("SELECT Doomed")
            a.send("i IDLE\r\n")
            self.assertEqual(a.line(), b"+ idling")
            self.assertEqual(b.delete("Doomed")[0], "OK")
            self.assertTrue(a.line().startswith(b"* BYE"))  # at once, even in IDLE
            self.assertTrue(a.at_eof())
        finally:
            a.close()
            b.logout()

    def test_condstore_and_qresync(self):
        m = self.login()
        self.fresh_inbox(m)
        m.logout()
        for i in range(4):
            send_mail(self.smtp_port, "alice@example.test", "sync %d" % i)
        c = RawImap(self.imap_port)
        d = self.login()
        try:
            c.login()
            untagged, done = c.cmd("ENABLE QRESYNC")
            self.assertIn("* ENABLED QRESYNC", untagged)
            untagged, done = c.cmd("SELECT INBOX")
            validity = int(re.search(r"UIDVALIDITY (\d+)", " ".join(untagged)).group(1))
            modseq = int(re.search(r"HIGHESTMODSEQ (\d+)", " ".join(untagged)).group(1))
            uids = [int(re.search(r"UID (\d+)", x).group(1)) for x in c.cmd("FETCH 1:* (UID)")[0]]
            c.cmd("UNSELECT")
            d.select("INBOX")
            d.store("2", "+FLAGS", "\\Answered")
            d.store("1", "+FLAGS", "\\Deleted")
            d.expunge()
            untagged, done = c.cmd("SELECT INBOX (QRESYNC (%d %d))" % (validity, modseq))
            self.assertIn("* VANISHED (EARLIER) %d" % uids[0], untagged)
            self.assertTrue(any(re.match(r"\* 1 FETCH \(UID %d FLAGS \(\\Answered\) MODSEQ \(\d+\)\)" % uids[1], x)
                                for x in untagged), untagged)
            untagged, done = c.cmd("UID FETCH 1:* (FLAGS) (CHANGEDSINCE %d VANISHED)" % modseq)
            self.assertIn("* VANISHED (EARLIER) %d" % uids[0], untagged)
            self.assertEqual(len([x for x in untagged if "FETCH" in x]), 1, untagged)
            # UNCHANGEDSINCE: a message changed after the given MODSEQ is not stored (RFC 7162 §3.1.3).
            untagged, done = c.cmd("STORE 1,2 (UNCHANGEDSINCE %d) +FLAGS (\\Flagged)" % modseq)
            self.assertIn("[MODIFIED 1]", done)
            # Expunges reach a QRESYNC client as VANISHED.
            d.store("3", "+FLAGS", "\\Deleted")
            d.expunge()
            untagged, done = c.cmd("NOOP")
            self.assertIn("* VANISHED %d" % uids[3], untagged)
        finally:
            c.close()
            d.logout()

    def test_esearch_and_searchres(self):
        m = self.login()
        self.fresh_inbox(m)
        for i in range(5):
            send_mail(self.smtp_port, "alice@example.test", "es %d" % i)
        m.logout()
        c = RawImap(self.imap_port)
        try:
            c.login()
            c.cmd("SELECT INBOX")
            untagged, done = c.cmd("SEARCH RETURN (MIN MAX COUNT ALL) SUBJECT es", tag="s1")
            self.assertEqual(untagged, ['* ESEARCH (TAG "s1") MIN 1 MAX 5 COUNT 5 ALL 1:5'])
            untagged, done = c.cmd("UID SEARCH RETURN (SAVE) OR SUBJECT \"es 1\" SUBJECT \"es 3\"")
            self.assertEqual(untagged, [])
            self.assertIn(" OK", done)
            untagged, done = c.cmd("FETCH $ (FLAGS)")
            self.assertEqual([x.split()[1] for x in untagged], ["2", "4"])
            untagged, done = c.cmd("SEARCH CHARSET KOI8-R ALL")
            self.assertIn("NO [BADCHARSET", done)
        finally:
            c.close()

    def test_sort_and_thread(self):
        m = self.login()
        m.create("Threads")
        m.select("Threads")
        msgs = [
            b"Message-ID: <t1@x>\r\nSubject: plan\r\nFrom: Zed <zed@x.test>\r\nDate: Mon, 07 Dec 2026 10:00:00 +0000\r\n\r\n1\r\n",
            b"Message-ID: <t2@x>\r\nSubject: Re: plan\r\nFrom: amy@x.test\r\nIn-Reply-To: <t1@x>\r\n"
            b"Date: Mon, 07 Dec 2026 11:00:00 +0000\r\n\r\n22\r\n",
            b"Message-ID: <t3@x>\r\nSubject: other\r\nFrom: bob@x.test\r\nDate: Mon, 07 Dec 2026 09:00:00 +0000\r\n\r\n333\r\n",
            b"Message-ID: <t4@x>\r\nSubject: Re: plan\r\nFrom: cat@x.test\r\nReferences: <t1@x> <t2@x>\r\n"
            b"Date: Mon, 07 Dec 2026 12:00:00 +0000\r\n\r\n4444\r\n",
        ]
        for raw in msgs:
            self.assertEqual(m.append("Threads", None, None, raw)[0], "OK")
        m.select("Threads")
        typ, data = m.sort("(REVERSE DATE)", "UTF-8", "ALL")
        self.assertEqual(data, [b"4 2 1 3"])
        typ, data = m.sort("(FROM SUBJECT)", "UTF-8", "ALL")
        self.assertEqual(data, [b"2 3 4 1"])
        typ, data = m.sort("(DISPLAYFROM)", "UTF-8", "ALL")
        self.assertEqual(data, [b"2 3 4 1"])  # Zed sorts last by name too
        typ, data = m.thread("REFERENCES", "UTF-8", "ALL")
        self.assertEqual(data, [b"(3)(1 2 4)"])
        typ, data = m.thread("ORDEREDSUBJECT", "UTF-8", "ALL")
        self.assertEqual(data, [b"(3)(1 (2)(4))"])
        typ, data = m.uid("SORT", "(SIZE)", "UTF-8", "ALL")
        self.assertEqual(len(data[0].split()), 4)
        m.close()
        m.delete("Threads")
        m.logout()

    def test_bad_input(self):
        c = RawImap(self.imap_port)
        try:
            c.login()
            _, done = c.cmd("FROBNICATE")
            self.assertIn(" BAD", done)
            c.send("\r\n")
            self.assertTrue(c.line().startswith(b"* BAD"))
            # A literal over APPENDLIMIT is refused before any of it is sent: no "+".
            c.send("a1 APPEND INBOX {999999999999}\r\n")
            self.assertTrue(c.line().startswith(b"a1 NO [TOOBIG]"))
            _, done = c.cmd("SELECT INBOX")
            self.assertIn(" OK", done)
            _, done = c.cmd("FETCH 99999 (FLAGS)")
            self.assertIn(" BAD", done)
            _, done = c.cmd("FETCH 1:* (BODY[HEADER.FIELDS (SUBJECT)")
            self.assertIn(" BAD", done)
            c.send("a2 NOOP " + "x" * 100000 + "\r\n")
            self.assertTrue(c.line().startswith(b"a2 BAD"))
            c.send(b"a3 LIST \"\" \"a\x00b\"\r\n")
            self.assertTrue(c.line().startswith(b"a3 BAD"))
            # LITERAL+ on a command that is then refused: the bytes are not read as commands.
            c.send("a4 APPEND Nope {11+}\r\nt5 LOGOUT\r\n\r\n")
            self.assertTrue(c.line().startswith(b"a4 NO"))
            _, done = c.cmd("NOOP")
            self.assertIn(" OK", done)
            for i in range(10):
                c.send("b%d FROBNICATE\r\n" % i)
            lines = [c.line() for _ in range(11)]
            self.assertTrue(lines[-1].startswith(b"* BYE"), lines[-3:])
            self.assertTrue(c.at_eof())
        finally:
            c.close()

    def test_pipelined_commands_are_answered_in_order(self):
        c = RawImap(self.imap_port)
        try:
            c.send("p1 LOGIN %s %s\r\np2 SELECT INBOX\r\np3 NOOP\r\np4 LOGOUT\r\n" % (USER, PASSWORD))
            tags = []
            while True:
                try:
                    line = c.line()
                except EOFError:
                    break
                if not line.startswith(b"*"):
                    tags.append(line.split()[0])
            self.assertEqual(tags, [b"p1", b"p2", b"p3", b"p4"])
        finally:
            c.close()

    def test_many_sessions_at_once_and_one_after_another(self):
        errors = []

        def worker(n):
            try:
                for _ in range(n):
                    m = imaplib.IMAP4("127.0.0.1", self.imap_port, timeout=20)
                    m.login(USER, PASSWORD)
                    m.select("INBOX")
                    m.logout()
            except Exception as e:  # noqa: BLE001
                errors.append(repr(e))

        threads = [threading.Thread(target=worker, args=(10,)) for _ in range(15)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.assertEqual(errors, [])
        # 300 short sessions one after another (connection reuse, TIME_WAIT, leaks)
        worker(300)
        self.assertEqual(errors, [])


class ManyAccountsTest(u.ImapCase):
    """Users come and go: 150 accounts each log in once. The store closes accounts nobody uses
    (their indexes hold 3 descriptors each) beyond 64, so l7's descriptors stay bounded instead
    of growing by 3 per user ever seen."""

    # SHA-512 crypt of "pw" (crypt(3) "$6$"): checking yescrypt 150 times would be the slow part.
    HASH = "$6$abcdefgh$KQeXafAQAaOoKTevphVU215RvJdgzyfASRasIOuh12hO8u0r1bGW92ZnTmC9IjsiQ8VPiTXBiZF49dFL1U4wX/"

    def fds(self):
        return len(os.listdir("/proc/%d/fd" % self.server.proc.pid))

    def test_descriptors_stay_bounded_as_users_come_and_go(self):
        users = ["many%d" % i for i in range(150)]
        with open(os.path.join(self.server.data_dir, "accounts", "passwd"), "a") as f:
            for name in users:
                f.write("%s:%s\n" % (name, self.HASH))

        def visit(name):
            m = imaplib.IMAP4("127.0.0.1", self.imap_port, timeout=20)
            m.login(name, "pw")
            typ, _ = m.select("INBOX")
            self.assertEqual(typ, "OK")
            m.logout()

        visit(users[0])
        before = self.fds()
        for name in users[1:]:
            visit(name)
        grown = self.fds() - before
        # At most 64 idle accounts stay open (3 descriptors each); without closing, 149 more
        # accounts would have added 447.
        self.assertLess(grown, 64 * 3 + 20, "descriptors grew by %d for %d users" % (grown, len(users)))
        visit(users[0])  # the first user, closed meanwhile, opens again


class CaptureTest(u.ImapCase):
    CAPTURE = True

    def test_any_account_reads_captured_mail(self):
        send_mail(self.smtp_port, "whoever@anywhere.example", "captured for imap")
        for user, password in ((USER, PASSWORD), ("bob", "bob-pass")):
            m = imaplib.IMAP4("127.0.0.1", self.imap_port, timeout=10)
            m.login(user, password)
            typ, data = m.select("INBOX")
            self.assertGreaterEqual(int(data[0]), 1)
            typ, data = m.search(None, "SUBJECT", '"captured for imap"')
            self.assertNotEqual(data, [b""])
            self.assertEqual(m.create("Other")[0], "NO")  # the capture mailbox is INBOX only
            m.logout()


class TimeoutTest(u.ImapCase):
    IMAP = {"login_timeout": '"1s"'}

    def test_silent_client_gets_bye(self):
        c = RawImap(self.imap_port)
        try:
            line = c.line()  # nothing sent: autologout before login
            self.assertTrue(line.startswith(b"* BYE"), line)
            self.assertTrue(c.at_eof())
        finally:
            c.close()


class StopTest(unittest.TestCase):
    def test_graceful_stop_says_bye_to_idle_sessions(self):
        with l7test.l7_server(only=u.SERVICES, config_text=u.config()) as server:
            import smtptest
            smtptest.add_user(server)
            c = RawImap(server.ports["imap"])
            c.login()
            c.cmd("SELECT INBOX")
            c.send("i IDLE\r\n")
            self.assertEqual(c.line(), b"+ idling")
            server.terminate()
            self.assertTrue(c.line().startswith(b"* BYE"))
            self.assertTrue(c.at_eof())
            c.close()


if __name__ == "__main__":
    l7test.main()
