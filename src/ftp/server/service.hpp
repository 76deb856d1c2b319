// The FTP server: listeners (ftp with AUTH TLS, ftps with implicit TLS), what the sessions
// share (settings, accounts, per-address limits, the passive port pool, metrics) and the
// blocking work they hand off (password hashing runs on a small thread pool, never on an
// event loop).
#pragma once

#include <atomic>
#include <memory>
#include <string>

#include "app/accounts.hpp"
#include "app/address_limits.hpp"
#include "app/metrics.hpp"
#include "ftp/server/settings.hpp"
#include "net/asio.hpp"
#include "net/runtime.hpp"

namespace spdlog {
class logger;
}

namespace l7::ftp::server {

struct shared_state {
  explicit shared_state(settings s);
  ~shared_state();

  settings config;
  app::account_store accounts;
  app::address_limits per_address;
  std::atomic<std::uint32_t> next_passive{0};  // where the next passive bind starts
  asio::thread_pool blocking{2};               // password checks
  std::shared_ptr<spdlog::logger> log;
  std::shared_ptr<spdlog::logger> trace;  // null unless --trace
  app::gauge* sessions = nullptr;
  app::counter* logins_ok = nullptr;
  app::counter* logins_failed = nullptr;
  app::counter* bytes_sent = nullptr;
  app::counter* bytes_received = nullptr;
};

class service {
 public:
  explicit service(settings s);
  ~service();

  // Serves `acceptor` on worker `w`. `tls` offers AUTH TLS (explicit) on a plain listener, or
  // is negotiated first thing when `implicit_tls` (the ftps listener); null = no TLS at all.
  void serve(net::worker& w, net::tcp::acceptor acceptor, const std::string& name,
             std::shared_ptr<asio::ssl::context> tls, bool implicit_tls, std::size_t max_connections);

 private:
  std::unique_ptr<shared_state> shared_;
};

}  // namespace l7::ftp::server
