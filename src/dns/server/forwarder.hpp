// Forwarding (a "forward-only" resolver): every miss goes to the configured upstream
// resolvers with RD set, over UDP with TCP fallback on TC (client::exchange). Upstreams are
// tried in order of health: a server that failed three times in a row is skipped for 30 s
// (unless every server is down, then all are tried). NOERROR and NXDOMAIN answers are final;
// SERVFAIL, REFUSED and timeouts move on to the next server.
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <vector>

#include "dns/client/exchange.hpp"
#include "dns/server/upstream.hpp"

namespace l7::dns::server {

class forwarder : public upstream {
 public:
  forwarder(std::vector<client::server_address> servers, std::chrono::milliseconds timeout, int tries);
  net::awaitable<std::optional<message>> resolve(upstream_query q) override;

 private:
  struct health {
    std::atomic<int> failures{0};
    std::atomic<std::int64_t> down_until{0};  // steady_clock ticks
  };
  std::vector<std::size_t> order() const;
  void record(std::size_t i, bool ok);

  std::vector<client::server_address> servers_;
  std::unique_ptr<health[]> health_;
  client::query_options opts_;
};

}  // namespace l7::dns::server
