// The IMAP client session's login: AUTHENTICATE SCRAM-SHA-256 and PLAIN (RFC 9051 §6.2.2, with
// SASL-IR, RFC 4959) and LOGIN (§6.2.3).
#include <fmt/format.h>

#include "core/base64.hpp"
#include "core/scram.hpp"
#include "imap/client/error.hpp"
#include "imap/client/session.hpp"
#include "imap/codec/encode.hpp"

namespace l7::imap::client {

// The first mechanism offered of SCRAM-SHA-256 (the password never crosses the wire, and the
// server proves it knows the keys) and PLAIN; else LOGIN, which LOGINDISABLED forbids.
net::awaitable<status> session::login() {
  auto mode = opt_.auth;
  if (mode == auth_mode::automatic) {
    if (caps_.auth(scram::mechanism_name)) mode = auth_mode::scram;
    else if (caps_.auth("PLAIN")) mode = auth_mode::plain;
    else mode = auth_mode::login;
  }
  status st;
  if (mode == auth_mode::scram) {
    st = co_await authenticate_scram();
  } else if (mode == auth_mode::plain) {
    st = co_await authenticate_plain();
  } else {
    if (caps_.has("LOGINDISABLED"))
      co_return status{make_error_code(error::login_disabled), {}, tls() ? "LOGIN" : "LOGIN (use --starttls or --tls)"};
    std::vector<std::string> parts{"LOGIN "};
    add_astring(parts, opt_.user);
    parts.back() += ' ';
    add_astring(parts, opt_.password);
    std::string user_shown;
    imap::append_astring(user_shown, opt_.user);
    if (user_shown.starts_with('{')) user_shown = "{...}";
    st = co_await run(std::move(parts), "LOGIN", opt_.limits.command, "LOGIN " + user_shown + " ****");
  }
  if (!st.ok()) co_return st;
  // The capabilities may change after login (RFC 9051 §6.2.3): from the OK's code, or ask.
  if (auto caps = capabilities_of(st.reply)) {
    caps_ = std::move(*caps);
    co_return st;
  }
  co_return co_await capability();
}

// RFC 4616 in RFC 9051 §6.2.2: the initial response in the command under SASL-IR, else after
// the server's "+" (an empty challenge), as its own line.
net::awaitable<status> session::authenticate_plain() {
  std::string creds;
  creds += '\0';
  creds += opt_.user;
  creds += '\0';
  creds += opt_.password;
  const auto encoded = base64_encode(creds);
  std::vector<std::string> parts;
  if (caps_.has("SASL-IR")) parts = {"AUTHENTICATE PLAIN " + encoded};
  else parts = {"AUTHENTICATE PLAIN\r\n", encoded};
  co_return co_await run(std::move(parts), "AUTHENTICATE PLAIN", opt_.limits.command, "AUTHENTICATE PLAIN ****");
}

net::awaitable<std::pair<std::error_code, imap::response>> session::sasl_step(const std::string& tag, std::string line,
                                                                             std::string_view shown) {
  using result = std::pair<std::error_code, imap::response>;
  if (line.find_first_of(std::string_view("\r\n\0", 3)) != std::string::npos)
    co_return result{make_error_code(error::unsafe_argument), {}};
  trace(trace_kind::client, shown);
  line += "\r\n";
  auto wec = co_await write(std::move(line), opt_.limits.command);
  if (wec) {
    usable_ = false;
    co_return result{wec, {}};
  }
  for (;;) {
    auto [ec, c] = co_await read(opt_.limits.command);
    if (ec) co_return result{ec, bye_.value_or(imap::response{})};
    if (c.r.type == imap::response::kind::continuation) co_return result{{}, std::move(c.r)};
    if (c.r.tag != tag) continue;  // untagged: already applied
    if (c.r.type != imap::response::kind::status) {
      usable_ = false;
      co_return result{make_error_code(error::bad_response), std::move(c.r)};
    }
    co_return result{{}, std::move(c.r)};
  }
}

// RFC 5802 §5 over RFC 9051 §6.2.2: client-first (in the command with SASL-IR, else after an
// empty "+"), server-first in a "+", client-final, then the server-final "v=" either in a last
// "+" answered with an empty line (RFC 3501's only way) or as data with success in the tagged
// OK. A server that cannot prove the keys (wrong or missing "v=", an "e=", a malformed step)
// gets "*" while the exchange is open (RFC 9051 §6.2.2: it answers BAD) and the SCRAM error
// comes back; after an OK it can no longer be cancelled, and the error comes back all the same.
net::awaitable<status> session::authenticate_scram() {
  using step_result = std::pair<std::error_code, imap::response>;
  const std::string where = "AUTHENTICATE SCRAM-SHA-256";
  const std::string_view masked = "****";
  scram::client mech(opt_.user, opt_.password);
  std::string message;
  if (auto ec = mech.first(message)) co_return status{ec, {}, where};
  const auto tag = next_tag();
  const bool initial_response = caps_.has("SASL-IR");
  std::string line = tag + " " + where, shown = line;
  if (initial_response) {
    line += " " + base64_encode(message);
    shown += " ****";
  }
  step_result step = co_await sasl_step(tag, std::move(line), shown);
  if (!step.first && !initial_response && step.second.type == imap::response::kind::continuation) {
    std::string first = base64_encode(message);
    step = co_await sasl_step(tag, std::move(first), masked);
  }
  auto cancel = [&](std::error_code ec) -> net::awaitable<status> {
    std::string star = "*";
    const std::string_view star_shown = "*";
    auto answer = co_await sasl_step(tag, std::move(star), star_shown);
    if (!answer.first && answer.second.type != imap::response::kind::status) usable_ = false;
    co_return status{ec, std::move(answer.second), where};
  };
  // A tagged answer: NO/BAD is a refusal; OK before the server proved the keys is not success.
  auto finished = [&](imap::response r, std::error_code unproven) {
    status st{{}, std::move(r), where};
    if (st.reply.status != imap::status_kind::ok) st.ec = make_error_code(error::rejected);
    else st.ec = unproven;
    return st;
  };
  const auto signature_missing = make_error_code(scram::error::bad_server_signature);
  if (step.first) co_return status{step.first, std::move(step.second), where};
  if (step.second.type != imap::response::kind::continuation) co_return finished(std::move(step.second), signature_missing);
  auto challenge = sasl_challenge(step.second);
  if (!challenge) co_return co_await cancel(make_error_code(scram::error::bad_server_message));
  if (auto ec = mech.server_first(*challenge, message)) co_return co_await cancel(ec);
  std::string final_line = base64_encode(message);
  step = co_await sasl_step(tag, std::move(final_line), masked);
  if (step.first) co_return status{step.first, std::move(step.second), where};
  if (step.second.type != imap::response::kind::continuation) {
    auto data = sasl_success_data(step.second);
    std::error_code proof = signature_missing;
    if (data) proof = mech.server_final(*data);
    co_return finished(std::move(step.second), proof);
  }
  challenge = sasl_challenge(step.second);
  if (!challenge) co_return co_await cancel(make_error_code(scram::error::bad_server_message));
  if (auto ec = mech.server_final(*challenge)) co_return co_await cancel(ec);
  std::string empty;
  const std::string_view empty_shown;
  step = co_await sasl_step(tag, std::move(empty), empty_shown);
  if (step.first) co_return status{step.first, std::move(step.second), where};
  if (step.second.type != imap::response::kind::status) {
    usable_ = false;
    co_return status{make_error_code(error::bad_response), std::move(step.second), where};
  }
  co_return finished(std::move(step.second), {});
}

}  // namespace l7::imap::client
