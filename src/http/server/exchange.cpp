#include "http/server/exchange.hpp"

#include "core/bytes.hpp"
#include "core/text.hpp"
#include "http/codec/serializer.hpp"
#include "http/codec/url.hpp"
#include "http/server/session.hpp"

namespace l7::http::server {

const request_head& exchange::request() const { return s_.parser_.request(); }
std::string_view exchange::path() const { return s_.path_; }
std::string_view exchange::query() const { return s_.query_; }
const net::tcp::endpoint& exchange::remote() const { return s_.remote_; }
bool exchange::secure() const { return s_.secure_; }
bool exchange::responded() const { return s_.responded_; }
int exchange::status() const { return s_.status_; }

std::optional<std::string> exchange::query_param(std::string_view name) const {
  return http::query_param(s_.query_, name);
}

net::awaitable<std::error_code> exchange::read_body(std::string& out, std::uint64_t max) {
  auto ec = co_await s_.read_body(out, max);
  // A body the codec rejects gets its status here (413 for size, 400 for framing); the
  // handler only has to stop.
  if (ec && ec.category() == category()) co_await s_.send_error(status_for(ec), ec.message());
  co_return ec;
}

// The common case runs without suspending: the head and body go out in one write that the
// socket takes at once.
net::awaitable<std::error_code> exchange::respond(response_head head, std::string_view body) {
  s_.prepare_head(head, body.size(), false);
  s_.response_done_ = true;
  bool send_body = !s_.head_only_ && head.status >= 200 && head.status != 204 && head.status != 304;
  auto a = as_bytes(s_.out_);
  auto b = send_body ? as_bytes(body) : std::span<const std::byte>{};
  s_.bytes_sent_ += b.size();
  std::error_code ec;
  if (s_.send_now(a, b, ec)) co_return ec;
  co_return co_await s_.write_rest(a, b, false);
}

net::awaitable<std::error_code> exchange::respond(int status, std::string_view content_type,
                                                  std::string_view body) {
  std::error_code ec;
  if (s_.reply_now(status, content_type, body, ec)) co_return ec;
  const auto a = s_.pending_a_;
  const auto b = s_.pending_b_;
  co_return co_await s_.write_rest(a, b, false);
}

net::awaitable<std::error_code> exchange::begin(response_head head,
                                                std::optional<std::uint64_t> length) {
  bool chunked = !length && request().version >= 11;
  s_.prepare_head(head, length, chunked);
  // The head waits in out_ for the first body bytes (write, write_file, finish).
  s_.head_pending_ = true;
  co_return std::error_code{};
}

net::awaitable<std::error_code> exchange::write(std::span<const std::byte> data) {
  if (s_.head_only_ || data.empty()) co_return std::error_code{};
  if (!s_.chunked_out_) {
    if (!s_.head_pending_) co_return co_await s_.write({}, data);
    s_.head_pending_ = false;
    co_return co_await s_.write(s_.out_, data);
  }
  if (!s_.head_pending_) s_.out_.clear();
  s_.head_pending_ = false;
  write_chunk(data, s_.out_);
  // The chunk header and trailer are in out_ around a copy of data; keep bytes_sent_ honest.
  auto ec = co_await s_.write(s_.out_, {});
  s_.bytes_sent_ += data.size();
  co_return ec;
}

net::awaitable<std::error_code> exchange::write_file(int fd, std::uint64_t offset,
                                                     std::uint64_t length) {
  if (s_.head_only_ || length == 0) co_return std::error_code{};
  co_return co_await s_.send_file(fd, offset, length);
}

net::awaitable<std::error_code> exchange::finish() {
  s_.response_done_ = true;
  if (!s_.chunked_out_) {
    if (!s_.head_pending_) co_return std::error_code{};
    co_return co_await s_.flush_head(false);
  }
  if (!s_.head_pending_) s_.out_.clear();
  s_.head_pending_ = false;
  write_last_chunk({}, s_.out_);
  co_return co_await s_.write(s_.out_, {});
}

exchange::raw_connection exchange::upgrade() {
  if (!s_.conn_ || !s_.upgraded_) throw std::logic_error("exchange::upgrade without a 101 response");
  auto& c = *s_.conn_;
  c.disarm();
  c.set_owner(nullptr);
  std::string early(s_.buffer_.text());
  s_.buffer_.clear();
  return {std::move(s_.conn_), std::move(early), s_.worker_};
}

}  // namespace l7::http::server
