#include "pop3/server/session.hpp"

#include <spdlog/spdlog.h>

#include "core/command_line.hpp"
#include "mail/store/folder.hpp"

namespace l7::pop3::server {
namespace {

constexpr std::size_t max_command_line = 1024;  // RFC 2449 §4: 255 octets; SASL responses are longer

}  // namespace

session::session(net::worker& w, std::unique_ptr<net::connection> c, shared_state& shared,
                 const net::line_listener& l)
    : worker_(w), token_(w), shared_(shared), listener_(l), io_(w, std::move(c), max_command_line) {
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
  if (shared_.trace) shared_.trace->info("pop3 {} {}{}", remote_, who, line);
}

void session::ok(std::string_view text) {
  append_ok(io_.out(), text);
  note("S: +OK ", text);
}

void session::err(std::string_view text, resp_code code) {
  append_err(io_.out(), text, code);
  note("S: -ERR ", text);
}

net::awaitable<void> session::goodbye(std::string_view text) {
  err(text, resp_code::sys_temp);
  co_await io_.flush_and_close();
}

net::awaitable<void> session::run() {
  const auto& cfg = shared_.config;
  if (listener_.implicit_tls) {
    if (auto ec = co_await io_.start_tls(listener_.tls->native_handle(), cfg.idle_timeout)) {
      shared_.log->debug("{}: TLS handshake failed: {}", remote_, ec.message());
      io_.close();
      co_return;
    }
  }
  counted_ = shared_.per_address.acquire(remote_);
  if (!counted_) {
    err("Too many connections from your address", resp_code::in_use);
    co_await io_.flush_and_close();
    co_return;
  }
  ok(cfg.greeting);
  std::string line;
  for (;;) {
    if (!io_.has_input()) {
      if (auto ec = co_await io_.flush(cfg.idle_timeout)) break;
    }
    bool too_long = false;
    auto ec = co_await io_.read_line(line, too_long, cfg.idle_timeout);
    if (ec == asio::error::timed_out) {  // RFC 1939 §3: autologout, no UPDATE
      co_await goodbye("Autologout; idle for too long");
      co_return;
    }
    if (ec == asio::error::shut_down) {
      co_await goodbye("Server shutting down");
      co_return;
    }
    if (ec) break;
    if (too_long) {
      err("Line too long");
      continue;
    }
    if (co_await command(line) == next::close) co_return;
  }
  io_.close();
}

net::awaitable<session::next> session::command(std::string_view line) {
  auto cmd = split_command(line, 8);
  const auto v = cmd ? verb_of(cmd->verb) : verb::unknown;
  note("C: ", v == verb::pass ? "PASS ****" : (v == verb::auth ? std::string_view("AUTH ...") : line));
  const std::string_view arg = cmd ? cmd->argument : std::string_view{};
  if (v == verb::quit) co_return co_await on_quit();
  if (v == verb::capa) {
    on_capa();
    co_return next::go_on;
  }
  if (v == verb::noop && !user_.empty()) {
    ok("");
    co_return next::go_on;
  }
  if (user_.empty()) {  // AUTHORIZATION (§4)
    switch (v) {
      case verb::user: co_return co_await on_user(arg);
      case verb::pass: co_return co_await on_pass(arg);
      case verb::auth: co_return co_await on_auth(arg);
      case verb::stls: co_return co_await on_stls(arg);
      case verb::apop: err("APOP is not supported (passwords are stored hashed); use USER/PASS or AUTH"); break;
      case verb::unknown: err("Unknown command"); break;
      default: err("Not allowed before login"); break;
    }
    co_return next::go_on;
  }
  switch (v) {  // TRANSACTION (§5)
    case verb::stat: on_stat(); break;
    case verb::list: on_list(arg, false); break;
    case verb::uidl: on_list(arg, true); break;
    case verb::retr: co_return co_await on_retr(arg, false);
    case verb::top: co_return co_await on_retr(arg, true);
    case verb::dele: on_dele(arg); break;
    case verb::rset: on_rset(); break;
    case verb::unknown: err("Unknown command"); break;
    default: err("Not allowed after login"); break;
  }
  co_return next::go_on;
}

void session::on_capa() {  // RFC 2449 §5
  std::string& out = io_.out();
  out += "+OK Capability list follows\r\n";
  out += "TOP\r\nUIDL\r\nRESP-CODES\r\nAUTH-RESP-CODE\r\nPIPELINING\r\nEXPIRE NEVER\r\n";
  out += "LOGIN-DELAY 0\r\nIMPLEMENTATION l7\r\n";
  if (user_.empty()) {
    if (auth_allowed()) out += "USER\r\nSASL SCRAM-SHA-256 PLAIN LOGIN\r\n";
    if (listener_.tls && !io_.is_tls()) out += "STLS\r\n";
  }
  out += ".\r\n";
  note("S: ", "+OK Capability list follows");
}

}  // namespace l7::pop3::server
