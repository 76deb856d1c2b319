// The POP3 client session's login: AUTH SCRAM-SHA-256 and AUTH PLAIN (RFC 5034), USER/PASS
// (RFC 1939 §7).
#include <fmt/format.h>

#include "core/base64.hpp"
#include "core/scram.hpp"
#include "pop3/client/error.hpp"
#include "pop3/client/session.hpp"

namespace l7::pop3::client {

// The first mechanism CAPA lists of SCRAM-SHA-256 (the password never crosses the wire, and
// the server proves it knows the keys) and PLAIN; else USER/PASS.
net::awaitable<status> session::login() {
  auto mode = opt_.auth;
  if (mode == auth_mode::automatic) {
    if (caps_.offers_sasl(scram::mechanism_name)) mode = auth_mode::scram;
    else if (caps_.offers_sasl("PLAIN")) mode = auth_mode::plain;
    else if (caps_.known && !caps_.user)
      co_return status{make_error_code(error::auth_unavailable), {},
                       tls() ? "login" : "login (many servers allow it only over TLS)"};
  }
  if (mode == auth_mode::scram) co_return co_await auth_scram();
  if (mode == auth_mode::plain) co_return co_await auth_plain();
  std::string user = "USER " + opt_.user, where = "USER";
  auto st = co_await command(std::move(user), where, false, opt_.limits.command);
  if (!st.ok()) co_return st;
  std::string pass = "PASS " + opt_.password, pwhere = "PASS";
  co_return co_await command(std::move(pass), pwhere, false, opt_.limits.command, true);
}

net::awaitable<status> session::sasl_step(std::string line, std::string_view shown, const std::string& where) {
  if (line.find_first_of(std::string_view("\r\n\0", 3)) != std::string::npos)
    co_return status{make_error_code(error::unsafe_argument), {}, where};
  trace(trace_kind::client, shown);
  line += "\r\n";
  auto wec = co_await write(std::move(line), opt_.limits.command);
  if (wec) {
    usable_ = false;
    co_return status{wec, {}, where};
  }
  auto ec = co_await read_response(false, opt_.limits.command, true);
  if (ec) {
    usable_ = false;
    co_return status{ec, {}, where};
  }
  status st{{}, parser_.status(), where};
  const auto& r = st.reply;
  if (r.continuation) {
    trace(trace_kind::server, r.text.empty() ? std::string("+") : "+ " + r.text);
    co_return st;
  }
  trace(trace_kind::server, fmt::format("{}{}{}", r.ok ? "+OK" : "-ERR", r.code.empty() ? "" : " [" + r.code + "]",
                                        r.text.empty() ? "" : " " + r.text));
  if (!r.ok) st.ec = make_error_code(error::rejected);
  co_return st;
}

// RFC 5034 §4 initial response: base64(authzid NUL authcid NUL passwd), RFC 4616. A server
// that ignores initial responses sends an empty "+ " challenge: the response goes again alone.
net::awaitable<status> session::auth_plain() {
  std::string creds;
  creds += '\0';
  creds += opt_.user;
  creds += '\0';
  creds += opt_.password;
  const auto encoded = base64_encode(creds);
  const std::string where = "AUTH PLAIN", shown = "AUTH PLAIN ****";
  const std::string_view masked = "****";
  std::string line = "AUTH PLAIN " + encoded;
  auto st = co_await sasl_step(std::move(line), shown, where);
  if (st.ok() && st.reply.continuation) {
    std::string again = encoded;
    st = co_await sasl_step(std::move(again), masked, where);
  }
  if (st.ok() && st.reply.continuation) {
    usable_ = false;
    st.ec = make_error_code(error::bad_response);
  }
  co_return st;
}

// RFC 5802 §5 over RFC 5034 §4: client-first as the initial response, server-first in a "+ ",
// client-final, then the server-final "v=" either in a last "+ " answered with an empty line
// or as data with success on the +OK. A server that cannot prove the keys (wrong or missing
// "v=", an "e=", a malformed step) gets "*" while the exchange is open (it answers -ERR) and
// the SCRAM error comes back; after a +OK it can no longer be cancelled, and the error comes
// back all the same.
net::awaitable<status> session::auth_scram() {
  const std::string where = "AUTH SCRAM-SHA-256", shown = where + " ****";
  const std::string_view masked = "****";
  scram::client mech(opt_.user, opt_.password);
  std::string message;
  if (auto ec = mech.first(message)) co_return status{ec, {}, where};
  std::string line = where + " " + base64_encode(message);
  auto st = co_await sasl_step(std::move(line), shown, where);
  // A server-first is never empty: an empty challenge asks for the initial response again.
  if (st.ok() && st.reply.continuation && st.reply.text.empty()) {
    std::string first = base64_encode(message);
    st = co_await sasl_step(std::move(first), masked, where);
  }
  auto cancel = [&](std::error_code ec) -> net::awaitable<status> {
    std::string star = "*";
    const std::string_view star_shown = "*";
    auto answer = co_await sasl_step(std::move(star), star_shown, where);
    if (answer.ok() && answer.reply.continuation) usable_ = false;
    co_return status{ec, std::move(answer.reply), where};
  };
  const auto signature_missing = make_error_code(scram::error::bad_server_signature);
  if (!st.ok()) co_return st;
  if (!st.reply.continuation) co_return status{signature_missing, std::move(st.reply), where};
  auto challenge = sasl_data(st.reply.text);
  if (!challenge) co_return co_await cancel(make_error_code(scram::error::bad_server_message));
  if (auto ec = mech.server_first(*challenge, message)) co_return co_await cancel(ec);
  std::string final_line = base64_encode(message);
  st = co_await sasl_step(std::move(final_line), masked, where);
  if (!st.ok()) co_return st;
  if (!st.reply.continuation) {
    const auto data = sasl_data(st.reply.text);
    st.ec = data && !data->empty() ? mech.server_final(*data) : signature_missing;
    co_return st;
  }
  challenge = sasl_data(st.reply.text);
  if (!challenge) co_return co_await cancel(make_error_code(scram::error::bad_server_message));
  if (auto ec = mech.server_final(*challenge)) co_return co_await cancel(ec);
  std::string empty;
  const std::string_view empty_shown;
  st = co_await sasl_step(std::move(empty), empty_shown, where);
  if (st.ok() && st.reply.continuation) {
    usable_ = false;
    st.ec = make_error_code(error::bad_response);
  }
  co_return st;
}

}  // namespace l7::pop3::client
