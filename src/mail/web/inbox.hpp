// The capture mailbox as the web inbox sees it: the capture folder of the shared mail store,
// a cache of message summaries by UID, the doorbells of handlers waiting for new mail, and
// the thread pool that runs every store call.
//
// Ownership: made by add_routes(), owned (shared_ptr) by the route handlers, so it lives as
// long as the HTTP router; handlers in progress refer to it and must end first (they do: a
// graceful stop rings every doorbell, see watch_stops()).
// Threads: the blocking members (list, read, remove, purge) run on pool threads (run());
// subscribe(), stopping() and the watch callback are callable from any thread.
// Errors: store_error values from the mail store (no_such_message, io, corrupt).
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <system_error>
#include <vector>

#include "mail/store/store.hpp"
#include "mail/web/message_view.hpp"
#include "mail/web/settings.hpp"
#include "mail/web/wake_signal.hpp"
#include "net/asio.hpp"
#include "net/runtime.hpp"

namespace l7::mail::web {

class inbox : public std::enable_shared_from_this<inbox> {
 public:
  // No I/O: the capture folder is opened on first use.
  inbox(std::shared_ptr<mail::store> store, settings s);
  ~inbox();
  inbox(const inbox&) = delete;
  inbox& operator=(const inbox&) = delete;

  const settings& config() const { return settings_; }

  // Runs `work` (returning std::error_code) on the pool and resumes on the caller's executor.
  template <typename Work>
  net::awaitable<std::error_code> run(Work work) {
    auto task = [&work]() -> net::awaitable<std::error_code> { co_return work(); };
    auto ex = pool_.get_executor();
    co_return co_await asio::co_spawn(ex, task, asio::use_awaitable);
  }

  // Blocking (pool). Every message, newest first; `uidnext` gets the folder's next UID (the
  // UID the next delivery will get: the "now" of /api/mail/wait). Syncs with the files first.
  std::error_code list(std::vector<message_summary>& out, std::uint32_t* uidnext = nullptr);
  // Blocking (pool). uid 0: the newest message. no_such_message when absent.
  std::error_code read(std::uint32_t uid, message_record& record, std::string& raw);
  // Blocking (pool). no_such_message when absent.
  std::error_code remove(std::uint32_t uid);
  std::error_code purge(std::size_t& removed);

  // Any thread: a doorbell rung at every change of the capture folder and at a graceful stop,
  // on executor `ex` (the handler's). Hold it while waiting.
  std::shared_ptr<wake_signal> subscribe(asio::any_io_executor ex);
  bool stopping() const { return stopping_; }

  // Registers a stop hook on every worker of `rt` (posted: runs when the workers start): a
  // graceful stop then ends waits and event streams at once. Call once, before serving.
  void watch_stops(net::runtime& rt);

 private:
  std::error_code open_locked();
  void ring_all();
  void begin_stop();

  const std::shared_ptr<mail::store> store_;
  const settings settings_;

  std::mutex mu_;  // guards the folder and the cache; held during store calls (pool threads)
  std::shared_ptr<folder> folder_;
  watch_handle watch_;
  std::uint32_t uidvalidity_ = 0;
  std::map<std::uint32_t, message_summary> cache_;

  std::mutex signals_mu_;
  std::vector<std::weak_ptr<wake_signal>> signals_;
  std::atomic<bool> stopping_{false};
  std::vector<net::worker::stop_handle> stop_hooks_;  // one per worker, set on that worker

  asio::thread_pool pool_{2};  // last: joined first in the destructor anyway
};

}  // namespace l7::mail::web
