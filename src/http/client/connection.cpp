#include "http/client/connection.hpp"

#include <poll.h>

#include <vector>

#include "core/bytes.hpp"
#include "http/client/error.hpp"
#include "http/codec/serializer.hpp"
#include "net/connect.hpp"
#include "net/deadline.hpp"

namespace l7::http::client {
namespace {

constexpr std::size_t read_size = 64 * 1024;
constexpr std::size_t write_batch = 64 * 1024;

// A client downloads files of any size: no body limit; head limits stay at their defaults.
limits response_limits() {
  limits l;
  l.max_body = 0;
  return l;
}

// "host:port", brackets around an IPv6 literal.
std::string host_port(const url& u) {
  return (u.ipv6 ? "[" + u.host + "]" : u.host) + ":" + std::to_string(u.port);
}

bool is_resolve_error(std::error_code ec) {
  return ec.category() == asio::error::get_netdb_category() ||
         ec.category() == asio::error::get_addrinfo_category();
}

// A TLS peer that closes without close_notify ends a close-delimited body as well; the
// parser still rejects a truncated Content-Length or chunked body.
bool is_end_of_stream(std::error_code ec) {
  return ec == asio::error::eof || ec == asio::ssl::error::stream_truncated;
}

}  // namespace

connection::connection(net::tcp::socket socket, const url& u, int id)
    : stream_(std::move(socket)),
      buffer_(response_limits().max_header_bytes + 1 + 2 * read_size),
      parser_(role::response, response_limits()),
      origin_(u.origin()),
      host_(u.host),
      port_(u.port),
      where_(host_port(u)),
      id_(id) {}

net::awaitable<connection::opened> connection::open(const url& u, asio::ssl::context* tls,
                                                    std::chrono::milliseconds timeout, int id) {
  const auto start = std::chrono::steady_clock::now();
  auto [ec, socket] = co_await net::connect_tcp(u.host, u.port, timeout);
  if (ec) {
    const bool resolve = is_resolve_error(ec);
    co_return opened{{ec, resolve ? stage::resolve : stage::connect,
                      resolve ? "resolve " + u.host : "connect to " + host_port(u)},
                     nullptr};
  }
  std::unique_ptr<connection> conn(new connection(std::move(socket), u, id));
  if (u.scheme == "https") {
    connection* c = conn.get();
    net::deadline guard(co_await asio::this_coro::executor, [c] { c->abort(); });
    guard.expires_after(timeout - (std::chrono::steady_clock::now() - start));
    auto hec = co_await conn->stream_.handshake_client(*tls, u.host);
    if (hec) {
      if (guard.expired()) hec = asio::error::timed_out;
      co_return opened{{hec, stage::tls, "TLS handshake with " + conn->where_}, nullptr};
    }
  }
  co_return opened{{}, std::move(conn)};
}

net::awaitable<connection::status> connection::send(
    const request_head& head, body_source* body, std::chrono::milliseconds continue_wait,
    const std::function<void(const response_head&)>& on_interim) {
  parser_.reset();
  parser_.expect_response_to(head.method);
  response_started_ = reusable_ = false;
  // RFC 9112 §9.3: HTTP/1.1 persists unless "close"; HTTP/1.0 only with "keep-alive".
  request_keeps_ = !head.headers.has_token("Connection", "close") &&
                   (head.version >= 11 || head.headers.has_token("Connection", "keep-alive"));
  out_.clear();
  serialize(head, out_);
  bool send_body = body != nullptr;
  if (send_body && head.headers.has_token("Expect", "100-continue")) {
    if (auto st = co_await write_out(); st.ec) co_return st;
    if (auto st = co_await wait_continue(continue_wait, send_body, on_interim); st.ec) co_return st;
    if (!send_body) co_return status{};  // a final response came first; its head is ready
  }
  const bool chunked = head.headers.has_token("Transfer-Encoding", "chunked");
  status st;  // (no co_await inside ?: — GCC 12 destroys its temporaries twice)
  if (send_body) st = co_await write_body(*body, chunked);
  else st = co_await write_out();
  bool unused = false;
  if (st.ec && st.where == stage::send &&
      (st.ec == asio::error::broken_pipe || st.ec == asio::error::connection_reset)) {
    // The server may have answered (413, 401, ...) and closed before taking the whole body.
    request_keeps_ = false;
    if (auto early = co_await read_final_head(false, unused, on_interim); !early.ec) co_return early;
  }
  if (st.ec) co_return st;
  co_return co_await read_final_head(false, unused, on_interim);
}

// RFC 9110 §10.1.1: wait a little for 100 Continue (or a final answer) before the body.
net::awaitable<connection::status> connection::wait_continue(
    std::chrono::milliseconds wait, bool& send_body,
    const std::function<void(const response_head&)>& on_interim) {
  struct waiter {
    bool done = false;
    bool fired = false;
  };
  auto w = std::make_shared<waiter>();
  asio::steady_timer timer(stream_.get_executor(), wait);
  timer.async_wait([this, w](std::error_code ec) {
    if (ec || w->done) return;
    w->fired = true;
    std::error_code ignored;
    stream_.socket().cancel(ignored);
  });
  bool got_continue = false;
  auto st = co_await read_final_head(true, got_continue, on_interim);
  w->done = true;
  timer.cancel();
  if (w->fired && st.ec == asio::error::operation_aborted) co_return status{};  // send anyway
  if (st.ec) co_return st;
  send_body = got_continue;
  if (!got_continue) request_keeps_ = false;  // answered without reading the body
  co_return status{};
}

net::awaitable<connection::status> connection::read_final_head(
    bool stop_at_continue, bool& got_continue,
    const std::function<void(const response_head&)>& on_interim) {
  event ev;
  for (;;) {
    if (auto ec = co_await pull(ev)) co_return failed(ec, stage::receive);
    if (!std::holds_alternative<head_event>(ev)) continue;
    const auto& head = parser_.response();
    if (head.status >= 200 || head.status == 101) co_return status{};
    // RFC 9110 §15.2: 1xx responses come before the final one; `end` follows each at once.
    if (on_interim) on_interim(head);
    const bool is_continue = head.status == 100;
    if (auto ec = co_await pull(ev)) co_return failed(ec, stage::receive);
    parser_.reset();
    if (is_continue && stop_at_continue) {
      got_continue = true;
      co_return status{};
    }
  }
}

net::awaitable<connection::status> connection::read_body(const body_sink& sink,
                                                         std::uint64_t& bytes) {
  event ev;
  while (!parser_.done()) {
    if (auto ec = co_await pull(ev)) co_return failed(ec, stage::receive);
    const auto* d = std::get_if<data_event>(&ev);
    if (!d) continue;
    bytes += d->bytes.size();
    if (!sink) continue;
    if (auto ec = sink(d->bytes)) co_return failed(ec, stage::sink);
  }
  ++requests_;
  // RFC 9112 §9.3: persistent unless either side opted out; unrequested bytes after the
  // response make the stream untrustworthy.
  reusable_ = request_keeps_ && parser_.keep_alive() && !parser_.upgrade() && !eof_ &&
              buffer_.empty();
  co_return status{};
}

net::awaitable<std::error_code> connection::pull(event& ev) {
  for (;;) {
    std::error_code ec;
    const auto n = parser_.parse(buffer_.data(), ec);
    ev = parser_.next();
    buffer_.consume(n);  // data spans stay valid until the next prepare()
    if (ec) co_return ec;
    if (!std::holds_alternative<need_more>(ev)) co_return std::error_code{};
    if (eof_) {
      parser_.finish(ec);  // RFC 9112 §6.3 item 8: close ends a close-delimited body
      if (ec) co_return ec;
      ev = parser_.next();
      if (std::holds_alternative<need_more>(ev)) co_return error::closed_before_response;
      co_return std::error_code{};
    }
    // The parser fails past its head limits, so the buffer (sized above them) never fills.
    const auto space = buffer_.prepare(std::min(read_size, buffer_.capacity_left()));
    auto [rec, got] =
        co_await stream_.async_read_some(asio::buffer(space.data(), space.size()), net::use_tuple);
    buffer_.commit(got);
    if (got > 0) response_started_ = true;
    if (is_end_of_stream(rec)) eof_ = true;
    else if (rec) co_return rec;
  }
}

net::awaitable<connection::status> connection::write_out() {
  auto [ec, n] = co_await asio::async_write(stream_, asio::buffer(out_), net::use_tuple);
  out_.clear();
  if (ec) co_return failed(ec, stage::send);
  co_return status{};
}

// Streams the body in pieces, coalescing the head and small bodies into one write.
net::awaitable<connection::status> connection::write_body(body_source& body, bool chunked) {
  std::vector<std::byte> piece(read_size);
  for (;;) {
    std::error_code ec;
    const auto n = body.read(piece, ec);
    if (ec) co_return status{ec, stage::body_read, "read request body"};
    if (n == 0) break;
    const std::span<const std::byte> data(piece.data(), n);
    if (chunked) write_chunk(data, out_);  // RFC 9112 §7.1
    else out_.append(as_chars(data));
    if (out_.size() < write_batch) continue;
    if (auto st = co_await write_out(); st.ec) co_return st;
  }
  if (chunked) write_last_chunk(fields{}, out_);
  co_return co_await write_out();
}

bool connection::idle_alive() {
  if (!reusable_ || !stream_.socket().is_open()) return false;
  pollfd p{stream_.socket().native_handle(), POLLIN, 0};
  return ::poll(&p, 1, 0) == 0;  // readable while idle: FIN, reset or stray bytes
}

std::string connection::peer_address() {
  std::error_code ec;
  const auto ep = stream_.socket().remote_endpoint(ec);
  return ec ? std::string("?") : net::to_ip(ep.address()).to_string();
}

connection::status connection::failed(std::error_code ec, stage where) const {
  switch (where) {
    case stage::send: return {ec, where, "send request to " + where_};
    case stage::sink: return {ec, where, "write response body"};
    default: return {ec, where, "receive response from " + where_};
  }
}

}  // namespace l7::http::client
