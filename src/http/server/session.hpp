// One HTTP/1.1 connection: reads requests with the shared codec, routes them, writes
// responses, and keeps the connection alive per RFC 9112 §9. States, one function each:
// handshake (TLS) -> read_head -> serve (route + handler) -> finish_request -> read_head ...
//
// Timeouts (settings.hpp): idle between requests, header (first byte to end of head, against
// slowloris), io (each body read and response write). On expiry the socket is closed.
// Parse errors are answered with the status the codec names (400/413/414/431/501/505) and
// the connection closes. A graceful stop closes idle connections at once and lets a request
// in progress finish with "Connection: close".
#pragma once

#include <cstdint>
#include <string>

#include "core/buffer.hpp"
#include "http/codec/parser.hpp"
#include "http/server/exchange.hpp"
#include "net/deadline.hpp"
#include "net/runtime.hpp"
#include "net/stream.hpp"

namespace l7::http::server {

struct listener_context;

class session {
 public:
  session(net::worker& w, net::tcp::socket socket, const listener_context& listener);
  net::awaitable<void> run();

 private:
  friend class exchange;

  net::awaitable<bool> handshake();
  net::awaitable<std::error_code> read_head();
  net::awaitable<void> serve();
  net::awaitable<bool> finish_request();
  net::awaitable<void> send_error(int status, std::string_view detail);

  // Next parser event, reading from the socket as needed.
  net::awaitable<std::error_code> pull(event& ev);
  net::awaitable<std::error_code> read_more(std::size_t want);
  net::awaitable<std::error_code> write(std::string_view head, std::span<const std::byte> body);
  net::awaitable<std::error_code> send_file(int fd, std::uint64_t offset, std::uint64_t length);
  net::awaitable<std::error_code> read_body(std::string& out, std::uint64_t max);

  // Completes `head` (Date, Server, framing, Connection) and serializes it into out_.
  void prepare_head(response_head& head, std::optional<std::uint64_t> length, bool chunked);
  void reset_request();
  bool decode_target();  // path_ and query_ from the target; false when malformed
  void log_exchange();
  void on_stop();

  net::worker& worker_;
  const listener_context& listener_;
  net::stream stream_;
  net::deadline deadline_;
  flat_buffer buffer_;
  parser parser_;
  std::string out_;
  std::string remote_text_;
  net::tcp::endpoint remote_;
  bool idle_ = false;
  bool stopping_ = false;

  // Per request.
  std::string path_;
  std::string_view query_;
  bool head_only_ = false;
  bool responded_ = false;
  bool response_done_ = false;
  bool chunked_out_ = false;
  bool close_after_ = false;
  bool continue_sent_ = false;
  bool upgraded_ = false;
  int status_ = 0;
  std::uint64_t bytes_sent_ = 0;
};

}  // namespace l7::http::server
