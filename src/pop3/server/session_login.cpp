// AUTHORIZATION state: USER/PASS (RFC 1939 §7), AUTH SCRAM-SHA-256/PLAIN/LOGIN (RFC 5034,
// RFC 5802, RFC 7677), STLS (RFC 2595).
#include <spdlog/spdlog.h>

#include "core/base64.hpp"
#include "core/sasl.hpp"
#include "core/scram.hpp"
#include "core/text.hpp"
#include "pop3/server/session.hpp"

namespace l7::pop3::server {

bool session::auth_allowed() const {
  // RFC 2595 §2.1: no plain-text passwords without TLS, unless configured (loopback may).
  return io_.is_tls() || loopback_ || shared_.config.allow_insecure_auth;
}

net::awaitable<session::next> session::on_user(std::string_view arg) {
  if (!auth_allowed()) {
    err("Plaintext authentication disallowed without TLS (use STLS)", resp_code::auth);
    co_return next::go_on;
  }
  if (arg.empty() || arg.size() > 64) {
    err("Syntax: USER name");
    co_return next::go_on;
  }
  pending_user_ = std::string(arg);
  ok("Send your password");
  co_return next::go_on;
}

net::awaitable<session::next> session::on_pass(std::string_view arg) {
  if (pending_user_.empty()) {
    err("Send USER first");
    co_return next::go_on;
  }
  const std::string user = std::exchange(pending_user_, {});
  const std::string password(arg);
  co_return co_await login(user, password);
}

net::awaitable<session::next> session::login(const std::string& user, const std::string& password) {
  auto& accounts = shared_.accounts;
  const bool verified = co_await shared_.blocking.call([&] { return accounts.verify(user, password); });
  co_return co_await login_outcome(user, verified);
}

net::awaitable<session::next> session::login_outcome(const std::string& user, bool verified, std::string_view detail) {
  const auto& cfg = shared_.config;
  if (verified) {
    if (auto ec = co_await open_maildrop(user)) {
      shared_.log->warn("{}: cannot open the maildrop of {}: {}", remote_, user, ec.message());
      err("Cannot open the maildrop, try again later", resp_code::sys_temp);
      co_return next::go_on;
    }
    shared_.logins_ok->inc();
    shared_.log->info("{}: {} logged in{}", remote_, user, io_.is_tls() ? " (TLS)" : "");
    std::uint64_t octets = 0;
    for (const auto& m : messages_) octets += m.size;
    ok("Logged in, " + std::to_string(messages_.size()) + " messages (" + std::to_string(octets) + " octets)");
    co_return next::go_on;
  }
  shared_.logins_failed->inc();
  ++failures_;
  shared_.log->info("{}: failed login as {} ({} of {})", remote_, user, failures_, cfg.max_login_failures);
  asio::steady_timer delay(worker_.executor(), cfg.login_delay);
  (void)co_await delay.async_wait(net::use_tuple);
  if (failures_ >= cfg.max_login_failures) {
    err("Too many failed logins", resp_code::auth);
    co_await io_.flush_and_close();
    co_return next::close;
  }
  std::string text = "Authentication failed";
  if (!detail.empty()) text.append(" (").append(detail).append(")");
  err(text, resp_code::auth);
  co_return next::go_on;
}

net::awaitable<std::error_code> session::sasl_response(std::string_view challenge, std::string& response) {
  io_.out().append("+ ").append(challenge).append("\r\n");  // RFC 5034 §4
  if (auto ec = co_await io_.flush(shared_.config.idle_timeout)) co_return ec;
  bool too_long = false;
  if (auto ec = co_await io_.read_line(response, too_long, shared_.config.idle_timeout)) co_return ec;
  if (too_long) response = "*";
  co_return std::error_code{};
}

net::awaitable<session::next> session::on_auth(std::string_view arg) {
  if (arg.empty()) {  // a list of mechanisms, as many clients probe for it
    io_.out() += "+OK\r\nSCRAM-SHA-256\r\nPLAIN\r\nLOGIN\r\n.\r\n";
    co_return next::go_on;
  }
  if (!auth_allowed()) {
    err("Plaintext authentication disallowed without TLS (use STLS)", resp_code::auth);
    co_return next::go_on;
  }
  auto words = split(arg, ' ');
  const std::string mechanism = to_upper(words[0]);
  std::optional<std::string> initial;
  if (words.size() == 2) initial = std::string(words[1]);
  if (words.size() <= 2 && mechanism == scram::mechanism_name) co_return co_await auth_scram(std::move(initial));
  if (words.size() > 2 || (mechanism != "PLAIN" && mechanism != "LOGIN")) {
    err("Unsupported authentication mechanism");
    co_return next::go_on;
  }
  std::string response, user, password;
  bool decoded = false;
  if (mechanism == "PLAIN") {
    if (!initial) {
      if (co_await sasl_response("", response)) co_return next::close;
      initial = response;
    }
    auto creds = *initial == "*" ? std::nullopt : decode_plain(*initial == "=" ? "" : *initial);
    decoded = creds && (creds->authzid.empty() || creds->authzid == creds->authcid);
    if (creds) {
      user = creds->authcid;
      password = creds->password;
    }
  } else {
    std::optional<std::string> name = initial ? decode_login_step(*initial) : std::nullopt;
    if (!initial) {
      if (co_await sasl_response(login_user_challenge, response)) co_return next::close;
      name = response == "*" ? std::nullopt : decode_login_step(response);
    }
    std::optional<std::string> pass;
    if (name) {
      if (co_await sasl_response(login_password_challenge, response)) co_return next::close;
      pass = response == "*" ? std::nullopt : decode_login_step(response);
    }
    decoded = name && pass && !name->empty();
    if (decoded) {
      user = *name;
      password = *pass;
    }
  }
  if (!decoded) {
    err("Authentication aborted or malformed");
    co_return next::go_on;
  }
  co_return co_await login(user, password);
}

// RFC 5802 §5 over RFC 5034 §4: client-first (initial response or after "+ "), server-first,
// client-final, then server-final "v=" as a last "+ " challenge answered by an empty line, then
// +OK. A wrong proof is a failed login (delay, count); a malformed message or "*" is -ERR with
// the RFC 5802 §7 "e=" value. Two HMACs and a SHA-256 per login: no blocking pool needed.
net::awaitable<session::next> session::auth_scram(std::optional<std::string> initial) {
  std::string response;
  auto exchange = [&](std::string_view message) -> net::awaitable<bool> {
    const std::string encoded = base64_encode(message);
    if (co_await sasl_response(encoded, response)) co_return false;
    co_return true;
  };
  auto refuse = [&](std::string_view why) {
    err("Authentication aborted or malformed (" + std::string(why) + ")");
    return next::go_on;
  };
  if (!initial) {
    if (!co_await exchange("")) co_return next::close;
    initial = response;
  }
  if (*initial == "*") co_return refuse("cancelled");
  scram::server mech;
  auto decoded = base64_decode(*initial);
  if (!decoded) co_return refuse("e=invalid-encoding");
  if (auto ec = mech.client_first(*decoded)) co_return refuse("e=" + std::string(scram::server_error_value(ec)));
  const auto keys = shared_.scram.lookup(mech.user());
  const std::string first = mech.server_first(keys);
  if (!co_await exchange(first)) co_return next::close;
  if (response == "*") co_return refuse("cancelled");
  decoded = base64_decode(response);
  if (!decoded) co_return refuse("e=invalid-encoding");
  std::string final_message;
  const auto ec = mech.client_final(*decoded, final_message);
  if (ec == scram::error::invalid_proof) co_return co_await login_outcome(mech.user(), false, final_message);
  if (ec) co_return refuse(final_message);
  if (!co_await exchange(final_message)) co_return next::close;
  if (!response.empty()) co_return refuse("cancelled");  // the client did not accept our signature
  co_return co_await login_outcome(mech.user(), true);
}

net::awaitable<session::next> session::on_stls(std::string_view arg) {
  if (!listener_.tls || io_.is_tls() || !arg.empty()) {
    err(io_.is_tls() ? "TLS already active" : "STLS not available");
    co_return next::go_on;
  }
  ok("Begin TLS negotiation");
  if (co_await io_.flush(shared_.config.idle_timeout)) co_return next::close;
  io_.discard_input();  // RFC 2595 §3.1: nothing sent before the handshake counts after it
  if (auto ec = co_await io_.start_tls(listener_.tls->native_handle(), shared_.config.idle_timeout)) {
    shared_.log->debug("{}: STLS handshake failed: {}", remote_, ec.message());
    io_.close();
    co_return next::close;
  }
  pending_user_.clear();
  co_return next::go_on;
}

}  // namespace l7::pop3::server
