// Full recursion (RFC 1034 §5.3.3): iterative queries from the root hints down the
// delegation chain, without RD, to the servers authoritative for the name.
//
//   - Referrals are followed only downwards and inside the referring zone's bailiwick: the NS
//     owner must be below the zone that referred, glue is accepted only for names inside that
//     zone, and answer records only for names inside the answering zone (RFC 2181 §5.4.1).
//   - Glue-less delegations: the name servers' addresses are resolved with a nested lookup
//     (bounded depth).
//   - CNAME and DNAME chains are followed, across zones, up to 12 links.
//   - QNAME minimisation (RFC 9156): servers above the final zone see only one more label than
//     they are authoritative for, with QTYPE A; NXDOMAIN for such a name ends the lookup
//     (RFC 8020), NOERROR adds a label.
//   - Every query goes through client::exchange (random ID and source port, answer matching).
//   - Budgets: at most `max_queries` upstream queries per client query, nesting depth 4.
//   - Learned delegations are cached (zone -> servers) until their NS TTL runs out, shared by
//     every worker under a mutex.
// `trace` (for `l7 dns +trace`) is told about every query and its answer.
#pragma once

#include <functional>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "dns/client/exchange.hpp"
#include "dns/server/upstream.hpp"

namespace l7::dns::server {

struct recursor_options {
  std::chrono::milliseconds timeout{1500};  // per server try
  bool qname_minimisation = true;
  int max_queries = 64;
  int max_depth = 4;
  bool use_ipv6 = true;  // also try name servers' IPv6 addresses
  // The port of servers learned from referrals and glue (53; tests may move it).
  std::uint16_t server_port = 53;
};

struct trace_step {
  name zone;                       // the zone the server was asked as
  client::server_address server;
  question asked;
  std::optional<message> response; // nullopt: no answer (timeout, error)
  std::string error;
};
using trace_fn = std::function<void(const trace_step&)>;

class recursor : public upstream {
 public:
  recursor(std::vector<client::server_address> root_hints, recursor_options opts);
  net::awaitable<std::optional<message>> resolve(upstream_query q) override;
  net::awaitable<std::optional<message>> resolve(upstream_query q, trace_fn trace);

  struct delegation {
    name zone;
    std::vector<name> ns_names;
    std::vector<client::server_address> addresses;
  };

 private:
  struct state;
  net::awaitable<std::optional<message>> lookup(question q, state& st, int depth);
  net::awaitable<std::optional<message>> iterate(const question& q, state& st, int depth);
  net::awaitable<bool> find_addresses(delegation& d, state& st, int depth);
  net::awaitable<std::optional<message>> ask(const delegation& d, const question& q, state& st);
  delegation closest(const name& qname);
  void remember(const delegation& d, std::uint32_t ttl);

  std::vector<client::server_address> hints_;
  recursor_options opts_;
  std::mutex mutex_;
  struct cached {
    delegation d;
    std::chrono::steady_clock::time_point expires;
  };
  std::unordered_map<std::string, cached> delegations_;  // canonical zone name -> servers
};

}  // namespace l7::dns::server
