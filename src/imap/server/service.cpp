#include "imap/server/service.hpp"

#include <spdlog/spdlog.h>

#include "app/log.hpp"
#include "imap/server/session.hpp"
#include "mail/store/store.hpp"

namespace l7::imap::server {
namespace {

net::awaitable<void> run_session(std::unique_ptr<session> s) { co_await s->run(); }

}  // namespace

shared_state::shared_state(settings s, std::shared_ptr<mail::store> st)
    : config(std::move(s)), accounts(config.data_dir), scram(config.data_dir), store(std::move(st)), per_address(config.max_per_ip) {
  log = app::logger("imap");
  if (config.trace) trace = app::logger("trace");
  auto& reg = app::metrics();
  sessions = &reg.gauge_metric("l7_imap_sessions", "Open IMAP connections");
  idling = &reg.gauge_metric("l7_imap_idle_sessions", "IMAP connections in IDLE");
  auto& logins = reg.counter_family("l7_imap_logins_total", "IMAP logins, by result", {"result"});
  logins_ok = &logins.with({"ok"});
  logins_failed = &logins.with({"failed"});
  commands = &reg.counter_metric("l7_imap_commands_total", "IMAP commands received");
}

service::service(settings s, std::shared_ptr<mail::store> store)
    : shared_(std::make_unique<shared_state>(std::move(s), std::move(store))) {}

service::~service() = default;

void service::serve(net::worker& w, net::tcp::acceptor acceptor, const std::string& name,
                    std::shared_ptr<asio::ssl::context> tls, bool implicit_tls, std::size_t max_connections) {
  auto& shared = *shared_;
  const auto& l = net::listener_named(shared.listeners, name, std::move(tls), implicit_tls, max_connections);
  net::serve_sessions(
      w, std::move(acceptor), l, "* BYE [UNAVAILABLE] Too many connections, try again later\r\n",
      [&w, &shared, &l](std::unique_ptr<net::connection> c) {
        return run_session(std::make_unique<session>(w, std::move(c), shared, l));
      },
      shared.log);
}

}  // namespace l7::imap::server
