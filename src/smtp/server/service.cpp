#include "smtp/server/service.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "app/log.hpp"
#include "core/text.hpp"
#include "mail/store/store.hpp"
#include "smtp/server/session.hpp"

namespace l7::smtp::server {
namespace {

net::awaitable<void> run_session(std::unique_ptr<session> s) { co_await s->run(); }

}  // namespace

shared_state::shared_state(settings s, std::shared_ptr<mail::store> st)
    : config(std::move(s)), accounts(config.data_dir), scram(config.data_dir), store(std::move(st)),
      per_address(config.max_per_ip),
      blocking(config.delivery_threads) {
  if (!store) store = std::make_shared<mail::store>(config.data_dir, mail::store::options{config.quota_bytes, config.quota_messages});
  log = app::logger("smtp");
  if (config.trace) trace = app::logger("trace");
  auto& reg = app::metrics();
  sessions = &reg.gauge_metric("l7_smtp_sessions", "Open SMTP connections");
  auto& messages = reg.counter_family("l7_smtp_messages_total", "SMTP messages, by result", {"result"});
  accepted = &messages.with({"accepted"});
  rejected = &messages.with({"rejected"});
  auto& auth = reg.counter_family("l7_smtp_auth_total", "SMTP AUTH attempts, by result", {"result"});
  auth_ok = &auth.with({"ok"});
  auth_failed = &auth.with({"failed"});
  bytes_received = &reg.counter_metric("l7_smtp_received_bytes_total", "Message bytes received by SMTP");
}

shared_state::~shared_state() { blocking.join(); }

service::service(settings s, std::shared_ptr<mail::store> store, relay::lookup_fn lookup)
    : shared_(std::make_unique<shared_state>(std::move(s), std::move(store))) {
  auto& shared = *shared_;
  const auto& cfg = shared.config;
  if (cfg.capture || !cfg.relay_enabled) return;
  if (!lookup) {
    auto server = relay::system_resolver();
    if (!cfg.relay_resolver.empty()) {
      auto parsed = dns::client::parse_server_address(cfg.relay_resolver);
      if (!parsed) throw std::runtime_error("smtp.relay_resolver: '" + cfg.relay_resolver + "' is not an address");
      server = *parsed;
    }
    lookup = relay::lookup_via(server);
  }
  // DSNs for senders of our own domains go straight into their INBOX.
  auto local = [&shared](const std::string& address, std::string_view message) -> std::optional<std::error_code> {
    const auto at = address.rfind('@');
    if (at == std::string::npos) return std::nullopt;
    const auto domain = to_lower(std::string_view(address).substr(at + 1));
    const auto& domains = shared.config.domains;
    if (std::find(domains.begin(), domains.end(), domain) == domains.end()) return std::nullopt;
    const auto account = to_lower(std::string_view(address).substr(0, std::min(at, address.find('+'))));
    if (!shared.accounts.exists(account)) return make_error_code(std::errc::no_such_file_or_directory);
    mail::delivery_info info;
    info.internal_date = std::chrono::system_clock::now();
    std::string full = "Return-Path: <>\r\n";  // RFC 5321 §4.4: the delivering MTA adds it
    full += message;
    return shared.store->deliver(account, "INBOX", full, info);
  };
  shared.relay = std::make_shared<relay::relay>(cfg.relay, std::move(lookup), std::move(local));
}

service::~service() = default;

mail::store& service::store() { return *shared_->store; }

void service::serve(net::worker& w, net::tcp::acceptor acceptor, const std::string& name,
                    std::shared_ptr<asio::ssl::context> tls, bool implicit_tls, bool submission,
                    std::size_t max_connections) {
  auto& shared = *shared_;
  if (shared.relay) shared.relay->start(w);  // once; on the first worker that serves SMTP
  const auto& l = net::listener_named(shared.listeners, name, std::move(tls), implicit_tls, max_connections);
  // RFC 5321 §3.8: 421 when the service cannot take the connection.
  net::serve_sessions(
      w, std::move(acceptor), l, "421 4.3.2 Too many connections, try again later\r\n",
      [&w, &shared, &l, submission](std::unique_ptr<net::connection> c) {
        return run_session(std::make_unique<session>(w, std::move(c), shared, l, submission));
      },
      shared.log);
}

}  // namespace l7::smtp::server
