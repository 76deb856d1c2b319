// Worker threads, one io_context each (DESIGN.md "Runtime"), and graceful shutdown.
//
// Lifecycle: construct, open listeners and start services on workers, then run() from the
// main thread. run() returns after a graceful stop (stop() or SIGINT/SIGTERM): stop hooks run
// on every worker (acceptors close, idle sessions end), sessions get `grace` to finish, then
// every io_context stops and the threads are joined.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <list>
#include <memory>
#include <thread>
#include <vector>

#include "net/asio.hpp"
#include "net/poller.hpp"

namespace l7::net {

class worker {
 public:
  explicit worker(unsigned index) : index_(index) {}
  ~worker();
  worker(const worker&) = delete;
  worker& operator=(const worker&) = delete;

  asio::io_context& context() { return context_; }
  asio::io_context::executor_type executor() { return context_.get_executor(); }
  unsigned index() const { return index_; }
  bool stopping() const { return stopping_; }
  // The readiness core for net::connection services (poller.hpp), created on first use: its
  // wait keeps the io_context busy, so workers that never serve such connections do not
  // carry one.
  net::poller& poller();

  // A registration made with on_stop(); unregisters when destroyed.
  class stop_handle {
   public:
    stop_handle() = default;
    stop_handle(worker* w, std::list<std::function<void()>>::iterator it) : worker_(w), it_(it) {}
    stop_handle(stop_handle&& o) noexcept : worker_(std::exchange(o.worker_, nullptr)), it_(o.it_) {}
    stop_handle& operator=(stop_handle&& o) noexcept;
    ~stop_handle() { reset(); }
    void reset();

   private:
    worker* worker_ = nullptr;
    std::list<std::function<void()>>::iterator it_;
  };

  // Runs `fn` on this worker's thread when a graceful stop begins (at once when it already
  // has). Call on this worker's thread.
  [[nodiscard]] stop_handle on_stop(std::function<void()> fn);

  // Counts a live session; the runtime waits for the count to reach zero when stopping.
  class session_token {
   public:
    explicit session_token(worker& w) : w_(&w) { ++w_->sessions_; }
    session_token(const session_token&) = delete;
    session_token& operator=(const session_token&) = delete;
    ~session_token() { --w_->sessions_; }

   private:
    worker* w_;
  };
  std::size_t sessions() const { return sessions_; }

 private:
  friend class runtime;
  void begin_stop();

  unsigned index_;
  std::list<std::function<void()>> stop_hooks_;
  bool stopping_ = false;
  std::atomic<std::size_t> sessions_{0};
  // Outlives the io_context (declared before it): coroutine frames the context destroys still
  // own connections registered with it.
  std::unique_ptr<net::poller> poller_;
  // Last: destroying it destroys pending coroutine frames, whose stop handles and session
  // tokens still refer to the members above.
  asio::io_context context_{1};
};

class runtime {
 public:
  // workers == 0: one per core.
  explicit runtime(unsigned workers);
  ~runtime();

  unsigned size() const { return static_cast<unsigned>(workers_.size()); }
  worker& at(unsigned i) { return *workers_.at(i); }
  std::vector<std::unique_ptr<worker>>& workers() { return workers_; }

  // Blocks until stopped. SIGINT/SIGTERM start a graceful stop; a second signal forces it.
  void run(std::chrono::milliseconds grace = std::chrono::seconds(10));
  // Starts a graceful stop from any thread.
  void stop();
  // After run(): connections still held by the workers' pollers (parked ones, WebSockets) go
  // back to their owners now, while the services that own them still exist.
  void release_connections();
  std::size_t sessions() const;

 private:
  void drain(std::chrono::milliseconds grace);

  std::vector<std::unique_ptr<worker>> workers_;
  asio::io_context main_;
  std::atomic<bool> stop_requested_{false};
  std::atomic<bool> force_{false};
};

}  // namespace l7::net
