// One request/response exchange, as a route handler sees it. The session owns the connection;
// an exchange is valid only during the handler call.
//
// A handler reads the body (optional) and sends exactly one final response, either whole
// (respond) or streamed (begin/write/finish). If it sends none, the session answers 500.
// Errors from I/O come back as values; after an I/O error the connection is closed.
// HEAD: respond()/begin() send the head only; the handler need not special-case it.
// Protocol switches (WebSocket, RFC 9110 §7.8): respond with 101, then use upgrade() to drive
// the raw connection; the session closes it when the handler returns.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <system_error>

#include "core/buffer.hpp"
#include "http/codec/message.hpp"
#include "net/asio.hpp"
#include "net/connection.hpp"
#include "net/runtime.hpp"

namespace l7::http::server {

class session;

class exchange {
 public:
  explicit exchange(session& s) : s_(s) {}

  const request_head& request() const;
  std::string_view method() const { return request().method; }
  // The percent-decoded path of the target, without the query ("/a b/c").
  std::string_view path() const;
  // The query string as sent, without '?'.
  std::string_view query() const;
  // The first value of a query parameter, decoded (application/x-www-form-urlencoded).
  std::optional<std::string> query_param(std::string_view name) const;
  const net::tcp::endpoint& remote() const;
  bool secure() const;

  // Reads the whole request body into `out` (100 Continue is sent first when the client
  // asked for it). http::error::body_too_large past `max` bytes: the session then answers 413.
  net::awaitable<std::error_code> read_body(std::string& out, std::uint64_t max);

  // Sends a complete response; adds Date, Server, Content-Length and Connection.
  net::awaitable<std::error_code> respond(response_head head, std::string_view body);
  net::awaitable<std::error_code> respond(int status, std::string_view content_type,
                                          std::string_view body);

  // Streamed response: `length` known -> Content-Length; unknown -> chunked (HTTP/1.1) or
  // close-delimited (HTTP/1.0).
  net::awaitable<std::error_code> begin(response_head head, std::optional<std::uint64_t> length);
  net::awaitable<std::error_code> write(std::span<const std::byte> data);
  // Sends `length` bytes of an open file from `offset` (sendfile(2) on plain TCP).
  net::awaitable<std::error_code> write_file(int fd, std::uint64_t offset, std::uint64_t length);
  net::awaitable<std::error_code> finish();

  bool responded() const;
  int status() const;

  struct raw_connection {
    std::unique_ptr<net::connection> connection;  // no owner, no deadline: yours now
    std::string early;    // bytes the client sent after the request head
    net::worker& worker;  // the connection's event loop (stop hooks, session accounting)
  };
  // After a 101 response: hands the connection over to the new protocol and ends the HTTP
  // session (when the handler returns) without closing it. Nothing of the session remains.
  raw_connection upgrade();

 private:
  session& s_;
};

}  // namespace l7::http::server
