#include "net/poller.hpp"

#include <unistd.h>

#include <spdlog/spdlog.h>

#include "net/connection.hpp"

namespace l7::net {

poller::poller(asio::io_context& io)
    : io_(io),
      wake_(std::make_unique<asio::steady_timer>(io)),
      wheel_(timer_wheel::clock::now(),
             [this](timer_wheel::clock::time_point when) {
               if (!wake_) return;  // shut down: nothing runs any more
               wake_->expires_at(when);
               wake_->async_wait([this](std::error_code ec) {
                 if (!ec) wheel_.run(timer_wheel::clock::now());
               });
             }),
      scratch_(std::make_unique_for_overwrite<std::byte[]>(scratch_size)) {
  int fd = ::epoll_create1(EPOLL_CLOEXEC);
  if (fd < 0) throw std::system_error(errno, std::system_category(), "epoll_create1");
  epoll_ = std::make_unique<asio::posix::stream_descriptor>(io, fd);
  wait();
}

poller::~poller() {
  shutdown();
  abandon_all();
}

void poller::abandon_all() {
  // What is still registered belongs to owners that outlived the io_context (parked
  // connections, callback-driven ones): they release it now.
  while (head_) {
    connection* c = head_;
    if (c->owner_) c->owner_->on_abandon(*c);
    if (head_ == c) remove(*c);  // an owner that did not destroy it: forget it anyway
  }
}

void poller::shutdown() {
  if (!epoll_) return;
  std::error_code ignored;
  epoll_->close(ignored);
  epoll_.reset();
  wake_.reset();
}

std::error_code poller::add(connection& c) {
  epoll_event ev{};
  ev.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET;
  ev.data.ptr = &c;
  if (!epoll_ || ::epoll_ctl(epoll_->native_handle(), EPOLL_CTL_ADD, c.fd_, &ev) != 0)
    return {epoll_ ? errno : EBADF, std::system_category()};
  c.prev_ = nullptr;
  c.next_ = head_;
  if (head_) head_->prev_ = &c;
  head_ = &c;
  ++count_;
  return {};
}

void poller::remove(connection& c) {
  if (c.prev_) c.prev_->next_ = c.next_;
  else if (head_ == &c) head_ = c.next_;
  else if (stop_pending_ == &c) stop_pending_ = c.next_;
  else return;  // not registered
  if (c.next_) c.next_->prev_ = c.prev_;
  c.prev_ = c.next_ = nullptr;
  --count_;
  // Its events later in this batch must not reach a destroyed object.
  for (int i = 0; i < batch_size_; ++i)
    if (batch_[static_cast<std::size_t>(i)].data.ptr == &c) batch_[static_cast<std::size_t>(i)].data.ptr = nullptr;
}

void poller::wait() {
  epoll_->async_wait(asio::posix::stream_descriptor::wait_read, [this](std::error_code ec) {
    if (ec || !epoll_) return;
    poll();
  });
}

// While events keep coming, look again on the next turn of the event loop instead of asking
// Asio to wait: a wait costs an epoll_ctl (Asio re-arms the descriptor) and a blocking
// epoll_wait on top of ours; a turn costs Asio a non-blocking one. Once a look finds nothing,
// wait again.
void poller::poll() {
  if (dispatch() == 0) return wait();
  asio::post(io_, [this] {
    if (epoll_) poll();
  });
}

int poller::dispatch() {
  const int n = ::epoll_wait(epoll_->native_handle(), batch_.data(), static_cast<int>(batch_.size()), 0);
  if (n <= 0) return 0;
  batch_time_ = timer_wheel::clock::now();
  batch_size_ = n;
  for (int i = 0; i < n; ++i) {
    auto& ev = batch_[static_cast<std::size_t>(i)];
    if (auto* c = static_cast<connection*>(ev.data.ptr)) c->on_events(ev.events);
  }
  batch_size_ = 0;
  return n;
}

void poller::begin_stop() {
  if (stopping_) return;
  stopping_ = true;
  // Owners may destroy any connection while being told: the untold ones wait in their own
  // list (remove() knows it), each moves back to the main list just before its owner hears.
  stop_pending_ = head_;
  head_ = nullptr;
  while (connection* c = stop_pending_) {
    stop_pending_ = c->next_;
    if (stop_pending_) stop_pending_->prev_ = nullptr;
    c->next_ = head_;
    if (head_) head_->prev_ = c;
    head_ = c;
    if (c->owner_) c->owner_->on_stop(*c);
  }
}

}  // namespace l7::net
