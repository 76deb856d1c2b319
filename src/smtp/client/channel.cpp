#include "smtp/client/channel.hpp"

#include <fmt/format.h>

#include "smtp/client/error.hpp"

namespace l7::smtp::client {

channel::channel(net::stream stream, trace_fn trace)
    : stream_(std::move(stream)),
      trace_(std::move(trace)),
      deadline_(stream_.get_executor(), [this] { stream_.close(); }) {}

void channel::trace(trace_kind kind, std::string_view line) const {
  if (trace_) trace_(kind, line);
}

net::awaitable<std::error_code> channel::write(std::string bytes, std::chrono::milliseconds timeout) {
  deadline_.expires_after(timeout);
  auto [ec, n] = co_await asio::async_write(stream_, asio::buffer(bytes), net::use_tuple);
  deadline_.disarm();
  if (deadline_.expired()) co_return make_error_code(error::timed_out);
  if (ec == asio::error::eof || ec == asio::error::broken_pipe || ec == asio::error::connection_reset)
    co_return make_error_code(error::connection_closed);
  co_return ec;
}

net::awaitable<std::pair<std::error_code, numeric_reply>> channel::read_reply(
    std::chrono::milliseconds timeout) {
  using result = std::pair<std::error_code, numeric_reply>;
  parser_.reset();
  deadline_.expires_after(timeout);
  for (;;) {
    std::error_code pec;
    const auto used = parser_.parse(in_.text(), pec);
    in_.consume(used);
    if (pec) {
      deadline_.disarm();
      co_return result{pec, {}};
    }
    if (parser_.done()) break;
    auto space = in_.prepare(4096);
    auto [ec, n] = co_await stream_.async_read_some(asio::buffer(space.data(), space.size()),
                                                    net::use_tuple);
    if (deadline_.expired()) co_return result{make_error_code(error::timed_out), {}};
    if (ec == asio::error::eof || ec == asio::ssl::error::stream_truncated ||
        ec == asio::error::connection_reset)
      ec = make_error_code(error::connection_closed);
    if (ec) {
      deadline_.disarm();
      co_return result{ec, {}};
    }
    in_.commit(n);
  }
  deadline_.disarm();
  numeric_reply reply = parser_.reply();
  if (trace_) {
    for (std::size_t i = 0; i < reply.lines.size(); ++i) {
      const bool last = i + 1 == reply.lines.size();
      trace_(trace_kind::server, fmt::format("{}{}{}", reply.code, last ? ' ' : '-', reply.lines[i]));
    }
  }
  co_return result{std::error_code{}, std::move(reply)};
}

}  // namespace l7::smtp::client
