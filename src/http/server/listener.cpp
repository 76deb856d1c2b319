#include "http/server/listener.hpp"

#include <openssl/ssl.h>
#include <spdlog/spdlog.h>

#include "http/server/service.hpp"
#include "http/server/session.hpp"

namespace l7::http::server {
namespace {
constexpr std::size_t max_spare_sessions = 64;  // enough for the requests in flight on a worker
}  // namespace

listener_worker::listener_worker(net::worker& w, const listener_context& l) : worker_(w), listener_(l) {}

listener_worker::~listener_worker() = default;

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

void listener_worker::handshake_failed(net::connection& c, const std::error_code& ec) {
  if (listener_.log->should_log(spdlog::level::debug))
    listener_.log->debug("{}: TLS handshake failed: {}", net::to_string(c.remote()), ec.message());
}

void listener_worker::recycle(std::unique_ptr<session> s) {
  if (spare_.size() < max_spare_sessions) spare_.push_back(std::move(s));
}

void listener_worker::handshake_done(net::connection& c) {
  c.expires_after(listener_.config->idle_timeout);  // the handshake had the header timeout
}

void listener_worker::resume(std::unique_ptr<net::connection> c) {
  std::unique_ptr<session> s;
  if (spare_.empty()) {
    s = std::make_unique<session>(*this);
  } else {
    s = std::move(spare_.back());
    spare_.pop_back();
  }
  // Most bursts are one request answered at once: no coroutine for those.
  s->begin_burst(std::move(c));
  session::start from;
  try {
    from = s->run_instant();
  } catch (const std::exception& e) {  // not into the event loop: this session only
    listener_.log->error("session ended by an exception: {}", e.what());
    return;
  }
  if (from.next == session::head_step::idle) {
    s->end_burst();
    recycle(std::move(s));
    return;
  }
  asio::co_spawn(worker_.executor(), session::serve_burst(std::move(s), from),
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
