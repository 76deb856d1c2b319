// The accept loop of services built on net::connection (HTTP and WebSocket now; the mail,
// MQTT, XMPP and Telnet services next). For each of a worker's acceptors: one readiness wait
// per batch of connections, accept4() until the queue is empty, the listener's connection cap,
// TCP_NODELAY, and the new connection registered with the worker's poller, handed to
// `on_accept` on the worker's thread. The loop ends when the worker begins a graceful stop.
// An exception from `on_accept` is logged once and that connection dropped.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "net/asio.hpp"
#include "net/connection.hpp"
#include "net/connection_limit.hpp"
#include "net/runtime.hpp"

namespace l7::net {

struct connection_accept_options {
  std::string service;                      // for logs
  std::shared_ptr<connection_limit> limit;  // shared by the listener's workers; may be null
  // Runs for a connection over the cap, before it is closed: a best-effort non-blocking
  // write of a refusal ("503", "421"). Null: just close.
  std::function<void(int fd)> reject;
};

using accept_fn = std::function<void(std::unique_ptr<connection>)>;

void spawn_connection_acceptor(worker& w, tcp::acceptor acceptor, connection_accept_options options,
                               accept_fn on_accept);

}  // namespace l7::net
