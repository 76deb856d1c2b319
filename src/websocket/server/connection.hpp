// One server-side WebSocket connection after the 101 response: drives the codec's reader and
// writer over the HTTP session's stream until the close handshake ends (RFC 6455 §7).
//
// Threading: a connection lives on its worker's event loop; every member function must be
// called there. From any other thread, use a `handle` (below): it marshals the call to the
// owning loop (asio::dispatch), so cross-thread sends are safe by construction.
//
// Output: send() encodes at once into a queue that one write per wake-up flushes (frames queued
// during one batch of input go out together). Queue accounting (settings.hpp):
//   queued        under send_buffer;
//   backpressured queued, but the queue is over send_buffer: the reader pauses reading this
//                 peer until the queue drains, and fan-out callers should slow down;
//   dropped       over max_send_queue: not queued, and the peer is closed with 1013 (a slow
//                 consumer does not grow our memory).
// Control frames (pong, close) are always queued.
//
// Lifetime: run() returns once the close handshake completed, timed out or the stream failed;
// the application's on_close() has been called by then. Owned by shared_ptr (handles hold weak
// references).
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "net/asio.hpp"
#include "net/runtime.hpp"
#include "net/stream.hpp"
#include "websocket/codec/reader.hpp"
#include "websocket/codec/writer.hpp"
#include "websocket/server/settings.hpp"

namespace spdlog {
class logger;
}

namespace l7::websocket::server {

enum class send_result { queued, backpressured, dropped };

class connection;

// What an endpoint does; one instance serves many connections, each call on the connection's
// own thread. Payload spans are valid only during the call.
class application {
 public:
  virtual ~application() = default;
  virtual void on_open(connection&) {}
  virtual void on_message(connection& c, const message_event& m) = 0;
  // The connection is closing or closed; nothing more will be delivered.
  virtual void on_close(connection&) {}
};

// Per-service shared pieces a connection uses.
struct connection_context {
  const settings* config = nullptr;
  compression_budget* budget = nullptr;
  std::shared_ptr<spdlog::logger> trace;  // null unless tracing
};

struct connection_info {
  std::string path;      // the request path, decoded
  std::string query;     // as sent
  std::string remote;    // peer address (RFC 5952)
  std::string protocol;  // negotiated subprotocol, or empty
};

class connection : public std::enable_shared_from_this<connection> {
 public:
  connection(net::stream& stream, net::worker& w, const connection_context& ctx,
             application& app, connection_info info, std::uint64_t id);
  ~connection();

  void enable_deflate(const deflate_params& p);
  // Serves until closed. `early`: bytes the client sent right after its handshake.
  net::awaitable<void> run(std::span<const std::byte> early);

  send_result send(opcode op, std::span<const std::byte> payload);
  send_result send_text(std::string_view text);
  // Starts the closing handshake (§7.1.2); later sends are dropped.
  void close(std::uint16_t code, std::string_view reason);

  std::size_t queued() const { return out_.size() + inflight_.size(); }
  bool open() const { return state_ == state::open; }
  std::uint64_t id() const { return id_; }
  const connection_info& info() const { return info_; }
  asio::io_context::executor_type executor() const { return executor_; }
  std::size_t memory() const;

 private:
  enum class state { open, closing, closed };

  net::awaitable<void> read_loop();
  net::awaitable<bool> read_some();
  void dispatch_events();
  void on_control(const event& ev);
  void fail(std::error_code ec);
  void kick_writer();
  net::awaitable<void> write_loop(std::shared_ptr<connection> self);
  // Waits until at most `level` bytes are queued, the stream broke, or `limit` passed.
  net::awaitable<void> wait_drained(std::chrono::milliseconds limit, std::size_t level);
  net::awaitable<void> linger();
  void arm_keepalive();
  void on_keepalive();
  void finish_app();
  void release_idle_memory();

  net::stream& stream_;
  net::worker& worker_;
  asio::io_context::executor_type executor_;
  const connection_context& ctx_;
  const settings& cfg_;
  application& app_;
  connection_info info_;
  std::uint64_t id_;
  reader reader_{role::server};
  writer writer_{role::server};
  state state_ = state::open;
  bool app_closed_ = false;
  bool writing_ = false;
  bool reading_ = false;        // a read into the reader's buffer is in flight
  bool broken_ = false;         // the stream failed; nothing more can be written
  bool reader_failed_ = false;  // we failed the connection (§7.1.7)
  std::string out_;             // frames waiting for the next write
  std::string inflight_;        // frames being written
  asio::steady_timer keepalive_;
  asio::steady_timer drained_;  // cancelled when the queue empties (wakes wait_drained)
  std::chrono::steady_clock::time_point last_rx_;
  std::chrono::steady_clock::time_point ping_sent_{};
  bool ping_outstanding_ = false;
  net::worker::stop_handle stop_;
};

// A thread-safe reference to a connection (weak: sends to a closed connection are no-ops).
class handle {
 public:
  handle() = default;
  explicit handle(connection& c)
      : id_(c.id()), conn_(c.weak_from_this()), executor_(c.executor()) {}

  std::uint64_t id() const { return id_; }
  // Encodes and queues on the owning loop; `payload` is shared by every receiver.
  void send(opcode op, std::shared_ptr<const std::string> payload) const;
  void close(std::uint16_t code, std::string reason) const;

 private:
  std::uint64_t id_ = 0;
  std::weak_ptr<connection> conn_;
  std::optional<asio::io_context::executor_type> executor_;
};

}  // namespace l7::websocket::server
