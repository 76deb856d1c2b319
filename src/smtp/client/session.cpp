// Connection set-up of the SMTP client session: TCP, TLS, greeting, EHLO, STARTTLS, AUTH, QUIT.
#include "smtp/client/session.hpp"

#include <fmt/format.h>

#include "core/base64.hpp"
#include "core/sasl.hpp"
#include "net/connect.hpp"
#include "net/tls.hpp"
#include "smtp/client/error.hpp"

namespace l7::smtp::client {
namespace {

int reply_class(const numeric_reply& r) { return r.code / 100; }

bool unsafe(std::string_view line) { return line.find_first_of(std::string_view("\r\n\0", 3)) != std::string_view::npos; }

}  // namespace

std::string reply_text(const numeric_reply& r) {
  std::string text = std::to_string(r.code);
  for (const auto& line : r.lines) text += " " + line;
  return text;
}

std::string queue_id_of(const numeric_reply& r) {
  const auto text = reply_text(r);
  for (std::string_view marker : {"queued as ", "id=", "queued as: "}) {
    const auto at = text.find(marker);
    if (at == std::string::npos) continue;
    const auto start = at + marker.size();
    const auto end = text.find_first_of(" ;,)>", start);
    auto id = text.substr(start, end == std::string::npos ? std::string::npos : end - start);
    if (!id.empty()) return id;
  }
  return {};
}

bool status::rejected() const { return ec == error::rejected; }

std::string status::message() const {
  std::string text = where.empty() ? std::string() : where + ": ";
  if (rejected()) return text + reply_text(reply);
  text += ec.message();
  if (reply.code) text += " (" + reply_text(reply) + ")";
  return text;
}

session::session(asio::any_io_executor ex, options opt) : ex_(std::move(ex)), opt_(std::move(opt)) {}

session::~session() = default;

bool session::tls() const { return ch_ && ch_->stream().is_tls(); }

std::string session::endpoint_text() const {
  return opt_.host.find(':') != std::string::npos ? fmt::format("[{}]:{}", opt_.host, opt_.port)
                                                 : fmt::format("{}:{}", opt_.host, opt_.port);
}

// Sends one command line and reads its reply; a 4xx/5xx reply is error::rejected. `mask`
// traces the last word as "****" (credentials).
net::awaitable<status> session::command(std::string line, std::chrono::milliseconds timeout,
                                        std::string where, bool mask) {
  if (unsafe(line)) co_return status{make_error_code(error::unsafe_argument), {}, std::move(where)};
  if (mask) {
    const auto space = line.rfind(' ');
    ch_->trace(trace_kind::client, (space == std::string::npos ? "" : line.substr(0, space + 1)) + "****");
  } else {
    ch_->trace(trace_kind::client, line);
  }
  line += "\r\n";
  auto wec = co_await ch_->write(std::move(line), timeout);
  if (wec) co_return status{wec, {}, std::move(where)};
  auto [ec, reply] = co_await ch_->read_reply(timeout);
  status st{ec, std::move(reply), std::move(where)};
  if (!ec && reply_class(st.reply) >= 4) st.ec = error::rejected;
  co_return st;
}

net::awaitable<status> session::connect() {
  auto st = co_await open();
  const bool protocol_level = st.rejected() || st.ec == error::auth_unavailable ||
                              st.ec == error::starttls_unavailable || st.ec == error::unexpected_reply;
  if (!st.ok() && !protocol_level) usable_ = false;
  co_return st;
}

net::awaitable<status> session::open() {
  std::string host = opt_.host;
  auto [cec, socket] = co_await net::connect_tcp(std::move(host), opt_.port, opt_.limits.connect);
  if (cec) co_return status{cec, {}, fmt::format("connect to {}", endpoint_text())};
  std::error_code ignored;
  const auto peer = socket.remote_endpoint(ignored);
  ch_ = std::make_unique<channel>(net::stream(std::move(socket)), opt_.trace);
  ch_->trace(trace_kind::note, fmt::format("connected to {}", net::to_string(peer)));
  if (opt_.tls != tls_mode::off) {
    net::client_tls_options t;
    t.insecure = opt_.insecure;
    if (opt_.ca_file) t.ca_file = *opt_.ca_file;
    tls_ctx_ = net::make_client_context(t);
  }
  if (opt_.tls == tls_mode::implicit) {
    auto hs = co_await handshake();
    if (!hs.ok()) co_return hs;
  }
  auto st = co_await greeting();
  if (!st.ok()) co_return st;
  usable_ = true;
  st = co_await hello();
  if (!st.ok()) co_return st;
  if (opt_.tls == tls_mode::starttls_required || opt_.tls == tls_mode::starttls_optional) {
    st = co_await start_tls();
    if (!st.ok()) co_return st;
  }
  if (!opt_.auth_user.empty()) {
    st = co_await authenticate();
    if (!st.ok()) co_return st;
  }
  co_return status{};
}

net::awaitable<status> session::handshake() {
  const net::tls_session fresh;
  auto ec = co_await ch_->stream().handshake_client(*tls_ctx_, opt_.host, fresh);
  if (ec) co_return status{ec, {}, "TLS handshake"};
  ch_->trace(trace_kind::note, fmt::format("TLS established ({})", ch_->stream().tls_version()));
  co_return status{};
}

// RFC 5321 §4.3.1: 220 opens the session; 554 (or any other code) refuses it.
net::awaitable<status> session::greeting() {
  auto [ec, reply] = co_await ch_->read_reply(opt_.limits.greeting);
  if (ec) co_return status{ec, {}, "read the greeting"};
  if (reply.code != 220) {
    const auto code = reply_class(reply) >= 4 ? error::rejected : error::unexpected_reply;
    co_return status{code, std::move(reply), "greeting"};
  }
  co_return status{};
}

// EHLO, or HELO when the server does not know EHLO (RFC 5321 §3.2, §4.1.4).
net::awaitable<status> session::hello() {
  std::string ehlo = "EHLO " + opt_.helo_name, ehlo_where = "EHLO";
  auto st = co_await command(std::move(ehlo), opt_.limits.command, ehlo_where);
  if (st.ok()) {
    caps_ = parse_ehlo(st.reply);
    co_return st;
  }
  if (!st.rejected() || (st.reply.code != 500 && st.reply.code != 502)) co_return st;
  std::string helo = "HELO " + opt_.helo_name, helo_where = "HELO";
  st = co_await command(std::move(helo), opt_.limits.command, helo_where);
  caps_ = capabilities{};
  co_return st;
}

// RFC 3207 §4: STARTTLS, 220, handshake, then EHLO again (§4.2: forget what was offered).
net::awaitable<status> session::start_tls() {
  const bool required = opt_.tls == tls_mode::starttls_required;
  if (!caps_.starttls) {
    if (required) co_return status{make_error_code(error::starttls_unavailable), {}, "STARTTLS"};
    ch_->trace(trace_kind::note, "STARTTLS not offered: staying in plain text");
    co_return status{};
  }
  std::string line = "STARTTLS", where = "STARTTLS";
  auto st = co_await command(std::move(line), opt_.limits.command, where);
  if (st.rejected() && !required) {
    ch_->trace(trace_kind::note, "STARTTLS refused: staying in plain text");
    co_return status{};
  }
  if (!st.ok()) co_return st;
  if (st.reply.code != 220) co_return status{make_error_code(error::unexpected_reply), st.reply, "STARTTLS"};
  if (ch_->has_buffered())  // RFC 3207 §5: nothing may follow the 220 in plain text
    co_return status{make_error_code(error::unexpected_reply), st.reply, "STARTTLS (data after 220)"};
  auto hs = co_await handshake();
  if (!hs.ok()) co_return hs;
  auto again = co_await hello();
  co_return again;
}

}  // namespace l7::smtp::client
