// The DNS query pipeline behind every front end (query.hpp): validation, authoritative zones,
// the hosts file, the ACL, the shared cache, then the upstream (forwarder or recursion) with
// serve-stale (RFC 8767) when it fails.
//
// answer_now() is the synchronous fast path the UDP and TCP loops try first: everything but a
// cache miss is answered without a coroutine. resolve() is the full path.
//
// Threading: one engine serves every worker. The zone and hosts data are immutable snapshots
// swapped atomically on reload; the cache is internally sharded and locked; the upstream is
// stateless apart from atomics. So every member may be called from any worker.
#pragma once

#include <atomic>
#include <memory>
#include <optional>
#include <string>

#include "dns/auth/authority.hpp"
#include "dns/auth/hosts_table.hpp"
#include "dns/cache/cache.hpp"
#include "dns/server/query.hpp"
#include "dns/server/settings.hpp"
#include "dns/server/upstream.hpp"

namespace l7::app {
class counter;
}

namespace l7::dns::server {

struct data_snapshot {
  auth::authority zones;
  auth::hosts_table hosts;
  std::string fingerprint;  // file names, sizes and mtimes it was loaded from
};

class engine {
 public:
  explicit engine(settings s);
  ~engine();

  const settings& config() const { return settings_; }
  void set_upstream(std::unique_ptr<upstream> u) { upstream_ = std::move(u); }
  dns::cache& cache() { return cache_; }

  // Loads zones and hosts (data.cpp). Errors in one file are logged and that file skipped;
  // the rest loads. Returns true when the files changed since the last load (or first load).
  bool reload(bool force = false);
  std::shared_ptr<const data_snapshot> data() const { return data_.load(); }

  // Where an answer came from; l7_dns_answers_total{source} counts them.
  enum source { src_zone, src_hosts, src_cache, src_upstream, src_stale, src_refused, src_failed,
                src_error, src_count };

  // Synchronous answer when no upstream is needed; nullopt when resolve() must run. A cache
  // hit that asks for a prefetch starts it on `ex`. `from`, when given, says where it came from.
  std::optional<message> answer_now(const message& query, const query_context& ctx,
                                    const asio::any_io_executor& ex, source* from = nullptr);
  net::awaitable<message> resolve(message query, query_context ctx);
  // resolve() for a query answer_now() returned nullopt for: upstream, then serve-stale.
  net::awaitable<message> resolve_miss(message query, query_context ctx);
  resolve_fn function();

  // With `trace` on, one log line per answered query.
  void log_query(const message& query, const message& response, const query_context& ctx) const;

  // Whether `client` gets the cache and the resolver (RA is set in its answers).
  bool may_recurse(const ip_address& client) const;
  // Bumped by every reload that changed the data (packet caches compare it).
  std::uint64_t generation() const { return generation_.load(std::memory_order_acquire); }
  // Counts an answer sent from a packet cache.
  void count_packet_cache_answer(source s) const { count(s); }

  // The response skeleton for `query`: ID, QR, opcode, RD, CD, the question, and an OPT with
  // our payload size when the query had one (RFC 6891 §7).
  message response_for(const message& query) const;

 private:
  std::optional<message> check(const message& query) const;
  net::awaitable<void> prefetch(cache_key key, upstream_query q);
  net::awaitable<std::optional<message>> ask_upstream(const upstream_query& q);

  void count(source s) const;  // one relaxed atomic per answer

  settings settings_;
  app::counter* answers_[src_count] = {};
  dns::cache cache_;
  std::unique_ptr<upstream> upstream_;
  std::atomic<std::shared_ptr<const data_snapshot>> data_;
  std::atomic<std::uint64_t> generation_{1};
};

}  // namespace l7::dns::server
