// A one-bit doorbell between the mail store's watch callbacks (any thread) and one waiting
// HTTP handler (a coroutine on its worker's event loop): /api/mail/wait and /api/mail/events.
//
// Threads: ring() may be called from any thread; it posts to the waiter's executor, where
// everything else happens. The posted work holds only a weak_ptr, so a waiter that is gone
// (its coroutine destroyed with its io_context) is simply skipped.
// Ownership: the waiting coroutine owns the signal (shared_ptr); registries keep weak_ptrs.
#pragma once

#include <chrono>
#include <memory>

#include "net/asio.hpp"

namespace l7::mail::web {

class wake_signal : public std::enable_shared_from_this<wake_signal> {
 public:
  explicit wake_signal(asio::any_io_executor ex) : timer_(std::move(ex)) {}

  // Any thread: wakes the wait in progress, or makes the next one return at once.
  void ring();
  // On the executor: true when rung (before or during the wait), false when `until` passed.
  // One waiter at a time.
  net::awaitable<bool> wait_until(std::chrono::steady_clock::time_point until);

 private:
  asio::steady_timer timer_;
  bool pending_ = false;  // executor thread only
};

}  // namespace l7::mail::web
