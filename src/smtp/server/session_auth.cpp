// AUTH (RFC 4954) with SCRAM-SHA-256 (RFC 5802, RFC 7677), PLAIN (RFC 4616) and LOGIN.
#include <spdlog/spdlog.h>

#include "core/base64.hpp"
#include "core/sasl.hpp"
#include "core/scram.hpp"
#include "smtp/codec/error.hpp"
#include "smtp/codec/reply.hpp"
#include "smtp/server/session.hpp"

namespace l7::smtp::server {

bool session::auth_allowed() const {
  // RFC 4954 §4 and §6: plain-text mechanisms only under TLS, unless configured otherwise
  // (loopback: test pipelines talk to a local server without TLS).
  return io_.is_tls() || loopback_ || shared_.config.allow_insecure_auth;
}

net::awaitable<std::error_code> session::sasl_response(std::string_view challenge, std::string& response) {
  reply(334, "", challenge);
  if (auto ec = co_await io_.flush(shared_.config.command_timeout)) co_return ec;
  bool too_long = false;
  if (auto ec = co_await io_.read_line(response, too_long, shared_.config.command_timeout)) co_return ec;
  note("C: ", "(SASL response)");
  if (too_long) co_return make_error_code(error::line_too_long);
  co_return std::error_code{};
}

net::awaitable<bool> session::check_password(const std::string& user, const std::string& password) {
  if (shared_.config.auth_accept_any) co_return true;
  // yescrypt takes milliseconds of CPU: off the event loop.
  auto& accounts = shared_.accounts;
  auto check = [&accounts, user, password]() -> net::awaitable<bool> { co_return accounts.verify(user, password); };
  const bool ok = co_await asio::co_spawn(shared_.blocking.get_executor(), check, asio::use_awaitable);
  co_return ok;
}

net::awaitable<session::next> session::on_auth(std::string_view arg) {
  if (!esmtp_) {
    error_reply(503, "5.5.1", "Error: send EHLO first");
    co_return next::go_on;
  }
  if (!user_.empty() || in_mail_) {  // RFC 4954 §4
    error_reply(503, "5.5.1", in_mail_ ? "Error: MAIL transaction in progress" : "Error: already authenticated");
    co_return next::go_on;
  }
  if (!auth_allowed()) {  // RFC 4954 §6
    error_reply(538, "5.7.11", "Encryption required for requested authentication mechanism");
    co_return next::go_on;
  }
  std::string mechanism;
  std::optional<std::string> initial;
  if (parse_auth(arg, mechanism, initial)) {
    error_reply(501, "5.5.4", "Syntax: AUTH mechanism [initial-response]");
    co_return next::go_on;
  }
  if (mechanism == scram::mechanism_name) co_return co_await auth_scram(std::move(initial));
  if (mechanism != "PLAIN" && mechanism != "LOGIN") {
    error_reply(504, "5.5.4", "Unrecognized authentication type");
    co_return next::go_on;
  }
  std::string user, password, response;
  bool syntax_ok = true;
  if (mechanism == "PLAIN") {
    if (!initial) {
      if (auto ec = co_await sasl_response("", response)) co_return next::close;
      initial = response;
    }
    if (*initial == "*") {
      error_reply(501, "5.0.0", "Authentication aborted");
      co_return next::go_on;
    }
    auto creds = decode_plain(*initial == "=" ? "" : *initial);
    syntax_ok = creds.has_value();
    if (creds && !creds->authzid.empty() && creds->authzid != creds->authcid) syntax_ok = false;
    if (creds) {
      user = creds->authcid;
      password = creds->password;
    }
  } else {  // LOGIN: the user name may come as the initial response
    std::optional<std::string> name = initial ? decode_login_step(*initial) : std::nullopt;
    if (!initial) {
      if (auto ec = co_await sasl_response(login_user_challenge, response)) co_return next::close;
      if (response == "*") {
        error_reply(501, "5.0.0", "Authentication aborted");
        co_return next::go_on;
      }
      name = decode_login_step(response);
    }
    if (auto ec = co_await sasl_response(login_password_challenge, response)) co_return next::close;
    if (response == "*") {
      error_reply(501, "5.0.0", "Authentication aborted");
      co_return next::go_on;
    }
    auto pass = decode_login_step(response);
    syntax_ok = name && pass && !name->empty();
    if (syntax_ok) {
      user = *name;
      password = *pass;
    }
  }
  if (!syntax_ok) {
    error_reply(501, "5.5.2", "Cannot decode response");
    co_return next::go_on;
  }
  const bool ok = co_await check_password(user, password);
  co_return co_await auth_outcome(user, ok);
}

net::awaitable<session::next> session::auth_outcome(const std::string& user, bool ok, std::string_view detail) {
  const auto& cfg = shared_.config;
  if (ok) {
    user_ = user;
    shared_.auth_ok->inc();
    shared_.log->info("{}: authenticated as {}", remote_, user_);
    reply(235, "2.7.0", "Authentication successful");
    co_return next::go_on;
  }
  shared_.auth_failed->inc();
  ++auth_failures_;
  shared_.log->info("{}: failed AUTH as {} ({} of {})", remote_, user, auth_failures_, cfg.max_auth_failures);
  // A delay before the answer makes guessing slow (and the failure count closes the session).
  asio::steady_timer delay(worker_.executor(), cfg.auth_delay);
  (void)co_await delay.async_wait(net::use_tuple);
  if (auth_failures_ >= cfg.max_auth_failures) {
    reply(421, "4.7.0", cfg.hostname + " Error: too many failed authentications");
    co_await io_.flush_and_close();
    co_return next::close;
  }
  std::string text = "Authentication credentials invalid";
  if (!detail.empty()) text.append(" (").append(detail).append(")");
  reply(535, "5.7.8", text);
  co_return next::go_on;
}

// RFC 5802 §5 over RFC 4954 §4: client-first (initial response or after an empty 334),
// server-first in a 334, client-final, then server-final "v=" in a 334 answered by an empty
// line (SMTP has no additional data with success), then 235. A wrong proof is a failed
// login (delay, count); a malformed message is a 501 naming the RFC 5802 §7 "e=" value.
// The account's keys are a map lookup and the proof two HMACs and a SHA-256: no need for the
// blocking pool.
net::awaitable<session::next> session::auth_scram(std::optional<std::string> initial) {
  std::string response;
  auto next_message = [&](std::string_view challenge) -> net::awaitable<bool> {
    const std::string encoded = base64_encode(challenge);
    if (co_await sasl_response(encoded, response)) co_return false;
    co_return true;
  };
  auto malformed = [&](std::string_view what) {
    error_reply(501, "5.5.2", "Cannot decode response (" + std::string(what) + ")");
    return next::go_on;
  };
  if (!initial) {
    if (!co_await next_message("")) co_return next::close;
    initial = response;
  }
  if (*initial == "*") {
    error_reply(501, "5.0.0", "Authentication aborted");
    co_return next::go_on;
  }
  scram::server mech;
  auto decoded = base64_decode(*initial);
  if (!decoded) co_return malformed("e=invalid-encoding");
  if (auto ec = mech.client_first(*decoded)) co_return malformed("e=" + std::string(scram::server_error_value(ec)));
  const auto keys = shared_.scram.lookup(mech.user());
  const std::string first = mech.server_first(keys);
  if (!co_await next_message(first)) co_return next::close;
  if (response == "*") {
    error_reply(501, "5.0.0", "Authentication aborted");
    co_return next::go_on;
  }
  decoded = base64_decode(response);
  if (!decoded) co_return malformed("e=invalid-encoding");
  std::string final_message;
  const auto ec = mech.client_final(*decoded, final_message);
  if (ec == scram::error::invalid_proof) co_return co_await auth_outcome(mech.user(), false, final_message);
  if (ec) co_return malformed(final_message);
  if (!co_await next_message(final_message)) co_return next::close;
  if (!response.empty()) {  // "*": the client did not accept our signature
    error_reply(501, "5.0.0", "Authentication aborted");
    co_return next::go_on;
  }
  co_return co_await auth_outcome(mech.user(), true);
}

}  // namespace l7::smtp::server
