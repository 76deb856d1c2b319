// What every POP3 session of a service shares (service.hpp).
#pragma once

#include <deque>
#include <memory>

#include "app/accounts.hpp"
#include "app/address_limits.hpp"
#include "app/metrics.hpp"
#include "app/scram_accounts.hpp"
#include "net/blocking_pool.hpp"
#include "net/line_service.hpp"
#include "pop3/server/settings.hpp"

namespace spdlog {
class logger;
}
namespace l7::mail {
class store;
}

namespace l7::pop3::server {

struct shared_state {
  shared_state(settings s, std::shared_ptr<mail::store> st);

  settings config;
  app::account_store accounts;
  app::scram_accounts scram;  // SCRAM-SHA-256 keys (session_login.cpp)
  std::shared_ptr<mail::store> store;
  app::address_limits per_address;
  net::blocking_pool blocking{2};  // store calls and password checks
  std::shared_ptr<spdlog::logger> log;
  std::shared_ptr<spdlog::logger> trace;  // null unless --trace
  app::gauge* sessions = nullptr;
  app::counter* logins_ok = nullptr;
  app::counter* logins_failed = nullptr;
  app::counter* retrieved = nullptr;  // messages sent by RETR
  app::counter* deleted = nullptr;    // messages removed at UPDATE
  std::deque<net::line_listener> listeners;
};

}  // namespace l7::pop3::server
