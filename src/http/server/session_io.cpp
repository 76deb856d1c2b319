// The session's output side and body input: response heads, writes, sendfile, bodies.
#include <unistd.h>

#include <spdlog/spdlog.h>

#include "core/bytes.hpp"
#include "http/codec/date.hpp"
#include "http/codec/serializer.hpp"
#include "http/server/service.hpp"
#include "http/server/session.hpp"

namespace l7::http::server {
namespace {

std::string_view current_date() {  // RFC 9110 §6.6.1, formatted once per second per thread
  thread_local std::time_t cached_second = 0;
  thread_local std::string cached;
  std::time_t now = std::time(nullptr);
  if (now != cached_second) {
    cached_second = now;
    cached = format_http_date(now);
  }
  return cached;
}

}  // namespace

void session::prepare_head(response_head& head, std::optional<std::uint64_t> length, bool chunked) {
  status_ = head.status;
  responded_ = true;
  head.version = 11;
  head.headers.set("Date", current_date());
  if (!listener_.config->server_header.empty() && !head.headers.get("Server"))
    head.headers.add("Server", listener_.config->server_header);
  bool no_body = head.status < 200 || head.status == 204 || head.status == 304;
  if (head.status == 101) {
    upgraded_ = true;  // the handler owns Connection/Upgrade and the connection from here on
  } else {
    // A final response before the request body was read: say now whether the connection
    // stays (RFC 9110 §10.1.1). It closes when the client waits for 100 Continue that will
    // not come, or when the declared body is more than we are willing to skip.
    if (!parser_.done()) {
      auto length = parser_.content_length();
      if ((parser_.expect_continue() && !continue_sent_) ||
          (length && *length > listener_.config->max_discard))
        close_after_ = true;
    }
    if (!no_body) {  // RFC 9112 §6.1-§6.2: exactly one framing
      if (chunked) head.headers.set("Transfer-Encoding", "chunked");
      else if (length) head.headers.set("Content-Length", std::to_string(*length));
      else close_after_ = true;  // close-delimited (HTTP/1.0 client, unknown length)
    }
    if (close_after_ || stopping()) {
      close_after_ = true;
      head.headers.set("Connection", "close");
    } else if (parser_.request().version == 10) {
      head.headers.set("Connection", "keep-alive");
    }
  }
  chunked_out_ = chunked && !head_only_ && !no_body;
  out_.clear();
  serialize(head, out_);
  if (listener_.trace) {
    std::string text = fmt::format("{} < {} {}", remote_text(), head.status,
                                   head.reason.empty() ? reason_phrase(head.status) : head.reason);
    for (const auto& f : head.headers) text += fmt::format("\n    < {}: {}", f.name, f.value);
    listener_.trace->info("{}", text);
  }
}

bool session::send_now(std::span<const std::byte>& a, std::span<const std::byte>& b, std::error_code& ec,
                       bool more) {
  while (!a.empty() || !b.empty()) {
    auto r = conn_->write_some(a, b, more);
    if (r.status == net::io_status::done) {
      auto from_a = std::min(r.bytes, a.size());
      a = a.subspan(from_a);
      b = b.subspan(r.bytes - from_a);
      continue;
    }
    if (r.status == net::io_status::want_read || r.status == net::io_status::want_write) return false;
    close_after_ = true;
    ec = r.ec ? r.ec : make_error_code(asio::error::broken_pipe);
    return true;
  }
  return true;
}

net::awaitable<std::error_code> session::write_rest(std::span<const std::byte> a, std::span<const std::byte> b,
                                                    bool more) {
  for (;;) {
    std::error_code ec;
    if (send_now(a, b, ec, more)) co_return ec;
    conn_->expires_after(listener_.config->io_timeout);
    // TLS may need to read before it can write again; plain TCP waits for room.
    const unsigned what = conn_->may_write() ? net::ready_read : net::ready_write;
    if (auto wec = co_await wait(what)) {
      close_after_ = true;
      co_return wec;
    }
  }
}

net::awaitable<std::error_code> session::write(std::string_view head, std::span<const std::byte> body,
                                               bool more) {
  auto a = as_bytes(head);
  auto b = body;
  bytes_sent_ += body.size();
  std::error_code ec;
  if (send_now(a, b, ec, more)) co_return ec;
  co_return co_await write_rest(a, b, more);
}

bool session::reply_now(int status, std::string_view content_type, std::string_view body,
                        std::error_code& ec) {
  // The reusable head: its fields keep their storage from one response to the next.
  response_head& head = reply_;
  head.status = status;
  head.reason.clear();
  head.headers.clear();
  if (!content_type.empty()) head.headers.add("Content-Type", content_type);
  prepare_head(head, body.size(), false);
  response_done_ = true;
  const bool send_body = !head_only_ && status >= 200 && status != 204 && status != 304;
  pending_a_ = as_bytes(out_);
  pending_b_ = send_body ? as_bytes(body) : std::span<const std::byte>{};
  bytes_sent_ += pending_b_.size();
  return send_now(pending_a_, pending_b_, ec);
}

net::awaitable<std::error_code> session::flush_head(bool more) {
  head_pending_ = false;
  co_return co_await write(out_, {}, more);
}

net::awaitable<std::error_code> session::send_file(int fd, std::uint64_t offset, std::uint64_t length) {
  if (conn_->is_tls() || chunked_out_) {
    // Through the TLS record layer (or chunk framing): read and write in pieces.
    std::vector<std::byte> piece(std::min<std::uint64_t>(length, 256 * 1024));
    while (length > 0) {
      auto want = std::min<std::uint64_t>(length, piece.size());
      auto got = ::pread(fd, piece.data(), want, static_cast<off_t>(offset));
      if (got <= 0) co_return std::error_code(got < 0 ? errno : EIO, std::system_category());
      std::span<const std::byte> data(piece.data(), static_cast<std::size_t>(got));
      exchange ex(*this);
      if (auto ec = co_await ex.write(data)) co_return ec;
      offset += static_cast<std::uint64_t>(got);
      length -= static_cast<std::uint64_t>(got);
    }
    co_return std::error_code{};
  }
  // The head goes out with the first bytes of the file (MSG_MORE), not in a segment of its own.
  if (head_pending_) {
    if (auto ec = co_await flush_head(true)) co_return ec;
  }
  auto off = static_cast<std::int64_t>(offset);
  std::error_code ec;
  while (length > 0 && !ec) {
    auto r = conn_->send_file(fd, off, std::min<std::uint64_t>(length, 1u << 30));
    if (r.status == net::io_status::done) {
      length -= r.bytes;
      bytes_sent_ += r.bytes;
    } else if (r.status == net::io_status::want_write) {
      conn_->expires_after(listener_.config->io_timeout);
      ec = co_await wait(net::ready_write);
    } else {
      ec = r.ec;
    }
  }
  if (ec) close_after_ = true;
  co_return ec;
}

net::awaitable<std::error_code> session::read_more(std::size_t want) {
  std::size_t room = std::min(want, buffer_.capacity_left());
  if (room == 0) co_return make_error_code(error::headers_too_large);
  auto space = buffer_.prepare(room);
  for (;;) {
    auto r = conn_->read_some(space);
    if (r.status == net::io_status::done) {
      buffer_.commit(r.bytes);
      co_return std::error_code{};
    }
    if (r.status != net::io_status::want_read && r.status != net::io_status::want_write) co_return r.ec;
    if (auto ec = co_await wait(r.status == net::io_status::want_read ? net::ready_read : net::ready_write))
      co_return ec;
  }
}

net::awaitable<std::error_code> session::pull(event& ev) {
  for (;;) {
    std::error_code ec;
    auto n = parser_.parse(buffer_.data(), ec);
    ev = parser_.next();
    buffer_.consume(n);  // data_event spans stay valid until the next read
    if (ec) co_return ec;
    if (!std::holds_alternative<need_more>(ev)) co_return std::error_code{};
    conn_->expires_after(listener_.config->io_timeout);
    if (auto rec = co_await read_more(read_chunk)) co_return rec;
  }
}

net::awaitable<std::error_code> session::read_body(std::string& out, std::uint64_t max) {
  if (parser_.done()) co_return std::error_code{};
  if (parser_.expect_continue() && !continue_sent_ && buffer_.empty()) {  // RFC 9110 §10.1.1
    continue_sent_ = true;
    static constexpr std::string_view interim = "HTTP/1.1 100 Continue\r\n\r\n";
    const std::span<const std::byte> none;
    if (auto ec = co_await write(interim, none)) co_return ec;
  }
  continue_sent_ = true;
  event ev;
  while (!parser_.done()) {
    if (auto ec = co_await pull(ev)) co_return ec;
    if (auto* d = std::get_if<data_event>(&ev)) {
      if (out.size() + d->bytes.size() > max) co_return make_error_code(error::body_too_large);
      out.append(as_chars(d->bytes));
    }
  }
  co_return std::error_code{};
}

}  // namespace l7::http::server
