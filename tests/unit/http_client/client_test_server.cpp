#include "client_test_server.hpp"

#include <gtest/gtest.h>

#include <memory>

#include "core/bytes.hpp"

namespace l7::http::client::test {

net::awaitable<bool> server_conn::pull(event& ev) {
  for (;;) {
    std::error_code ec;
    const auto n = parser_.parse(buffer_.data(), ec);
    ev = parser_.next();
    buffer_.consume(n);
    if (ec) co_return false;
    if (!std::holds_alternative<need_more>(ev)) co_return true;
    const auto space = buffer_.prepare(4096);
    auto [rec, got] = co_await socket_.async_read_some(asio::buffer(space.data(), space.size()),
                                                       net::use_tuple);
    buffer_.commit(got);
    if (rec) co_return false;
  }
}

net::awaitable<std::optional<request_head>> server_conn::read_head() {
  if (!first_) parser_.reset();
  first_ = false;
  event ev;
  const bool ok = co_await pull(ev);
  if (!ok || !std::holds_alternative<head_event>(ev)) co_return std::nullopt;
  co_return parser_.request();
}

net::awaitable<std::string> server_conn::read_body() {
  std::string body;
  event ev;
  while (!parser_.done()) {
    const bool ok = co_await pull(ev);
    if (!ok) break;
    if (auto* d = std::get_if<data_event>(&ev)) body.append(as_chars(d->bytes));
  }
  co_return body;
}

net::awaitable<std::optional<received>> server_conn::read_request() {
  auto head = co_await read_head();
  if (!head) co_return std::nullopt;
  auto body = co_await read_body();  // (no co_await inside braces: GCC 12 miscompiles it)
  received r;
  r.head = std::move(*head);
  r.body = std::move(body);
  co_return r;
}

net::awaitable<void> server_conn::send(std::string_view bytes) {
  (void)co_await asio::async_write(socket_, asio::buffer(bytes), net::use_tuple);
}

test_server::test_server(asio::io_context& io, handler h)
    : acceptor_(io, net::tcp::endpoint(asio::ip::address_v4::loopback(), 0)),
      handler_(std::move(h)),
      port_(acceptor_.local_endpoint().port()) {
  asio::co_spawn(io, accept_loop(), asio::detached);
}

std::string test_server::url(std::string_view path) const {
  return "http://127.0.0.1:" + std::to_string(port_) + std::string(path);
}

net::awaitable<void> test_server::accept_loop() {
  for (;;) {
    auto [ec, socket] = co_await acceptor_.async_accept(net::use_tuple);
    if (ec) co_return;
    const int n = connections_++;
    auto conn = std::make_shared<server_conn>(std::move(socket));
    asio::co_spawn(
        acceptor_.get_executor(),
        [conn, n, this]() -> net::awaitable<void> { co_await handler_(*conn, n); },
        asio::detached);
  }
}

void run_client(asio::io_context& io, std::function<net::awaitable<void>()> body) {
  bool finished = false;
  io.restart();
  asio::co_spawn(io, body(), [&](std::exception_ptr e) {
    finished = true;
    io.stop();
    if (e) std::rethrow_exception(e);
  });
  io.run_for(std::chrono::seconds(10));
  EXPECT_TRUE(finished) << "client coroutine did not finish";
}

request make_request(std::string_view u, std::string method) {
  request r;
  r.method = std::move(method);
  auto parsed = parse_url(u);
  EXPECT_TRUE(parsed.has_value()) << u;
  if (parsed) r.target = *parsed;
  return r;
}

}  // namespace l7::http::client::test
