// AUTH (RFC 4954) with PLAIN (RFC 4616) and LOGIN, and QUIT, for the SMTP client session.
#include <fmt/format.h>

#include "core/base64.hpp"
#include "smtp/client/error.hpp"
#include "smtp/client/session.hpp"

namespace l7::smtp::client {

net::awaitable<status> session::authenticate() {
  std::string mech = opt_.auth_mechanism;
  for (auto& c : mech)
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  if (mech.empty()) mech = caps_.offers_auth("PLAIN") ? "PLAIN" : caps_.offers_auth("LOGIN") ? "LOGIN" : "";
  if (mech.empty() || (mech != "PLAIN" && mech != "LOGIN") || !caps_.offers_auth(mech)) {
    const auto offered = caps_.auth.empty() ? std::string("none") : fmt::format("{}", fmt::join(caps_.auth, " "));
    co_return status{make_error_code(error::auth_unavailable), {},
                     fmt::format("AUTH {}(offered: {}{})", mech.empty() ? "" : mech + " ", offered,
                                 tls() ? "" : "; many servers offer AUTH only over TLS")};
  }
  status st;
  if (mech == "PLAIN") st = co_await auth_plain();
  else st = co_await auth_login();
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
