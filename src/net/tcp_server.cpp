#include "net/tcp_server.hpp"

#include <spdlog/spdlog.h>

#include "net/accept_errors.hpp"

namespace l7::net {
namespace {

// Decrements the listener's connection count when the session ends, however it ends.
struct slot {
  explicit slot(std::shared_ptr<connection_limit> l) : limit(std::move(l)) {}
  slot(slot&&) = default;
  slot(const slot&) = delete;
  std::shared_ptr<connection_limit> limit;
  ~slot() {
    if (limit) limit->release();
  }
};

void spawn_session(worker& w, const std::string& service, tcp::socket socket,
                   std::shared_ptr<connection_limit> limit, const session_fn& fn) {
  auto run = [](worker& w, session_fn fn, tcp::socket s, slot held) -> awaitable<void> {
    worker::session_token token(w);
    co_await fn(std::move(s));
  };
  asio::co_spawn(w.executor(), run(w, fn, std::move(socket), slot(std::move(limit))),
                 [service](std::exception_ptr e) {
                   if (!e) return;
                   try {
                     std::rethrow_exception(e);
                   } catch (const std::exception& ex) {
                     spdlog::error("{}: session ended by an exception: {}", service, ex.what());
                   }
                 });
}

awaitable<void> accept_loop(worker& w, std::shared_ptr<tcp::acceptor> acceptor,
                            accept_options options, session_fn fn) {
  accept_error_log errors;
  for (;;) {
    auto [ec, socket] = co_await acceptor->async_accept(use_tuple);
    if (ec) {
      if (ec == asio::error::operation_aborted || !acceptor->is_open()) co_return;
      // EMFILE and friends: back off briefly instead of spinning.
      errors.failed(options.service, ec.message());
      asio::steady_timer t(w.executor(), std::chrono::milliseconds(50));
      co_await t.async_wait(use_tuple);
      continue;
    }
    std::error_code ignored;
    socket.set_option(tcp::no_delay(true), ignored);
    auto& limit = options.limit;
    if (limit && !limit->acquire()) {
      if (options.reject) spawn_session(w, options.service, std::move(socket), nullptr, options.reject);
      continue;
    }
    spawn_session(w, options.service, std::move(socket), limit, fn);
  }
}

}  // namespace

void spawn_accept_loop(worker& w, tcp::acceptor acceptor, accept_options options, session_fn fn) {
  auto shared = std::make_shared<tcp::acceptor>(std::move(acceptor));
  // The handle lives in the closure of the loop's completion, i.e. as long as the loop.
  auto stop = std::make_shared<worker::stop_handle>(w.on_stop([shared] {
    std::error_code ignored;
    shared->close(ignored);
  }));
  asio::co_spawn(w.executor(), accept_loop(w, shared, std::move(options), std::move(fn)),
                 [stop](std::exception_ptr) { stop->reset(); });
}

}  // namespace l7::net
