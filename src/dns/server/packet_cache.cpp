#include "dns/server/packet_cache.hpp"

namespace l7::dns::server {

std::string_view packet_cache::key_of(std::span<const std::byte> query) {
  return {reinterpret_cast<const char*>(query.data()) + 2, query.size() - 2};
}

const std::vector<std::byte>* packet_cache::find(std::span<const std::byte> query, bool may_recurse,
                                                 std::uint64_t generation) {
  if (query.size() < 12) return nullptr;
  auto& map = maps_[may_recurse ? 1 : 0];
  auto it = map.find(key_of(query));
  if (it == map.end() || it->second.generation != generation) return nullptr;
  auto& r = it->second.response;
  r[0] = query[0];
  r[1] = query[1];
  return &r;
}

void packet_cache::store(std::span<const std::byte> query, bool may_recurse, std::uint64_t generation,
                         std::span<const std::byte> response) {
  if (query.size() < 12 || response.size() < 12) return;
  if (size() >= max_) {
    maps_[0].clear();
    maps_[1].clear();
  }
  auto& e = maps_[may_recurse ? 1 : 0][std::string(key_of(query))];
  e.generation = generation;
  e.response.assign(response.begin(), response.end());
}

}  // namespace l7::dns::server
