// The key a cached DNS response is stored under: the question (name compared and hashed
// case-insensitively, RFC 4343 §3) plus the two query bits that change what a resolver answers:
// EDNS DO (RFC 3225 §3: RRSIGs only when set) and CD (RFC 4035 §3.2.2: unvalidated data when
// set). Responses to the same question with different DO/CD bits are separate entries.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>

#include "dns/codec/message.hpp"
#include "dns/codec/types.hpp"

namespace l7::dns {

struct cache_key {
  name qname;
  std::uint16_t qtype = 0;
  std::uint16_t qclass = rr_class::in;
  bool do_bit = false;
  bool cd_bit = false;
  // `name` equality already ignores ASCII case.
  friend bool operator==(const cache_key&, const cache_key&) = default;
};

// 64-bit hash consistent with operator==: labels are hashed lowered, without allocating.
std::uint64_t hash_value(const cache_key& k) noexcept;

struct cache_key_hash {
  std::size_t operator()(const cache_key& k) const noexcept {
    return static_cast<std::size_t>(hash_value(k));
  }
};

// The key for a query: its first question, the DO bit of its OPT record (false without EDNS)
// and its header CD bit. Precondition: `query.questions` is not empty (front ends answer a
// question-less query with FORMERR before consulting the cache); checked by assert, and a
// release build returns the root name with qtype and qclass 0.
cache_key key_for(const message& query);

}  // namespace l7::dns

template <>
struct std::hash<l7::dns::cache_key> : l7::dns::cache_key_hash {};
