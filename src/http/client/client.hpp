// The HTTP/1.1 client: fetch() sends one request and follows redirects, reusing kept-alive
// connections to the same origin (scheme, host, port) across fetches (RFC 9112 §9.3).
//
//   asio::io_context io;
//   l7::http::client::client c({});
//   asio::co_spawn(io, [&]() -> asio::awaitable<void> {
//     auto r = co_await c.fetch(req, {.body = write_to_file});
//     if (r.ec) report(r.message());
//   }, asio::detached);
//   io.run();
//
// Ownership: the client owns its idle connections and TLS context. fetch() calls must not
// overlap (one coroutine drives the client); the client must outlive them.
// Errors: every failure is in result::ec with result::where; nothing is thrown for I/O.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "http/client/connection.hpp"
#include "http/client/request.hpp"
#include "net/asio.hpp"
#include "net/tls.hpp"

namespace l7::http::client {

struct options {
  // Trust store (system by default), -k, and ALPN (empty: "http/1.1").
  net::client_tls_options tls;
  // Resolve + connect + TLS handshake of each new connection.
  std::chrono::milliseconds connect_timeout = std::chrono::seconds(300);
  // Whole fetch() (connections, redirects, body); error::timed_out when it passes.
  std::optional<std::chrono::milliseconds> max_time;
  bool follow_redirects = false;
  int max_redirects = 10;  // negative: no limit
  std::string user_agent = "l7/0.1";
  // How long a body waits for 100 Continue before it is sent anyway (RFC 9110 §10.1.1).
  std::chrono::milliseconds continue_timeout = std::chrono::seconds(1);
  std::size_t max_idle = 4;  // idle connections kept, oldest closed first
};

class client {
 public:
  // Throws std::runtime_error when options.tls.ca_file cannot be loaded.
  explicit client(options opts);
  client(const client&) = delete;
  client& operator=(const client&) = delete;
  ~client();

  // Sends `req`, following redirects when options.follow_redirects (RFC 9110 §15.4).
  // On a reused connection that turns out closed before any response byte, an idempotent
  // request with a rewindable body is sent once more on a new connection (RFC 9112 §9.3.1).
  net::awaitable<result> fetch(request req, const callbacks& cb);

  // Closes every idle connection.
  void close_idle() { idle_.clear(); }

 private:
  struct hop;
  struct acquired;

  net::awaitable<hop> exchange(request& req, const callbacks& cb, result& r);
  net::awaitable<connection::status> finish_response(connection& conn, const callbacks& cb,
                                                     result& r, hop& h);
  net::awaitable<acquired> acquire(const url& u, const callbacks& cb, bool fresh);
  std::optional<acquired> take_idle(const std::string& origin, const callbacks& cb);
  void release(std::unique_ptr<connection> conn, const callbacks& cb);
  void fail(result& r, connection::status st) const;
  std::chrono::milliseconds time_left() const;

  options opts_;
  std::shared_ptr<asio::ssl::context> tls_;
  std::vector<std::unique_ptr<connection>> idle_;  // oldest first
  connection* active_ = nullptr;                   // the one a timeout aborts
  std::chrono::steady_clock::time_point deadline_at_;
  bool timed_out_ = false;
  int next_id_ = 0;
};

}  // namespace l7::http::client
