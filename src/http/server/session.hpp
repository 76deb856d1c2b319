// One burst of HTTP/1.1 on a connection: reads requests with the shared codec, routes them,
// writes responses, for as long as the client has something to say. States, one function
// each: handshake (TLS, first burst only) -> read_head -> serve (route + handler) ->
// finish_request -> read_head ... When a response is out and nothing more is waiting, the
// connection is parked (net/parking.hpp) and the session ends: between requests a keep-alive
// connection holds no session, parser, buffer or coroutine (RFC 9112 §9.3; the next request
// starts a new session on the same connection).
//
// Timeouts (settings.hpp): idle between requests (the parking's), header (first byte to end
// of head, against slowloris; also the TLS handshake), io (each body read and response write,
// and a handler's whole run). On expiry the connection is closed.
// Parse errors are answered with the status the codec names (400/413/414/431/501/505) and
// the connection closes. A graceful stop closes parked connections at once and lets a request
// in progress finish with "Connection: close".
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "core/buffer.hpp"
#include "http/codec/parser.hpp"
#include "http/server/exchange.hpp"
#include "net/connection.hpp"
#include "net/io_waiter.hpp"
#include "net/runtime.hpp"

namespace l7::http::server {

struct listener_context;
class listener_worker;

class session {
 public:
  session(listener_worker& home, std::unique_ptr<net::connection> c);
  ~session();
  session(const session&) = delete;
  session& operator=(const session&) = delete;
  net::awaitable<void> run();

 private:
  friend class exchange;
  // Reads for bodies and long heads take up to read_chunk. The first read of a request goes
  // into the worker's shared scratch buffer: a request whose head arrives whole (nearly all
  // of them) never needs a buffer of the session's own.
  static constexpr std::size_t read_chunk = 16 * 1024;

  net::awaitable<bool> handshake();
  net::awaitable<std::error_code> read_head(bool& idle);
  std::error_code head_complete();
  net::awaitable<void> serve();
  net::awaitable<bool> finish_request();
  // Ends the connection: close_notify and FIN, then, with `linger`, reads what the peer still
  // sends for a moment so that the close does not reset what is in flight.
  net::awaitable<void> close(bool linger);
  net::awaitable<void> send_error(int status, std::string_view detail);

  // Next parser event, reading from the socket as needed.
  net::awaitable<std::error_code> pull(event& ev);
  // Reads once more into buffer_ (waiting for readability as needed).
  net::awaitable<std::error_code> read_more(std::size_t want);
  net::awaitable<std::error_code> wait(unsigned what);
  net::awaitable<std::error_code> write(std::string_view head, std::span<const std::byte> body);
  net::awaitable<std::error_code> send_file(int fd, std::uint64_t offset, std::uint64_t length);
  net::awaitable<std::error_code> read_body(std::string& out, std::uint64_t max);

  // Completes `head` (Date, Server, framing, Connection) and serializes it into out_.
  void prepare_head(response_head& head, std::optional<std::uint64_t> length, bool chunked);
  void reset_request();
  bool decode_target();  // path_ and query_ from the target; false when malformed
  void log_exchange();
  const std::string& remote_text();
  bool stopping() const { return worker_.stopping(); }

  listener_worker& home_;
  net::worker& worker_;
  const listener_context& listener_;
  net::io_waiter waiter_;                  // conn_'s owner while the session runs
  std::unique_ptr<net::connection> conn_;  // null once parked or handed to another protocol
  net::tcp::endpoint remote_;
  bool secure_;
  flat_buffer buffer_;  // only what a read left over: a partial head, a body, pipelining
  parser parser_;
  std::string out_;
  std::string remote_text_;  // formatted on first use

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
