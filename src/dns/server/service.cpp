#include "dns/server/service.hpp"

#include <fcntl.h>
#include <unistd.h>

#include "app/log.hpp"
#include "dns/server/forwarder.hpp"
#include "dns/server/recursor.hpp"
#include "dns/server/transport.hpp"
#include "net/tcp_server.hpp"

namespace l7::dns::server {

namespace fs = std::filesystem;

namespace {

std::vector<client::server_address> addresses(const std::vector<endpoint_text>& list) {
  std::vector<client::server_address> out;
  for (const auto& e : list)
    if (auto a = ip_address::parse(e.host)) out.push_back({*a, e.port});
  return out;
}

}  // namespace

service::service(settings s) : engine_(std::make_unique<engine>(std::move(s))) {
  const auto& c = engine_->config();
  if (!c.upstreams.empty()) {
    engine_->set_upstream(std::make_unique<forwarder>(addresses(c.upstreams), c.upstream_timeout,
                                                      c.upstream_tries));
  } else if (c.recursion) {
    recursor_options o;
    o.timeout = c.upstream_timeout;
    o.qname_minimisation = c.qname_minimisation;
    o.server_port = c.referral_port;
    engine_->set_upstream(std::make_unique<recursor>(addresses(c.root_hints), o));
  }
  engine_->reload(true);
}

service::~service() = default;

void service::serve_udp(net::worker& w, net::udp::socket socket) {
  server::serve_udp(w, std::move(socket), *engine_);
}

void service::serve_tcp(net::worker& w, net::tcp::acceptor acceptor, std::size_t max_connections) {
  net::accept_options options;
  options.service = "dns";
  if (max_connections) options.limit = std::make_shared<net::connection_limit>(max_connections);
  engine* e = engine_.get();
  net::spawn_accept_loop(w, std::move(acceptor), std::move(options),
                         [&w, e](net::tcp::socket s) { return server::serve_tcp(w, std::move(s), *e); });
}

namespace {

net::awaitable<void> watch(net::worker& w, engine& e) {
  asio::steady_timer timer(w.executor());
  auto stop = w.on_stop([&timer] { timer.cancel(); });
  while (!w.stopping()) {
    timer.expires_after(e.config().reload_check);
    auto [ec] = co_await timer.async_wait(net::use_tuple);
    if (ec || w.stopping()) break;
    if (e.reload()) app::logger("dns")->info("zones and hosts reloaded");
  }
}

void write_if_missing(const fs::path& p, std::string_view text) {
  const int fd = ::open(p.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) return;
  const auto n = ::write(fd, text.data(), text.size());
  (void)n;
  ::close(fd);
}

constexpr std::string_view sample_zone = R"(; A sample zone served by `l7 serve`: try
;   dig @::1 -p 1053 www.example.test
; Every *.zone file in this directory is loaded (origin = file name) and reloaded on change.
$TTL 300
@        IN SOA  ns1 hostmaster (
                 1          ; serial
                 3600       ; refresh
                 600        ; retry
                 86400      ; expire
                 60 )       ; minimum (negative-caching TTL)
         IN NS   ns1
         IN MX   10 mail
         IN TXT  "l7kit sample zone"
ns1      IN A    127.0.0.1
www      IN A    127.0.0.1
         IN AAAA ::1
mail     IN A    127.0.0.1
alias    IN CNAME www
*.apps   IN A    127.0.0.1
_http._tcp IN SRV 0 5 8080 www
)";

constexpr std::string_view sample_hosts = R"(# Hosts-file answers (A, AAAA, PTR), reloaded when this file changes.
127.0.0.1   l7.localhost
::1         l7.localhost
)";

}  // namespace

void service::watch_files(net::worker& w) {
  asio::co_spawn(w.executor(), watch(w, *engine_), asio::detached);
}

void prepare_data(const settings& s) {
  std::error_code ec;
  if (fs::exists(s.zones_dir, ec)) return;
  fs::create_directories(s.zones_dir, ec);
  if (ec) return;
  write_if_missing(s.zones_dir / "example.test.zone", sample_zone);
  if (!s.hosts_file.empty()) write_if_missing(s.hosts_file, sample_hosts);
}

}  // namespace l7::dns::server
