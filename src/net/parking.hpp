// The shared way for a quiet connection to wait for its next bytes (DESIGN.md "Runtime"). A
// session whose peer has nothing more to say right now (an HTTP keep-alive connection between
// requests; later IMAP IDLE, MQTT, XMPP, Telnet) hands its connection to a parking and ends:
// its buffers, its parsed state and its coroutine go away. What is left of the connection is
// the net::connection object (socket, readiness, a place in the worker's timer wheel).
// When bytes (or the peer's close) arrive, resume() gets the connection back and starts a
// session for it; when the idle time passes, or the worker stops, it is closed without a word
// (what HTTP/1.1 allows for idle connections, RFC 9112 §9.5; a protocol that must say goodbye
// overrides closing()).
// A TLS connection parked before its handshake is done (a new one) is taken through the
// handshake here, on readiness, before any session exists: no session object, coroutine or
// timer is spent on a handshake, and the heap is not cut up by their allocations between
// OpenSSL's.
//
// A parking is usually one per listener and worker, and must outlive the connections it holds
// (the worker's poller hands them back through on_abandon() when the worker goes away).
#pragma once

#include <memory>

#include "net/connection.hpp"

namespace l7::net {

class parking : public connection_owner {
 public:
  parking() = default;
  parking(const parking&) = delete;
  parking& operator=(const parking&) = delete;

  // Holds `c` until it is readable, `idle` passes or the worker stops. Precondition: the
  // connection's last read said want_read (!c->may_read()): there is nothing to read now.
  // During a graceful stop the connection is closed at once.
  void park(std::unique_ptr<connection> c, connection::clock::duration idle);

 protected:
  ~parking() = default;
  // A parked connection became readable: it is the caller's again (owner and deadline unset).
  virtual void resume(std::unique_ptr<connection> c) = 0;
  // A parked connection is about to be destroyed (idle timeout, stop, shutdown).
  virtual void closing(connection&) {}
  // A parked connection's TLS handshake failed (it is closed next).
  virtual void handshake_failed(connection&, const std::error_code&) {}
  // A parked connection's TLS handshake is done and nothing has arrived yet: it stays parked
  // (re-arm its deadline here if the handshake had a shorter one).
  virtual void handshake_done(connection&) {}

 private:
  void on_ready(connection& c, unsigned ready) final;
  void on_deadline(connection& c) final { drop(c); }
  void on_stop(connection& c) final { drop(c); }
  void on_abandon(connection& c) final { drop(c); }
  void drop(connection& c);
};

}  // namespace l7::net
