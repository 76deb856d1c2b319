#include "net/connection_server.hpp"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>

#include <spdlog/spdlog.h>

#include "net/accept_errors.hpp"

namespace l7::net {
namespace {

constexpr int max_batch = 64;  // accepts per wake-up, so one listener cannot starve the rest

// The peer address as Asio's endpoint.
tcp::endpoint endpoint_of(const sockaddr_storage& ss, socklen_t len) {
  tcp::endpoint e;
  if (len <= e.capacity()) {
    std::memcpy(e.data(), &ss, len);
    e.resize(len);
  }
  return e;
}

void accept_one(worker& w, int fd, const sockaddr_storage& ss, socklen_t len,
                const connection_accept_options& options, const accept_fn& on_accept) {
  int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  auto* limit = options.limit.get();
  if (limit && !limit->acquire()) {
    if (options.reject) options.reject(fd);
    ::close(fd);
    return;
  }
  std::error_code ec;
  auto c = connection::adopt(w.poller(), fd, endpoint_of(ss, len), ec);
  if (!c) {
    if (limit) limit->release();
    spdlog::warn("{}: cannot watch an accepted connection: {}", options.service, ec.message());
    return;
  }
  c->hold_slot(limit);
  try {
    on_accept(std::move(c));
  } catch (const std::exception& e) {
    spdlog::error("{}: connection dropped by an exception: {}", options.service, e.what());
  }
}

awaitable<void> accept_loop(worker& w, std::shared_ptr<tcp::acceptor> acceptor,
                            connection_accept_options options, accept_fn on_accept) {
  std::error_code ec;
  acceptor->native_non_blocking(true, ec);
  const int lfd = acceptor->native_handle();
  accept_error_log errors;
  for (;;) {
    auto [wec] = co_await acceptor->async_wait(tcp::acceptor::wait_read, use_tuple);
    if (wec || !acceptor->is_open()) {
      if (wec == asio::error::operation_aborted || !acceptor->is_open()) co_return;
      continue;
    }
    bool back_off = false;
    for (int i = 0; i < max_batch && acceptor->is_open(); ++i) {
      sockaddr_storage ss{};
      socklen_t len = sizeof ss;
      int fd = ::accept4(lfd, reinterpret_cast<sockaddr*>(&ss), &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
      if (fd >= 0) {
        accept_one(w, fd, ss, len, options, on_accept);
        continue;
      }
      if (errno == EINTR || errno == ECONNABORTED) continue;
      if (errno != EAGAIN && errno != EWOULDBLOCK) {
        // EMFILE and friends: back off briefly instead of spinning.
        errors.failed(options.service, std::strerror(errno));
        back_off = true;
      }
      break;
    }
    if (back_off) {
      asio::steady_timer t(w.executor(), std::chrono::milliseconds(50));
      co_await t.async_wait(use_tuple);
    }
  }
}

}  // namespace

void spawn_connection_acceptor(worker& w, tcp::acceptor acceptor, connection_accept_options options,
                               accept_fn on_accept) {
  auto shared = std::make_shared<tcp::acceptor>(std::move(acceptor));
  auto stop = std::make_shared<worker::stop_handle>(w.on_stop([shared] {
    std::error_code ignored;
    shared->close(ignored);
  }));
  asio::co_spawn(w.executor(), accept_loop(w, shared, std::move(options), std::move(on_accept)),
                 [stop](std::exception_ptr) { stop->reset(); });
}

}  // namespace l7::net
