// The readiness core of a worker (DESIGN.md "Runtime"): one edge-triggered epoll set for the
// worker's net::connections, the timer wheel for their deadlines, and a read buffer they share.
//
// Why not Asio's reactor for these sockets: a pending async_read_some holds its buffer for as
// long as the peer is quiet, and a readiness-only wait (async_wait) costs an epoll_ctl on every
// wait. Here a socket is registered once (EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET) and never
// modified; each connection remembers whether it may read or write, so a quiet connection holds
// no buffer, no pending operation and no coroutine, and a busy one costs one recv and one send
// per message (plus one epoll_wait per batch of events).
//
// The epoll set itself is waited on through Asio (one stream_descriptor), so Asio's timers,
// posts and the other services run on the same io_context and thread as before.
//
// Ownership: the poller knows every connection registered with it (to tell their owners about a
// graceful stop) but owns none. shutdown() must run while the io_context is alive; connections
// still registered when the poller is destroyed are handed to their owners' on_abandon().
// Not thread-safe: one poller per worker, used on that worker's thread.
#pragma once

#include <sys/epoll.h>

#include <array>
#include <cstddef>
#include <memory>
#include <span>

#include "net/asio.hpp"
#include "net/timer_wheel.hpp"

namespace l7::net {

class connection;

class poller {
 public:
  explicit poller(asio::io_context& io);
  ~poller();
  poller(const poller&) = delete;
  poller& operator=(const poller&) = delete;

  asio::io_context& context() { return io_; }
  timer_wheel& timers() { return wheel_; }
  // The time, read once per batch of events while they are being handled (deadlines and
  // timestamps need no more precision than the timer wheel's tick), else read now.
  timer_wheel::clock::time_point now() const {
    return batch_size_ > 0 ? batch_time_ : timer_wheel::clock::now();
  }
  // A buffer for reads whose bytes are used up (or copied) before the next read on this
  // worker: a connection needs no read buffer of its own between messages.
  std::span<std::byte> scratch() { return {scratch_.get(), scratch_size}; }
  std::size_t connections() const { return count_; }
  bool stopping() const { return stopping_; }

  // A graceful stop began: every registered connection's owner gets on_stop().
  void begin_stop();
  // Stops using Asio (call before the io_context is destroyed). Connections stay registered.
  void shutdown();
  // Hands every registered connection to its owner's on_abandon() (the destructor does too).
  void abandon_all();

  static constexpr std::size_t scratch_size = 64 * 1024;

 private:
  friend class connection;
  // Registers `c` (its fd must be open); on failure returns the errno.
  std::error_code add(connection& c);
  // Forgets `c`: unlinks it and drops its events from the batch being dispatched.
  void remove(connection& c);
  void wait();
  void poll();
  int dispatch();  // returns the number of events handled

  asio::io_context& io_;
  std::unique_ptr<asio::posix::stream_descriptor> epoll_;  // null after shutdown()
  std::unique_ptr<asio::steady_timer> wake_;               // runs the timer wheel
  timer_wheel wheel_;
  std::unique_ptr<std::byte[]> scratch_;
  std::array<std::byte, 16 * 1024> tls_out_;  // a small head and body joined into one record
  connection* head_ = nullptr;          // every registered connection (intrusive list)
  connection* stop_pending_ = nullptr;  // during begin_stop(): those not told yet
  std::size_t count_ = 0;
  std::array<epoll_event, 256> batch_{};
  int batch_size_ = 0;  // events of the batch being dispatched (0 outside dispatch())
  timer_wheel::clock::time_point batch_time_{};
  bool stopping_ = false;
};

}  // namespace l7::net
