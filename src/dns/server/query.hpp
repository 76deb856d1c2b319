// The one entry point every DNS front end shares: UDP and TCP listeners, RFC 8484 DoH, the JSON
// API and HTTPDNS all hand a query message to a resolve_fn and get a complete response back
// (same ID and question; RCODE set; AA/RA/TC as the answer needs). The function consults, in
// order, authoritative zones, the hosts file, the cache and then the forwarder or the recursive
// resolver, and applies the client ACL (recursion only for allowed clients) and rate limits.
//
// The response is not size-limited: the caller encodes it into its transport's budget
// (UDP: the EDNS payload size, TCP and HTTP: 65535), which sets TC when something is dropped.
#pragma once

#include <functional>

#include "core/ip_address.hpp"
#include "dns/codec/message.hpp"
#include "net/asio.hpp"

namespace l7::dns::server {

enum class transport { udp, tcp, doh, json, httpdns };

struct query_context {
  ip_address client = ip_address::v4({127, 0, 0, 1});
  transport via = transport::udp;
};

using resolve_fn = std::function<net::awaitable<message>(message query, query_context ctx)>;

}  // namespace l7::dns::server
