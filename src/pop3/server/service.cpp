#include "pop3/server/service.hpp"

#include <spdlog/spdlog.h>

#include "app/log.hpp"
#include "mail/store/store.hpp"
#include "pop3/server/session.hpp"

namespace l7::pop3::server {
namespace {

net::awaitable<void> run_session(std::unique_ptr<session> s) { co_await s->run(); }

}  // namespace

shared_state::shared_state(settings s, std::shared_ptr<mail::store> st)
    : config(std::move(s)), accounts(config.data_dir), scram(config.data_dir), store(std::move(st)), per_address(config.max_per_ip) {
  log = app::logger("pop3");
  if (config.trace) trace = app::logger("trace");
  auto& reg = app::metrics();
  sessions = &reg.gauge_metric("l7_pop3_sessions", "Open POP3 connections");
  auto& logins = reg.counter_family("l7_pop3_logins_total", "POP3 logins, by result", {"result"});
  logins_ok = &logins.with({"ok"});
  logins_failed = &logins.with({"failed"});
  retrieved = &reg.counter_metric("l7_pop3_retrieved_total", "Messages sent by POP3 RETR");
  deleted = &reg.counter_metric("l7_pop3_deleted_total", "Messages removed at POP3 UPDATE");
}

service::service(settings s, std::shared_ptr<mail::store> store)
    : shared_(std::make_unique<shared_state>(std::move(s), std::move(store))) {}

service::~service() = default;

void service::serve(net::worker& w, net::tcp::acceptor acceptor, const std::string& name,
                    std::shared_ptr<asio::ssl::context> tls, bool implicit_tls, std::size_t max_connections) {
  auto& shared = *shared_;
  const auto& l = net::listener_named(shared.listeners, name, std::move(tls), implicit_tls, max_connections);
  net::serve_sessions(
      w, std::move(acceptor), l, "-ERR [IN-USE] Too many connections, try again later\r\n",
      [&w, &shared, &l](std::unique_ptr<net::connection> c) {
        return run_session(std::make_unique<session>(w, std::move(c), shared, l));
      },
      shared.log);
}

}  // namespace l7::pop3::server
