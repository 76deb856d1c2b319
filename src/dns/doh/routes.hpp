// The DNS web front ends on the HTTP router: RFC 8484 DoH (GET and POST), the JSON API (GET)
// and HTTPDNS (GET). Each hands its query to the shared resolve_fn with the HTTP client's
// address and its own transport (doh, json, httpdns), so ACLs, rate limits and logs see them
// apart. Other methods get 405 with Allow from the router (RFC 9110 §15.5.6); HEAD included,
// since a DNS answer without a body is of no use.
//
// Lifetime: the handlers own copies of `resolve` and `settings`; they can be added any time
// before serving starts (the router is read-only afterwards).
#pragma once

#include <string>

#include "dns/server/query.hpp"
#include "http/server/router.hpp"

namespace l7::dns::doh {

struct doh_settings {
  bool doh = true, json = true, httpdns = true;  // which endpoints to serve
  std::string doh_path = "/dns-query", json_path = "/resolve", httpdns_path = "/d";
};

void add_routes(http::server::router& router, server::resolve_fn resolve, doh_settings settings);

}  // namespace l7::dns::doh
