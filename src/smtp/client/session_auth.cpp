// AUTH (RFC 4954) with SCRAM-SHA-256 (RFC 5802, RFC 7677), PLAIN (RFC 4616) and LOGIN, and
// QUIT, for the SMTP client session.
#include <fmt/format.h>

#include "core/base64.hpp"
#include "core/scram.hpp"
#include "smtp/client/error.hpp"
#include "smtp/client/session.hpp"

namespace l7::smtp::client {

net::awaitable<status> session::authenticate() {
  std::string mech = opt_.auth_mechanism;
  for (auto& c : mech)
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  // SCRAM first: the password never crosses the wire and the server proves it knows the keys.
  for (std::string_view m : {scram::mechanism_name, std::string_view("PLAIN"), std::string_view("LOGIN")})
    if (mech.empty() && caps_.offers_auth(m)) mech = std::string(m);
  if (mech.empty() || (mech != "PLAIN" && mech != "LOGIN" && mech != scram::mechanism_name) || !caps_.offers_auth(mech)) {
    const auto offered = caps_.auth.empty() ? std::string("none") : fmt::format("{}", fmt::join(caps_.auth, " "));
    co_return status{make_error_code(error::auth_unavailable), {},
                     fmt::format("AUTH {}(offered: {}{})", mech.empty() ? "" : mech + " ", offered,
                                 tls() ? "" : "; many servers offer AUTH only over TLS")};
  }
  status st;
  if (mech == "PLAIN") st = co_await auth_plain();
  else if (mech == "LOGIN") st = co_await auth_login();
  else st = co_await auth_scram();
  if (!st.ok()) co_return st;
  if (st.reply.code != 235)
    co_return status{make_error_code(error::unexpected_reply), st.reply, "AUTH " + mech};
  authenticated_ = true;
  co_return st;
}

// RFC 4954 §4 initial response: "AUTH PLAIN base64(NUL user NUL password)"; a server that
// answers 334 instead gets the response on its own line.
net::awaitable<status> session::auth_plain() {
  std::string creds;
  creds += '\0';
  creds += opt_.auth_user;
  creds += '\0';
  creds += opt_.auth_password;
  const auto encoded = base64_encode(creds);
  std::string line = "AUTH PLAIN " + encoded, where = "AUTH PLAIN";
  auto st = co_await command(std::move(line), opt_.limits.command, where, true);
  if (st.ok() && st.reply.code == 334) {
    std::string response = encoded;
    st = co_await command(std::move(response), opt_.limits.command, where, true);
  }
  co_return st;
}

// LOGIN: 334 "Username:", base64(user), 334 "Password:", base64(password).
net::awaitable<status> session::auth_login() {
  std::string line = "AUTH LOGIN", where = "AUTH LOGIN";
  auto st = co_await command(std::move(line), opt_.limits.command, where);
  if (!st.ok()) co_return st;
  if (st.reply.code != 334) co_return status{make_error_code(error::unexpected_reply), st.reply, where};
  auto user = base64_encode(opt_.auth_user);
  st = co_await command(std::move(user), opt_.limits.command, where, true);
  if (!st.ok()) co_return st;
  if (st.reply.code != 334) co_return status{make_error_code(error::unexpected_reply), st.reply, where};
  auto password = base64_encode(opt_.auth_password);
  st = co_await command(std::move(password), opt_.limits.command, where, true);
  co_return st;
}

// RFC 5802 §5 over RFC 4954 §4: client-first as the initial response, client-final after the
// 334 server-first, then the server's "v=" in a 334 (checked: the server must prove it knows
// the keys) answered by an empty line, then 235. Anything wrong on the server's side: "*"
// cancels (the server answers 501) and the SCRAM error comes back.
net::awaitable<status> session::auth_scram() {
  const std::string where = "AUTH SCRAM-SHA-256";
  scram::client mech(opt_.auth_user, opt_.auth_password);
  std::string message;
  if (auto ec = mech.first(message)) co_return status{ec, {}, where};
  std::string line = where + " " + base64_encode(message), stage = where;
  auto st = co_await command(std::move(line), opt_.limits.command, stage, true);
  auto cancel = [&](std::error_code ec) -> net::awaitable<status> {
    std::string star = "*", at = where;
    auto answer = co_await command(std::move(star), opt_.limits.command, at);
    co_return status{ec, answer.reply, where};
  };
  auto challenge = [&](std::optional<std::string>& out) {
    out.reset();
    if (st.ok() && st.reply.code == 334 && st.reply.lines.size() == 1) out = base64_decode(st.reply.lines[0]);
  };
  std::optional<std::string> server_message;
  challenge(server_message);
  if (!st.ok() || st.reply.code != 334) co_return st;
  if (!server_message) co_return co_await cancel(make_error_code(scram::error::bad_server_message));
  if (auto ec = mech.server_first(*server_message, message)) co_return co_await cancel(ec);
  std::string response = base64_encode(message);
  st = co_await command(std::move(response), opt_.limits.command, stage, true);
  if (!st.ok() || st.reply.code / 100 == 5 || st.reply.code / 100 == 4) co_return st;
  // A 235 without "v=" leaves the server unproven (RFC 5802 §5: the client verifies it).
  if (st.reply.code != 334) co_return status{make_error_code(scram::error::bad_server_signature), st.reply, where};
  challenge(server_message);
  if (!server_message) co_return co_await cancel(make_error_code(scram::error::bad_server_message));
  if (auto ec = mech.server_final(*server_message)) co_return co_await cancel(ec);
  std::string empty;
  co_return co_await command(std::move(empty), opt_.limits.command, stage);
}

net::awaitable<void> session::quit() {
  if (!ch_) co_return;
  if (!usable_) {
    ch_->close();
    co_return;
  }
  const auto brief = std::min(opt_.limits.command, std::chrono::milliseconds(5'000));
  std::string line = "QUIT", where = "QUIT";
  (void)co_await command(std::move(line), brief, where);
  if (ch_->stream().is_tls()) co_await ch_->stream().graceful_close();
  ch_->close();
}

}  // namespace l7::smtp::client
