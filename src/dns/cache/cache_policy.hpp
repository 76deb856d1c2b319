// What the DNS cache keeps and for how long: the configuration, and the pure functions that
// classify a response (positive, negative, SERVFAIL, or not cacheable) and build the form it is
// stored in. Kept apart from the container so the rules are testable on their own.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>

#include "dns/codec/message.hpp"

namespace l7::dns {

struct cache_config {
  std::size_t max_entries = 100'000;        // across all shards, exact; 0 disables storing
  std::uint32_t min_ttl = 0;                // clamps for positive answers (seconds)
  std::uint32_t max_ttl = 86'400;
  std::uint32_t negative_max_ttl = 3'600;   // RFC 2308 §5 cap for NXDOMAIN / NODATA
  std::uint32_t servfail_ttl = 5;           // RFC 2308 §7.1 (at most 300 s); 0 = not cached
  bool serve_stale = true;                  // RFC 8767
  std::uint32_t stale_max = 86'400;         // RFC 8767 §5: how long past expiry data is kept
  std::uint32_t stale_answer_ttl = 30;      // RFC 8767 §4: TTL of records in stale answers
  double prefetch_fraction = 0.1;           // last part of a lifetime in which a hit prefetches
  std::uint32_t prefetch_min_hits = 2;      // hits (this one included) needed to prefetch
  std::size_t shards = 16;
};

// The config the cache really runs with: min_ttl lowered to max_ttl if above it,
// servfail_ttl capped at 300 (RFC 2308 §7.1), prefetch_fraction clamped to [0, 1] (NaN -> 0),
// shards clamped to [1, max(max_entries, 1)] so that every shard can hold an entry.
cache_config normalised(cache_config c);

enum class cache_kind : std::uint8_t {
  positive,  // NOERROR with a record of the queried type (possibly after a CNAME chain)
  negative,  // NXDOMAIN, or NOERROR without such a record (NODATA), with an authority SOA
  servfail,  // SERVFAIL, kept for servfail_ttl
};

struct cache_decision {
  cache_kind kind = cache_kind::positive;
  std::uint32_t ttl = 0;  // seconds the entry stays fresh, > 0
};

// Whether and for how long `response` to a query of type `qtype` is cached (`c` normalised):
// - not cached: TC set (RFC 2181 §9: incomplete), opcode other than QUERY, an RCODE other than
//   NOERROR / NXDOMAIN / SERVFAIL (the 12-bit RCODE: BADVERS is not NOERROR), any answer record
//   with TTL 0 (RFC 1035 §3.2.1: use once, do not cache), a resulting TTL of 0;
// - SERVFAIL: servfail_ttl (RFC 2308 §7.1), whatever the sections hold;
// - positive: an answer record has type `qtype` (or qtype is ANY and the answer is not empty):
//   the smallest answer TTL (RFC 2181 §5.2: an RRset's TTLs should agree, the chain's
//   shortest limits the whole), clamped to [min_ttl, max_ttl];
// - negative: NXDOMAIN, or NOERROR with no answer record of `qtype` (empty answer = NODATA,
//   RFC 2308 §2.2; a CNAME chain ending in NODATA). TTL = min(SOA TTL, SOA MINIMUM) of the
//   authority SOA (the smallest if several; RFC 2308 §5), capped at negative_max_ttl and at
//   the smallest answer TTL (chain records). Without an authority SOA it is not cached: that
//   covers referrals (NS in authority, RFC 2308 §2.2 type 4) and incomplete chains.
std::optional<cache_decision> decide(const message& response, std::uint16_t qtype,
                                     const cache_config& c);

// The form a response is stored in: header with ID 0, AA and TC cleared (the cache is not an
// authority, RFC 1035 §6.2), the 4-bit RCODE, question and sections as given, no OPT (each
// front end adds its own, RFC 6891 §6.1.1). Every record's TTL is capped at `d.ttl` so that no
// record outlives the entry, and for positive answers raised to min_ttl (the client should
// cache as long as we do).
message stored_form(const message& response, const cache_decision& d, const cache_config& c);

}  // namespace l7::dns
