#include "ftp/server/service.hpp"

#include <spdlog/spdlog.h>

#include "app/log.hpp"
#include "ftp/server/session.hpp"
#include "net/tcp_server.hpp"

namespace l7::ftp::server {

shared_state::shared_state(settings s)
    : config(std::move(s)), accounts(config.data_dir), per_address(config.max_per_ip) {
  log = app::logger("ftp");
  if (config.trace) trace = app::logger("trace");
  auto& reg = app::metrics();
  sessions = &reg.gauge_metric("l7_ftp_sessions", "Open FTP control connections");
  auto& logins = reg.counter_family("l7_ftp_logins_total", "FTP logins, by result", {"result"});
  logins_ok = &logins.with({"ok"});
  logins_failed = &logins.with({"failed"});
  auto& bytes = reg.counter_family("l7_ftp_data_bytes_total", "FTP data-connection bytes", {"direction"});
  bytes_sent = &bytes.with({"sent"});
  bytes_received = &bytes.with({"received"});
}

shared_state::~shared_state() { blocking.join(); }

service::service(settings s) : shared_(std::make_unique<shared_state>(std::move(s))) {}

service::~service() = default;

void service::serve(net::worker& w, net::tcp::acceptor acceptor, const std::string& name,
                    std::shared_ptr<asio::ssl::context> tls, bool implicit_tls,
                    std::size_t max_connections) {
  net::accept_options options;
  options.service = name;
  options.limit = std::make_shared<net::connection_limit>(max_connections);
  if (!implicit_tls) {  // RFC 959 §4.2: 421 when the service cannot take the connection
    options.reject = [](net::tcp::socket s) -> net::awaitable<void> {
      static constexpr std::string_view busy = "421 Too many users, try again later.\r\n";
      co_await asio::async_write(s, asio::buffer(busy), net::use_tuple);
      std::error_code ignored;
      s.shutdown(net::tcp::socket::shutdown_both, ignored);
    };
  }
  auto* shared = shared_.get();
  net::spawn_accept_loop(w, std::move(acceptor), std::move(options),
                         [&w, shared, tls, implicit_tls](net::tcp::socket s) -> net::awaitable<void> {
                           session sess(w, std::move(s), *shared, tls, implicit_tls);
                           co_await sess.run();
                         });
}

}  // namespace l7::ftp::server
