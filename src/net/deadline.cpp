#include "net/deadline.hpp"

namespace l7::net {

struct deadline::state {
  explicit state(asio::any_io_executor ex) : timer(std::move(ex)) {}
  asio::steady_timer timer;
  clock::time_point expiry = clock::time_point::max();
  std::function<void()> on_expire;
  bool fired = false;
  bool stopped = false;
};

namespace {

void watch(const std::shared_ptr<deadline::state>& s) {
  s->timer.expires_at(s->expiry);
  s->timer.async_wait([s](std::error_code) {
    if (s->stopped) return;
    if (s->expiry != deadline::clock::time_point::max() && deadline::clock::now() >= s->expiry) {
      s->fired = true;
      s->expiry = deadline::clock::time_point::max();
      s->on_expire();
    }
    if (!s->stopped) watch(s);
  });
}

}  // namespace

deadline::deadline(asio::any_io_executor ex, std::function<void()> on_expire)
    : state_(std::make_shared<state>(std::move(ex))) {
  state_->on_expire = std::move(on_expire);
  watch(state_);
}

deadline::~deadline() {
  state_->stopped = true;
  state_->on_expire = nullptr;
  state_->timer.cancel();
}

void deadline::expires_after(clock::duration d) {
  auto when = clock::now() + d;
  bool sooner = when < state_->timer.expiry();
  state_->expiry = when;
  // A later deadline is noticed when the timer wakes; a sooner one needs the wait redone.
  if (sooner) state_->timer.cancel();
}

void deadline::disarm() { state_->expiry = clock::time_point::max(); }

bool deadline::expired() const { return state_->fired; }

}  // namespace l7::net
