// What every IMAP session of a service shares (service.hpp).
#pragma once

#include <deque>
#include <memory>

#include "app/accounts.hpp"
#include "app/address_limits.hpp"
#include "app/metrics.hpp"
#include "imap/server/settings.hpp"
#include "net/asio.hpp"
#include "net/line_service.hpp"

namespace spdlog {
class logger;
}
namespace l7::mail {
class store;
}

namespace l7::imap::server {

struct shared_state {
  shared_state(settings s, std::shared_ptr<mail::store> st);
  ~shared_state();

  // Runs `fn` (which blocks: the store, password hashes) on the thread pool; resumes the
  // calling coroutine on its own executor with the result.
  template <class F>
  auto blocking_call(F fn) -> net::awaitable<decltype(fn())> {
    auto task = [fn = std::move(fn)]() -> net::awaitable<decltype(fn())> { co_return fn(); };
    co_return co_await asio::co_spawn(blocking.get_executor(), std::move(task), asio::use_awaitable);
  }

  settings config;
  app::account_store accounts;
  std::shared_ptr<mail::store> store;
  app::address_limits per_address;
  asio::thread_pool blocking{2};
  std::shared_ptr<spdlog::logger> log;
  std::shared_ptr<spdlog::logger> trace;  // null unless --trace
  app::gauge* sessions = nullptr;
  app::gauge* idling = nullptr;
  app::counter* logins_ok = nullptr;
  app::counter* logins_failed = nullptr;
  app::counter* commands = nullptr;
  std::deque<net::line_listener> listeners;
};

}  // namespace l7::imap::server
