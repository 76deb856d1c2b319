#include "net/runtime.hpp"

#include <csignal>

#include <spdlog/spdlog.h>

namespace l7::net {

worker::stop_handle& worker::stop_handle::operator=(stop_handle&& o) noexcept {
  if (this != &o) {
    reset();
    worker_ = std::exchange(o.worker_, nullptr);
    it_ = o.it_;
  }
  return *this;
}

void worker::stop_handle::reset() {
  // Once stopping, the hook list is being (or has been) run: it stays intact until the worker
  // is destroyed, so iteration never meets an erased node.
  if (worker_ && !worker_->stopping_) worker_->stop_hooks_.erase(it_);
  worker_ = nullptr;
}

worker::stop_handle worker::on_stop(std::function<void()> fn) {
  if (stopping_) {
    fn();
    return {};
  }
  stop_hooks_.push_back(std::move(fn));
  return {this, std::prev(stop_hooks_.end())};
}

worker::~worker() {
  if (poller_) poller_->shutdown();  // its Asio objects go before the io_context
}

net::poller& worker::poller() {
  if (!poller_) poller_ = std::make_unique<net::poller>(context_);
  return *poller_;
}

void worker::begin_stop() {
  if (stopping_) return;
  stopping_ = true;
  for (auto& fn : stop_hooks_) fn();
  if (poller_) poller_->begin_stop();
}

runtime::runtime(unsigned workers) {
  // A peer that closes mid-write must fail that write, not kill the process: sendfile(2) and
  // SSL writes have no MSG_NOSIGNAL.
  ::signal(SIGPIPE, SIG_IGN);
  if (workers == 0) workers = std::max(1u, std::thread::hardware_concurrency());
  for (unsigned i = 0; i < workers; ++i) workers_.push_back(std::make_unique<worker>(i));
}

runtime::~runtime() = default;

void runtime::release_connections() {
  for (auto& w : workers_)
    if (w->poller_) w->poller_->abandon_all();
}

std::size_t runtime::sessions() const {
  std::size_t n = 0;
  for (const auto& w : workers_) n += w->sessions();
  return n;
}

void runtime::stop() {
  asio::post(main_, [this] { stop_requested_ = true; });
}

void runtime::run(std::chrono::milliseconds grace) {
  std::vector<std::thread> threads;
  std::vector<asio::executor_work_guard<asio::io_context::executor_type>> guards;
  for (auto& w : workers_) guards.push_back(asio::make_work_guard(w->context()));
  for (auto& w : workers_) threads.emplace_back([&ctx = w->context()] { ctx.run(); });

  asio::signal_set signals(main_, SIGINT, SIGTERM);
  // A server blocks SIGINT/SIGTERM before it says it is ready (`l7 serve`): from here they
  // reach the set above, including one that came in between.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_UNBLOCK, &stop_signals, nullptr);
  int signal_count = 0;
  std::function<void()> wait_signal = [&] {
    signals.async_wait([&](std::error_code ec, int sig) {
      if (ec) return;
      ++signal_count;
      spdlog::info("signal {}: {}", sig, signal_count == 1 ? "stopping gracefully" : "forcing stop");
      stop_requested_ = true;
      if (signal_count > 1) force_ = true;
      wait_signal();
    });
  };
  wait_signal();
  while (!stop_requested_) main_.run_one_for(std::chrono::milliseconds(200));

  for (auto& w : workers_) asio::post(w->context(), [&w] { w->begin_stop(); });
  drain(grace);
  guards.clear();
  for (auto& w : workers_) w->context().stop();
  for (auto& t : threads) t.join();
  signals.cancel();
}

void runtime::drain(std::chrono::milliseconds grace) {
  auto until = std::chrono::steady_clock::now() + grace;
  while (sessions() > 0 && !force_ && std::chrono::steady_clock::now() < until) {
    main_.run_one_for(std::chrono::milliseconds(20));
  }
  if (sessions() > 0) spdlog::warn("{} sessions still open after the grace period", sessions());
}

}  // namespace l7::net
