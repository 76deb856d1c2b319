// A listener's count of open connections and its cap, shared by the listener's workers.
// Whoever holds a connection slot gives it back when the connection is gone: the session
// spawned for an Asio socket (tcp_server.hpp), or the net::connection itself (on destruction,
// whoever owns it by then: a session, a parking, a WebSocket).
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>

namespace l7::net {

struct connection_limit {
  explicit connection_limit(std::size_t max) : max(max) {}
  std::atomic<std::size_t> active{0};
  const std::size_t max;  // 0 = unlimited
  // Told +1 / -1 as connections open and close (e.g. to keep a metrics gauge); optional.
  std::function<void(int)> on_change;

  // Takes a slot; false when the listener is full.
  bool acquire() {
    if (max > 0 && active.fetch_add(1) >= max) {
      --active;
      return false;
    }
    if (max == 0) ++active;
    if (on_change) on_change(1);
    return true;
  }
  void release() {
    --active;
    if (on_change) on_change(-1);
  }
};

}  // namespace l7::net
