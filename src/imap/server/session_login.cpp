// Not authenticated state (RFC 9051 §6.2): STARTTLS, AUTHENTICATE (SCRAM-SHA-256 of RFC 5802
// and RFC 7677, PLAIN, LOGIN; SASL-IR, RFC 4959), LOGIN; the delay after a failed login and the
// limit on failures.
#include <spdlog/spdlog.h>

#include "core/base64.hpp"
#include "core/sasl.hpp"
#include "core/scram.hpp"
#include "core/text.hpp"
#include "imap/server/session.hpp"
#include "mail/store/account.hpp"
#include "mail/store/store.hpp"

namespace l7::imap::server {

bool session::auth_allowed() const {
  // RFC 9051 §6.2.3 / §11.1: no clear-text passwords without TLS unless configured
  // (loopback may: test pipelines talk to a local server).
  return io_.is_tls() || loopback_ || shared_.config.allow_insecure_auth;
}

net::awaitable<session::next> session::on_starttls(const command& cmd) {
  if (!listener_.tls || io_.is_tls()) {
    bad(cmd, io_.is_tls() ? "TLS is already active" : "STARTTLS is not available here");
    co_return next::go_on;
  }
  ok(cmd, "Begin TLS negotiation now");
  io_.out() += tagged_line_;
  tagged_line_.clear();
  if (co_await io_.flush(shared_.config.login_timeout)) co_return next::close;
  // RFC 9051 §6.2.1: what the client sent after STARTTLS and before the handshake is not
  // read as if it came over TLS.
  io_.discard_input();
  reader_.reset();
  if (auto ec = co_await io_.start_tls(listener_.tls->native_handle(), shared_.config.login_timeout)) {
    shared_.log->debug("{}: STARTTLS handshake failed: {}", remote_, ec.message());
    io_.close();
    co_return next::close;
  }
  co_return next::go_on;
}

net::awaitable<session::next> session::on_login(const command& cmd) {
  const auto& args = std::get<imap::login>(cmd.args);
  if (!auth_allowed()) {
    no(cmd, "Plaintext authentication disallowed without TLS (use STARTTLS)", "PRIVACYREQUIRED");
    co_return next::go_on;
  }
  co_return co_await login(cmd, args.user, args.password);
}

net::awaitable<session::next> session::login(const command& cmd, const std::string& user, const std::string& password) {
  auto& accounts = shared_.accounts;
  const bool verified = co_await shared_.blocking.call([&] { return accounts.verify(user, password); });
  co_return co_await login_outcome(cmd, user, verified);
}

net::awaitable<session::next> session::login_outcome(const command& cmd, const std::string& user, bool verified,
                                                     std::string_view detail) {
  const auto& cfg = shared_.config;
  if (verified) {
    auto& st = *shared_.store;
    const bool capture = cfg.capture;
    std::error_code ec;
    auto account = co_await shared_.blocking.call([&]() -> std::shared_ptr<mail::account> {
      return capture ? st.open_capture() : st.open_account(user, ec);
    });
    if (!account) {
      shared_.log->warn("{}: cannot open the mailbox of {}: {}", remote_, user, ec.message());
      no(cmd, "Cannot open your mailbox, try again later", "UNAVAILABLE");
      co_return next::go_on;
    }
    account_ = std::move(account);
    user_ = user;
    state_ = state::authenticated;
    shared_.logins_ok->inc();
    shared_.log->info("{}: {} logged in{}", remote_, user, io_.is_tls() ? " (TLS)" : "");
    ok(cmd, "Logged in", "CAPABILITY " + capabilities());
    co_return next::go_on;
  }
  shared_.logins_failed->inc();
  ++failures_;
  shared_.log->info("{}: failed login as {} ({} of {})", remote_, user, failures_, cfg.max_login_failures);
  asio::steady_timer delay(worker_.executor(), cfg.login_delay);
  (void)co_await delay.async_wait(net::use_tuple);
  if (failures_ >= cfg.max_login_failures) {
    no(cmd, "Authentication failed", "AUTHENTICATIONFAILED");
    io_.out() += tagged_line_;
    tagged_line_.clear();
    co_await goodbye("Too many failed logins");
    co_return next::close;
  }
  std::string text = "Authentication failed";
  if (!detail.empty()) text.append(" (").append(detail).append(")");
  no(cmd, text, "AUTHENTICATIONFAILED");
  co_return next::go_on;
}

net::awaitable<std::error_code> session::sasl_step(std::string_view challenge, std::string& response) {
  io_.out().append("+ ").append(challenge).append("\r\n");  // RFC 9051 §6.2.2
  reader_.read_line();
  command_reader::event ev{};
  if (auto ec = co_await next_event(ev, shared_.config.login_timeout, false)) co_return ec;
  if (ev != command_reader::event::line) co_return make_error_code(error::line_too_long);
  response.assign(reader_.raw());
  co_return std::error_code{};
}

net::awaitable<session::next> session::on_authenticate(const command& cmd) {
  const auto& args = std::get<authenticate>(cmd.args);
  if (args.mechanism != "PLAIN" && args.mechanism != "LOGIN" && args.mechanism != scram::mechanism_name) {
    no(cmd, "Unsupported authentication mechanism", "CANNOT");
    co_return next::go_on;
  }
  if (!auth_allowed()) {
    no(cmd, "Plaintext authentication disallowed without TLS (use STARTTLS)", "PRIVACYREQUIRED");
    co_return next::go_on;
  }
  if (args.mechanism == scram::mechanism_name) co_return co_await auth_scram(cmd);
  std::string response, user, password;
  bool cancelled = false, decoded = false;
  auto step = [&](std::string_view challenge, std::optional<std::string>& into) -> net::awaitable<bool> {
    if (co_await sasl_step(challenge, response)) co_return false;
    if (response == "*") cancelled = true;  // RFC 9051 §6.2.2: the client cancels
    else into = response;
    co_return true;
  };
  std::optional<std::string> first = args.initial_response;
  if (args.mechanism == "PLAIN") {
    if (!first && !co_await step("", first)) co_return next::close;
    if (first) {
      auto creds = decode_plain(*first == "=" ? "" : *first);
      decoded = creds && (creds->authzid.empty() || creds->authzid == creds->authcid);
      if (creds) {
        user = creds->authcid;
        password = creds->password;
      }
    }
  } else {
    if (!first && !co_await step(login_user_challenge, first)) co_return next::close;
    std::optional<std::string> name = first ? decode_login_step(*first == "=" ? "" : *first) : std::nullopt;
    std::optional<std::string> pass_b64;
    if (name && !cancelled && !co_await step(login_password_challenge, pass_b64)) co_return next::close;
    auto pass = pass_b64 ? decode_login_step(*pass_b64) : std::nullopt;
    decoded = name && pass && !name->empty();
    if (decoded) {
      user = *name;
      password = *pass;
    }
  }
  if (cancelled) {
    bad(cmd, "Authentication cancelled");
    co_return next::go_on;
  }
  if (!decoded) {
    bad(cmd, "Malformed authentication response");
    co_return next::go_on;
  }
  co_return co_await login(cmd, user, password);
}

// RFC 5802 §5 over RFC 9051 §6.2.2: client-first (SASL-IR initial response or after "+ "),
// server-first, client-final, then server-final "v=" as a last "+ " continuation answered by an
// empty line, then OK. A wrong proof is a failed login (delay, count); a malformed message is
// BAD with the RFC 5802 §7 "e=" value, "*" cancels. Two HMACs and a SHA-256: no blocking pool.
net::awaitable<session::next> session::auth_scram(const command& cmd) {
  const auto& args = std::get<authenticate>(cmd.args);
  std::string response;
  auto exchange = [&](std::string_view message) -> net::awaitable<bool> {
    const std::string encoded = base64_encode(message);
    if (co_await sasl_step(encoded, response)) co_return false;
    co_return true;
  };
  auto refuse = [&](std::string_view why) {
    if (why == "*") bad(cmd, "Authentication cancelled");
    else bad(cmd, "Malformed authentication response (" + std::string(why) + ")");
    return next::go_on;
  };
  std::string first_b64;
  if (args.initial_response) {
    first_b64 = *args.initial_response == "=" ? "" : *args.initial_response;
  } else {
    if (!co_await exchange("")) co_return next::close;
    first_b64 = response;
  }
  if (first_b64 == "*") co_return refuse("*");
  scram::server mech;
  auto decoded = base64_decode(first_b64);
  if (!decoded) co_return refuse("e=invalid-encoding");
  if (auto ec = mech.client_first(*decoded)) co_return refuse("e=" + std::string(scram::server_error_value(ec)));
  const auto keys = shared_.scram.lookup(mech.user());
  const std::string first = mech.server_first(keys);
  if (!co_await exchange(first)) co_return next::close;
  if (response == "*") co_return refuse("*");
  decoded = base64_decode(response);
  if (!decoded) co_return refuse("e=invalid-encoding");
  std::string final_message;
  const auto ec = mech.client_final(*decoded, final_message);
  const std::string user = mech.user();
  if (ec == scram::error::invalid_proof) co_return co_await login_outcome(cmd, user, false, final_message);
  if (ec) co_return refuse(final_message);
  if (!co_await exchange(final_message)) co_return next::close;
  if (!response.empty()) co_return refuse("*");  // the client did not accept our signature
  co_return co_await login_outcome(cmd, user, true);
}

}  // namespace l7::imap::server
