// Readiness of a net::connection as awaitable waits, for sessions written as coroutines (the
// HTTP session; command-and-reply protocols). Install it with connection::set_owner(); one
// coroutine waits at a time.
//
// The waiting coroutine is held by Asio (a wait on a timer in the coroutine's own frame, which
// readiness cancels), never by this object, so an io_context that goes away destroys waiting
// coroutines the normal way, and an io_waiter holds no Asio object (it may outlive the
// io_context, e.g. in a pool).
// The deadline: when it passes, the connection is closed and a wait in progress (or the next
// one) returns asio::error::timed_out; expired() tells afterwards. A graceful stop is not
// handled here: a session asks worker::stopping() where it decides to go on or not.
// With `polite` (protocols that say goodbye: SMTP's 421, IMAP's BYE), the deadline does not
// close the connection: the wait in progress returns timed_out, and a graceful stop wakes a
// wait in progress for reading with asio::error::shut_down (once: later waits ask
// worker::stopping() themselves), so the session can answer and close itself.
#pragma once

#include "net/asio.hpp"
#include "net/connection.hpp"

namespace l7::net {

class io_waiter final : public connection_owner {
 public:
  explicit io_waiter(const asio::io_context::executor_type& ex, bool polite = false)
      : executor_(ex), polite_(polite) {}

  // Returns at once when `c` may already read (ready_read) or write (ready_write): only a
  // read_some()/write_some() that said want_read/want_write makes a wait necessary.
  // Errors: timed_out (the deadline passed), bad_descriptor (closed).
  awaitable<std::error_code> wait(connection& c, unsigned what);
  bool expired() const { return expired_; }
  // Wakes a wait for reading in progress with asio::error::interrupted (an IMAP session in
  // IDLE whose mailbox changed); does nothing when no such wait is in progress.
  void interrupt();
  // Ready for another connection (no wait may be in progress).
  void reset() {
    expired_ = false;
    result_.clear();
  }

 private:
  void on_ready(connection& c, unsigned ready) override;
  void on_deadline(connection& c) override;
  void on_stop(connection&) override;
  void on_abandon(connection&) override {}

  asio::io_context::executor_type executor_;
  asio::steady_timer* wake_ = nullptr;  // the wait in progress
  std::error_code result_;
  unsigned want_ = 0;
  bool waiting_ = false;
  bool expired_ = false;
  bool polite_;
};

}  // namespace l7::net
