// One server-side WebSocket connection after the 101 response: drives the codec's reader and
// writer over the net::connection the HTTP session handed over, until the close handshake
// ends (RFC 6455 §7). Nothing of the HTTP session remains underneath.
//
// Driven by readiness, not by a coroutine (net/connection.hpp): a quiet connection is this
// object and its socket, with no read buffer (input is read into the worker's shared scratch
// buffer and parsed there; only an incomplete frame is copied), no write buffer once output
// is flushed, and its keepalive deadline in the worker's timer wheel.
//
// Threading: a connection lives on its worker's event loop; every member function must be
// called there. From any other thread, use a `handle` (below): it marshals the call to the
// owning loop (asio::dispatch), so cross-thread sends are safe by construction.
//
// Output: send() encodes at once into a queue. Frames queued while the connection handles its
// input go out in one write when that input is done; frames queued from elsewhere (a hub
// broadcast, a handle) go out together on the next turn of the event loop. Queue accounting
// (settings.hpp):
//   queued        under send_buffer;
//   backpressured queued, but the queue is over send_buffer: the connection stops reading this
//                 peer until the queue drains, and fan-out callers should slow down;
//   dropped       over max_send_queue: not queued, and the peer is closed with 1013 (a slow
//                 consumer does not grow our memory).
// Control frames (pong, close) are always queued.
//
// Lifetime: start() makes the connection keep itself alive until the close handshake is done
// (or timed out, or the stream failed); the application's on_close() has been called by then.
// Owned by shared_ptr (handles hold weak references). A graceful stop closes with 1001.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "net/asio.hpp"
#include "net/connection.hpp"
#include "net/runtime.hpp"
#include "websocket/codec/reader.hpp"
#include "websocket/codec/writer.hpp"
#include "websocket/server/settings.hpp"

namespace spdlog {
class logger;
}
namespace l7::app {
class gauge;
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
  app::gauge* open = nullptr;             // open WebSocket connections; may be null
};

struct connection_info {
  std::string path;      // the request path, decoded
  std::string query;     // as sent
  std::string remote;    // peer address (RFC 5952)
  std::string protocol;  // negotiated subprotocol, or empty
};

class connection : public std::enable_shared_from_this<connection>, private net::connection_owner {
 public:
  connection(std::unique_ptr<net::connection> socket, net::worker& w, const connection_context& ctx,
             application& app, connection_info info, std::uint64_t id);
  ~connection();

  void enable_deflate(const deflate_params& p);
  // Serves from now on (the connection keeps itself alive until it ends). `early`: bytes the
  // client sent right after its handshake.
  void start(std::span<const std::byte> early);

  send_result send(opcode op, std::span<const std::byte> payload);
  send_result send_text(std::string_view text);
  // Starts the closing handshake (§7.1.2); later sends are dropped.
  void close(std::uint16_t code, std::string_view reason);

  std::size_t queued() const { return out_.size() - out_sent_; }
  bool open() const { return state_ == state::open; }
  std::uint64_t id() const { return id_; }
  const connection_info& info() const { return info_; }
  asio::io_context::executor_type executor() const { return executor_; }
  // User-space bytes this connection holds (tests and benchmarks).
  std::size_t memory() const;

 private:
  // open: messages flow. closing: we sent a close and wait for the peer's. closed: the close
  // handshake is over (or the stream failed): output drains, then the TCP connection ends.
  enum class state { open, closing, closed };

  void on_ready(net::connection& c, unsigned ready) override;
  void on_deadline(net::connection& c) override;
  void on_stop(net::connection& c) override;
  void on_abandon(net::connection& c) override;

  void read_input();
  void read_later();
  void dispatch_events();
  void on_control(const event& ev);
  void fail(std::error_code ec);
  void flush();
  void flush_later();
  // After any I/O: resumes reading after backpressure, or ends the connection once closed.
  void settle();
  void arm_timer();
  void on_keepalive();
  void finish_app();
  void end();
  void release_idle_memory();

  std::unique_ptr<net::connection> socket_;
  net::worker& worker_;
  asio::io_context::executor_type executor_;
  const connection_context& ctx_;
  const settings& cfg_;
  application& app_;
  connection_info info_;
  std::uint64_t id_;
  std::shared_ptr<connection> self_;  // set while serving
  std::optional<net::worker::session_token> token_;
  reader reader_{role::server};
  writer writer_{role::server};
  state state_ = state::open;
  bool app_closed_ = false;
  bool in_input_ = false;       // handling input: sends wait for the write at its end
  bool flush_posted_ = false;   // a flush is queued on the event loop
  bool read_posted_ = false;    // reading resumes on the event loop (fairness, backpressure)
  bool paused_ = false;         // stopped reading: the send queue is over send_buffer
  bool broken_ = false;         // the stream failed; nothing more can be written
  bool peer_gone_ = false;      // EOF or a read error: nothing more comes
  bool reader_failed_ = false;  // we failed the connection (§7.1.7)
  bool lingering_ = false;      // our side is shut; reading what the peer still sends
  bool ending_ = false;         // end() ran
  std::string out_;             // frames to write; out_[0, out_sent_) is written
  std::size_t out_sent_ = 0;
  std::chrono::steady_clock::time_point last_rx_;
  std::chrono::steady_clock::time_point ping_sent_{};
  std::chrono::steady_clock::time_point closing_since_{};
  bool ping_outstanding_ = false;
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
