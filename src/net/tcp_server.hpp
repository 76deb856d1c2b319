// The accept loop shared by every TCP service: accepts on one worker's acceptor, enforces a
// connection cap shared by all workers of a listener, and spawns one coroutine per connection.
// An exception escaping a session is caught here, logged once, and the connection closed
// (DESIGN.md "Errors and bad input"). The loop ends when the worker begins a graceful stop.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <string>

#include "net/asio.hpp"
#include "net/connection_limit.hpp"
#include "net/runtime.hpp"

namespace l7::net {

struct accept_options {
  std::string service;                       // for logs
  std::shared_ptr<connection_limit> limit;   // shared by the listener's workers; may be null
  // Runs for a connection over the limit (e.g. to send "503"/"421" first); null = close.
  std::function<awaitable<void>(tcp::socket)> reject;
};

using session_fn = std::function<awaitable<void>(tcp::socket)>;

void spawn_accept_loop(worker& w, tcp::acceptor acceptor, accept_options options, session_fn fn);

}  // namespace l7::net
