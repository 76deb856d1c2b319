"""Other people's IMAP clients against `l7 serve`: curl (imap:// and imaps://: LIST, UID
FETCH, SEARCH, APPEND, STARTTLS), fetchmail (STARTTLS, fetch unseen, flag \\Deleted and
expunge) and mbsync from isync (a two-way sync with STARTTLS: pull, then push of local flag
changes, new local messages and a new local folder, then a server-side deletion).

Run: python3 test_server_peers.py --l7 build/dev/l7
"""

import glob
import imaplib
import os
import subprocess
import sys
import unittest

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import imaptest_util as u  # noqa: E402
from imaptest_util import PASSWORD, USER, send_mail  # noqa: E402
import l7test  # noqa: E402


class PeerCase(u.ImapCase):
    def imap(self):
        m = imaplib.IMAP4("127.0.0.1", self.imap_port, timeout=10)
        m.login(USER, PASSWORD)
        return m

    def empty(self, m, box="INBOX"):
        typ, data = m.select(box)
        if typ == "OK" and int(data[0]) > 0:
            m.store("1:*", "+FLAGS.SILENT", "\\Deleted")
            m.expunge()


@unittest.skipUnless(l7test.has_program("curl"), "curl is not installed")
class CurlTest(PeerCase):
    def curl(self, *args):
        r = l7test.run(["curl", "-sS", "--max-time", "20", "--user", "%s:%s" % (USER, PASSWORD)] + list(args),
                       timeout=60)
        self.assertEqual(r.returncode, 0, r.stderr)
        return r.stdout

    def test_list_fetch_search_append(self):
        m = self.imap()
        self.empty(m)
        m.create("CurlBox")
        m.logout()
        send_mail(self.smtp_port, "alice@example.test", "for curl")
        base = "imap://127.0.0.1:%d/" % self.imap_port
        out = self.curl(base)
        self.assertIn(b'* LIST (\\HasNoChildren) "." INBOX', out)
        self.assertIn(b'"." CurlBox', out)
        out = self.curl(base + "INBOX?SUBJECT%20%22for%20curl%22")
        self.assertRegex(out, rb"\* SEARCH \d+")
        m = self.imap()
        m.select("INBOX")
        uid = m.fetch("1", "(UID)")[1][0].split()[-1].rstrip(b")").decode()
        m.logout()
        out = self.curl(base + "INBOX;UID=" + uid)
        self.assertIn(b"Subject: for curl", out)
        out = self.curl("--ssl-reqd", "-k", base + "INBOX;UID=" + uid)  # STARTTLS
        self.assertIn(b"Subject: for curl", out)
        out = self.curl("-k", "imaps://127.0.0.1:%d/INBOX;UID=%s" % (self.imaps_port, uid))
        self.assertIn(b"Subject: for curl", out)
        path = os.path.join(self.server.data_dir, "upload.eml")
        with open(path, "wb") as f:
            f.write(b"Subject: uploaded by curl\r\n\r\nhi\r\n")
        self.curl("-T", path, base + "CurlBox")
        out = self.curl("-X", "STATUS CurlBox (MESSAGES)", base)
        self.assertIn(b"* STATUS CurlBox (MESSAGES 1)", out)


@unittest.skipUnless(l7test.has_program("fetchmail"), "fetchmail is not installed")
class FetchmailTest(PeerCase):
    def test_fetch_and_delete_over_starttls(self):
        m = self.imap()
        self.empty(m)
        m.logout()
        for i in range(3):
            send_mail(self.smtp_port, "alice@example.test", "fetch %d" % i)
        home = os.path.join(self.server.data_dir, "fetchmail-home")
        os.makedirs(home, exist_ok=True)
        out = os.path.join(home, "mbox")
        rc = os.path.join(home, ".fetchmailrc")
        with open(rc, "w") as f:
            f.write('poll 127.0.0.1 service %d protocol imap user "%s" password "%s" sslproto TLS1.2+ '
                    'no sslcertck mda "cat >> %s"\n' % (self.imap_port, USER, PASSWORD, out))
        os.chmod(rc, 0o600)
        env = dict(os.environ, HOME=home, FETCHMAILHOME=home)
        r = subprocess.run(["fetchmail", "-f", rc, "--nodetach", "--nosyslog", "-v"], capture_output=True,
                           timeout=120, env=env)
        text = r.stdout.decode(errors="replace") + r.stderr.decode(errors="replace")
        self.assertEqual(r.returncode, 0, text)
        self.assertIn("STARTTLS", text)  # it upgraded to TLS before logging in
        with open(out, "rb") as f:
            got = f.read()
        for i in range(3):
            self.assertIn(b"Subject: fetch %d" % i, got)
        m = self.imap()
        typ, data = m.select("INBOX")
        self.assertEqual(data, [b"0"])  # fetchmail flagged and expunged what it fetched
        m.logout()


@unittest.skipUnless(l7test.has_program("mbsync"), "mbsync (isync) is not installed")
class MbsyncTest(PeerCase):
    def sync(self, rc):
        r = subprocess.run(["mbsync", "-c", rc, "-V", "all"], capture_output=True, timeout=120)
        text = r.stdout.decode(errors="replace") + r.stderr.decode(errors="replace")
        self.assertEqual(r.returncode, 0, text)
        return text

    def test_two_way_sync(self):
        m = self.imap()
        self.empty(m)
        m.create("Projects")
        m.logout()
        for i in range(3):
            send_mail(self.smtp_port, "alice@example.test", "sync %d" % i)
        home = os.path.join(self.server.data_dir, "mbsync")
        local = os.path.join(home, "local")
        os.makedirs(local, exist_ok=True)
        rc = os.path.join(home, "rc")
        with open(rc, "w") as f:
            f.write("IMAPAccount l7\nHost localhost\nPort %d\nUser %s\nPass %s\nSSLType STARTTLS\n"
                    "CertificateFile %s\nAuthMechs PLAIN\n\n" % (self.imap_port, USER, PASSWORD,
                                                                os.path.join(self.server.data_dir, "tls", "cert.pem")))
            f.write("IMAPStore remote\nAccount l7\n\nMaildirStore local\nPath %s/\nInbox %s/INBOX\n"
                    "SubFolders Verbatim\n\n" % (local, local))
            f.write("Channel all\nFar :remote:\nNear :local:\nPatterns *\nCreate Both\nExpunge Both\n"
                    "SyncState *\n")
        self.sync(rc)
        files = glob.glob(os.path.join(local, "INBOX", "new", "*")) + glob.glob(os.path.join(local, "INBOX", "cur", "*"))
        self.assertEqual(len(files), 3)
        self.assertTrue(os.path.isdir(os.path.join(local, "Projects")))
        # Local changes: flag one message seen and flagged, add a message, add a folder.
        first = sorted(files)[0]
        base = first.split(":2,")[0] if ":2," in first else first
        os.rename(first, os.path.join(local, "INBOX", "cur", os.path.basename(base) + ":2,FS"))
        with open(os.path.join(local, "INBOX", "new", "1.local.vm"), "wb") as f:
            f.write(b"From: me@example.test\r\nSubject: written locally\r\n\r\nlocal\r\n")
        for d in ("cur", "new", "tmp"):
            os.makedirs(os.path.join(local, "Later", d), exist_ok=True)
        with open(os.path.join(local, "Later", "new", "2.local.vm"), "wb") as f:
            f.write(b"Subject: in a new folder\r\n\r\nx\r\n")
        self.sync(rc)
        m = self.imap()
        typ, data = m.select("INBOX")
        self.assertEqual(data, [b"4"])
        typ, data = m.search(None, "FLAGGED", "SEEN")
        self.assertEqual(len(data[0].split()), 1)
        typ, data = m.search(None, "SUBJECT", '"written locally"')
        self.assertEqual(len(data[0].split()), 1)
        typ, data = m.status("Later", "(MESSAGES)")
        self.assertEqual(data, [b"Later (MESSAGES 1)"])
        # A deletion on the server reaches the local side.
        m.store("1", "+FLAGS", "\\Deleted")
        m.expunge()
        m.logout()
        self.sync(rc)
        files = glob.glob(os.path.join(local, "INBOX", "new", "*")) + glob.glob(os.path.join(local, "INBOX", "cur", "*"))
        self.assertEqual(len(files), 3)


if __name__ == "__main__":
    l7test.main()
