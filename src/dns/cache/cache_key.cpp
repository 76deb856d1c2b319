#include "dns/cache/cache_key.hpp"

#include <cassert>

#include "core/text.hpp"

namespace l7::dns {
namespace {

// FNV-1a (64-bit) over the octets fed in, then a splitmix64 finaliser so that the low bits
// (unordered_map buckets) and the high bits (shard choice) are both well mixed.
constexpr std::uint64_t fnv_offset = 0xcbf29ce484222325ULL;
constexpr std::uint64_t fnv_prime = 0x100000001b3ULL;

constexpr std::uint64_t mix_octet(std::uint64_t h, std::uint8_t octet) {
  return (h ^ octet) * fnv_prime;
}

constexpr std::uint64_t finalise(std::uint64_t h) {
  h ^= h >> 30;
  h *= 0xbf58476d1ce4e5b9ULL;
  h ^= h >> 27;
  h *= 0x94d049bb133111ebULL;
  return h ^ (h >> 31);
}

}  // namespace

std::uint64_t hash_value(const cache_key& k) noexcept {
  std::uint64_t h = fnv_offset;
  // Length octets keep label boundaries in the hash ("ab.c" vs "a.bc"), as in canonical wire
  // form (RFC 4034 §6.2), but without building that string.
  for (const auto& label : k.qname.labels()) {
    h = mix_octet(h, static_cast<std::uint8_t>(label.size()));
    for (const char c : label) h = mix_octet(h, static_cast<std::uint8_t>(to_lower_ascii(c)));
  }
  h = mix_octet(h, 0);
  h = mix_octet(h, static_cast<std::uint8_t>(k.qtype >> 8));
  h = mix_octet(h, static_cast<std::uint8_t>(k.qtype));
  h = mix_octet(h, static_cast<std::uint8_t>(k.qclass >> 8));
  h = mix_octet(h, static_cast<std::uint8_t>(k.qclass));
  h = mix_octet(h, static_cast<std::uint8_t>((k.do_bit ? 1 : 0) | (k.cd_bit ? 2 : 0)));
  return finalise(h);
}

cache_key key_for(const message& query) {
  assert(!query.questions.empty());
  cache_key k;
  if (!query.questions.empty()) {
    const question& q = query.questions.front();
    k.qname = q.qname;
    k.qtype = q.qtype;
    k.qclass = q.qclass;
  } else {
    k.qclass = 0;
  }
  k.do_bit = query.opt && query.opt->dnssec_ok;
  k.cd_bit = query.hdr.cd;
  return k;
}

}  // namespace l7::dns
