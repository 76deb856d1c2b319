// A scripted HTTP server for client tests: listens on 127.0.0.1:0 in the test's io_context
// and runs a handler coroutine per accepted connection. Requests are read with the codec's
// request parser, so the bytes the client sends are checked as a server would.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "core/buffer.hpp"
#include "http/client/client.hpp"
#include "http/codec/parser.hpp"
#include "net/asio.hpp"

namespace l7::http::client::test {

struct received {
  request_head head;
  std::string body;
};

// One accepted connection, as the handler sees it.
class server_conn {
 public:
  explicit server_conn(net::tcp::socket s) : socket_(std::move(s)) {}
  // The next request head; nullopt when the client closed (or sent garbage).
  net::awaitable<std::optional<request_head>> read_head();
  // The body of the request whose head was just read.
  net::awaitable<std::string> read_body();
  // read_head() + read_body().
  net::awaitable<std::optional<received>> read_request();
  net::awaitable<void> send(std::string_view bytes);
  void close() { socket_.close(); }

 private:
  net::awaitable<bool> pull(event& ev);

  net::tcp::socket socket_;
  flat_buffer buffer_{1 << 20};
  parser parser_{role::request};
  bool first_ = true;
};

class test_server {
 public:
  // handler(conn, n): n counts connections from 0.
  using handler = std::function<net::awaitable<void>(server_conn&, int)>;
  test_server(asio::io_context& io, handler h);
  std::uint16_t port() const { return port_; }
  int connections() const { return connections_; }
  // "http://127.0.0.1:PORT" + path
  std::string url(std::string_view path) const;

 private:
  net::awaitable<void> accept_loop();

  net::tcp::acceptor acceptor_;
  handler handler_;
  std::uint16_t port_ = 0;
  int connections_ = 0;
};

// Runs `body` on io until it finishes (or 10 s pass, which fails the test).
void run_client(asio::io_context& io, std::function<net::awaitable<void>()> body);

// A request for `u` (must parse).
request make_request(std::string_view u, std::string method = "GET");

}  // namespace l7::http::client::test
