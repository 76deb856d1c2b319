// The embedded default l7.toml. Adding a service means adding its row to the table in
// config.cpp and one [services.NAME] table here (plus its protocol section, if it has one);
// the unit tests check that this text enables exactly the rows of that table.
#include "app/config.hpp"

namespace l7::app {

namespace {

constexpr std::string_view text = R"toml(# l7.toml - configuration of `l7 serve`.
#
# This is the embedded default: every service on, unprivileged ports, data under ./l7-data.
# Save it with `l7 config default > l7.toml`, edit, then `l7 serve --config l7.toml`.
# Check a file with `l7 config check l7.toml`.
#
# Durations are "500ms", "10s", "2m", "1h" or a plain integer (seconds).
# Sizes are "64MiB", "512k", "1g" or a plain integer (bytes).

# Where l7 keeps its files: public/ (served at /), home/<user>/, tls/, accounts/.
# Relative paths are relative to the working directory.
data_dir = "./l7-data"

# Worker threads, each with its own event loop; 0 = one per CPU core.
workers = 0

[log]
# trace, debug, info, warn, error, critical or off.
level = "info"
# One line per request on stdout.
access_log = true
# Access-log format: "combined" (NCSA combined) or "common".
format = "combined"

[tls]
# PEM certificate chain and private key for the TLS listeners. Leave both empty to use
# <data_dir>/tls/cert.pem and key.pem, generated (self-signed) on first run.
cert = ""
key = ""

# One table per listener. Keys, all optional:
#   enabled          false turns the listener off (default true)
#   port             0 picks a free port; `l7 serve` prints the real one
#   address          addresses to bind; "::" is dual-stack (IPv6 and IPv4)
#   tls              implicit TLS on accept
#   max_connections  concurrent connections; 0 = no limit
# A service left out of a user's file is off. `--only NAME,...` and `--port NAME=N` on the
# command line override these.

[services.http]
enabled = true
port = 8080
address = ["::"]
tls = false
max_connections = 10000

[services.https]
enabled = true
port = 8443
address = ["::"]
tls = true
max_connections = 10000

# HTTP/1.1 (both http and https). WebSocket, /metrics and the other web APIs ride on it.
[http]
# Directory served at /, relative to data_dir.
root = "public"
# Time allowed for a request's header section, and for an idle keep-alive connection.
header_timeout = "10s"
idle_timeout = "60s"
# Largest request body accepted (413 beyond).
max_body = "64MiB"
# HTML listing for directories without index.html.
directory_listing = true
# Value of the Server response header; "" sends none.
server_header = "l7"
# Time allowed for each request-body read and each response write.
io_timeout = "60s"
# Request line, header section and header count limits (414 / 431 beyond).
max_request_line = 8192
max_header_bytes = 65536
max_headers = 100
# Open-file cache per worker: hot files are served without open/stat; a changed file is
# seen within open_file_cache_valid. 0 entries turns it off.
open_file_cache = 1000
open_file_cache_valid = "1s"

# Canned responses served from memory at an exact path, e.g. a test endpoint:
# [[http.responses]]
# path = "/hello"
# status = 200
# content_type = "text/plain"
# body = "hello"

# WebSocket (RFC 6455) on the http and https listeners: ws:// and wss://.
[websocket]
enabled = true
# Built-in endpoints; "" turns one off. Each path also serves everything below it.
echo_path = "/ws/echo"      # every message comes back
chat_path = "/ws/chat"      # rooms: /ws/chat/<room> or ?room=<room>
pubsub_path = "/ws/pubsub"  # topics with + and # wildcards, JSON commands
# Subprotocols accepted (Sec-WebSocket-Protocol), and browser origins allowed ([] = any).
protocols = ["chat", "echo"]
allowed_origins = []
# Largest message (1009 beyond).
max_message = "64MiB"
# Queued output above send_buffer pauses reading that peer; above max_send_queue the peer
# is a slow consumer and is closed with 1013.
send_buffer = "1MiB"
max_send_queue = "16MiB"
# Ping after this much silence; no answer within pong_timeout closes the connection.
ping_interval = "30s"
pong_timeout = "30s"
# Time allowed for the closing handshake.
close_timeout = "5s"
# permessage-deflate (RFC 7692): smaller messages are sent as they are; zlib memory across all
# connections is capped (new connections go uncompressed beyond it).
deflate = true
deflate_threshold = 64
deflate_window_bits = 15
deflate_no_context_takeover = false
deflate_memory = "256MiB"

# DNS on UDP and TCP, one port. HTTPDNS (/d), the JSON API (/resolve) and DoH (/dns-query)
# ride on the http and https listeners and share this cache and resolver.
[services.dns]
enabled = true
port = 1053
address = ["::"]
tls = false
max_connections = 10000

[dns]
# Authoritative zones: every *.zone file here (origin = file name), reloaded on change.
zones_dir = "dns/zones"
# More zone files anywhere: zones = ["/etc/l7/example.com.zone"]
# /etc/hosts-format answers (A, AAAA, PTR), reloaded on change.
hosts = "dns/hosts"
hosts_ttl = 60
# Names outside our zones: forwarded to `upstreams` when set, else resolved recursively
# from the root hints. Entries are "192.0.2.1", "192.0.2.1:5353" or "[2001:db8::1]:53".
recursion = true
upstreams = []
# root_hints = ["198.41.0.4"]   # default: the IANA root servers
qname_minimisation = true
# Port of name servers learned from referrals (53 on the Internet; test hierarchies move it).
referral_port = 53
upstream_timeout = "1500ms"
upstream_tries = 2
# Who may use the cache and the resolver (no open resolver), and who may AXFR.
allow_recursion = ["127.0.0.0/8", "::1", "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7", "fe80::/10"]
allow_transfer = ["127.0.0.0/8", "::1"]
# Our EDNS UDP payload size, and TCP (RFC 7766) limits.
udp_payload = 1232
tcp_idle_timeout = "10s"
tcp_max_inflight = 64
# UDP responses per second per client /24 (IPv4) or /56 (IPv6); 0 = off.
rate_limit = 0
rate_limit_slip = 2
rate_limit_exempt = ["127.0.0.0/8", "::1"]
# Cache: entries, TTL clamps (seconds), RFC 8767 serve-stale and prefetch of popular names.
cache_size = 100000
min_ttl = 0
max_ttl = 86400
negative_max_ttl = 3600
serve_stale = true
prefetch = true
# The web front ends on the http/https listeners: RFC 8484 DoH at /dns-query, the JSON API
# at /resolve and DNSPod-style HTTPDNS at /d.
doh = true
json_api = true
httpdns = true

# Mail: SMTP (RFC 5321) on three listeners. smtp takes mail for the local domains (the MX
# role, port 25 on the Internet), submission (RFC 6409) and smtps (RFC 8314, implicit TLS)
# take mail from authenticated users. STARTTLS is offered on smtp and submission.
[services.smtp]
enabled = true
port = 2525
address = ["::"]
tls = false
max_connections = 1000

[services.submission]
enabled = true
port = 2587
address = ["::"]
tls = false
max_connections = 1000

[services.smtps]
enabled = true
port = 2465
address = ["::"]
tls = true
max_connections = 1000

# What the mail services share. The store is <data_dir>/mail/<user>/ (Maildir, folders as
# Maildir++ .Name) for accounts (`l7 user add`), and <data_dir>/capture/ for captured mail.
[mail]
# Capture: every message is accepted and kept in the capture mailbox, whatever its
# recipients; nothing is delivered or relayed (a test inbox, as Mailpit or GreenMail).
# With capture = false, mail for `domains` goes to the matching accounts (user@domain and
# user+tag@domain), and mail for other domains is refused.
capture = true
domains = ["example.test", "localhost"]
# Per-account limits (RFC 9208 STORAGE and MESSAGE); 0 = none.
quota = 0
quota_messages = 0
# The capture inbox: a web page at /mail/ and a REST API at /api/mail/ on the http and https
# listeners (docs/mail-web.md). Only clients in web_allow may use them (others get 403).
web = true
web_allow = ["127.0.0.0/8", "::1", "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7", "fe80::/10"]

[smtp]
# Name in the greeting, EHLO and Received: headers ("" = this host's name).
hostname = ""
# Largest message accepted (SIZE, RFC 1870; 552 beyond).
max_message_size = "35MiB"
# Recipients per message (452 beyond; RFC 5321 asks for at least 100).
max_recipients = 100
# Bad commands before the server says 421 and closes; failed AUTHs likewise, each one
# answered only after auth_delay.
max_errors = 10
max_auth_failures = 3
auth_delay = "1s"
# RFC 5321 §4.5.3.2: time for each command, and for a whole DATA or BDAT transfer.
command_timeout = "5m"
data_timeout = "10m"
# Connections per client address (0 = no limit).
max_per_ip = 20
# Deliveries (each one fsyncs) and password checks that run at once, off the event loops.
delivery_threads = 8
# VRFY answers for local accounts; off, it says 252 (RFC 5321 §3.5.3).
vrfy = false
# AUTH PLAIN/LOGIN without TLS (always allowed from loopback addresses).
allow_insecure_auth = false
# Capture: AUTH succeeds with any user name and password (applications under test often
# insist on logging in).
auth_accept_any = true
# Relaying (capture = false): mail for other domains from authenticated users (and from
# relay_networks, e.g. ["127.0.0.0/8"]) waits in <data_dir>/queue/smtp and is delivered to
# the domain's MX hosts, looked up through our own DNS service (or relay_resolver, else
# /etc/resolv.conf), or to relay_host ("host:port", with relay_user/relay_password for AUTH).
relay = true
relay_networks = []
relay_host = ""
relay_user = ""
relay_password = ""
relay_resolver = ""
relay_port = 25
# STARTTLS to the next hop: none, may (when offered, unverified), encrypt, verify.
relay_tls = "may"
# Retries: first after relay_retry_first, doubling up to relay_retry_max; a "delayed" DSN
# after relay_delay_warning ("0s" = never); bounced after relay_max_queue_time (RFC 5321
# §4.5.4.1 asks for 4-5 days).
relay_retry_first = "5m"
relay_retry_max = "1h"
relay_delay_warning = "4h"
relay_max_queue_time = "5d"
relay_max_deliveries = 20
relay_connect_timeout = "30s"

# POP3 (RFC 1939): pop3 offers STLS (RFC 2595), pop3s is implicit TLS (RFC 8314). Accounts
# (`l7 user add`) read their INBOX; in capture mode, every account reads the capture mailbox.
[services.pop3]
enabled = true
port = 2110
address = ["::"]
tls = false
max_connections = 1000

[services.pop3s]
enabled = true
port = 2995
address = ["::"]
tls = true
max_connections = 1000

[pop3]
# Autologout (RFC 1939 asks for at least 10 minutes); deletions are applied only at QUIT.
idle_timeout = "10m"
# After a failed login; the session closes after max_login_failures.
login_delay = "1s"
max_login_failures = 3
max_per_ip = 20
# USER/PASS and AUTH without TLS (always allowed from loopback addresses).
allow_insecure_auth = false

# IMAP (RFC 9051 IMAP4rev2 and RFC 3501 IMAP4rev1): imap offers STARTTLS, imaps is implicit
# TLS (RFC 8314). Accounts (`l7 user add`) see their folders; in capture mode, every account
# sees the capture mailbox as INBOX.
[services.imap]
enabled = true
port = 2143
address = ["::"]
tls = false
max_connections = 1000

[services.imaps]
enabled = true
port = 2993
address = ["::"]
tls = true
max_connections = 1000

[imap]
# Autologout once logged in (RFC 9051 asks for at least 30 minutes; IDLE included), and the
# time allowed to log in.
idle_timeout = "30m"
login_timeout = "1m"
# After a failed login; the session closes after max_login_failures.
login_delay = "1s"
max_login_failures = 3
max_per_ip = 20
# LOGIN and AUTHENTICATE without TLS (always allowed from loopback addresses).
allow_insecure_auth = false
# The largest message APPEND takes (advertised as APPENDLIMIT, RFC 7889).
max_message_size = "64MiB"

# FTP (RFC 959 + FEAT, EPSV/EPRT, MLSD, AUTH TLS). ftp offers explicit TLS (AUTH TLS); ftps
# is implicit TLS from the first byte.
[services.ftp]
enabled = true
port = 2121
address = ["::"]
tls = false
max_connections = 1000

[services.ftps]
enabled = true
port = 2990
address = ["::"]
tls = true
max_connections = 1000

[ftp]
# Anonymous (user "anonymous" or "ftp", any password) reads this directory, relative to
# data_dir; accounts (`l7 user add`) get <data_dir>/home/<user>, read-write.
anonymous = true
anonymous_root = "public"
# Passive data ports: without passive_ports the kernel picks a free port for each PASV/EPSV
# (as vsftpd does); set a range for a firewall or NAT that forwards only those, e.g.
# passive_ports = [30000, 30099]
# The address announced in 227 replies ("" = the control connection's own; set it behind NAT).
passive_address = ""
# Active mode (PORT/EPRT) connects back to the client's own address only (RFC 2577).
active = true
# Idle control connection, and a data connection that does not open or stalls.
idle_timeout = "5m"
data_timeout = "60s"
# Failed logins: each waits login_delay, the connection closes after max_login_failures.
login_delay = "1s"
max_login_failures = 3
# Control connections per client address; 0 = no limit.
max_per_ip = 32
# Accounts must protect their password with AUTH TLS (anonymous is exempt).
require_tls_login = false
# Data connections over TLS must resume the control connection's TLS session (RFC 4217 §10:
# proves the data connection comes from the same client).
require_tls_session_reuse = false
# Uploads are flushed to disk (fdatasync) before 226 says they arrived.
sync_uploads = true
banner = "l7 FTP server ready"

# TFTP (RFC 1350 with the blksize, timeout, tsize and windowsize options), UDP only. Every
# transfer runs on a port of its own; [tftp] max_sessions limits them.
[services.tftp]
enabled = true
port = 6969
address = ["::"]
tls = false

[tftp]
# Read requests are served from this directory (relative to data_dir), read-only.
root = "public"
# Write requests go here; "" refuses every write with ERROR 2. An existing file is never
# replaced unless allow_overwrite; an upload that fails leaves nothing behind.
upload_dir = ""
allow_overwrite = false
max_upload = "64MiB"
# Transfers at once, in total and from one client address.
max_sessions = 256
max_sessions_per_ip = 16
# Largest blksize (RFC 2348) and windowsize (RFC 7440) granted; a window is also kept
# under max_window_bytes (it is held in memory for retransmission).
max_blksize = 65464
max_windowsize = 64
max_window_bytes = "4MiB"
# Retransmission interval when the client does not ask for one (RFC 2349), and timeouts
# without progress before a transfer is abandoned.
timeout = "1s"
retries = 5
)toml";

}  // namespace

std::string_view default_config_text() { return text; }

}  // namespace l7::app
