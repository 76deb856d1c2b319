#include "ftp/server/data_channel.hpp"

#include <spdlog/spdlog.h>

#include "ftp/server/service.hpp"

namespace l7::ftp::server {

bool same_host(const asio::ip::address& a, const asio::ip::address& b) {
  return net::to_ip(a).unmapped() == net::to_ip(b).unmapped();
}

namespace {
// A dual-stack listener sees IPv4 clients as ::ffff:a.b.c.d; their data sockets are IPv4.
asio::ip::address unmapped(const asio::ip::address& a) {
  if (a.is_v6() && a.to_v6().is_v4_mapped()) return asio::ip::make_address_v4(asio::ip::v4_mapped, a.to_v6());
  return a;
}
}  // namespace

std::pair<std::error_code, std::uint16_t> data_channel::listen_passive(const asio::ip::address& local,
                                                                       shared_state& shared) {
  reset();
  const auto& cfg = shared.config;
  // No range configured: one bind to port 0, the kernel's pick. A range: each session starts
  // where the last one stopped, so with many sessions the search is short.
  const bool any = cfg.passive_min == 0;
  const std::uint32_t count = any ? 1 : static_cast<std::uint32_t>(cfg.passive_max - cfg.passive_min) + 1;
  const std::uint32_t start = any ? 0 : shared.next_passive.fetch_add(1, std::memory_order_relaxed);
  std::error_code ec;
  for (std::uint32_t i = 0; i < count; ++i) {
    const auto port = any ? std::uint16_t{0} : static_cast<std::uint16_t>(cfg.passive_min + (start + i) % count);
    net::tcp::acceptor a(ex_);
    const net::tcp::endpoint ep(unmapped(local), port);
    a.open(ep.protocol(), ec);
    if (ec) return {ec, 0};
    // The last data connection on this port may be in TIME_WAIT (we close data connections
    // first): without SO_REUSEADDR its port stays unusable for a minute. A port another
    // session listens on still fails to bind (Linux refuses two listeners on one port).
    a.set_option(net::tcp::acceptor::reuse_address(true), ec);
    if (ec) return {ec, 0};
    a.bind(ep, ec);
    if (ec) continue;  // taken: try the next one
    a.listen(8, ec);
    if (ec) continue;
    if (!any) shared.next_passive.store(start + i + 1, std::memory_order_relaxed);
    const auto bound = a.local_endpoint(ec).port();
    if (ec) return {ec, 0};
    acceptor_.emplace(std::move(a));
    return {{}, bound};
  }
  return {make_error_code(std::errc::address_in_use), 0};
}

void data_channel::set_active(net::tcp::endpoint peer) {
  reset();
  active_ = peer;
}

void data_channel::reset() {
  std::error_code ignored;
  if (acceptor_) acceptor_->close(ignored);
  acceptor_.reset();
  active_.reset();
}

void data_channel::cancel() {
  std::error_code ignored;
  if (acceptor_) acceptor_->cancel(ignored);
  if (connecting_) connecting_->close(ignored);
}

net::awaitable<std::pair<std::error_code, net::tcp::socket>> data_channel::open(
    const asio::ip::address& peer, const asio::ip::address& local, std::chrono::milliseconds timeout) {
  net::tcp::socket socket(ex_);
  bool expired = false;
  asio::steady_timer timer(ex_, timeout);
  timer.async_wait([this, &expired](std::error_code e) {
    if (e) return;
    expired = true;
    cancel();
  });
  std::error_code ec;
  if (acceptor_) {
    for (;;) {
      auto [aec, s] = co_await acceptor_->async_accept(net::use_tuple);
      if (aec) {
        ec = aec;
        break;
      }
      std::error_code rec;
      auto remote = s.remote_endpoint(rec);
      if (!rec && same_host(remote.address(), peer)) {
        socket = std::move(s);
        break;
      }
      // Someone else connected to our passive port: not the client, so not its data.
      s.close(rec);
    }
  } else if (active_) {
    const auto to = *active_;
    socket.open(to.protocol(), ec);
    // From the control connection's address, so that the client sees the server it expects.
    if (!ec) socket.bind(net::tcp::endpoint(unmapped(local), 0), ec);
    if (!ec) {
      connecting_ = &socket;
      auto [cec] = co_await socket.async_connect(to, net::use_tuple);
      connecting_ = nullptr;
      ec = cec;
    }
  } else {
    ec = make_error_code(std::errc::not_connected);
  }
  timer.cancel();
  reset();  // one setup, one connection
  if (expired) ec = make_error_code(std::errc::timed_out);
  co_return std::pair{ec, std::move(socket)};
}

}  // namespace l7::ftp::server
