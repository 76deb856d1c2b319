// The POP3 client session: connection set-up (TCP, TLS, greeting, CAPA, STLS, login), the
// transaction commands and QUIT.
#include "pop3/client/session.hpp"

#include <fmt/format.h>

#include "net/connect.hpp"
#include "net/tls.hpp"
#include "pop3/client/error.hpp"

namespace l7::pop3::client {
namespace {

bool unsafe(std::string_view s) { return s.find_first_of(std::string_view("\r\n\0", 3)) != std::string_view::npos; }

std::error_code io_error(std::error_code ec) {
  if (ec == asio::error::eof || ec == asio::ssl::error::stream_truncated || ec == asio::error::connection_reset ||
      ec == asio::error::broken_pipe)
    return make_error_code(error::connection_closed);
  return ec;
}

}  // namespace

bool status::rejected() const { return ec == error::rejected; }

std::string status::message() const {
  std::string text = where.empty() ? std::string() : where + ": ";
  const auto line = fmt::format("{}{}{}", reply.ok ? "+OK" : "-ERR", reply.code.empty() ? "" : " [" + reply.code + "]",
                                reply.text.empty() ? "" : " " + reply.text);
  if (rejected()) return text + line;
  return text + ec.message();
}

session::session(asio::any_io_executor ex, options opt)
    : ex_(std::move(ex)), opt_(std::move(opt)), parser_(opt_.response_limits) {}

session::~session() = default;

std::string session::endpoint_text() const {
  return opt_.host.find(':') != std::string::npos ? fmt::format("[{}]:{}", opt_.host, opt_.port)
                                                 : fmt::format("{}:{}", opt_.host, opt_.port);
}

void session::trace(trace_kind kind, std::string_view line) const {
  if (opt_.trace) opt_.trace(kind, line);
}

net::awaitable<std::error_code> session::write(std::string bytes, std::chrono::milliseconds timeout) {
  deadline_->expires_after(timeout);
  auto [ec, n] = co_await asio::async_write(*stream_, asio::buffer(bytes), net::use_tuple);
  deadline_->disarm();
  if (deadline_->expired()) co_return make_error_code(error::timed_out);
  co_return io_error(ec);
}

// Reads one response into parser_ (and body_ for multi-line ones) within `timeout`.
net::awaitable<std::error_code> session::read_response(bool multiline, std::chrono::milliseconds timeout,
                                                       bool challenge) {
  parser_.expect(multiline, challenge);
  deadline_->expires_after(timeout);
  for (;;) {
    std::error_code pec;
    in_.consume(parser_.parse(in_.text(), pec));
    if (pec || parser_.done()) {
      deadline_->disarm();
      if (!pec && multiline) body_ = parser_.take_body();
      co_return pec;
    }
    auto space = in_.prepare(16 * 1024);
    auto [ec, n] = co_await stream_->async_read_some(asio::buffer(space.data(), space.size()), net::use_tuple);
    if (deadline_->expired()) co_return make_error_code(error::timed_out);
    if (ec) {
      deadline_->disarm();
      co_return io_error(ec);
    }
    in_.commit(n);
  }
}

net::awaitable<status> session::command(std::string line, std::string where, bool multiline,
                                        std::chrono::milliseconds timeout, bool mask) {
  if (unsafe(line)) co_return status{make_error_code(error::unsafe_argument), {}, std::move(where)};
  if (mask) trace(trace_kind::client, line.substr(0, line.find(' ') + 1) + "****");
  else trace(trace_kind::client, line);
  line += "\r\n";
  auto wec = co_await write(std::move(line), timeout);
  if (wec) {
    usable_ = false;
    co_return status{wec, {}, std::move(where)};
  }
  auto ec = co_await read_response(multiline, timeout);
  if (ec) {
    usable_ = false;
    co_return status{ec, {}, std::move(where)};
  }
  status st{{}, parser_.status(), std::move(where)};
  const auto& r = st.reply;
  trace(trace_kind::server, fmt::format("{}{}{}", r.ok ? "+OK" : "-ERR", r.code.empty() ? "" : " [" + r.code + "]",
                                        r.text.empty() ? "" : " " + r.text));
  if (!r.ok) st.ec = make_error_code(error::rejected);
  co_return st;
}

net::awaitable<status> session::connect() {
  auto st = co_await open();
  if (!st.ok() && !st.rejected() && st.ec != error::stls_unavailable && st.ec != error::auth_unavailable)
    usable_ = false;
  co_return st;
}

net::awaitable<status> session::open() {
  std::string host = opt_.host;
  auto [cec, socket] = co_await net::connect_tcp(std::move(host), opt_.port, opt_.limits.connect);
  if (cec) co_return status{cec, {}, fmt::format("connect to {}", endpoint_text())};
  std::error_code ignored;
  const auto peer = socket.remote_endpoint(ignored);
  stream_ = std::make_unique<net::stream>(std::move(socket));
  deadline_ = std::make_unique<net::deadline>(ex_, [this] { stream_->close(); });
  trace(trace_kind::note, fmt::format("connected to {}", net::to_string(peer)));
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
  // RFC 1939 §4: the greeting is +OK (a -ERR greeting refuses the connection).
  auto ec = co_await read_response(false, opt_.limits.command);
  if (ec) co_return status{ec, {}, "read the greeting"};
  status greeting{{}, parser_.status(), "greeting"};
  trace(trace_kind::server, fmt::format("{} {}", greeting.reply.ok ? "+OK" : "-ERR", greeting.reply.text));
  if (!greeting.reply.ok) {
    greeting.ec = make_error_code(error::rejected);
    co_return greeting;
  }
  usable_ = true;
  auto st = co_await capa();
  if (!st.ok()) co_return st;
  if (opt_.tls == tls_mode::stls) {
    st = co_await start_tls();
    if (!st.ok()) co_return st;
  }
  co_return co_await login();
}

net::awaitable<status> session::handshake() {
  const net::tls_session fresh;
  auto ec = co_await stream_->handshake_client(*tls_ctx_, opt_.host, fresh);
  if (ec) co_return status{ec, {}, "TLS handshake"};
  trace(trace_kind::note, fmt::format("TLS established ({})", stream_->tls_version()));
  co_return status{};
}

// RFC 2449 §5: a server without CAPA answers -ERR; then nothing is known and USER/PASS is tried.
net::awaitable<status> session::capa() {
  std::string line = "CAPA", where = "CAPA";
  auto st = co_await command(std::move(line), where, true, opt_.limits.command);
  if (st.rejected()) {
    caps_ = {};
    co_return status{};
  }
  if (!st.ok()) co_return st;
  caps_ = parse_capa(body_);
  for (auto l : body_lines(body_)) trace(trace_kind::server, l);
  trace(trace_kind::server, ".");
  co_return st;
}

// RFC 2595 §4: STLS, +OK, handshake; the client must discard what it knew (CAPA again, §4).
net::awaitable<status> session::start_tls() {
  if (caps_.known && !caps_.stls) co_return status{make_error_code(error::stls_unavailable), {}, "STLS"};
  std::string line = "STLS", where = "STLS";
  auto st = co_await command(std::move(line), where, false, opt_.limits.command);
  if (st.rejected()) co_return status{make_error_code(error::stls_unavailable), st.reply, "STLS"};
  if (!st.ok()) co_return st;
  if (in_.size() > 0)  // nothing may follow +OK in plain text (the STARTTLS injection)
    co_return status{make_error_code(error::bad_response), st.reply, "STLS (data after +OK)"};
  auto hs = co_await handshake();
  if (!hs.ok()) co_return hs;
  co_return co_await capa();
}

net::awaitable<std::pair<status, drop_stat>> session::stat() {
  std::string line = "STAT", where = "STAT";
  auto st = co_await command(std::move(line), where, false, opt_.limits.command);
  if (!st.ok()) co_return std::pair{st, drop_stat{}};
  auto parsed = parse_stat(st.reply.text);
  if (!parsed) st.ec = make_error_code(error::bad_response);
  co_return std::pair{st, parsed.value_or(drop_stat{})};
}

net::awaitable<std::pair<status, std::vector<scan_listing>>> session::list() {
  std::string line = "LIST", where = "LIST";
  auto st = co_await command(std::move(line), where, true, opt_.limits.command);
  std::vector<scan_listing> out;
  if (!st.ok()) co_return std::pair{st, out};
  for (auto l : body_lines(body_)) {
    trace(trace_kind::server, l);
    auto item = parse_scan_listing(l);
    if (!item) co_return std::pair{status{make_error_code(error::bad_response), st.reply, where}, out};
    out.push_back(*item);
  }
  trace(trace_kind::server, ".");
  co_return std::pair{st, out};
}

net::awaitable<std::pair<status, std::vector<unique_id_listing>>> session::uidl() {
  std::string line = "UIDL", where = "UIDL";
  auto st = co_await command(std::move(line), where, true, opt_.limits.command);
  std::vector<unique_id_listing> out;
  if (!st.ok()) co_return std::pair{st, out};
  for (auto l : body_lines(body_)) {
    trace(trace_kind::server, l);
    auto item = parse_unique_id_listing(l);
    if (!item) co_return std::pair{status{make_error_code(error::bad_response), st.reply, where}, out};
    out.push_back(std::move(*item));
  }
  trace(trace_kind::server, ".");
  co_return std::pair{st, out};
}

net::awaitable<std::pair<status, std::string>> session::retr(std::uint32_t number) {
  std::string line = fmt::format("RETR {}", number), where = line;
  auto st = co_await command(std::move(line), where, true, opt_.limits.transfer);
  if (!st.ok()) co_return std::pair{st, std::string()};
  trace(trace_kind::note, fmt::format("{} bytes of message data (unstuffed) and \".\"", body_.size()));
  co_return std::pair{st, std::move(body_)};
}

net::awaitable<std::pair<status, std::string>> session::top(std::uint32_t number, std::uint32_t lines) {
  std::string line = fmt::format("TOP {} {}", number, lines), where = line;
  auto st = co_await command(std::move(line), where, true, opt_.limits.transfer);
  if (!st.ok()) co_return std::pair{st, std::string()};
  trace(trace_kind::note, fmt::format("{} bytes of header data and \".\"", body_.size()));
  co_return std::pair{st, std::move(body_)};
}

net::awaitable<status> session::dele(std::uint32_t number) {
  std::string line = fmt::format("DELE {}", number), where = line;
  co_return co_await command(std::move(line), where, false, opt_.limits.command);
}

net::awaitable<status> session::quit() {
  if (!stream_) co_return status{};
  if (!usable_) {
    stream_->close();
    co_return status{};
  }
  std::string line = "QUIT", where = "QUIT";
  auto st = co_await command(std::move(line), where, false, opt_.limits.command);
  usable_ = false;
  if (stream_->is_tls()) co_await stream_->graceful_close();
  stream_->close();
  co_return st;
}

void session::abort() {
  usable_ = false;
  if (stream_) stream_->close();
}

}  // namespace l7::pop3::client
