// A per-worker cache of encoded UDP answers from our own data (zones and hosts), the idea of
// PowerDNS's packet cache: a repeated query is answered by copying stored octets and patching
// in the ID, without decoding or looking anything up.
//
// The key is the query's octets after the ID (flags, counts, question with its exact letter
// case, OPT with payload size and DO) and whether the client may recurse (it sets RA). An entry
// holds the data generation it was built from; a reload bumps the generation and every older
// entry misses. Only answers that depend on nothing else are stored (authoritative answers,
// AA set); cache and upstream answers are not, their TTLs change every second.
//
// One instance per worker thread: no locks. Bounded: when full it is cleared.
#pragma once

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

  // The stored response for `query` (whole datagram, ID included) with `query`'s ID, or null.
  const std::vector<std::byte>* find(std::span<const std::byte> query, bool may_recurse,
                                     std::uint64_t generation);
  void store(std::span<const std::byte> query, bool may_recurse, std::uint64_t generation,
             std::span<const std::byte> response);
  std::size_t size() const { return maps_[0].size() + maps_[1].size(); }

 private:
  struct hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
  };
  struct entry {
    std::uint64_t generation = 0;
    std::vector<std::byte> response;
  };
  static std::string_view key_of(std::span<const std::byte> query);

  std::size_t max_;
  std::unordered_map<std::string, entry, hash, std::equal_to<>> maps_[2];  // by may_recurse
};

}  // namespace l7::dns::server
