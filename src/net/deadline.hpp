// A resettable watchdog for a session: when the deadline passes, `on_expire` runs once on the
// executor (typically closing the socket, which fails the pending read or write). Moving the
// deadline later is a field update, not a timer cancellation, so per-request re-arming is cheap.
// Owned by the session; destroying it stops the watcher.
#pragma once

#include <chrono>
#include <functional>
#include <memory>

#include "net/asio.hpp"

namespace l7::net {

class deadline {
 public:
  using clock = std::chrono::steady_clock;

  deadline(asio::any_io_executor ex, std::function<void()> on_expire);
  ~deadline();
  deadline(const deadline&) = delete;
  deadline& operator=(const deadline&) = delete;

  void expires_after(clock::duration d);
  void disarm();
  // True once the deadline has fired.
  bool expired() const;

  struct state;  // shared with the watcher coroutine (deadline.cpp)

 private:
  std::shared_ptr<state> state_;
};

}  // namespace l7::net
