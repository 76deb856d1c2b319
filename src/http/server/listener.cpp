#include "http/server/listener.hpp"

#include <openssl/ssl.h>
#include <spdlog/spdlog.h>

#include "http/server/service.hpp"
#include "http/server/session.hpp"

namespace l7::http::server {
namespace {

net::awaitable<void> run_session(listener_worker& home, std::unique_ptr<net::connection> c) {
  net::worker::session_token token(home.worker());
  session s(home, std::move(c));
  co_await s.run();
}

}  // namespace

void listener_worker::accept(std::unique_ptr<net::connection> c) {
  if (listener_.tls && !c->start_tls_server(listener_.tls->native_handle())) {
    listener_.log->warn("{}: cannot start TLS (out of memory?)", listener_.name);
    return;
  }
  // Registered just now, so bytes already there bring an edge: parking misses nothing. The
  // TLS handshake has the header timeout; a plain first request the idle timeout (as every
  // later one).
  const auto& cfg = *listener_.config;
  park(std::move(c), listener_.tls ? cfg.header_timeout : cfg.idle_timeout);
}

void listener_worker::rest(std::unique_ptr<net::connection> c) {
  park(std::move(c), listener_.config->idle_timeout);
}

void listener_worker::resume(std::unique_ptr<net::connection> c) {
  asio::co_spawn(worker_.executor(), run_session(*this, std::move(c)),
                 [log = listener_.log.get()](std::exception_ptr e) {
                   if (!e) return;
                   try {
                     std::rethrow_exception(e);
                   } catch (const std::exception& ex) {
                     log->error("session ended by an exception: {}", ex.what());
                   }
                 });
}

}  // namespace l7::http::server
