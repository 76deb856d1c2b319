#include "ftp/client/control.hpp"

#include <fmt/format.h>

#include "ftp/client/error.hpp"
#include "ftp/codec/path.hpp"

namespace l7::ftp::client {

control::control(net::stream stream, trace_fn trace)
    : stream_(std::move(stream)),
      trace_(std::move(trace)),
      deadline_(stream_.get_executor(), [this] { stream_.close(); }) {}

void control::note(std::string_view text) const {
  if (trace_) trace_(fmt::format("* {}", text));
}

void control::trace_reply(const numeric_reply& r) const {
  if (!trace_) return;
  for (std::size_t i = 0; i < r.lines.size(); ++i) {
    const bool last = i + 1 == r.lines.size();
    trace_(fmt::format("< {}{}{}", r.code, last ? ' ' : '-', r.lines[i]));
  }
}

net::awaitable<std::error_code> control::send(std::string command,
                                              std::chrono::milliseconds timeout) {
  if (unsafe_pathname(command)) co_return make_error_code(error::unsafe_argument);
  if (trace_) {
    const bool pass = command.size() > 4 && command.substr(0, 5) == "PASS ";
    trace_(fmt::format("> {}", pass ? std::string_view("PASS ****") : std::string_view(command)));
  }
  std::string line = std::move(command);
  line += "\r\n";
  deadline_.expires_after(timeout);
  auto [ec, n] = co_await asio::async_write(stream_, asio::buffer(line), net::use_tuple);
  deadline_.disarm();
  if (deadline_.expired()) co_return make_error_code(error::timed_out);
  co_return ec;
}

net::awaitable<std::pair<std::error_code, numeric_reply>> control::read_reply(
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
    if (ec == asio::error::eof || ec == asio::ssl::error::stream_truncated)
      ec = make_error_code(error::connection_closed);
    if (ec) {
      deadline_.disarm();
      co_return result{ec, {}};
    }
    in_.commit(n);
  }
  deadline_.disarm();
  numeric_reply reply = parser_.reply();
  trace_reply(reply);
  co_return result{std::error_code{}, std::move(reply)};
}

net::awaitable<std::pair<std::error_code, numeric_reply>> control::command(
    std::string command, std::chrono::milliseconds timeout) {
  auto ec = co_await send(std::move(command), timeout);
  if (ec) co_return std::pair<std::error_code, numeric_reply>{ec, {}};
  auto r = co_await read_reply(timeout);
  co_return r;
}

}  // namespace l7::ftp::client
