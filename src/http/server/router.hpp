// Request routing for the HTTP service: later services (WebSocket, DoH, HTTPDNS, metrics,
// dashboard) plug in here. A route matches a method (or any method) and an exact path or a
// path prefix; the longest matching path wins. Unrouted requests go to the fallback handler
// (static files). Built before serving starts, then read-only: safe to share across workers.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "net/asio.hpp"

namespace l7::http::server {

class exchange;
struct fixed_response;
using handler = std::function<net::awaitable<void>(exchange&)>;

struct route {
  std::vector<std::string> methods;  // empty: any method
  std::string path;                  // "/metrics", or a prefix like "/ws/" when prefix is true
  bool prefix = false;
  handler fn;
  // A canned response known in advance (`[[http.responses]]`): a session may send it itself,
  // without running `fn` (and without a coroutine), when the request has no body. `fn` must
  // answer the same. Must outlive the router.
  const fixed_response* fixed = nullptr;
};

struct route_match {
  const route* found = nullptr;  // null: no route for this path (use the fallback)
  // Set when the path matched but no route allows the method: the Allow header value.
  std::optional<std::string> allow;
};

class router {
 public:
  void add(route r);
  // Convenience: exact path, listed methods.
  void add(std::vector<std::string> methods, std::string path, handler fn);
  void add_prefix(std::vector<std::string> methods, std::string prefix, handler fn);

  route_match match(std::string_view method, std::string_view path) const;

 private:
  std::vector<route> routes_;
};

}  // namespace l7::http::server
