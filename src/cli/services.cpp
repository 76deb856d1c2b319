#include "cli/services.hpp"

#include <stdexcept>

#include "app/log.hpp"
#include "dns/doh/routes.hpp"
#include "dns/server/service.hpp"
#include "ftp/server/service.hpp"
#include "http/server/service.hpp"
#include "imap/server/service.hpp"
#include "net/tls.hpp"
#include "mail/store/store.hpp"
#include "mail/web/routes.hpp"
#include "pop3/server/service.hpp"
#include "smtp/server/service.hpp"
#include "tftp/server/service.hpp"
#include "websocket/server/service.hpp"

namespace l7::cli {

struct service_set::impl {
  const app::config& cfg;
  net::runtime& rt;
  serve_options options;
  std::shared_ptr<asio::ssl::context> tls;
  // Before http: the HTTP routes refer to it, so it must be destroyed after them.
  std::unique_ptr<websocket::server::service> ws;
  std::unique_ptr<http::server::service> http;
  std::unique_ptr<dns::server::service> dns;
  std::unique_ptr<ftp::server::service> ftp;
  std::unique_ptr<tftp::server::service> tftp;
  // The mail store SMTP delivers into and POP3, IMAP and the web inbox read: one for all.
  std::shared_ptr<mail::store> mail;
  std::unique_ptr<smtp::server::service> smtp;
  std::unique_ptr<pop3::server::service> pop3;
  std::unique_ptr<imap::server::service> imap;

  std::shared_ptr<asio::ssl::context> server_tls(std::vector<std::string> alpn) {
    net::tls_files files{cfg.tls.cert, cfg.tls.key};
    if (cfg.tls.self_signed) files = net::ensure_self_signed(cfg.tls.cert.parent_path());
    return net::make_server_context(files, std::move(alpn));
  }

  static asio::ip::address address_of(const app::listener_config& l, const std::string& text) {
    std::error_code ec;
    auto addr = asio::ip::make_address(text, ec);
    if (ec) throw std::runtime_error(l.service + ": bad address '" + text + "'");
    return addr;
  }

  // Binds `l` on every address and hands each worker's acceptor to `serve`.
  template <typename Serve>
  void bind_tcp(const app::listener_config& l, std::vector<listener_row>& rows, Serve serve) {
    for (const auto& text : l.addresses) {
      std::error_code ec;
      const auto addr = address_of(l, text);
      auto bound = net::listen_tcp(rt, addr, l.port, ec);
      if (ec)
        throw std::runtime_error(l.service + ": cannot listen on " +
                                 format_endpoint(net::to_ip(addr), l.port) + ": " + ec.message());
      rows.push_back({l.service, "tcp", net::to_ip(addr).to_string(), bound.local.port(), l.tls});
      for (unsigned i = 0; i < rt.size(); ++i) serve(rt.at(i), std::move(bound.acceptors[i]));
    }
  }

  // The DNS engine exists when the dns listener is enabled; HTTPDNS, JSON and DoH on the
  // HTTP listeners share it, so it is made before them.
  void make_dns() {
    const auto* l = cfg.listener("dns");
    if (dns || !l || !l->enabled) return;
    auto s = dns::server::load_settings(cfg, options.trace);
    if (options.embedded_default) dns::server::prepare_data(s);
    dns = std::make_unique<dns::server::service>(std::move(s));
    dns->watch_files(rt.at(0));
  }

  void make_http() {
    if (http) return;
    http = std::make_unique<http::server::service>(http::server::load_settings(cfg, options.trace));
    ws = std::make_unique<websocket::server::service>(
        websocket::server::load_settings(cfg, options.trace));
    ws->add_routes(http->routes());
    if (dns) {
      dns::doh::doh_settings d;
      d.doh = cfg.get_bool("dns", "doh", d.doh);
      d.json = cfg.get_bool("dns", "json_api", d.json);
      d.httpdns = cfg.get_bool("dns", "httpdns", d.httpdns);
      dns::doh::add_routes(http->routes(), dns->core().function(), d);
    }
    // The capture inbox and its REST API (docs/mail-web.md), on the shared mail store.
    auto web = mail::web::load_settings(cfg);
    if (web.web) mail::web::add_routes(http->routes(), mail_store(), std::move(web), rt);
  }

  std::shared_ptr<mail::store> mail_store() {
    if (!mail) {
      mail::store::options o;
      o.quota_bytes = cfg.get_size("mail", "quota", 0);
      o.quota_messages = static_cast<std::uint64_t>(cfg.get_int("mail", "quota_messages", 0, 0, 1'000'000'000));
      mail = std::make_shared<mail::store>(cfg.data_path("."), o);
    }
    return mail;
  }

  // DNS: UDP and TCP on the same port, on every address.
  void start_dns(const app::listener_config& l, std::vector<listener_row>& rows) {
    for (const auto& text : l.addresses) {
      std::error_code ec;
      const auto addr = address_of(l, text);
      auto tcp = net::listen_tcp(rt, addr, l.port, ec);
      if (ec)
        throw std::runtime_error("dns: cannot listen on " + format_endpoint(net::to_ip(addr), l.port) +
                                 "/tcp: " + ec.message());
      const auto port = tcp.local.port();
      auto udp = net::bind_udp(rt, addr, port, ec);
      if (ec)
        throw std::runtime_error("dns: cannot bind " + format_endpoint(net::to_ip(addr), port) +
                                 "/udp: " + ec.message());
      rows.push_back({l.service, "udp", net::to_ip(addr).to_string(), port, false});
      rows.push_back({l.service, "tcp", net::to_ip(addr).to_string(), port, false});
      for (unsigned i = 0; i < rt.size(); ++i) {
        dns->serve_udp(rt.at(i), std::move(udp.sockets[i]));
        dns->serve_tcp(rt.at(i), std::move(tcp.acceptors[i]), l.max_connections);
      }
    }
  }
};

service_set::service_set(const app::config& cfg, net::runtime& rt, serve_options options)
    : impl_(new impl{cfg, rt, options, nullptr, nullptr, nullptr, nullptr, nullptr, nullptr, nullptr, nullptr, nullptr, nullptr}) {}

service_set::~service_set() = default;

std::vector<listener_row> service_set::start() {
  auto& m = *impl_;
  std::vector<listener_row> rows;
  m.make_dns();
  for (const auto& l : m.cfg.listeners) {
    if (!l.enabled) continue;
    if (l.service == "http" || l.service == "https") {
      m.make_http();
      std::shared_ptr<asio::ssl::context> tls;
      if (l.tls) tls = m.server_tls({"http/1.1"});
      m.bind_tcp(l, rows, [&](net::worker& w, net::tcp::acceptor a) {
        m.http->serve(w, std::move(a), l.service, tls, l.max_connections);
      });
    } else if (l.service == "dns") {
      m.start_dns(l, rows);
    } else if (l.service == "ftp" || l.service == "ftps") {
      // Both listeners offer TLS: ftp by AUTH TLS (RFC 4217), ftps from the first byte.
      if (!m.ftp) m.ftp = std::make_unique<ftp::server::service>(ftp::server::load_settings(m.cfg, m.options.trace));
      auto tls = m.server_tls({"ftp"});
      m.bind_tcp(l, rows, [&](net::worker& w, net::tcp::acceptor a) {
        m.ftp->serve(w, std::move(a), l.service, tls, l.tls, l.max_connections);
      });
    } else if (l.service == "tftp") {
      // UDP only; each transfer then gets a socket of its own (src/tftp/server).
      if (!m.tftp) m.tftp = std::make_unique<tftp::server::service>(tftp::server::load_settings(m.cfg, m.options.trace));
      for (const auto& text : l.addresses) {
        std::error_code ec;
        const auto addr = m.address_of(l, text);
        auto udp = net::bind_udp(m.rt, addr, l.port, ec);
        if (ec)
          throw std::runtime_error("tftp: cannot bind " + format_endpoint(net::to_ip(addr), l.port) +
                                   "/udp: " + ec.message());
        rows.push_back({l.service, "udp", net::to_ip(addr).to_string(), udp.local.port(), false});
        for (unsigned i = 0; i < m.rt.size(); ++i) m.tftp->serve_udp(m.rt.at(i), std::move(udp.sockets[i]));
      }
    } else if (l.service == "smtp" || l.service == "submission" || l.service == "smtps") {
      // STARTTLS on smtp and submission (RFC 3207), implicit TLS on smtps (RFC 8314 §3.3);
      // submission and smtps want AUTH before MAIL (RFC 6409 §4.3).
      if (!m.smtp) {
        // The relay's MX lookups go through our own DNS service when it runs (zones, hosts
        // file, cache, recursion), as a loopback client so that the recursion ACL lets it in.
        smtp::relay::lookup_fn lookup;
        if (m.dns) {
          lookup = [fn = m.dns->core().function()](dns::message q) {
            return fn(std::move(q), dns::server::query_context{ip_address::v4({127, 0, 0, 1}), dns::server::transport::tcp});
          };
        }
        m.smtp = std::make_unique<smtp::server::service>(smtp::server::load_settings(m.cfg, m.options.trace),
                                                         m.mail_store(), std::move(lookup));
      }
      auto tls = m.server_tls({});
      const bool submission = l.service != "smtp";
      m.bind_tcp(l, rows, [&](net::worker& w, net::tcp::acceptor a) {
        m.smtp->serve(w, std::move(a), l.service, tls, l.tls, submission, l.max_connections);
      });
    } else if (l.service == "pop3" || l.service == "pop3s") {
      if (!m.pop3)
        m.pop3 = std::make_unique<pop3::server::service>(pop3::server::load_settings(m.cfg, m.options.trace),
                                                         m.mail_store());
      auto tls = m.server_tls({});
      m.bind_tcp(l, rows, [&](net::worker& w, net::tcp::acceptor a) {
        m.pop3->serve(w, std::move(a), l.service, tls, l.tls, l.max_connections);
      });
    } else if (l.service == "imap" || l.service == "imaps") {
      if (!m.imap)
        m.imap = std::make_unique<imap::server::service>(imap::server::load_settings(m.cfg, m.options.trace),
                                                         m.mail_store());
      auto tls = m.server_tls({"imap"});
      m.bind_tcp(l, rows, [&](net::worker& w, net::tcp::acceptor a) {
        m.imap->serve(w, std::move(a), l.service, tls, l.tls, l.max_connections);
      });
    } else {
      app::logger("serve")->warn("{}: this build has no server for it yet; skipped", l.service);
    }
  }
  return rows;
}

}  // namespace l7::cli
