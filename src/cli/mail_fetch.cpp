// `l7 mail fetch`: a POP3 (src/pop3/client) and IMAP (src/imap/client) client. `list` prints a
// summary line per message, `get` writes messages as stored, `delete` removes them, `--idle`
// (IMAP) prints a summary line for each message that arrives.
// Exit codes (as `l7 mail send`): 0 ok, 1 the server refused something (a login, a mailbox, a
// message id), 2 connection, TLS, timeout, local file or usage error, and a server that fails
// SCRAM's proof (wrong or missing "v="): like a certificate that does not verify, it says the
// peer may not be the server it claims to be, not that it refused us.
#include <algorithm>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "app/config.hpp"
#include "cli/commands.hpp"
#include "core/text.hpp"
#include "imap/client/error.hpp"
#include "imap/client/session.hpp"
#include "mail/codec/address.hpp"
#include "mail/codec/date.hpp"
#include "mail/codec/encoded_word.hpp"
#include "mail/codec/header.hpp"
#include "pop3/client/error.hpp"
#include "pop3/client/session.hpp"

namespace l7::cli {
namespace {

namespace ic = l7::imap::client;
namespace pc = l7::pop3::client;

enum exit_code { ok = 0, refused = 1, failed = 2 };

struct fetch_args {
  bool pop3 = false, imap = false;
  std::string server;
  bool tls = false, starttls = false, insecure = false;
  std::string cacert, user, password, folder = "INBOX", out_dir, auth, timeout;
  bool idle = false, verbose = false;
  unsigned count = 0;
  std::vector<std::string> words;  // list | get ID... | delete ID...
};

struct usage_error {
  std::string message;
};

enum class action { list, get, remove, idle };

struct endpoint {
  std::string host;
  std::uint16_t port = 0;
};

// HOST, HOST:PORT, [V6]:PORT or a bare IPv6 address.
endpoint parse_endpoint(const std::string& text, std::uint16_t default_port) {
  endpoint e{text, default_port};
  std::string port;
  if (text.starts_with('[')) {
    const auto close = text.find(']');
    if (close == std::string::npos || (close + 1 < text.size() && text[close + 1] != ':'))
      throw usage_error{"--server: expected [IPv6]:PORT"};
    e.host = text.substr(1, close - 1);
    if (close + 1 < text.size()) port = text.substr(close + 2);
  } else if (std::count(text.begin(), text.end(), ':') == 1) {
    e.host = text.substr(0, text.find(':'));
    port = text.substr(text.find(':') + 1);
  }
  if (e.host.empty()) throw usage_error{"--server: empty host"};
  if (port.empty()) return e;
  const auto n = parse_uint(port);
  if (!n || *n == 0 || *n > 65535) throw usage_error{fmt::format("--server: bad port '{}'", port)};
  e.port = static_cast<std::uint16_t>(*n);
  return e;
}

// Printable on one line of a tab-separated listing.
std::string one_line(std::string_view s) {
  std::string out;
  for (char c : s) out += (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) ? ' ' : c;
  return std::string(trim_ows(out));
}

// "ID<TAB>SIZE<TAB>DATE<TAB>FROM<TAB>SUBJECT" from the header fields of a message.
std::string summary_line(std::string_view id, std::uint64_t size, std::string_view header) {
  std::error_code ec;
  const auto h = mail::parse_header_section(header, mail::header_limits{}, ec);
  std::string date = "-";
  if (auto d = mail::parse_date_time(h.value("Date"))) {
    const std::time_t local = static_cast<std::time_t>(d->utc + d->offset_minutes * 60);
    std::tm tm{};
    gmtime_r(&local, &tm);
    const int off = d->offset_minutes < 0 ? -d->offset_minutes : d->offset_minutes;
    date = fmt::format("{:04}-{:02}-{:02} {:02}:{:02} {}{:02}{:02}", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                       tm.tm_hour, tm.tm_min, d->offset_minutes < 0 ? '-' : '+', off / 60, off % 60);
  }
  std::string from = "-";
  const auto senders = mail::parse_mailboxes(h.value("From"));
  if (!senders.empty()) {
    const auto name = mail::decode_encoded_words(senders[0].name);
    from = name.empty() ? senders[0].addr_spec() : fmt::format("{} <{}>", name, senders[0].addr_spec());
  }
  const auto subject = mail::decode_encoded_words(h.value("Subject"));
  return fmt::format("{}\t{}\t{}\t{}\t{}", id, size, date, one_line(from), one_line(subject));
}

void print_summary(std::string_view id, std::uint64_t size, std::string_view header) {
  fmt::print("{}\n", summary_line(id, size, header));
  std::fflush(stdout);
}

// Writes a message to stdout, or to DIR/ID.eml with -o.
void write_message(const fetch_args& a, std::string_view id, std::string_view bytes) {
  if (a.out_dir.empty()) {
    std::fwrite(bytes.data(), 1, bytes.size(), stdout);
    std::fflush(stdout);
    return;
  }
  const auto path = std::filesystem::path(a.out_dir) / fmt::format("{}.eml", id);
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!out.flush()) throw usage_error{fmt::format("{}: cannot write", path.string())};
  fmt::print(stderr, "l7 mail: wrote {} ({} bytes)\n", path.string(), bytes.size());
}

std::vector<std::uint32_t> parse_ids(const std::vector<std::string>& words, const char* what) {
  std::vector<std::uint32_t> ids;
  for (std::size_t i = 1; i < words.size(); ++i) {
    const auto n = parse_uint(words[i]);
    if (!n || *n == 0 || *n > 0xffffffffu || words[i].size() > 10)
      throw usage_error{fmt::format("'{}': expected a {} (a number from `list`)", words[i], what)};
    ids.push_back(static_cast<std::uint32_t>(*n));
  }
  if (ids.empty()) throw usage_error{"expected at least one message id"};
  return ids;
}

template <typename Kind>
std::function<void(Kind, std::string_view)> tracer(bool verbose) {
  if (!verbose) return {};
  return [](Kind k, std::string_view line) {
    const char* prefix = k == Kind::client ? "C: " : k == Kind::server ? "S: " : "* ";
    fmt::print(stderr, "{}{}\n", prefix, line);
  };
}

// ------------------------------------------------------------------------------------ POP3

int pop3_error(const pc::status& st) {
  fmt::print(stderr, "l7 mail: {}\n", st.message());
  return st.rejected() ? refused : failed;
}

net::awaitable<int> pop3_run(const fetch_args& a, action what, pc::options o) {
  auto ex = co_await asio::this_coro::executor;
  pc::session s(ex, std::move(o));
  auto st = co_await s.connect();
  if (!st.ok()) {
    const int code = pop3_error(st);
    co_await s.quit();
    co_return code;
  }
  int code = ok;
  if (what == action::list) {
    auto [lst, items] = co_await s.list();
    if (!lst.ok()) code = pop3_error(lst);
    const bool top = !s.server_capabilities().known || s.server_capabilities().top;
    for (const auto& item : items) {
      if (code != ok) break;
      std::string header;
      if (top) {
        auto [tst, text] = co_await s.top(item.number, 0);
        if (!tst.ok()) {
          code = pop3_error(tst);
          break;
        }
        header = std::move(text);
      }
      print_summary(std::to_string(item.number), item.size, header);
    }
  } else if (what == action::get) {
    for (auto n : parse_ids(a.words, "message number")) {
      auto [rst, body] = co_await s.retr(n);
      if (!rst.ok()) {
        code = std::max(code, pop3_error(rst));
        if (!rst.rejected()) break;
        continue;
      }
      write_message(a, std::to_string(n), body);
    }
  } else {
    std::size_t marked = 0;
    for (auto n : parse_ids(a.words, "message number")) {
      auto dst = co_await s.dele(n);
      if (!dst.ok()) {
        code = std::max(code, pop3_error(dst));
        if (!dst.rejected()) break;
        continue;
      }
      ++marked;
    }
    // RFC 1939 §6: the deletions happen when QUIT is answered +OK.
    auto qst = co_await s.quit();
    if (!qst.ok()) co_return std::max(code, pop3_error(qst));
    fmt::print(stderr, "l7 mail: deleted {} message{}\n", marked, marked == 1 ? "" : "s");
    co_return code;
  }
  co_await s.quit();
  co_return code;
}

// ------------------------------------------------------------------------------------ IMAP

constexpr std::string_view summary_items = "(UID RFC822.SIZE BODY.PEEK[HEADER.FIELDS (DATE FROM SUBJECT)])";

int imap_error(const ic::status& st) {
  fmt::print(stderr, "l7 mail: {}\n", st.message());
  return st.rejected() ? refused : failed;
}

void print_fetched(std::vector<ic::fetch_data>& got, std::uint32_t from_uid) {
  std::sort(got.begin(), got.end(), [](const auto& x, const auto& y) { return *x.uid < *y.uid; });
  for (const auto& f : got)
    if (*f.uid >= from_uid) print_summary(std::to_string(*f.uid), f.size.value_or(0), f.header_fields.value_or(""));
}

net::awaitable<int> imap_list(ic::session& s) {
  if (s.mailbox().exists == 0) co_return ok;
  std::string set = "1:*", items(summary_items);
  auto [st, got] = co_await s.uid_fetch(set, items);
  if (!st.ok()) co_return imap_error(st);
  print_fetched(got, 0);
  co_return ok;
}

net::awaitable<int> imap_get(const fetch_args& a, ic::session& s) {
  const auto ids = parse_ids(a.words, "UID");
  std::string set = ic::sequence_set_text(ids), items = "(UID BODY.PEEK[])";
  auto [st, got] = co_await s.uid_fetch(set, items, true);
  if (!st.ok()) co_return imap_error(st);
  std::map<std::uint32_t, const ic::fetch_data*> by_uid;
  for (const auto& f : got)
    if (f.body) by_uid[*f.uid] = &f;
  int code = ok;
  for (auto uid : ids) {
    auto it = by_uid.find(uid);
    if (it == by_uid.end()) {
      fmt::print(stderr, "l7 mail: no message with UID {} in {}\n", uid, a.folder);
      code = refused;
      continue;
    }
    write_message(a, std::to_string(uid), *it->second->body);
  }
  co_return code;
}

net::awaitable<int> imap_delete(const fetch_args& a, ic::session& s) {
  const auto ids = parse_ids(a.words, "UID");
  std::string criteria = "UID " + ic::sequence_set_text(ids);
  auto [st, found] = co_await s.uid_search(criteria);
  if (!st.ok()) co_return imap_error(st);
  int code = ok;
  for (auto uid : ids)
    if (std::find(found.begin(), found.end(), uid) == found.end()) {
      fmt::print(stderr, "l7 mail: no message with UID {} in {}\n", uid, a.folder);
      code = refused;
    }
  if (found.empty()) co_return code;
  auto dst = co_await s.delete_messages(ic::sequence_set_text(found));
  if (!dst.ok()) co_return imap_error(dst);
  fmt::print(stderr, "l7 mail: deleted {} message{}\n", found.size(), found.size() == 1 ? "" : "s");
  co_return code;
}

// IDLE (RFC 2177) until Ctrl-C or --count new messages: each new one is fetched (by UID, from
// the UIDNEXT known before) and printed as a summary line.
net::awaitable<int> imap_idle(const fetch_args& a, ic::session& s, bool& interrupted) {
  std::uint32_t next = s.mailbox().uid_next.value_or(0);
  if (next == 0) {
    std::string all = "ALL";
    auto [st, uids] = co_await s.uid_search(all);
    if (!st.ok()) co_return imap_error(st);
    next = uids.empty() ? 1 : *std::max_element(uids.begin(), uids.end()) + 1;
  }
  fmt::print(stderr, "l7 mail: idling in {} ({} messages, next UID {}); Ctrl-C stops\n", a.folder,
             s.mailbox().exists, next);
  unsigned seen = 0;
  while (!interrupted) {
    if (!s.server_capabilities().has("IDLE")) {
      fmt::print(stderr, "l7 mail: the server does not offer IDLE (RFC 2177)\n");
      co_return failed;
    }
    auto [st, r] = co_await s.idle();
    if (!st.ok()) co_return imap_error(st);
    if (interrupted || (r.stopped && !r.exists_grew)) break;
    if (!r.exists_grew) continue;  // expunges, or the periodic renewal
    std::string set = fmt::format("{}:*", next), items(summary_items);
    auto [fst, got] = co_await s.uid_fetch(set, items);
    if (!fst.ok()) co_return imap_error(fst);
    std::erase_if(got, [next](const auto& f) { return *f.uid < next; });
    print_fetched(got, next);
    for (const auto& f : got) next = std::max(next, *f.uid + 1);
    seen += static_cast<unsigned>(got.size());
    if (a.count && seen >= a.count) break;
  }
  co_return ok;
}

net::awaitable<int> imap_run(const fetch_args& a, action what, ic::options o) {
  auto ex = co_await asio::this_coro::executor;
  ic::session s(ex, std::move(o));
  bool interrupted = false;
  asio::signal_set signals(ex, SIGINT, SIGTERM);
  signals.async_wait([&](std::error_code e, int) {
    if (e) return;
    interrupted = true;
    s.stop_idle();
  });
  auto st = co_await s.connect();
  if (!st.ok()) {
    const int code = imap_error(st);
    co_await s.logout();
    co_return code;
  }
  auto [sst, box] = co_await s.select(a.folder, what != action::remove);
  int code = ok;
  if (!sst.ok()) code = imap_error(sst);
  else if (what == action::list) code = co_await imap_list(s);
  else if (what == action::get) code = co_await imap_get(a, s);
  else if (what == action::remove) code = co_await imap_delete(a, s);
  else code = co_await imap_idle(a, s, interrupted);
  signals.cancel();
  co_await s.logout();
  co_return code;
}

// ------------------------------------------------------------------------------------ setup

action check_args(const fetch_args& a) {
  if (a.pop3 && a.imap) throw usage_error{"--pop3 and --imap exclude each other"};
  if (a.tls && a.starttls) throw usage_error{"--tls and --starttls exclude each other"};
  if (a.user.empty()) throw usage_error{"-u/--user is required"};
  if (a.count && !a.idle) throw usage_error{"--count goes with --idle"};
  if (a.idle) {
    if (!a.words.empty()) throw usage_error{"--idle takes no list/get/delete"};
    if (a.pop3) throw usage_error{"--idle needs IMAP (RFC 2177); POP3 has no way to be told of new mail"};
    return action::idle;
  }
  if (a.words.empty()) throw usage_error{"expected list, get ID... or delete ID..."};
  const auto& w = a.words[0];
  if (w == "list") {
    if (a.words.size() > 1) throw usage_error{"list takes no ids"};
    return action::list;
  }
  if (w == "get" || w == "delete") {
    (void)parse_ids(a.words, a.pop3 ? "message number" : "UID");
    return w == "get" ? action::get : action::remove;
  }
  throw usage_error{fmt::format("'{}': expected list, get or delete", w)};
}

std::string password_of(const fetch_args& a) {
  if (!a.password.empty()) return a.password;
  if (const char* env = std::getenv("L7_MAIL_PASSWORD")) return env;
  throw usage_error{"-p/--password (or L7_MAIL_PASSWORD) is required"};
}

std::optional<std::chrono::milliseconds> timeout_of(const fetch_args& a) {
  if (a.timeout.empty()) return std::nullopt;
  const auto t = app::parse_duration(a.timeout);
  if (!t) throw usage_error{"--timeout: expected a duration like 500ms, 10s or 2m"};
  return t;
}

pc::options pop3_options(const fetch_args& a) {
  pc::options o;
  const auto e = parse_endpoint(a.server.empty() ? "127.0.0.1" : a.server, a.tls ? 2995 : 2110);
  o.host = e.host;
  o.port = e.port;
  o.tls = a.tls ? pc::tls_mode::implicit : a.starttls ? pc::tls_mode::stls : pc::tls_mode::off;
  o.insecure = a.insecure;
  if (!a.cacert.empty()) o.ca_file = a.cacert;
  o.user = a.user;
  o.password = password_of(a);
  if (iequals(a.auth, "SCRAM-SHA-256")) o.auth = pc::auth_mode::scram;
  else if (iequals(a.auth, "PLAIN")) o.auth = pc::auth_mode::plain;
  else if (iequals(a.auth, "USER")) o.auth = pc::auth_mode::user;
  else if (!a.auth.empty()) throw usage_error{"--auth for POP3: SCRAM-SHA-256, PLAIN or USER"};
  if (auto t = timeout_of(a)) o.limits = pc::timeouts::all(*t);
  o.trace = tracer<pc::trace_kind>(a.verbose);
  return o;
}

ic::options imap_options(const fetch_args& a) {
  ic::options o;
  const auto e = parse_endpoint(a.server.empty() ? "127.0.0.1" : a.server, a.tls ? 2993 : 2143);
  o.host = e.host;
  o.port = e.port;
  o.tls = a.tls ? ic::tls_mode::implicit : a.starttls ? ic::tls_mode::starttls : ic::tls_mode::off;
  o.insecure = a.insecure;
  if (!a.cacert.empty()) o.ca_file = a.cacert;
  o.user = a.user;
  o.password = password_of(a);
  if (iequals(a.auth, "SCRAM-SHA-256")) o.auth = ic::auth_mode::scram;
  else if (iequals(a.auth, "PLAIN")) o.auth = ic::auth_mode::plain;
  else if (iequals(a.auth, "LOGIN")) o.auth = ic::auth_mode::login;
  else if (!a.auth.empty()) throw usage_error{"--auth for IMAP: SCRAM-SHA-256, PLAIN or LOGIN"};
  if (auto t = timeout_of(a)) o.limits = ic::timeouts::all(*t);
  o.trace = tracer<ic::trace_kind>(a.verbose);
  return o;
}

int run(const fetch_args& a) {
  const auto what = check_args(a);
  if (!a.out_dir.empty() && !std::filesystem::is_directory(a.out_dir))
    throw usage_error{fmt::format("-o {}: not a directory", a.out_dir)};
  std::signal(SIGPIPE, SIG_IGN);
  asio::io_context io;
  int code = ok;
  auto done = [&code, &io](std::exception_ptr e, int c) {
    if (e) std::rethrow_exception(e);
    code = c;
    io.stop();
  };
  if (a.pop3) asio::co_spawn(io, pop3_run(a, what, pop3_options(a)), done);
  else asio::co_spawn(io, imap_run(a, what, imap_options(a)), done);
  io.run();
  return code;
}

}  // namespace

void add_mail_fetch_command(CLI::App& mail) {
  auto a = std::make_shared<fetch_args>();
  auto* cmd = mail.add_subcommand("fetch", "Read a mailbox over IMAP (default) or POP3: list, get, delete, --idle");
  cmd->footer("l7 mail fetch [--pop3] [-s HOST:PORT] [--tls|--starttls] -u USER -p PASS [--folder F]\n"
              "  list | get ID... [-o DIR] | delete ID... | --idle [--count N]\n"
              "list prints ID<TAB>SIZE<TAB>DATE<TAB>FROM<TAB>SUBJECT: ID is the UID (IMAP) or the\n"
              "message number (POP3). Exit codes: 0 ok, 1 refused by the server (login, folder,\n"
              "unknown id), 2 connection, TLS, timeout or usage error, or a server that fails\n"
              "SCRAM-SHA-256's proof (it does not know the password: possibly an impostor).");
  cmd->add_flag("--pop3", a->pop3, "POP3 (RFC 1939): default port 2110, 2995 with --tls");
  cmd->add_flag("--imap", a->imap, "IMAP (RFC 9051/3501), the default: port 2143, 2993 with --tls");
  cmd->add_option("-s,--server", a->server, "HOST[:PORT] or [IPv6]:PORT (default 127.0.0.1)");
  cmd->add_flag("--tls", a->tls, "Implicit TLS from the first byte (imaps/pop3s, RFC 8314)");
  cmd->add_flag("--starttls", a->starttls, "STARTTLS (IMAP) / STLS (POP3), required");
  cmd->add_flag("-k,--insecure", a->insecure, "TLS: do not verify the server certificate");
  cmd->add_option("--cacert", a->cacert, "TLS: trust the CA certificates in this PEM file");
  cmd->add_option("-u,--user", a->user, "User name");
  cmd->add_option("-p,--password", a->password, "Password (or the environment variable L7_MAIL_PASSWORD)");
  cmd->add_option("--auth", a->auth,
                  "IMAP: SCRAM-SHA-256, PLAIN or LOGIN; POP3: SCRAM-SHA-256, PLAIN or USER (default: the first "
                  "of SCRAM-SHA-256, PLAIN offered)");
  cmd->add_option("--folder", a->folder, "IMAP mailbox (default INBOX)");
  cmd->add_option("-o,--output-dir", a->out_dir, "get: write each message to DIR/ID.eml instead of stdout");
  cmd->add_flag("--idle", a->idle, "IMAP: wait for new messages (IDLE) and print a line for each");
  cmd->add_option("--count", a->count, "--idle: stop after N new messages");
  cmd->add_option("--timeout", a->timeout, "One time limit for every step (default 2 min, 10 min for messages)");
  cmd->add_flag("-v,--verbose", a->verbose, "Print the dialogue on stderr: C: client, S: server (passwords masked)");
  cmd->add_option("action", a->words, "list | get ID... | delete ID...");
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
}

}  // namespace l7::cli
