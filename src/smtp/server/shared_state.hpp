// What every SMTP session of a service shares (service.hpp).
#pragma once

#include <deque>
#include <memory>
#include <string>

#include "app/accounts.hpp"
#include "app/address_limits.hpp"
#include "app/metrics.hpp"
#include "app/scram_accounts.hpp"
#include "net/asio.hpp"
#include "net/line_service.hpp"
#include "smtp/server/settings.hpp"

namespace spdlog {
class logger;
}
namespace l7::mail {
class store;
}
namespace l7::smtp::relay {
class relay;
}

namespace l7::smtp::server {

struct shared_state {
  shared_state(settings s, std::shared_ptr<mail::store> st);
  ~shared_state();

  settings config;
  app::account_store accounts;
  app::scram_accounts scram;  // SCRAM-SHA-256 keys (session_auth.cpp)
  std::shared_ptr<mail::store> store;
  std::shared_ptr<relay::relay> relay;  // null in capture mode or with relay = false
  app::address_limits per_address;
  // Password checks and deliveries. fsync waits on the disk, not the CPU: several at once let
  // the file system commit them together.
  asio::thread_pool blocking;
  std::shared_ptr<spdlog::logger> log;
  std::shared_ptr<spdlog::logger> trace;  // null unless --trace
  app::gauge* sessions = nullptr;
  app::counter* accepted = nullptr;   // messages answered 250
  app::counter* rejected = nullptr;   // transactions refused after DATA/BDAT
  app::counter* auth_ok = nullptr;
  app::counter* auth_failed = nullptr;
  app::counter* bytes_received = nullptr;
  std::deque<net::line_listener> listeners;  // one per listener name, made before the workers run
};

}  // namespace l7::smtp::server
