// What the services of the line protocols (SMTP, POP3, IMAP) share to accept connections: a
// listener's settings, kept for as long as the service (its sessions refer to it), and the
// accept loop that runs one session coroutine per connection on net::connection.
#pragma once

#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "net/asio.hpp"
#include "net/connection.hpp"
#include "net/connection_limit.hpp"
#include "net/runtime.hpp"

namespace spdlog {
class logger;
}

namespace l7::net {

struct line_listener {
  std::string name;
  std::shared_ptr<asio::ssl::context> tls;  // null: no TLS on this listener
  bool implicit_tls = false;                // TLS from the first byte (else offered by a command)
  // Connections of the listener over all its workers and addresses; it outlives them.
  std::shared_ptr<connection_limit> limit;
};

// The listener named `name` in `all`, added on first use (call before the workers run; the
// deque keeps references stable).
line_listener& listener_named(std::deque<line_listener>& all, const std::string& name,
                              std::shared_ptr<asio::ssl::context> tls, bool implicit_tls,
                              std::size_t max_connections);

// Makes the coroutine of one session. It must not refer to the callable's own captures (the
// callable goes away when the listener stops, while sessions may go on): call a function that
// takes what it needs by value or by reference to longer-lived objects.
using session_fn = std::function<awaitable<void>(std::unique_ptr<connection>)>;

// Accepts on `acceptor` for `l` on worker `w` and runs `session(c)` for each connection; an
// exception that escapes a session is logged on `log` once. Over the listener's connection
// limit a plain-text listener writes `busy` (e.g. "421 ...\r\n") before closing.
void serve_sessions(worker& w, tcp::acceptor acceptor, const line_listener& l, std::string_view busy,
                    session_fn session, std::shared_ptr<spdlog::logger> log);

}  // namespace l7::net
