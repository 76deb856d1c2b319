#include "dns/server/packet_cache.hpp"

#include "dns/server/wire.hpp"

namespace l7::dns::server {

namespace {

std::uint32_t get32(const std::vector<std::byte>& b, std::size_t at) {
  return std::to_integer<std::uint32_t>(b[at]) << 24 | std::to_integer<std::uint32_t>(b[at + 1]) << 16 |
         std::to_integer<std::uint32_t>(b[at + 2]) << 8 | std::to_integer<std::uint32_t>(b[at + 3]);
}

void put32(std::vector<std::byte>& b, std::size_t at, std::uint32_t v) {
  b[at] = std::byte(v >> 24);
  b[at + 1] = std::byte(v >> 16);
  b[at + 2] = std::byte(v >> 8);
  b[at + 3] = std::byte(v);
}

}  // namespace

std::string_view packet_cache::key_of(std::span<const std::byte> query) {
  return {reinterpret_cast<const char*>(query.data()) + 2, query.size() - 2};
}

const std::vector<std::byte>* packet_cache::find(std::span<const std::byte> query, bool may_recurse,
                                                 std::uint64_t generation, clock::time_point now) {
  if (query.size() < 12) return nullptr;
  auto& map = maps_[may_recurse ? 1 : 0];
  auto it = map.find(key_of(query));
  if (it == map.end()) return nullptr;
  entry& e = it->second;
  if (e.generation != generation || now >= e.expires) {
    map.erase(it);
    return nullptr;
  }
  auto& r = e.response;
  r[0] = query[0];
  r[1] = query[1];
  if (!e.ttl_offsets.empty()) {
    const auto age = static_cast<std::uint32_t>(
        std::chrono::duration_cast<std::chrono::seconds>(now - e.stored).count());
    for (std::size_t i = 0; i < e.ttl_offsets.size(); ++i)
      put32(r, e.ttl_offsets[i], e.ttls[i] > age ? e.ttls[i] - age : 0);
  }
  return &r;
}

packet_cache::entry* packet_cache::put(std::span<const std::byte> query, bool may_recurse,
                                       std::uint64_t generation, std::span<const std::byte> response) {
  if (query.size() < 12 || response.size() < 12) return nullptr;
  if (size() >= max_) {
    maps_[0].clear();
    maps_[1].clear();
  }
  auto& e = maps_[may_recurse ? 1 : 0][std::string(key_of(query))];
  e = entry{};
  e.generation = generation;
  e.response.assign(response.begin(), response.end());
  return &e;
}

void packet_cache::store(std::span<const std::byte> query, bool may_recurse, std::uint64_t generation,
                         std::span<const std::byte> response) {
  put(query, may_recurse, generation, response);
}

void packet_cache::store_aging(std::span<const std::byte> query, bool may_recurse,
                               std::uint64_t generation, std::span<const std::byte> response,
                               clock::time_point now, clock::time_point expires) {
  if (expires <= now) return;
  auto offsets = ttl_offsets(response);
  if (!offsets) return;
  entry* e = put(query, may_recurse, generation, response);
  if (!e) return;
  e->stored = now;
  e->expires = expires;
  e->ttl_offsets = std::move(*offsets);
  for (auto at : e->ttl_offsets) e->ttls.push_back(get32(e->response, at));
}

}  // namespace l7::dns::server
