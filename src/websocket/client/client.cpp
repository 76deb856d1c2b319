#include "websocket/client/client.hpp"

#include <fmt/format.h>

#include "core/buffer.hpp"
#include "core/bytes.hpp"
#include "core/text.hpp"
#include "http/codec/parser.hpp"
#include "http/codec/serializer.hpp"
#include "http/codec/url.hpp"
#include "net/connect.hpp"
#include "net/tls.hpp"
#include "websocket/codec/error.hpp"

namespace l7::websocket::client {
namespace {

constexpr std::size_t read_size = 64 * 1024;
constexpr std::size_t max_response_head = 64 * 1024;

// ws and wss URLs are http and https URLs with another name (RFC 6455 §3).
std::optional<http::url> parse_ws_url(std::string_view text) {
  std::string s(text);
  auto colon = s.find("://");
  if (colon == std::string::npos) return std::nullopt;
  std::string scheme = to_lower(std::string_view(s).substr(0, colon));
  if (scheme == "ws") s = "http" + s.substr(colon);
  else if (scheme == "wss") s = "https" + s.substr(colon);
  else return std::nullopt;
  return http::parse_url(s);
}

}  // namespace

net::awaitable<connection::connect_result> connection::connect(const options& opt) {
  connect_result r;
  auto until = std::chrono::steady_clock::now() + opt.timeout;
  auto u = parse_ws_url(opt.url);
  if (!u) {
    r.ec = std::make_error_code(std::errc::invalid_argument);
    r.what = "parse URL (expected ws:// or wss://)";
    co_return r;
  }
  auto [cec, socket] = co_await net::connect_tcp(u->host, u->port, opt.timeout);
  if (cec) {
    r.ec = cec;
    r.what = fmt::format("connect to {}", u->authority());
    co_return r;
  }
  auto c = std::make_shared<connection>(net::stream(std::move(socket)), opt);
  auto [ec, what] = co_await c->open(until);
  if (ec) {
    r.ec = ec;
    r.what = std::move(what);
    co_return r;
  }
  r.conn = std::move(c);
  co_return r;
}

// TLS (wss) and the opening handshake (§4.1), within the time left until `until`.
net::awaitable<std::pair<std::error_code, std::string>> connection::open(
    std::chrono::steady_clock::time_point until) {
  using result = std::pair<std::error_code, std::string>;
  auto u = *parse_ws_url(opt_.url);
  auto timed_out = std::make_shared<bool>(false);
  close_timer_.expires_at(until);
  close_timer_.async_wait([w = weak_from_this(), timed_out](std::error_code ec) {
    if (ec) return;
    *timed_out = true;
    if (auto c = w.lock()) c->stream_.close();
  });
  auto failed = [&](std::error_code ec, std::string what) {
    close_timer_.cancel();
    return result{*timed_out ? std::error_code(asio::error::timed_out) : ec, std::move(what)};
  };

  if (u.scheme == "https") {
    net::client_tls_options t;
    t.insecure = opt_.insecure;
    if (opt_.ca_file) t.ca_file = *opt_.ca_file;
    t.alpn = {"http/1.1"};
    tls_ = net::make_client_context(t);
    auto ec = co_await stream_.handshake_client(*tls_, u.host);
    if (ec) co_return failed(ec, "TLS handshake");
  }

  client_options copt;
  copt.host = u.authority();
  copt.target = u.target;
  copt.origin = opt_.origin;
  copt.protocols = opt_.protocols;
  if (opt_.deflate) copt.deflate = deflate_offer{};
  copt.headers = opt_.headers;
  auto key = make_key();
  auto req = client_request(copt, key);
  if (opt_.on_request) opt_.on_request(req);
  std::string head;
  http::serialize(req, head);
  auto [wec, wn] = co_await asio::async_write(stream_, asio::buffer(head), net::use_tuple);
  if (wec) co_return failed(wec, "send handshake");

  flat_buffer buf(max_response_head + read_size);
  http::parser p(http::role::response);
  p.expect_response_to("GET");
  for (;;) {
    std::error_code pec;
    auto n = p.parse(buf.data(), pec);
    buf.consume(n);
    if (pec) co_return failed(pec, "read handshake response");
    if (std::holds_alternative<http::head_event>(p.next())) break;
    auto space = buf.prepare(4096);
    auto [rec, rn] = co_await stream_.async_read_some(asio::buffer(space.data(), space.size()),
                                                      net::use_tuple);
    if (rec) co_return failed(rec, "read handshake response");
    buf.commit(rn);
  }
  close_timer_.cancel();
  const auto& res = p.response();
  if (opt_.on_response) opt_.on_response(res);
  std::error_code hec;
  auto a = check_response(res, key, copt, hec);
  if (hec)
    co_return failed(hec, fmt::format("handshake: {} {}", res.status,
                                      res.reason.empty() ? http::reason_phrase(res.status) : res.reason));
  accepted(a);
  // Frames the server sent right behind its 101 belong to the WebSocket.
  if (!buf.empty()) reader_.feed(buf.data());
  co_return result{};
}

connection::connection(net::stream stream, const options& opt)
    : stream_(std::move(stream)),
      opt_(opt),
      reader_(role::client, reader_limits{.max_message = opt.max_message}),
      flushed_(stream_.get_executor()),
      close_timer_(stream_.get_executor()) {}

void connection::accepted(const client_accept& a) {
  protocol_ = a.protocol;
  if (a.deflate) {
    const auto& d = *a.deflate;
    reader_.enable_deflate(d.server_max_window_bits, d.server_no_context_takeover);
    writer_.enable_deflate(d.client_max_window_bits, d.client_no_context_takeover, 0);
  }
}

connection::~connection() { stream_.close(); }

void connection::send(opcode op, std::span<const std::byte> payload, std::size_t fragment_size) {
  if (closing_ || finished_) return;
  writer_.message(op, payload, out_, fragment_size);
  kick_writer();
}

void connection::send_text(std::string_view text) { send(opcode::text, as_bytes(text)); }

void connection::ping(std::span<const std::byte> payload) {
  if (closing_ || finished_) return;
  writer_.ping(payload, out_);
  kick_writer();
}

void connection::close(std::uint16_t code, std::string_view reason) {
  if (closing_ || finished_) return;
  closing_ = true;
  writer_.close(code, reason, out_);
  kick_writer();
  close_timer_.expires_after(opt_.close_timeout);
  close_timer_.async_wait([w = weak_from_this()](std::error_code ec) {
    if (ec) return;
    if (auto c = w.lock()) c->stream_.close();  // the server never answered: give up
  });
}

void connection::kick_writer() {
  if (writing_ || finished_ || write_error_ || out_.empty()) return;
  writing_ = true;
  asio::co_spawn(stream_.get_executor(), write_loop(shared_from_this()), asio::detached);
}

net::awaitable<void> connection::write_loop(std::shared_ptr<connection> self) {
  while (!out_.empty() && !write_error_) {
    inflight_.swap(out_);
    auto [ec, n] = co_await asio::async_write(stream_, asio::buffer(inflight_), net::use_tuple);
    inflight_.clear();
    if (ec) {
      write_error_ = ec;
      out_.clear();
    }
  }
  writing_ = false;
  flushed_.cancel();
}

net::awaitable<std::error_code> connection::flush() {
  while ((writing_ || !out_.empty()) && !write_error_) {
    flushed_.expires_after(std::chrono::hours(24));
    (void)co_await flushed_.async_wait(net::use_tuple);
  }
  co_return write_error_;
}

net::awaitable<void> connection::end_connection() {
  // §7.1.1: the client lets the server close TCP first, and waits a while for it to.
  (void)co_await flush();
  if (!stream_.is_tls()) {
    close_timer_.expires_after(opt_.close_timeout);
    close_timer_.async_wait([w = weak_from_this()](std::error_code ec) {
      if (ec) return;
      if (auto c = w.lock()) c->stream_.close();
    });
    std::array<std::byte, 4096> sink;
    for (;;) {
      auto [ec, n] = co_await stream_.async_read_some(asio::buffer(sink), net::use_tuple);
      if (ec) break;
    }
    close_timer_.cancel();
  }
  finished_ = true;
  co_await stream_.graceful_close();
}

received connection::fail(std::error_code ec) {
  received r;
  r.what = received::kind::failed;
  r.ec = ec;
  return r;
}

net::awaitable<received> connection::receive() {
  for (;;) {
    if (finished_) co_return fail(asio::error::not_connected);
    std::error_code ec;
    auto ev = reader_.next(ec);
    if (ec) {  // the server broke the protocol: fail the connection (§7.1.7)
      if (!closing_) {
        closing_ = true;
        writer_.close(close_code_for(ec), ec.message(), out_);
        kick_writer();
      }
      co_await end_connection();
      co_return fail(ec);
    }
    if (auto* m = std::get_if<message_event>(&ev)) {
      received r;
      r.what = received::kind::message;
      r.op = m->op;
      r.payload.assign(as_chars(m->payload));
      co_return r;
    }
    if (auto* p = std::get_if<ping_event>(&ev)) {
      if (!closing_) {
        writer_.pong(p->payload, out_);
        kick_writer();
      }
      continue;
    }
    if (auto* p = std::get_if<pong_event>(&ev)) {
      received r;
      r.what = received::kind::pong;
      r.payload.assign(as_chars(p->payload));
      co_return r;
    }
    if (auto* c = std::get_if<close_event>(&ev)) {
      received r;
      r.what = received::kind::closed;
      r.code = c->code;
      r.reason.assign(c->reason);
      r.we_closed = closing_;
      if (!closing_) {  // §5.5.1: answer, echoing the code
        closing_ = true;
        writer_.close(c->code, "", out_);
        kick_writer();
      }
      co_await end_connection();
      co_return r;
    }
    auto space = reader_.prepare(read_size);
    auto [rec, n] = co_await stream_.async_read_some(asio::buffer(space.data(), space.size()),
                                                     net::use_tuple);
    if (rec) {
      finished_ = true;
      stream_.close();
      received r;
      r.what = received::kind::closed;
      r.code = 1006;  // §7.1.5: closed without a close frame
      r.we_closed = closing_;
      r.reason = rec == asio::error::eof ? "connection closed without a close frame" : rec.message();
      co_return r;
    }
    reader_.commit(n);
  }
}

}  // namespace l7::websocket::client
