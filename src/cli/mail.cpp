// `l7 mail send`: a swaks-like SMTP client on src/smtp/client. Builds the message with the
// RFC 5322/MIME writer (src/mail/codec/writer.hpp), or sends a prepared file as it is (--data).
// Exit codes: 0 the message was accepted (250), 1 the server refused it (its reply is
// printed), 2 connection, TLS, local file or usage error.
#include <strings.h>

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "app/config.hpp"
#include "app/mime.hpp"
#include "cli/commands.hpp"
#include "core/random.hpp"
#include "mail/codec/address.hpp"
#include "mail/codec/writer.hpp"
#include "smtp/client/error.hpp"
#include "smtp/client/session.hpp"

namespace l7::cli {
namespace {

namespace sc = l7::smtp::client;

enum exit_code { ok = 0, refused = 1, failed = 2 };

struct mail_args {
  std::string server = "127.0.0.1:2525";
  std::string from, subject, body, body_file, html_file, data_file, helo = "localhost";
  std::vector<std::string> to, cc, bcc, attach, headers;
  bool tls = false, starttls = false, starttls_optional = false, insecure = false;
  std::string cacert, auth_user, auth_password, auth_mech;
  bool bdat = false, no_pipelining = false, verbose = false;
  std::string timeout;  // empty: RFC 5321 §4.5.3.2's limits
};

struct usage_error {
  std::string message;
};

std::string read_file(const std::string& path) {
  if (path == "-") {
    std::ostringstream s;
    s << std::cin.rdbuf();
    return s.str();
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) throw usage_error{fmt::format("{}: cannot read", path)};
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// HOST, HOST:PORT, [V6]:PORT or a bare IPv6 address.
void parse_server(const std::string& text, sc::options& o, std::uint16_t default_port) {
  o.port = default_port;
  std::string host = text, port;
  if (text.starts_with('[')) {
    const auto close = text.find(']');
    if (close == std::string::npos) throw usage_error{"--server: missing ']'"};
    host = text.substr(1, close - 1);
    if (close + 1 < text.size()) {
      if (text[close + 1] != ':') throw usage_error{"--server: expected ':' after ']'"};
      port = text.substr(close + 2);
    }
  } else if (std::count(text.begin(), text.end(), ':') == 1) {
    host = text.substr(0, text.find(':'));
    port = text.substr(text.find(':') + 1);
  }
  if (host.empty()) throw usage_error{"--server: empty host"};
  o.host = host;
  if (port.empty()) return;
  unsigned long n = 0;
  try {
    std::size_t used = 0;
    n = std::stoul(port, &used);
    if (used != port.size()) n = 0;
  } catch (const std::exception&) {
    n = 0;
  }
  if (n == 0 || n > 65535) throw usage_error{fmt::format("--server: bad port '{}'", port)};
  o.port = static_cast<std::uint16_t>(n);
}

// "Name <a@b>" or "a@b" for a header, and the addr-spec for the envelope.
mail::mailbox_spec mailbox(const std::string& text) {
  const auto parsed = mail::parse_mailboxes(text);
  if (parsed.size() != 1 || parsed[0].malformed || parsed[0].domain.empty())
    throw usage_error{fmt::format("'{}': expected an address like user@example.org or 'Name <user@example.org>'", text)};
  return {parsed[0].name, parsed[0].addr_spec()};
}

// The media type of an attachment by its extension (app/mime.hpp: built-in table and
// /etc/mime.types).
std::string content_type_of(const std::filesystem::path& p) {
  static const app::mime_table table = [] {
    app::mime_table t;
    (void)t.load("/etc/mime.types");
    return t;
  }();
  return std::string(table.lookup(p.filename().string()));
}

std::string random_token() {
  std::byte b[8];
  random_fill(b);
  std::string out;
  for (auto x : b) out += fmt::format("{:02x}", static_cast<unsigned>(x));
  return out;
}

std::string build_message(const mail_args& a, const mail::mailbox_spec& from) {
  mail::message_spec spec;
  spec.from = from;
  for (const auto& t : a.to) spec.to.push_back(mailbox(t));
  for (const auto& c : a.cc) spec.cc.push_back(mailbox(c));
  spec.subject = a.subject;
  for (const auto& h : a.headers) {
    const auto colon = h.find(':');
    if (colon == std::string::npos || colon == 0 || h.find_first_of("\r\n") != std::string::npos)
      throw usage_error{fmt::format("--header '{}': expected \"Name: value\" on one line", h)};
    auto name = h.substr(0, colon);
    auto value = h.substr(h.find_first_not_of(' ', colon + 1) == std::string::npos ? h.size()
                                                                                    : h.find_first_not_of(' ', colon + 1));
    if (name.find_first_of(" \t") != std::string::npos) throw usage_error{fmt::format("--header '{}': bad field name", h)};
    if (strcasecmp(name.c_str(), "Subject") == 0 && a.subject.empty()) spec.subject = value;
    else spec.extra_headers.emplace_back(std::move(name), std::move(value));
  }
  spec.date = static_cast<std::int64_t>(std::time(nullptr));
  const auto token = random_token();
  const auto at = from.address.rfind('@');
  spec.message_id = fmt::format("{}.l7@{}", token, at == std::string::npos ? "localhost" : from.address.substr(at + 1));
  spec.boundary_seed = token;
  spec.text = a.body_file.empty() ? a.body : read_file(a.body_file);
  if (!a.html_file.empty()) spec.html = read_file(a.html_file);
  for (const auto& f : a.attach) {
    const std::filesystem::path p(f);
    spec.attachments.push_back({p.filename().string(), content_type_of(p), read_file(f)});
  }
  return mail::write_message(spec);
}

sc::options session_options(const mail_args& a) {
  sc::options o;
  parse_server(a.server, o, a.tls ? 2465 : 2525);
  o.tls = a.tls                  ? sc::tls_mode::implicit
          : a.starttls           ? sc::tls_mode::starttls_required
          : a.starttls_optional  ? sc::tls_mode::starttls_optional
                                 : sc::tls_mode::off;
  o.insecure = a.insecure;
  if (!a.cacert.empty()) o.ca_file = a.cacert;
  o.helo_name = a.helo;
  o.auth_user = a.auth_user;
  o.auth_password = a.auth_password;
  o.auth_mechanism = a.auth_mech;
  o.pipelining = !a.no_pipelining;
  o.bdat = a.bdat;
  if (!a.timeout.empty()) {
    const auto t = app::parse_duration(a.timeout);
    if (!t) throw usage_error{"--timeout: expected a duration like 500ms, 10s or 2m"};
    o.limits = sc::timeouts::all(*t);
  }
  if (a.verbose) {
    o.trace = [](sc::trace_kind k, std::string_view line) {
      const char* prefix = k == sc::trace_kind::client ? "C: " : k == sc::trace_kind::server ? "S: " : "* ";
      fmt::print(stderr, "{}{}\n", prefix, line);
    };
  }
  return o;
}

void check_args(const mail_args& a) {
  if (a.from.empty()) throw usage_error{"--from is required"};
  if (a.to.empty() && a.cc.empty() && a.bcc.empty()) throw usage_error{"at least one --to, --cc or --bcc is required"};
  if (!a.body.empty() && !a.body_file.empty()) throw usage_error{"--body and --body-file exclude each other"};
  if (a.tls + a.starttls + a.starttls_optional > 1)
    throw usage_error{"--tls, --starttls and --starttls-optional exclude each other"};
  if (!a.auth_user.empty() && a.auth_password.empty()) throw usage_error{"--auth-user needs --auth-password"};
  if (!a.auth_mech.empty() && a.auth_user.empty()) throw usage_error{"--auth needs --auth-user and --auth-password"};
}

// Prints the summary; returns the exit code.
int report(const sc::send_result& r) {
  for (const auto& rcpt : r.recipients)
    if (!rcpt.accepted())
      fmt::print(stderr, "l7 mail: recipient <{}> refused: {}\n", rcpt.address, sc::reply_text(rcpt.reply));
  if (!r.st.ok()) {
    fmt::print(stderr, "l7 mail: {}\n", r.st.message());
    const bool refusal = r.st.rejected() || r.st.ec == sc::error::no_recipients;
    return refusal ? refused : failed;
  }
  std::size_t accepted = 0;
  for (const auto& rcpt : r.recipients) accepted += rcpt.accepted();
  fmt::print("accepted for {} of {} recipient{}{}: {}\n", accepted, r.recipients.size(),
             r.recipients.size() == 1 ? "" : "s",
             r.queue_id.empty() ? "" : fmt::format(", queue id {}", r.queue_id), sc::reply_text(r.final_reply));
  return ok;
}

net::awaitable<int> send_mail(const mail_args& a, sc::options o, std::string message) {
  auto ex = co_await asio::this_coro::executor;
  sc::session s(ex, std::move(o));
  auto st = co_await s.connect();
  if (!st.ok()) {
    fmt::print(stderr, "l7 mail: {}\n", st.message());
    const int code = st.rejected() ? refused : failed;
    co_await s.quit();
    co_return code;
  }
  sc::envelope env;
  env.from = mailbox(a.from).address;
  for (const auto* list : {&a.to, &a.cc, &a.bcc})
    for (const auto& r : *list) env.to.push_back(mailbox(r).address);
  auto result = co_await s.send(env, std::move(message));
  const int code = report(result);
  co_await s.quit();
  co_return code;
}

int run(const mail_args& a) {
  check_args(a);
  auto o = session_options(a);
  const auto from = mailbox(a.from);
  for (const auto* list : {&a.to, &a.cc, &a.bcc})
    for (const auto& r : *list) (void)mailbox(r);
  std::string message = a.data_file.empty() ? build_message(a, from) : read_file(a.data_file);
  std::signal(SIGPIPE, SIG_IGN);
  asio::io_context io;
  int code = ok;
  asio::co_spawn(io, send_mail(a, std::move(o), std::move(message)), [&code, &io](std::exception_ptr e, int c) {
    if (e) std::rethrow_exception(e);
    code = c;
    io.stop();
  });
  io.run();
  return code;
}

}  // namespace

void add_mail_command(CLI::App& app) {
  auto* mail = app.add_subcommand("mail", "Mail clients: send (SMTP), fetch (POP3, IMAP), queue (the relay's outbound queue)");
  mail->require_subcommand(1);
  auto a = std::make_shared<mail_args>();
  auto* cmd = mail->add_subcommand("send", "Send a message over SMTP (swaks-like): STARTTLS or implicit TLS, "
                                           "AUTH PLAIN/LOGIN, PIPELINING, BDAT");
  cmd->footer("Exit codes: 0 the message was accepted (250), 1 the server refused it (reply printed),\n"
              "2 connection, TLS, file or usage error.");
  cmd->add_option("--server", a->server, "HOST[:PORT] or [IPv6]:PORT (default 127.0.0.1:2525; 2465 with --tls)");
  cmd->add_option("--from", a->from, "Sender: envelope (MAIL FROM) and From: header, 'Name <addr>' allowed");
  cmd->add_option("--to", a->to, "Recipient (repeatable): RCPT TO and To: header");
  cmd->add_option("--cc", a->cc, "Copy recipient (repeatable): RCPT TO and Cc: header");
  cmd->add_option("--bcc", a->bcc, "Hidden recipient (repeatable): RCPT TO only");
  cmd->add_option("--subject", a->subject, "Subject (UTF-8; non-ASCII becomes RFC 2047 encoded words)");
  cmd->add_option("--body", a->body, "Body text");
  cmd->add_option("--body-file", a->body_file, "Body text from FILE ('-' for stdin)");
  cmd->add_option("--html", a->html_file, "HTML alternative from FILE (multipart/alternative)");
  cmd->add_option("--attach", a->attach, "Attach FILE (repeatable; multipart/mixed, base64)");
  cmd->add_option("--header", a->headers, "Extra header \"Name: value\" (repeatable)");
  cmd->add_option("--data", a->data_file, "Send this RFC 5322 file as it is ('-' for stdin) instead of building one");
  cmd->add_option("--helo", a->helo, "EHLO/HELO domain (default localhost)");
  cmd->add_flag("--tls", a->tls, "Implicit TLS from the first byte (smtps/submissions, RFC 8314)");
  cmd->add_flag("--starttls", a->starttls, "STARTTLS, required (RFC 3207)");
  cmd->add_flag("--starttls-optional", a->starttls_optional, "STARTTLS when offered, else plain text");
  cmd->add_flag("-k,--insecure", a->insecure, "TLS: do not verify the server certificate");
  cmd->add_option("--cacert", a->cacert, "TLS: trust the CA certificates in this PEM file");
  cmd->add_option("--auth-user", a->auth_user, "AUTH user name (RFC 4954)");
  cmd->add_option("--auth-password", a->auth_password, "AUTH password");
  cmd->add_option("--auth,--auth-mech", a->auth_mech,
                  "AUTH mechanism: SCRAM-SHA-256, PLAIN or LOGIN (default: the first of these the server offers)");
  cmd->add_flag("--bdat", a->bdat, "BDAT (RFC 3030 CHUNKING) instead of DATA when the server offers it");
  cmd->add_flag("--no-pipelining", a->no_pipelining, "Wait for each reply even when PIPELINING is offered");
  cmd->add_option("--timeout", a->timeout, "One time limit for every step (default: RFC 5321 §4.5.3.2's, 2-10 min)");
  cmd->add_flag("-v,--verbose", a->verbose, "Print the dialogue on stderr: C: client, S: server (AUTH masked)");
  cmd->callback([a] {
    int code = ok;
    try {
      code = run(*a);
    } catch (const usage_error& e) {
      fmt::print(stderr, "l7 mail: {}\n", e.message);
      code = failed;
    } catch (const std::exception& e) {  // e.g. an unreadable --cacert (net/tls.hpp)
      fmt::print(stderr, "l7 mail: {}\n", e.what());
      code = failed;
    }
    std::fflush(stdout);
    if (code != ok) throw CLI::RuntimeError(code);
  });
  add_mail_fetch_command(*mail);
  add_mail_queue_command(*mail);
}

}  // namespace l7::cli
