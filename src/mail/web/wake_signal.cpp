#include "mail/web/wake_signal.hpp"

#include <utility>

namespace l7::mail::web {

void wake_signal::ring() {
  asio::post(timer_.get_executor(), [weak = weak_from_this()] {
    if (auto self = weak.lock()) {
      self->pending_ = true;
      self->timer_.cancel();
    }
  });
}

net::awaitable<bool> wake_signal::wait_until(std::chrono::steady_clock::time_point until) {
  if (!pending_) {
    timer_.expires_at(until);
    co_await timer_.async_wait(net::use_tuple);
  }
  co_return std::exchange(pending_, false);
}

}  // namespace l7::mail::web
