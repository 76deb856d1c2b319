#include "dns/cache/cache_policy.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "dns/codec/types.hpp"

namespace l7::dns {
namespace {

constexpr std::uint32_t servfail_ttl_cap = 300;  // RFC 2308 §7.1: "MUST NOT" exceed 5 minutes
constexpr std::uint32_t no_ttl = std::numeric_limits<std::uint32_t>::max();

// Smallest TTL in a section; no_ttl when it is empty.
std::uint32_t min_ttl_of(const std::vector<resource_record>& section) {
  std::uint32_t m = no_ttl;
  for (const auto& rr : section) m = std::min(m, rr.ttl);
  return m;
}

// RFC 2308 §5: the negative TTL is min(SOA TTL, SOA MINIMUM); no_ttl without a SOA.
std::uint32_t negative_ttl_of(const std::vector<resource_record>& authority) {
  std::uint32_t m = no_ttl;
  for (const auto& rr : authority) {
    if (rr.type != rr_type::soa) continue;
    const auto* soa = std::get_if<soa_rdata>(&rr.data);
    if (soa == nullptr) continue;  // a SOA whose rdata did not decode says nothing
    m = std::min({m, rr.ttl, soa->minimum});
  }
  return m;
}

bool answers_question(const std::vector<resource_record>& answers, std::uint16_t qtype) {
  if (qtype == rr_type::any) return !answers.empty();
  return std::any_of(answers.begin(), answers.end(),
                     [qtype](const resource_record& rr) { return rr.type == qtype; });
}

std::optional<cache_decision> with_ttl(cache_kind kind, std::uint32_t ttl) {
  if (ttl == 0) return std::nullopt;
  return cache_decision{kind, ttl};
}

}  // namespace

cache_config normalised(cache_config c) {
  c.min_ttl = std::min(c.min_ttl, c.max_ttl);
  c.servfail_ttl = std::min(c.servfail_ttl, servfail_ttl_cap);
  if (!(c.prefetch_fraction >= 0.0)) c.prefetch_fraction = 0.0;  // also catches NaN
  c.prefetch_fraction = std::min(c.prefetch_fraction, 1.0);
  c.shards = std::clamp<std::size_t>(c.shards, 1, std::max<std::size_t>(c.max_entries, 1));
  return c;
}

std::optional<cache_decision> decide(const message& response, std::uint16_t qtype,
                                     const cache_config& c) {
  if (response.hdr.tc || response.hdr.opcode != opcode::query) return std::nullopt;
  const std::uint16_t rc = response.full_rcode();
  if (rc == rcode::servfail) return with_ttl(cache_kind::servfail, c.servfail_ttl);
  if (rc != rcode::noerror && rc != rcode::nxdomain) return std::nullopt;

  const std::uint32_t answer_ttl = min_ttl_of(response.answers);
  if (answer_ttl == 0) return std::nullopt;  // RFC 1035 §3.2.1
  if (rc == rcode::noerror && answers_question(response.answers, qtype))
    return with_ttl(cache_kind::positive, std::clamp(answer_ttl, c.min_ttl, c.max_ttl));

  const std::uint32_t negative_ttl = negative_ttl_of(response.authority);
  if (negative_ttl == no_ttl) return std::nullopt;
  return with_ttl(cache_kind::negative, std::min({negative_ttl, c.negative_max_ttl, answer_ttl}));
}

message stored_form(const message& response, const cache_decision& d, const cache_config& c) {
  message m;
  m.hdr = response.hdr;
  m.hdr.id = 0;
  m.hdr.aa = false;
  m.hdr.tc = false;
  m.questions = response.questions;
  const std::uint32_t floor = d.kind == cache_kind::positive ? std::min(c.min_ttl, d.ttl) : 0;
  const auto copy_section = [&](const std::vector<resource_record>& from,
                                std::vector<resource_record>& to) {
    to = from;
    for (auto& rr : to) rr.ttl = std::min(std::max(rr.ttl, floor), d.ttl);
  };
  copy_section(response.answers, m.answers);
  copy_section(response.authority, m.authority);
  copy_section(response.additional, m.additional);
  return m;
}

}  // namespace l7::dns
