#include <gtest/gtest.h>

#include <thread>

#include "net/deadline.hpp"
#include "net/listener.hpp"
#include "net/runtime.hpp"
#include "net/tcp_server.hpp"

namespace l7::net {
namespace {

TEST(net, port_zero_binds_every_worker_to_one_real_port) {
  runtime rt(3);
  std::error_code ec;
  auto tcp_result = listen_tcp(rt, asio::ip::make_address("::"), 0, ec);
  ASSERT_FALSE(ec) << ec.message();
  ASSERT_EQ(tcp_result.acceptors.size(), 3u);
  EXPECT_NE(tcp_result.local.port(), 0);
  for (auto& a : tcp_result.acceptors) EXPECT_EQ(a.local_endpoint().port(), tcp_result.local.port());

  auto udp_result = bind_udp(rt, asio::ip::make_address("127.0.0.1"), 0, ec);
  ASSERT_FALSE(ec) << ec.message();
  ASSERT_EQ(udp_result.sockets.size(), 3u);
  for (auto& s : udp_result.sockets) EXPECT_EQ(s.local_endpoint().port(), udp_result.local.port());
}

TEST(net, dual_stack_listener_accepts_ipv4_and_ipv6) {
  runtime rt(1);
  std::error_code ec;
  auto bound = listen_tcp(rt, asio::ip::make_address("::"), 0, ec);
  ASSERT_FALSE(ec);
  auto port = bound.local.port();
  std::atomic<int> accepted{0};
  accept_options options{"test", std::make_shared<connection_limit>(0), nullptr};
  spawn_accept_loop(rt.at(0), std::move(bound.acceptors[0]), options,
                    [&](tcp::socket) -> awaitable<void> {
                      ++accepted;
                      co_return;
                    });
  std::thread t([&] { rt.run(std::chrono::milliseconds(500)); });
  asio::io_context client;
  for (const char* addr : {"127.0.0.1", "::1"}) {
    tcp::socket s(client);
    s.connect({asio::ip::make_address(addr), port}, ec);
    EXPECT_FALSE(ec) << addr << ": " << ec.message();
  }
  for (int i = 0; i < 100 && accepted < 2; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  EXPECT_EQ(accepted, 2);
  rt.stop();
  t.join();
}

TEST(net, connection_limit_rejects_over_the_cap) {
  runtime rt(1);
  std::error_code ec;
  auto bound = listen_tcp(rt, asio::ip::make_address("127.0.0.1"), 0, ec);
  ASSERT_FALSE(ec);
  auto port = bound.local.port();
  std::atomic<int> served{0}, rejected{0};
  auto hold = std::make_shared<asio::steady_timer>(rt.at(0).context(), std::chrono::seconds(30));
  accept_options options{"test", std::make_shared<connection_limit>(1),
                         [&](tcp::socket) -> awaitable<void> {
                           ++rejected;
                           co_return;
                         }};
  spawn_accept_loop(rt.at(0), std::move(bound.acceptors[0]), options,
                    [&, hold](tcp::socket s) -> awaitable<void> {
                      ++served;
                      co_await hold->async_wait(use_tuple);  // keeps the slot busy
                    });
  std::thread t([&] { rt.run(std::chrono::milliseconds(200)); });
  asio::io_context client;
  tcp::socket a(client), b(client);
  a.connect({asio::ip::make_address("127.0.0.1"), port});
  for (int i = 0; i < 100 && served < 1; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  b.connect({asio::ip::make_address("127.0.0.1"), port});
  for (int i = 0; i < 100 && rejected < 1; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  EXPECT_EQ(served, 1);
  EXPECT_EQ(rejected, 1);
  asio::post(rt.at(0).context(), [hold] { hold->cancel(); });
  rt.stop();
  t.join();
}

TEST(net, deadline_fires_once_and_can_be_moved_or_disarmed) {
  asio::io_context io;
  int fired = 0;
  {
    deadline d(io.get_executor(), [&] { ++fired; });
    d.expires_after(std::chrono::milliseconds(20));
    d.expires_after(std::chrono::milliseconds(60));  // later: noticed when the timer wakes
    auto start = std::chrono::steady_clock::now();
    while (fired == 0 && std::chrono::steady_clock::now() - start < std::chrono::seconds(2))
      io.run_one_for(std::chrono::milliseconds(10));
    EXPECT_EQ(fired, 1);
    EXPECT_TRUE(d.expired());
    EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(55));
    d.expires_after(std::chrono::milliseconds(10));
    d.disarm();
    io.run_for(std::chrono::milliseconds(50));
    EXPECT_EQ(fired, 1);
  }
  io.run_for(std::chrono::milliseconds(20));  // the watcher ends after destruction
  EXPECT_EQ(fired, 1);
}

TEST(net, graceful_stop_runs_hooks_and_waits_for_sessions) {
  runtime rt(2);
  std::atomic<int> hooks{0};
  std::atomic<bool> session_done{false};
  auto hold = std::make_shared<worker::stop_handle>();
  asio::post(rt.at(1).context(), [&] {
    *hold = rt.at(1).on_stop([&] { ++hooks; });
    asio::co_spawn(rt.at(1).executor(), [&]() -> awaitable<void> {
      worker::session_token token(rt.at(1));
      asio::steady_timer t(rt.at(1).executor(), std::chrono::milliseconds(150));
      co_await t.async_wait(use_tuple);
      session_done = true;
    }, asio::detached);
  });
  std::thread stopper([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    rt.stop();
  });
  rt.run(std::chrono::seconds(5));
  stopper.join();
  EXPECT_EQ(hooks, 1);
  EXPECT_TRUE(session_done);  // run() waited for the session
}

}  // namespace
}  // namespace l7::net
