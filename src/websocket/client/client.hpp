// WebSocket client (RFC 6455 §4.1 and §5-§7, RFC 7692) on the shared codec: connects to a ws://
// or wss:// URL, runs the opening handshake, then sends and receives messages.
//
// Use from one executor. receive() may be awaited while sends happen from other coroutines on
// the same executor: sends only queue frames; one writer coroutine writes them in order, so
// automatic pongs and user messages never interleave inside a frame. flush() waits until the
// queue is written.
// Errors are values: connect() reports the failed stage in `what`; receive() returns `closed`
// with the peer's close code, or an error (stream failure, protocol violation by the server:
// then we sent the close code close_code_for() gives).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "http/codec/message.hpp"
#include "net/asio.hpp"
#include "net/stream.hpp"
#include "websocket/codec/handshake.hpp"
#include "websocket/codec/reader.hpp"
#include "websocket/codec/writer.hpp"

namespace l7::websocket::client {

struct options {
  std::string url;  // ws://host[:port]/path?query or wss://...
  std::vector<std::string> protocols;
  http::fields headers;
  std::string origin;
  bool deflate = false;  // offer permessage-deflate
  std::chrono::milliseconds timeout{10'000};  // DNS + TCP + TLS + handshake
  bool insecure = false;                       // wss: skip certificate verification
  std::optional<std::string> ca_file;
  std::uint64_t max_message = 64ull << 20;
  std::chrono::milliseconds close_timeout{5'000};
  // Called with the request head before it is sent and the response head when it arrives.
  std::function<void(const http::request_head&)> on_request;
  std::function<void(const http::response_head&)> on_response;
};

struct received {
  enum class kind { message, pong, closed, failed };
  kind what = kind::failed;
  opcode op = opcode::text;       // message
  std::string payload;            // message or pong
  std::uint16_t code = 1006;      // closed: the peer's code (1005 none, 1006 no close frame)
  bool we_closed = false;         // closed: we started the closing handshake
  std::string reason;
  std::error_code ec;             // failed
};

class connection : public std::enable_shared_from_this<connection> {
 public:
  struct connect_result {
    std::error_code ec;
    std::string what;  // "connect to 127.0.0.1:8080", "TLS handshake", "handshake: 403 Forbidden"
    std::shared_ptr<connection> conn;
  };
  static net::awaitable<connect_result> connect(const options& opt);

  // Use connect(). (The stream must not move once TLS runs on it, so the connection owns it
  // from the TCP connect on.)
  connection(net::stream stream, const options& opt);
  ~connection();

  const std::string& protocol() const { return protocol_; }
  bool deflate() const { return writer_.deflate_enabled(); }

  // Queue frames. fragment_size > 0 splits messages into frames of at most that size.
  void send(opcode op, std::span<const std::byte> payload, std::size_t fragment_size = 0);
  void send_text(std::string_view text);
  void ping(std::span<const std::byte> payload);
  // Starts the closing handshake; receive() then returns `closed` once the server answers.
  void close(std::uint16_t code, std::string_view reason);
  net::awaitable<std::error_code> flush();

  // The next message, pong, close or failure. Pings are answered automatically.
  net::awaitable<received> receive();

  std::size_t queued() const { return out_.size() + inflight_.size(); }

 private:
  void kick_writer();
  net::awaitable<void> write_loop(std::shared_ptr<connection> self);
  net::awaitable<void> end_connection();
  received fail(std::error_code ec);
  net::awaitable<std::pair<std::error_code, std::string>> open(std::chrono::steady_clock::time_point until);
  void accepted(const client_accept& a);

  std::shared_ptr<asio::ssl::context> tls_;  // outlives the stream's TLS state
  net::stream stream_;
  options opt_;
  std::string protocol_;
  reader reader_{role::client};
  writer writer_{role::client};
  std::string out_;
  std::string inflight_;
  bool writing_ = false;
  bool closing_ = false;   // we sent a close frame
  bool finished_ = false;  // TCP closed
  std::error_code write_error_;
  asio::steady_timer flushed_;
  asio::steady_timer close_timer_;  // bounds the wait for the server's close
};

}  // namespace l7::websocket::client
