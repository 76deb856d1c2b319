#include "http/server/service.hpp"

#include <spdlog/spdlog.h>

#include "app/log.hpp"
#include <sys/socket.h>

#include "http/server/listener.hpp"
#include "http/server/static_files.hpp"
#include "net/connection_server.hpp"

namespace l7::http::server {

namespace {

std::vector<fixed_response> load_fixed_responses(const app::config& cfg) {
  std::vector<fixed_response> out;
  const auto* http = cfg.section("http");
  const auto* list = http ? http->get_as<toml::array>("responses") : nullptr;
  if (!list) return out;
  for (std::size_t i = 0; i < list->size(); ++i) {
    const auto* t = list->get_as<toml::table>(i);
    auto where = "http.responses[" + std::to_string(i) + "]";
    if (!t) throw app::config_error(where + ": expected a table");
    fixed_response r;
    r.path = t->get_as<std::string>("path") ? t->get_as<std::string>("path")->get() : "";
    if (!r.path.starts_with('/')) throw app::config_error(where + ".path: expected a path like \"/hello\"");
    if (const auto* v = t->get_as<std::int64_t>("status")) r.status = static_cast<int>(v->get());
    if (r.status < 200 || r.status > 599) throw app::config_error(where + ".status: expected 200..599");
    if (const auto* v = t->get_as<std::string>("content_type")) r.content_type = v->get();
    if (const auto* v = t->get_as<std::string>("body")) r.body = v->get();
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace

settings load_settings(const app::config& cfg, bool trace) {
  settings s;
  s.root = cfg.data_path(cfg.get_string("http", "root", "public"));
  s.directory_listing = cfg.get_bool("http", "directory_listing", s.directory_listing);
  auto cache = cfg.get_int("http", "open_file_cache", static_cast<std::int64_t>(s.open_file_cache));
  if (cache < 0) throw app::config_error("http.open_file_cache: expected 0 (off) or more entries");
  s.open_file_cache = static_cast<std::size_t>(cache);
  s.open_file_cache_valid = cfg.get_duration("http", "open_file_cache_valid", s.open_file_cache_valid);
  s.server_header = cfg.get_string("http", "server_header", s.server_header);
  s.header_timeout = cfg.get_duration("http", "header_timeout", s.header_timeout);
  s.idle_timeout = cfg.get_duration("http", "idle_timeout", s.idle_timeout);
  s.io_timeout = cfg.get_duration("http", "io_timeout", s.io_timeout);
  s.max_body = cfg.get_size("http", "max_body", s.max_body);
  auto& l = s.parser_limits;
  l.max_header_bytes = cfg.get_size("http", "max_header_bytes", l.max_header_bytes);
  l.max_headers = static_cast<std::size_t>(cfg.get_int("http", "max_headers", static_cast<std::int64_t>(l.max_headers)));
  l.max_start_line = cfg.get_size("http", "max_request_line", l.max_start_line);
  l.max_body = s.max_body;
  s.access_log = cfg.log.access_log;
  s.responses = load_fixed_responses(cfg);
  s.trace = trace;
  return s;
}

service::service(settings s) : settings_(std::move(s)) {
  fallback_ = [files = std::make_shared<static_files>(settings_)](exchange& ex) { return (*files)(ex); };
  router_.add({"GET", "HEAD"}, "/metrics", [](exchange& ex) -> net::awaitable<void> {
    co_await ex.respond(200, app::metrics_content_type, app::metrics().render());
  });
  for (const auto& r : settings_.responses) {
    router_.add(route{{"GET", "HEAD"}, r.path, false,
                      [&r](exchange& ex) -> net::awaitable<void> {
                        co_await ex.respond(r.status, r.content_type, r.body);
                      },
                      &r});
  }
}

service::~service() = default;

listener_context& service::context_for(const std::string& name,
                                       std::shared_ptr<asio::ssl::context> tls,
                                       std::size_t max_connections) {
  for (auto& c : listeners_)
    if (c->name == name) return *c;
  auto c = std::make_unique<listener_context>();
  c->name = name;
  c->config = &settings_;
  c->routes = &router_;
  c->fallback = &fallback_;
  c->tls = std::move(tls);
  c->log = app::logger("http");
  if (settings_.trace) c->trace = app::logger("trace");
  auto& reg = app::metrics();
  c->connections = &reg.gauge_family("l7_http_connections", "Open HTTP connections", {"listener"}).with({name});
  auto& requests = reg.counter_family("l7_http_requests_total", "HTTP responses sent, by status class",
                                      {"listener", "class"});
  static constexpr const char* classes[] = {"other", "1xx", "2xx", "3xx", "4xx", "5xx"};
  for (int i = 0; i < 6; ++i) c->requests[i] = &requests.with({name, classes[i]});
  c->bytes_sent = &reg.counter_family("l7_http_response_body_bytes_total", "HTTP response body bytes sent",
                                      {"listener"}).with({name});
  c->limit = std::make_shared<net::connection_limit>(max_connections);
  c->limit->on_change = [g = c->connections](int delta) { g->inc(delta); };
  listeners_.push_back(std::move(c));
  return *listeners_.back();
}

void service::serve(net::worker& w, net::tcp::acceptor acceptor, const std::string& name,
                    std::shared_ptr<asio::ssl::context> tls, std::size_t max_connections) {
  auto& ctx = context_for(name, std::move(tls), max_connections);
  auto& home = *workers_.emplace_back(std::make_unique<listener_worker>(w, ctx));
  net::connection_accept_options options;
  options.service = name;
  options.limit = ctx.limit;
  // Over the connection cap: a short 503 on plain HTTP, a plain close on TLS (no handshake
  // is spent on a connection that will be refused).
  if (!ctx.tls) {
    options.reject = [](int fd) {
      static constexpr std::string_view busy =
          "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nConnection: close\r\nRetry-After: 1\r\n\r\n";
      (void)::send(fd, busy.data(), busy.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
      ::shutdown(fd, SHUT_WR);
    };
  }
  net::spawn_connection_acceptor(w, std::move(acceptor), std::move(options),
                                 [&home](std::unique_ptr<net::connection> c) { home.accept(std::move(c)); });
}

}  // namespace l7::http::server
