#include "cli/services.hpp"

#include <stdexcept>

#include "app/log.hpp"
#include "http/server/service.hpp"
#include "net/tls.hpp"

namespace l7::cli {

struct service_set::impl {
  const app::config& cfg;
  net::runtime& rt;
  serve_options options;
  std::shared_ptr<asio::ssl::context> tls;
  std::unique_ptr<http::server::service> http;

  std::shared_ptr<asio::ssl::context> server_tls(std::vector<std::string> alpn) {
    net::tls_files files{cfg.tls.cert, cfg.tls.key};
    if (cfg.tls.self_signed) files = net::ensure_self_signed(cfg.tls.cert.parent_path());
    return net::make_server_context(files, std::move(alpn));
  }

  // Binds `l` on every address and hands each worker's acceptor to `serve`.
  template <typename Serve>
  void bind_tcp(const app::listener_config& l, std::vector<listener_row>& rows, Serve serve) {
    for (const auto& text : l.addresses) {
      std::error_code ec;
      auto addr = asio::ip::make_address(text, ec);
      if (ec) throw std::runtime_error(l.service + ": bad address '" + text + "'");
      auto bound = net::listen_tcp(rt, addr, l.port, ec);
      if (ec)
        throw std::runtime_error(l.service + ": cannot listen on " +
                                 format_endpoint(net::to_ip(addr), l.port) + ": " + ec.message());
      rows.push_back({l.service, "tcp", net::to_ip(addr).to_string(), bound.local.port(), l.tls});
      for (unsigned i = 0; i < rt.size(); ++i) serve(rt.at(i), std::move(bound.acceptors[i]));
    }
  }
};

service_set::service_set(const app::config& cfg, net::runtime& rt, serve_options options)
    : impl_(new impl{cfg, rt, options, nullptr, nullptr}) {}

service_set::~service_set() = default;

std::vector<listener_row> service_set::start() {
  auto& m = *impl_;
  std::vector<listener_row> rows;
  for (const auto& l : m.cfg.listeners) {
    if (!l.enabled) continue;
    if (l.service == "http" || l.service == "https") {
      if (!m.http)
        m.http = std::make_unique<http::server::service>(http::server::load_settings(m.cfg, m.options.trace));
      std::shared_ptr<asio::ssl::context> tls;
      if (l.tls) tls = m.server_tls({"http/1.1"});
      m.bind_tcp(l, rows, [&](net::worker& w, net::tcp::acceptor a) {
        m.http->serve(w, std::move(a), l.service, tls, l.max_connections);
      });
    } else {
      app::logger("serve")->warn("{}: this build has no server for it yet; skipped", l.service);
    }
  }
  return rows;
}

}  // namespace l7::cli
