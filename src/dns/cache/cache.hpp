// The DNS message cache shared by every front end (UDP/TCP, DoH, JSON, HTTPDNS) and every worker
// thread. Sans-I/O: time comes in as an argument (`now`, a steady_clock time point), so expiry,
// prefetch and serve-stale are testable with a fake clock.
//
// One entry per cache_key (name case-insensitively, type, class, DO, CD) holding a whole
// response in stored_form() (cache_policy.hpp): RCODE, AA cleared, answer/authority/additional
// sections, no OPT, ID 0. A CNAME chain is one entry under the query's key. Callers set the ID,
// copy the query's question (its 0x20 case) and add their own OPT before sending.
//
// Lifetime of an entry (TTL chosen by decide(), cache_policy.hpp), `t` = time since stored:
//   t < TTL                        fresh: lookup() hits, record TTLs = stored TTL - floor(t) >= 0
//   TTL <= t < TTL + stale_max     stale: lookup() misses, lookup_stale() answers (serve_stale)
//   later                          dead: removed when next found, counted in stats::expired
// Entries never found again are not swept; they age out of the LRU list, so memory stays
// bounded by max_entries.
//
// Thread safety: every member function may be called from any thread at once. Keys are spread
// over `shards` shards by hash; each shard has a mutex, a hash map and an LRU list, and holds
// exactly its share of max_entries (max_entries / shards, the first max_entries % shards shards
// one more). `now` may differ between threads; a `now` before an entry's store time counts as
// no time elapsed.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>

#include "dns/cache/cache_key.hpp"
#include "dns/cache/cache_policy.hpp"
#include "dns/codec/message.hpp"

namespace l7::dns {

using cache_time = std::chrono::steady_clock::time_point;

struct cache_hit {
  message response;       // stored_form() with TTLs adjusted as described above
  bool stale = false;     // served past expiry (RFC 8767); every TTL is stale_answer_ttl
  bool prefetch = false;  // the caller should refresh this key in the background
};

class cache {
 public:
  explicit cache(cache_config config = {});
  ~cache();
  cache(const cache&) = delete;
  cache& operator=(const cache&) = delete;

  // A fresh entry, every record TTL decremented by the whole seconds since it was stored,
  // never below 0 (RFC 1035 §3.2.1, RFC 2181 §8). `prefetch` is true exactly once per stored
  // response: on the first hit that lands in the last prefetch_fraction of its lifetime once
  // the entry has had prefetch_min_hits hits (this one included). SERVFAIL entries never ask
  // for a prefetch. Counts a hit (and a prefetch) or a miss; refreshes the entry's LRU place.
  std::optional<cache_hit> lookup(const cache_key& key, cache_time now);

  // For when resolution failed (RFC 8767 §4): a fresh entry as lookup() gives it (without
  // prefetch), else an expired entry at most stale_max seconds past its expiry with every TTL
  // set to stale_answer_ttl and `stale` set. Never serves SERVFAIL entries stale; nothing when
  // serve_stale is off. Counts stale_hits (a fresh answer counts as a hit); a miss here is not
  // counted, as the lookup() before it already was.
  std::optional<cache_hit> lookup_stale(const cache_key& key, cache_time now);

  // Stores `response` (the answer to the query `key` came from) if decide() says it is
  // cacheable, replacing any entry for the key and restarting its hit count and prefetch flag.
  // Exception (RFC 8767 §5): a SERVFAIL does not replace an entry that is fresh or still
  // servable stale, so a failed refresh never destroys the data serve-stale falls back on.
  // Evicts least recently used entries beyond the shard's share of max_entries. Returns
  // whether the response was stored.
  bool store(const cache_key& key, const message& response, cache_time now);

  void erase(const cache_key& key);
  // Drops every entry; counters keep counting.
  void clear();

  struct stats {
    std::uint64_t hits = 0;        // fresh answers (lookup and lookup_stale)
    std::uint64_t misses = 0;      // lookup() without a fresh entry
    std::uint64_t stale_hits = 0;  // lookup_stale() answers past expiry
    std::uint64_t inserts = 0;     // successful store() calls, replacements included
    std::uint64_t evictions = 0;   // entries dropped to respect max_entries
    std::uint64_t prefetches = 0;  // hits with `prefetch` set
    std::uint64_t expired = 0;     // entries dropped because they were found dead
    std::size_t entries = 0;       // entries held now
  };
  // Sums the shards one at a time: a consistent snapshot per shard, not across shards.
  stats get_stats() const;

  const cache_config& config() const { return config_; }

 private:
  struct shard;
  shard& shard_for(const cache_key& key) const;

  cache_config config_;  // normalised()
  std::unique_ptr<shard[]> shards_;
};

}  // namespace l7::dns
