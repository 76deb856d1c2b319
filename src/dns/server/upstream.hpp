// Where answers for names outside our own data come from: a forwarder (configured upstream
// servers) or the recursive resolver (iteration from the root hints). Both run their I/O on
// the calling coroutine's executor, so a query stays on the worker that received it.
#pragma once

#include <optional>

#include "dns/codec/message.hpp"
#include "net/asio.hpp"

namespace l7::dns::server {

struct upstream_query {
  question q;
  bool dnssec_ok = false;  // DO on the upstream query
  bool checking_disabled = false;  // CD
};

class upstream {
 public:
  virtual ~upstream() = default;
  // The answer (any RCODE the servers gave, NXDOMAIN included), or nullopt when no server
  // gave a usable answer in time. The message holds the sections only; the caller builds
  // the response to its client.
  virtual net::awaitable<std::optional<message>> resolve(upstream_query q) = 0;
};

}  // namespace l7::dns::server
