"""Shared by the web inbox tests: `l7 serve` with http and smtp, smtplib to send, and a small
JSON client for /api/mail/."""

import contextlib
import json
import os
import smtplib
import sys
import urllib.error
import urllib.request
from email.message import EmailMessage

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import l7test  # noqa: E402


def server_config(mail=None):
    """The default config with [mail] keys (TOML values) set, and a fixed SMTP host name."""
    settings = {("mail", k): v for k, v in (mail or {}).items()}
    settings[("smtp", "hostname")] = '"mx.l7.test"'
    return l7test.config_with(settings)


def server(mail=None):
    return l7test.l7_server(only=("http", "smtp"), config_text=server_config(mail))


def send(server, to, subject="hello", body="plain text body\n", sender="sender@example.test",
         html=None, attachments=(), headers=None, envelope_to=None):
    """Sends one message through the smtp listener; returns the EmailMessage."""
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = ", ".join(to) if isinstance(to, (list, tuple)) else to
    msg["Subject"] = subject
    for k, v in (headers or {}).items():
        msg[k] = v
    msg.set_content(body)
    if html is not None:
        msg.add_alternative(html, subtype="html")
    for name, ctype, data in attachments:
        maintype, subtype = ctype.split("/")
        msg.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
    rcpts = envelope_to or ([to] if isinstance(to, str) else list(to))
    with smtplib.SMTP("127.0.0.1", server.ports["smtp"], timeout=30) as s:
        s.send_message(msg, from_addr=sender, to_addrs=rcpts)
    return msg


class Reply:
    def __init__(self, status, headers, body):
        self.status, self.headers, self.body = status, headers, body

    def header(self, name):
        return self.headers.get(name)

    def json(self):
        return json.loads(self.body)


def call(server, path, method="GET", timeout=30, host="127.0.0.1"):
    """One request to the http listener; any status comes back as a Reply."""
    url = server.url(path, host=host)
    req = urllib.request.Request(url, method=method)
    try:
        with contextlib.closing(urllib.request.urlopen(req, timeout=timeout)) as r:
            return Reply(r.status, r.headers, r.read())
    except urllib.error.HTTPError as e:
        with contextlib.closing(e):
            return Reply(e.code, e.headers, e.read())


def get_json(server, path, status=200, **kw):
    r = call(server, path, **kw)
    if r.status != status:
        raise AssertionError("%s: status %d, want %d: %r" % (path, r.status, status, r.body[:500]))
    return r.json()


def main():
    l7test.main()
