#include "dns/cache/cache.hpp"

#include <cmath>
#include <list>
#include <mutex>
#include <unordered_map>

namespace l7::dns {
namespace {

using std::chrono::seconds;

// Most recently used first; each element points at the key inside the shard's map (map nodes
// never move, so the pointer stays valid until the entry is erased).
using lru_list = std::list<const cache_key*>;

struct entry {
  message response;           // stored_form()
  cache_time stored;
  cache_time expires;         // stored + ttl
  cache_time prefetch_from;   // start of the last prefetch_fraction of the lifetime
  cache_kind kind = cache_kind::positive;
  bool prefetched = false;
  std::uint64_t hits = 0;
  lru_list::iterator lru;
};

void set_ttls(std::vector<resource_record>& section, std::uint64_t elapsed) {
  for (auto& rr : section) rr.ttl = rr.ttl > elapsed ? std::uint32_t(rr.ttl - elapsed) : 0;
}

void set_stale_ttls(std::vector<resource_record>& section, std::uint32_t ttl) {
  for (auto& rr : section) rr.ttl = ttl;
}

}  // namespace

struct alignas(64) cache::shard {  // aligned: no false sharing between neighbouring mutexes
  std::mutex mutex;
  std::unordered_map<cache_key, entry, cache_key_hash> map;
  lru_list lru;
  std::size_t capacity = 0;
  stats counters;  // `entries` unused here: map.size() is the truth

  void touch(entry& e) { lru.splice(lru.begin(), lru, e.lru); }

  void remove(decltype(map)::iterator it) {
    lru.erase(it->second.lru);
    map.erase(it);
  }
};

cache::cache(cache_config config)
    : config_(normalised(config)), shards_(std::make_unique<shard[]>(config_.shards)) {
  const std::size_t n = config_.shards;
  for (std::size_t i = 0; i < n; ++i)
    shards_[i].capacity = config_.max_entries / n + (i < config_.max_entries % n ? 1 : 0);
}

cache::~cache() = default;

cache::shard& cache::shard_for(const cache_key& key) const {
  // The high half of the hash picks the shard; the map buckets use the whole hash.
  return shards_[(hash_value(key) >> 32) % config_.shards];
}

namespace {

// The entry as served fresh: TTLs minus the whole seconds since it was stored.
cache_hit fresh_copy(const entry& e, cache_time now) {
  const auto elapsed = now > e.stored ? std::chrono::duration_cast<seconds>(now - e.stored)
                                      : seconds(0);
  cache_hit hit{e.response};
  const auto s = static_cast<std::uint64_t>(elapsed.count());
  set_ttls(hit.response.answers, s);
  set_ttls(hit.response.authority, s);
  set_ttls(hit.response.additional, s);
  return hit;
}

bool stale_servable(const entry& e, const cache_config& c, cache_time now) {
  return c.serve_stale && e.kind != cache_kind::servfail &&
         now < e.expires + seconds(c.stale_max);
}

}  // namespace

std::optional<cache_hit> cache::lookup(const cache_key& key, cache_time now) {
  shard& s = shard_for(key);
  const std::lock_guard lock(s.mutex);
  const auto it = s.map.find(key);
  if (it == s.map.end()) {
    ++s.counters.misses;
    return std::nullopt;
  }
  entry& e = it->second;
  if (now >= e.expires) {
    ++s.counters.misses;
    if (!stale_servable(e, config_, now)) {
      s.remove(it);
      ++s.counters.expired;
    }
    return std::nullopt;
  }
  ++s.counters.hits;
  ++e.hits;
  s.touch(e);
  cache_hit hit = fresh_copy(e, now);
  if (!e.prefetched && e.kind != cache_kind::servfail && now >= e.prefetch_from &&
      e.hits >= config_.prefetch_min_hits) {
    e.prefetched = true;
    hit.prefetch = true;
    ++s.counters.prefetches;
  }
  return hit;
}

std::optional<cache_hit> cache::lookup_stale(const cache_key& key, cache_time now) {
  shard& s = shard_for(key);
  const std::lock_guard lock(s.mutex);
  const auto it = s.map.find(key);
  if (it == s.map.end()) return std::nullopt;
  entry& e = it->second;
  if (now < e.expires) {
    ++s.counters.hits;
    ++e.hits;
    s.touch(e);
    return fresh_copy(e, now);
  }
  if (!stale_servable(e, config_, now)) {
    s.remove(it);
    ++s.counters.expired;
    return std::nullopt;
  }
  ++s.counters.stale_hits;
  s.touch(e);
  cache_hit hit{e.response, true};
  set_stale_ttls(hit.response.answers, config_.stale_answer_ttl);
  set_stale_ttls(hit.response.authority, config_.stale_answer_ttl);
  set_stale_ttls(hit.response.additional, config_.stale_answer_ttl);
  return hit;
}

bool cache::store(const cache_key& key, const message& response, cache_time now) {
  if (config_.max_entries == 0) return false;
  const auto decision = decide(response, key.qtype, config_);
  if (!decision) return false;
  // Built outside the lock: copying the sections is the expensive part.
  message stored = stored_form(response, *decision, config_);
  const auto lifetime = seconds(decision->ttl);
  const auto window = std::chrono::nanoseconds(
      std::llround(config_.prefetch_fraction * decision->ttl * 1e9));

  shard& s = shard_for(key);
  const std::lock_guard lock(s.mutex);
  auto it = s.map.find(key);
  if (it != s.map.end()) {
    const entry& old = it->second;
    if (decision->kind == cache_kind::servfail && old.kind != cache_kind::servfail &&
        (now < old.expires || stale_servable(old, config_, now)))
      return false;  // RFC 8767 §5: keep what serve-stale needs
  } else {
    it = s.map.try_emplace(key).first;
    s.lru.push_front(&it->first);
    it->second.lru = s.lru.begin();
  }
  entry& e = it->second;
  e.response = std::move(stored);
  e.stored = now;
  e.expires = now + lifetime;
  e.prefetch_from = e.expires - window;
  e.kind = decision->kind;
  e.prefetched = false;
  e.hits = 0;
  s.touch(e);
  ++s.counters.inserts;
  while (s.map.size() > s.capacity) {
    s.remove(s.map.find(*s.lru.back()));
    ++s.counters.evictions;
  }
  return true;
}

void cache::erase(const cache_key& key) {
  shard& s = shard_for(key);
  const std::lock_guard lock(s.mutex);
  if (const auto it = s.map.find(key); it != s.map.end()) s.remove(it);
}

void cache::clear() {
  for (std::size_t i = 0; i < config_.shards; ++i) {
    shard& s = shards_[i];
    const std::lock_guard lock(s.mutex);
    s.map.clear();
    s.lru.clear();
  }
}

cache::stats cache::get_stats() const {
  stats total;
  for (std::size_t i = 0; i < config_.shards; ++i) {
    shard& s = shards_[i];
    const std::lock_guard lock(s.mutex);
    total.hits += s.counters.hits;
    total.misses += s.counters.misses;
    total.stale_hits += s.counters.stale_hits;
    total.inserts += s.counters.inserts;
    total.evictions += s.counters.evictions;
    total.prefetches += s.counters.prefetches;
    total.expired += s.counters.expired;
    total.entries += s.map.size();
  }
  return total;
}

}  // namespace l7::dns
