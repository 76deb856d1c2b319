// A TCP connection on a worker's poller: a non-blocking socket, optionally under TLS (OpenSSL
// directly on the socket, no extra buffers), what it last knew about readiness, and one
// deadline in the worker's timer wheel. This is the runtime's connection type for services
// that keep many connections open (HTTP keep-alive, WebSocket, and mail, MQTT, XMPP, Telnet
// from their first line); see poller.hpp for why it does not use Asio's socket operations.
//
// How a service drives one (one of these, or a mix over the connection's life):
//   - callbacks: the service implements connection_owner; on_ready() says the socket became
//     readable and/or writable; the owner calls read_some()/write_some() until they say
//     want_read/want_write, then simply returns: the next edge brings it back.
//   - a coroutine: io_waiter (io_waiter.hpp) turns readiness into awaitable waits.
//   - parked: a quiet connection handed to a `parking` (parking.hpp) costs this object only,
//     about 130 bytes (and for TLS, what OpenSSL keeps of the session, with its buffers freed).
//
// Readiness is edge-triggered: after on_ready(readable), keep reading until want_read (or a
// short read, which read_some reports as want_read on the next call without a syscall).
// Stopping early is fine; may_read() stays true, and the owner must come back to it itself.
//
// Lifetime: owned by a std::unique_ptr (or by a parking). Owner callbacks may destroy the
// connection; the poller never touches it afterwards. Not thread-safe: use it on its worker.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <span>
#include <string_view>
#include <system_error>

#include "net/asio.hpp"
#include "net/connection_limit.hpp"
#include "net/timer_wheel.hpp"

struct ssl_st;      // OpenSSL's SSL
struct ssl_ctx_st;  // OpenSSL's SSL_CTX

namespace l7::net {

class poller;
class connection;

// Readiness bits passed to on_ready(); an error or hang-up sets both.
enum readiness : unsigned { ready_read = 1, ready_write = 2 };

class connection_owner {
 public:
  // The socket became readable and/or writable (an edge: it will not be said again until the
  // owner has read or written up to want_read/want_write).
  virtual void on_ready(connection& c, unsigned ready) = 0;
  // The deadline set with expires_at()/expires_after() passed.
  virtual void on_deadline(connection& c) = 0;
  // The worker began a graceful stop.
  virtual void on_stop(connection& c) = 0;
  // The worker is being destroyed: release `c` now (destroy it if you own it); no I/O.
  virtual void on_abandon(connection& c) = 0;

 protected:
  ~connection_owner() = default;
};

enum class io_status : std::uint8_t {
  done,        // `bytes` moved (read: at least one; write: possibly fewer than asked)
  want_read,   // nothing now: wait for readability
  want_write,  // nothing now: wait for writability (TLS may need to write to read)
  eof,         // the peer closed (TLS: close_notify or a plain TCP close)
  failed,      // `ec` says why; the connection is unusable
};

struct io_result {
  io_status status = io_status::done;
  std::size_t bytes = 0;
  std::error_code ec;
};

class connection final : private wheel_timer {
 public:
  using clock = std::chrono::steady_clock;

  // Adopts a connected stream socket (made non-blocking here) and registers it with `p`.
  // On failure the fd is closed, null is returned and `ec` says why.
  static std::unique_ptr<connection> adopt(poller& p, int fd, const tcp::endpoint& remote,
                                           std::error_code& ec);
  ~connection();
  connection(const connection&) = delete;
  connection& operator=(const connection&) = delete;

  void set_owner(connection_owner* o) { owner_ = o; }
  // The listener slot this connection holds; released when the connection is destroyed. The
  // limit must outlive the connection.
  void hold_slot(connection_limit* limit) { limit_ = limit; }
  connection_owner* owner() const { return owner_; }
  poller& get_poller() const { return *poller_; }
  int native_handle() const { return fd_; }
  bool is_open() const { return fd_ >= 0; }
  const tcp::endpoint& remote() const { return remote_; }
  bool may_read() const { return readable_; }
  bool may_write() const { return writable_; }

  // TLS from here on, as the server (implicit TLS or after STARTTLS): bytes the peer sent
  // before must have been consumed. `tickets` false sends no TLS 1.3 session tickets.
  // The context's settings apply; SSL_MODE_RELEASE_BUFFERS is set so that an idle TLS
  // connection keeps no record buffers. Returns false when OpenSSL cannot allocate.
  bool start_tls_server(ssl_ctx_st* ctx, bool tickets = true);
  // Advances the handshake: done when finished, else want_read/want_write/failed.
  io_result handshake();
  bool is_tls() const { return ssl_ != nullptr; }
  bool tls_established() const;
  // Decrypted or buffered record bytes OpenSSL holds that a read_some() would return first.
  bool tls_pending() const;
  std::string_view tls_version() const;
  // The ALPN protocol the handshake chose, or empty.
  std::string_view alpn() const;

  io_result read_some(std::span<std::byte> into);
  // Writes from `a` then `b` (one sendmsg for plain TCP). `more`: more bytes follow at once,
  // so the kernel may hold these back to fill a segment (MSG_MORE; plain TCP only).
  io_result write_some(std::span<const std::byte> a, std::span<const std::byte> b = {},
                       bool more = false);
  // sendfile(2) of up to `count` bytes of `file_fd` from `offset` (advanced by what was
  // sent); plain TCP only (under TLS the bytes must go through write_some()).
  io_result send_file(int file_fd, std::int64_t& offset, std::size_t count);
  // Sends close_notify (TLS, if the socket takes it now) and shuts the write side down;
  // never waits.
  void shutdown_write();
  // Closes the socket now (unread input makes it a reset). Later I/O fails; the object
  // stays valid until destroyed.
  void close();

  // The one deadline; the owner's on_deadline() runs once when it passes.
  void expires_at(clock::time_point when);
  void expires_after(clock::duration d);
  void disarm();
  bool deadline_armed() const { return armed(); }

  // Memory this connection holds in user space, for benchmarks and tests (OpenSSL's share
  // estimated as its buffers' sizes; the SSL object itself is not counted).
  std::size_t memory() const { return sizeof(*this); }

 private:
  friend class poller;
  connection(poller& p, int fd, const tcp::endpoint& remote);
  void on_events(std::uint32_t events);
  void on_timer() override;
  io_result tls_result(int ret, std::size_t n);

  poller* poller_;
  connection_owner* owner_ = nullptr;
  connection* prev_ = nullptr;  // the poller's list
  connection* next_ = nullptr;
  ssl_st* ssl_ = nullptr;
  connection_limit* limit_ = nullptr;
  tcp::endpoint remote_;
  int fd_;
  bool readable_ = true;  // may read: not known to be drained (a new socket may have data)
  bool writable_ = true;
  bool hangup_ = false;      // the peer shut down (or the socket failed): reads until EOF
  bool tls_failed_ = false;  // no close_notify after a TLS error
};

}  // namespace l7::net
