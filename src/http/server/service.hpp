// The HTTP service: the `http` (plain) and `https` (implicit TLS) listeners, the router that
// later services plug into, static files from <data>/public, and /metrics.
// One instance per process, shared read-only by every worker once serving starts.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "app/config.hpp"
#include "app/metrics.hpp"
#include "http/server/router.hpp"
#include "http/server/settings.hpp"
#include "net/connection_limit.hpp"
#include "net/runtime.hpp"

namespace spdlog {
class logger;
}

namespace l7::http::server {

class listener_worker;

// What a session needs from its listener; lives as long as the service.
struct listener_context {
  std::string name;                            // "http" or "https"
  const settings* config = nullptr;
  const router* routes = nullptr;
  const handler* fallback = nullptr;
  std::shared_ptr<asio::ssl::context> tls;     // null for plain listeners
  std::shared_ptr<net::connection_limit> limit;  // shared by the listener's workers
  std::shared_ptr<spdlog::logger> log;
  std::shared_ptr<spdlog::logger> trace;       // null unless tracing
  app::gauge* connections = nullptr;
  app::counter* requests[6] = {};              // by status class: [1] 1xx ... [5] 5xx, [0] other
  app::counter* bytes_sent = nullptr;
};

// Reads `[http]` from the config: root, directory_listing, server_header, header_timeout,
// idle_timeout, io_timeout, max_body, max_header_bytes, max_headers, max_request_line,
// open_file_cache, open_file_cache_valid, and the [[http.responses]] tables.
settings load_settings(const app::config& cfg, bool trace);

class service {
 public:
  explicit service(settings s);
  ~service();
  service(const service&) = delete;
  service& operator=(const service&) = delete;

  router& routes() { return router_; }
  const settings& config() const { return settings_; }

  // Starts serving `acceptor` on worker `w` as listener `name`; `tls` null for plain HTTP.
  void serve(net::worker& w, net::tcp::acceptor acceptor, const std::string& name,
             std::shared_ptr<asio::ssl::context> tls, std::size_t max_connections);

 private:
  listener_context& context_for(const std::string& name, std::shared_ptr<asio::ssl::context> tls,
                                std::size_t max_connections);

  settings settings_;
  router router_;
  handler fallback_;
  std::vector<std::unique_ptr<listener_context>> listeners_;
  std::vector<std::unique_ptr<listener_worker>> workers_;  // one per listener and worker
};

}  // namespace l7::http::server
