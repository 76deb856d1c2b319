#include "net/io_waiter.hpp"

namespace l7::net {

awaitable<std::error_code> io_waiter::wait(connection& c, unsigned what) {
  if (expired_) co_return asio::error::timed_out;
  if (!c.is_open()) co_return asio::error::bad_descriptor;
  if (((what & ready_read) && c.may_read()) || ((what & ready_write) && c.may_write()))
    co_return std::error_code{};
  asio::steady_timer wake(executor_, asio::steady_timer::time_point::max());
  want_ = what;
  result_.clear();
  waiting_ = true;
  wake_ = &wake;
  (void)co_await wake.async_wait(use_tuple);
  wake_ = nullptr;
  waiting_ = false;
  co_return result_;
}

void io_waiter::on_ready(connection&, unsigned ready) {
  if (!waiting_ || !(ready & want_)) return;
  waiting_ = false;
  wake_->cancel();
}

void io_waiter::on_deadline(connection& c) {
  if (polite_) {
    if (!waiting_) return;
    waiting_ = false;
    result_ = asio::error::timed_out;
    wake_->cancel();
    return;
  }
  expired_ = true;
  c.close();
  if (!waiting_) return;
  waiting_ = false;
  result_ = asio::error::timed_out;
  wake_->cancel();
}

void io_waiter::interrupt() {
  if (!waiting_ || !(want_ & ready_read)) return;
  waiting_ = false;
  result_ = asio::error::interrupted;
  wake_->cancel();
}

void io_waiter::on_stop(connection&) {
  if (!polite_) return;
  if (!waiting_ || !(want_ & ready_read)) return;
  waiting_ = false;
  result_ = asio::error::shut_down;
  wake_->cancel();
}

}  // namespace l7::net
