// A per-worker cache of encoded UDP answers from our own data (zones and hosts), the idea of
// PowerDNS's packet cache: a repeated query is answered by copying stored octets and patching
// in the ID, without decoding or looking anything up.
//
// The key is the query's octets after the ID (flags, counts, question with its exact letter
// case, OPT with payload size and DO) and whether the client may recurse (it sets RA). An entry
// holds the data generation it was built from; a reload bumps the generation and every older
// entry misses.
//
// Two kinds of entries: answers from our own data (AA), valid until the next reload, and
// answers from the shared cache, which carry the offsets of their TTL fields: a hit rewrites
// each TTL as stored minus the whole seconds since, and the entry stops hitting at `expires`
// (set by the caller before the cache's prefetch window, so refreshes still happen on the
// slow path).
//
// One instance per worker thread: no locks. Bounded: when full it is cleared.
#pragma once

#include <chrono>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace l7::dns::server {

class packet_cache {
 public:
  explicit packet_cache(std::size_t max_entries = 20'000) : max_(max_entries) {}

  using clock = std::chrono::steady_clock;

  // The stored response for `query` (whole datagram, ID included) with `query`'s ID and TTLs
  // aged to `now`, or null.
  const std::vector<std::byte>* find(std::span<const std::byte> query, bool may_recurse,
                                     std::uint64_t generation, clock::time_point now = {});
  // An answer from our own data: valid until the generation changes.
  void store(std::span<const std::byte> query, bool may_recurse, std::uint64_t generation,
             std::span<const std::byte> response);
  // An answer whose TTLs age: valid until `expires`. Not stored when its TTLs cannot be found
  // or `expires` is not after `now`.
  void store_aging(std::span<const std::byte> query, bool may_recurse, std::uint64_t generation,
                   std::span<const std::byte> response, clock::time_point now,
                   clock::time_point expires);
  std::size_t size() const { return maps_[0].size() + maps_[1].size(); }

 private:
  // Not noexcept on purpose: libstdc++ then keeps each node's hash code and compares codes
  // before keys, instead of re-hashing stored keys while it walks a bucket.
  struct hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  struct entry {
    std::uint64_t generation = 0;
    std::vector<std::byte> response;
    // Aging entries only.
    clock::time_point stored, expires = clock::time_point::max();
    std::vector<std::uint16_t> ttl_offsets;
    std::vector<std::uint32_t> ttls;  // as stored
  };
  entry* put(std::span<const std::byte> query, bool may_recurse, std::uint64_t generation,
             std::span<const std::byte> response);
  static std::string_view key_of(std::span<const std::byte> query);

  std::size_t max_;
  std::unordered_map<std::string, entry, hash, std::equal_to<>> maps_[2];  // by may_recurse
};

}  // namespace l7::dns::server
