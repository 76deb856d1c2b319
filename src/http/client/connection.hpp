// One connection to an origin (scheme, host, port), plain or TLS, carrying HTTP/1.x
// exchanges one after another (RFC 9112 §9.3 persistence; no pipelining).
//
// An exchange is send() (request head and body, up to the final response head) followed by
// read_body(). Afterwards reusable() says whether another request may follow.
// Owns its socket and read buffer; used from one coroutine at a time on its executor.
// Errors are values: a status names the failed stage (stage::send, receive, ...), the
// error code and a context like "receive response from 127.0.0.1:8080".
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <system_error>

#include "core/buffer.hpp"
#include "http/client/body_source.hpp"
#include "http/client/request.hpp"
#include "http/codec/message.hpp"
#include "http/codec/parser.hpp"
#include "http/codec/url.hpp"
#include "net/asio.hpp"
#include "net/stream.hpp"

namespace l7::http::client {

class connection {
 public:
  struct status {
    std::error_code ec;
    stage where = stage::none;
    std::string context;
  };
  struct opened;

  // Resolves and connects to the origin of `u`, then (https) runs the TLS handshake with SNI
  // and certificate checks for u.host; `timeout` covers all of it (asio::error::timed_out).
  // Precondition: tls is not null for https. `id` numbers connections in verbose logs.
  static net::awaitable<opened> open(const url& u, asio::ssl::context* tls,
                                     std::chrono::milliseconds timeout, int id);

  connection(const connection&) = delete;
  connection& operator=(const connection&) = delete;

  // Writes `head` and, unless a final response comes first, `body` (framed chunked when the
  // head says Transfer-Encoding: chunked), then reads response heads: each 1xx goes to
  // on_interim, the final head is left in response(). With "Expect: 100-continue" in the
  // head the body waits for 100 Continue or `continue_wait` (RFC 9110 §10.1.1).
  net::awaitable<status> send(const request_head& head, body_source* body,
                              std::chrono::milliseconds continue_wait,
                              const std::function<void(const response_head&)>& on_interim);
  const response_head& response() const { return parser_.response(); }
  // Reads the final response's body into `sink` (discarded when sink is empty), counting
  // the bytes in `bytes`. Handles Content-Length, chunked with trailers and close-delimited
  // bodies, and none for HEAD, 1xx, 204 and 304 (RFC 9112 §6.3).
  net::awaitable<status> read_body(const body_sink& sink, std::uint64_t& bytes);

  // Some byte of the current response has arrived (a retry is no longer safe).
  bool response_started() const { return response_started_; }
  // The last exchange completed and both sides want to keep the connection (RFC 9112 §9.3).
  bool reusable() const { return reusable_; }
  // A reusable connection on which nothing arrived while idle (no FIN, no stray bytes).
  bool idle_alive();
  // Exchanges completed on this connection.
  unsigned requests() const { return requests_; }

  int id() const { return id_; }
  const std::string& origin() const { return origin_; }
  const std::string& host() const { return host_; }
  // The peer address as text ("127.0.0.1", "::1").
  std::string peer_address();
  std::uint16_t port() const { return port_; }
  std::string_view tls_version() const { return stream_.tls_version(); }

  // Closes the socket now; pending operations fail (used by timeouts).
  void abort() { stream_.close(); }

 private:
  connection(net::tcp::socket socket, const url& u, int id);

  net::awaitable<status> write_out();
  net::awaitable<status> write_body(body_source& body, bool chunked);
  net::awaitable<status> wait_continue(std::chrono::milliseconds wait, bool& send_body,
                                       const std::function<void(const response_head&)>& on_interim);
  net::awaitable<status> read_final_head(bool stop_at_continue, bool& got_continue,
                                         const std::function<void(const response_head&)>& on_interim);
  net::awaitable<std::error_code> pull(event& ev);
  status failed(std::error_code ec, stage where) const;

  net::stream stream_;
  flat_buffer buffer_;
  parser parser_;
  std::string out_;
  std::string origin_;   // url::origin()
  std::string host_;
  std::uint16_t port_;
  std::string where_;    // "host:port" for messages
  int id_;
  unsigned requests_ = 0;
  bool eof_ = false;
  bool response_started_ = false;
  bool reusable_ = false;
  bool request_keeps_ = true;  // our request did not opt out of persistence
};

struct connection::opened {
  status st;
  std::unique_ptr<connection> conn;
};

}  // namespace l7::http::client
