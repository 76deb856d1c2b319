#include "net/connect.hpp"

#include "net/deadline.hpp"

namespace l7::net {

awaitable<std::pair<std::error_code, tcp::socket>> connect_tcp(std::string host, std::uint16_t port,
                                                                std::chrono::milliseconds timeout) {
  auto ex = co_await asio::this_coro::executor;
  tcp::resolver resolver(ex);
  tcp::socket socket(ex);
  bool timed_out = false;
  deadline guard(ex, [&] {
    timed_out = true;
    resolver.cancel();
    std::error_code ignored;
    socket.close(ignored);
  });
  guard.expires_after(timeout);
  auto [rec, results] = co_await resolver.async_resolve(host, std::to_string(port), use_tuple);
  if (rec) co_return std::pair{timed_out ? asio::error::timed_out : rec, std::move(socket)};
  std::error_code last = asio::error::host_not_found;
  for (const auto& entry : results) {
    if (timed_out) break;
    std::error_code ignored;
    socket.close(ignored);
    auto [ec] = co_await socket.async_connect(entry.endpoint(), use_tuple);
    if (!ec) {
      socket.set_option(tcp::no_delay(true), ignored);
      co_return std::pair{std::error_code{}, std::move(socket)};
    }
    last = ec;
  }
  co_return std::pair{timed_out ? std::error_code(asio::error::timed_out) : last, std::move(socket)};
}

}  // namespace l7::net
