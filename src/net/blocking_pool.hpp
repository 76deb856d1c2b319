// A small thread pool for the blocking work of sessions (password hashes, the mail store's
// SQLite and fsync, file reads), so that none of it runs on an event loop. call() runs a
// function there and resumes the calling coroutine on its own executor with the result.
// Destroying the pool waits for what is running; declare it after what its work uses.
#pragma once

#include <cstddef>

#include "net/asio.hpp"

namespace l7::net {

class blocking_pool {
 public:
  explicit blocking_pool(std::size_t threads) : pool_(threads) {}
  ~blocking_pool() { pool_.join(); }
  blocking_pool(const blocking_pool&) = delete;
  blocking_pool& operator=(const blocking_pool&) = delete;

  template <class F>
  auto call(F fn) -> awaitable<decltype(fn())> {
    auto task = [fn = std::move(fn)]() -> awaitable<decltype(fn())> { co_return fn(); };
    co_return co_await asio::co_spawn(pool_.get_executor(), std::move(task), asio::use_awaitable);
  }

 private:
  asio::thread_pool pool_;
};

}  // namespace l7::net
