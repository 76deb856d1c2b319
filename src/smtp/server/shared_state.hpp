// What every SMTP session of a service shares (service.hpp), and what one listener tells its
// sessions.
#pragma once

#include <deque>
#include <memory>
#include <string>

#include "app/accounts.hpp"
#include "app/address_limits.hpp"
#include "app/metrics.hpp"
#include "net/asio.hpp"
#include "net/connection_limit.hpp"
#include "smtp/server/settings.hpp"

namespace spdlog {
class logger;
}
namespace l7::mail {
class store;
}

namespace l7::smtp::server {

struct listener_info {
  std::string name;
  std::shared_ptr<asio::ssl::context> tls;  // null: no TLS on this listener
  bool implicit_tls = false;
  bool submission = false;
  // Connections of the listener, over all its workers and addresses; it outlives them.
  std::shared_ptr<net::connection_limit> limit;
};

struct shared_state {
  shared_state(settings s, std::shared_ptr<mail::store> st);
  ~shared_state();

  settings config;
  app::account_store accounts;
  std::shared_ptr<mail::store> store;
  app::address_limits per_address;
  asio::thread_pool blocking{2};  // password checks and deliveries (fsync)
  std::shared_ptr<spdlog::logger> log;
  std::shared_ptr<spdlog::logger> trace;  // null unless --trace
  app::gauge* sessions = nullptr;
  app::counter* accepted = nullptr;   // messages answered 250
  app::counter* rejected = nullptr;   // transactions refused after DATA/BDAT
  app::counter* auth_ok = nullptr;
  app::counter* auth_failed = nullptr;
  app::counter* bytes_received = nullptr;
  std::deque<listener_info> listeners;  // one per listener name, made before the workers run
};

}  // namespace l7::smtp::server
