#include "smtp/server/session.hpp"

#include <openssl/ssl.h>
#include <spdlog/spdlog.h>

#include "core/command_line.hpp"
#include "core/ip_address.hpp"
#include "smtp/codec/error.hpp"
#include "smtp/codec/reply.hpp"

namespace l7::smtp::server {
namespace {

constexpr std::size_t max_command_line = 4096;  // RFC 5321 §4.5.3.1.4 says 512; clients exceed it
constexpr std::size_t max_transcript = 64 * 1024;

}  // namespace

session::session(net::worker& w, std::unique_ptr<net::connection> c, shared_state& shared,
                 const net::line_listener& l, bool submission)
    : worker_(w), token_(w), shared_(shared), listener_(l), submission_(submission), io_(w, std::move(c), max_command_line) {
  const auto addr = net::to_ip(io_.conn().remote().address());
  remote_ = addr.to_string();
  loopback_ = addr.is_loopback();
  shared_.sessions->inc();
}

session::~session() {
  if (counted_) shared_.per_address.release(remote_);
  shared_.sessions->dec();
}

void session::note(std::string_view who, std::string_view line) {
  if (transcript_.size() < max_transcript) {
    transcript_.append(who);
    for (char c : line)  // a multi-line reply: one transcript line per reply line
      if (c != '\r') transcript_.push_back(c);
    transcript_.push_back('\n');
  }
  if (shared_.trace) shared_.trace->info("smtp {} {}{}", remote_, who, line);
}

void session::reply(int code, std::string_view enhanced, std::string_view text) {
  const auto start = io_.out().size();
  append_reply(io_.out(), code, enhanced, text);
  auto sent = std::string_view(io_.out()).substr(start);
  while (!sent.empty() && (sent.back() == '\n' || sent.back() == '\r')) sent.remove_suffix(1);
  note("S: ", sent);
}

void session::reply_lines(int code, const std::vector<std::string>& lines) {
  const auto start = io_.out().size();
  append_reply(io_.out(), code, "", lines);
  auto sent = std::string_view(io_.out()).substr(start);
  while (!sent.empty() && (sent.back() == '\n' || sent.back() == '\r')) sent.remove_suffix(1);
  note("S: ", sent);
}

void session::error_reply(int code, std::string_view enhanced, std::string_view text) {
  ++errors_;
  reply(code, enhanced, text);
}

void session::reset_transaction() {
  in_mail_ = false;
  from_ = {};
  rcpts_.clear();
  message_.clear();
  message_.shrink_to_fit();
  bdat_ = false;
  bdat_failed_ = false;
}

net::awaitable<void> session::goodbye(std::string_view text) {
  reply(421, "4.3.2", std::string(shared_.config.hostname) + " " + std::string(text));
  co_await io_.flush_and_close();
}

net::awaitable<void> session::run() {
  const auto& cfg = shared_.config;
  if (listener_.implicit_tls) {
    if (auto ec = co_await io_.start_tls(listener_.tls->native_handle(), cfg.command_timeout)) {
      shared_.log->debug("{}: TLS handshake failed: {}", remote_, ec.message());
      io_.close();
      co_return;
    }
  }
  counted_ = shared_.per_address.acquire(remote_);
  if (!counted_) {  // RFC 5321 §3.8: 421 and close
    reply(421, "4.7.0", cfg.hostname + " Too many connections from your address");
    co_await io_.flush_and_close();
    co_return;
  }
  reply(220, "", cfg.hostname + " ESMTP l7");
  std::string line;
  for (;;) {
    if (!io_.has_input()) {
      if (auto ec = co_await io_.flush(cfg.command_timeout)) break;
    }
    bool too_long = false;
    auto ec = co_await io_.read_line(line, too_long, cfg.command_timeout);
    if (ec == asio::error::timed_out) {
      co_await goodbye("Error: timeout exceeded");
      co_return;
    }
    if (ec == asio::error::shut_down) {
      co_await goodbye("Service shutting down, closing transmission channel");
      co_return;
    }
    if (ec) break;  // the client closed or the connection failed
    if (too_long) {
      note("C: ", "(line too long)");
      error_reply(500, "5.5.6", "Line too long");
    } else if (co_await command(line) == next::close) {
      co_return;
    }
    if (errors_ >= cfg.max_errors) {
      reply(421, "4.7.0", cfg.hostname + " Error: too many errors");
      co_await io_.flush_and_close();
      co_return;
    }
  }
  io_.close();
}

net::awaitable<session::next> session::command(std::string_view line) {
  auto cmd = split_command(line, 8);
  const auto v = cmd ? verb_of(cmd->verb) : verb::unknown;
  note("C: ", v == verb::auth ? std::string_view(line).substr(0, std::min<std::size_t>(line.size(), 10)) : line);
  const std::string_view arg = cmd ? cmd->argument : std::string_view{};
  switch (v) {
    case verb::helo:
    case verb::ehlo: on_hello(arg, v); break;
    case verb::mail: on_mail(arg); break;
    case verb::rcpt: on_rcpt(arg); break;
    case verb::data: co_return co_await on_data(arg);
    case verb::bdat: co_return co_await on_bdat(arg);
    case verb::rset:
      if (!arg.empty()) { error_reply(501, "5.5.4", "Syntax: RSET"); break; }
      reset_transaction();
      reply(250, "2.0.0", "Ok");
      break;
    case verb::noop: reply(250, "2.0.0", "Ok"); break;
    case verb::quit:
      reply(221, "2.0.0", "Bye");
      co_await io_.flush_and_close();
      co_return next::close;
    case verb::starttls: co_return co_await on_starttls(arg);
    case verb::auth: co_return co_await on_auth(arg);
    case verb::vrfy: on_vrfy(arg); break;
    case verb::expn: error_reply(502, "5.5.1", "EXPN not available"); break;
    case verb::help: on_help(); break;
    case verb::lhlo:
    case verb::unknown: error_reply(500, "5.5.2", "Error: command not recognized"); break;
  }
  co_return next::go_on;
}

void session::on_hello(std::string_view arg, verb v) {
  if (!valid_helo(arg)) {
    error_reply(501, "5.5.4", v == verb::ehlo ? "Syntax: EHLO hostname" : "Syntax: HELO hostname");
    return;
  }
  reset_transaction();  // §4.1.4: EHLO is also a reset
  helo_ = std::string(arg);
  esmtp_ = v == verb::ehlo;
  const auto& cfg = shared_.config;
  if (!esmtp_) {
    reply(250, "", cfg.hostname);
    return;
  }
  std::vector<std::string> lines{cfg.hostname + " greets " + helo_,
                                 "SIZE " + std::to_string(cfg.max_message_size),
                                 "PIPELINING", "8BITMIME", "SMTPUTF8", "CHUNKING", "BINARYMIME",
                                 "DSN", "ENHANCEDSTATUSCODES"};
  if (listener_.tls && !io_.is_tls()) lines.emplace_back("STARTTLS");
  // SCRAM cannot accept any password (it must prove it knows the keys): not offered when
  // auth_accept_any lets every name and password in through PLAIN and LOGIN.
  if (auth_allowed() && user_.empty())
    lines.emplace_back(cfg.auth_accept_any ? "AUTH PLAIN LOGIN" : "AUTH SCRAM-SHA-256 PLAIN LOGIN");
  lines.emplace_back("HELP");
  reply_lines(250, lines);
}

void session::on_vrfy(std::string_view arg) {
  if (arg.empty()) {
    error_reply(501, "5.5.4", "Syntax: VRFY address");
    return;
  }
  // RFC 5321 §3.5.3: 252 when the server will not say, rather than a lie either way.
  if (!shared_.config.vrfy) {
    reply(252, "2.5.0", "Cannot VRFY user, but will accept message and attempt delivery");
    return;
  }
  mailbox m;
  std::string name(arg);
  if (!name.empty() && name.front() == '<' && name.back() == '>') name = name.substr(1, name.size() - 2);
  if (!parse_mailbox(name, true, m)) name = m.local;
  if (shared_.accounts.exists(name)) reply(250, "2.1.5", "<" + std::string(arg) + ">");
  else reply(550, "5.1.1", "User unknown");
}

void session::on_help() {
  reply_lines(214, {"2.0.0 Commands: HELO EHLO MAIL RCPT DATA BDAT RSET NOOP QUIT VRFY HELP STARTTLS AUTH",
                    "2.0.0 See RFC 5321; this server is l7 (docs/mail.md)"});
}

net::awaitable<session::next> session::on_starttls(std::string_view arg) {
  if (!listener_.tls || io_.is_tls()) {
    error_reply(503, "5.5.1", io_.is_tls() ? "TLS already active" : "STARTTLS not available");
    co_return next::go_on;
  }
  if (!arg.empty()) {
    error_reply(501, "5.5.4", "Syntax: STARTTLS");
    co_return next::go_on;
  }
  reply(220, "2.0.0", "Ready to start TLS");
  if (auto ec = co_await io_.flush(shared_.config.command_timeout)) {
    io_.close();
    co_return next::close;
  }
  io_.discard_input();  // RFC 3207 §6: nothing sent before the handshake counts after it
  if (auto ec = co_await io_.start_tls(listener_.tls->native_handle(), shared_.config.command_timeout)) {
    shared_.log->debug("{}: STARTTLS handshake failed: {}", remote_, ec.message());
    io_.close();
    co_return next::close;
  }
  reset_transaction();  // RFC 3207 §4.2: back to the state after the greeting
  helo_.clear();
  esmtp_ = false;
  user_.clear();
  co_return next::go_on;
}

}  // namespace l7::smtp::server
