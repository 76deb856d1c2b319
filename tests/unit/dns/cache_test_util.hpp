// Builders shared by the DNS cache tests: responses of each kind and a fake clock.
#pragma once

#include <chrono>
#include <string_view>

#include "dns/cache/cache.hpp"
#include "dns/codec/types.hpp"
#include "dns_test_util.hpp"

namespace l7::dns::testing {

// An arbitrary steady_clock origin; tests move it forward by seconds (fractions allowed).
inline const cache_time t0 = cache_time{} + std::chrono::hours(24);
inline cache_time at(double s) {
  return t0 + std::chrono::duration_cast<std::chrono::nanoseconds>(
                  std::chrono::duration<double>(s));
}

inline resource_record a_rr(std::string_view owner, std::uint32_t ttl, std::uint8_t last = 1) {
  return make_record(make_name(owner), ttl, a_rdata{ip_address::v4({192, 0, 2, last})});
}
inline resource_record cname_rr(std::string_view owner, std::uint32_t ttl,
                                std::string_view target) {
  return make_record(make_name(owner), ttl, cname_rdata{make_name(target)});
}
inline resource_record ns_rr(std::string_view owner, std::uint32_t ttl, std::string_view host) {
  return make_record(make_name(owner), ttl, ns_rdata{make_name(host)});
}
inline resource_record soa_rr(std::string_view owner, std::uint32_t ttl, std::uint32_t minimum) {
  return make_record(make_name(owner), ttl,
                     soa_rdata{make_name("ns." + std::string(owner)),
                               make_name("hostmaster." + std::string(owner)), 1, 7200, 3600,
                               1209600, minimum});
}

// A response header and question for `qname`/`qtype` with the given RCODE; sections empty.
inline message response_to(std::string_view qname, std::uint16_t qtype,
                           std::uint16_t rc = rcode::noerror) {
  message m;
  m.hdr.id = 0x4242;
  m.hdr.qr = m.hdr.rd = m.hdr.ra = true;
  m.hdr.rcode = static_cast<std::uint8_t>(rc);
  m.questions.push_back({make_name(qname), qtype, rr_class::in});
  return m;
}

// "name A" answered with one A record of `ttl`.
inline message a_response(std::string_view qname, std::uint32_t ttl) {
  message m = response_to(qname, rr_type::a);
  m.answers.push_back(a_rr(qname, ttl));
  return m;
}

inline message nxdomain(std::string_view qname, std::uint32_t soa_ttl, std::uint32_t minimum) {
  message m = response_to(qname, rr_type::a, rcode::nxdomain);
  m.authority.push_back(soa_rr("example.com", soa_ttl, minimum));
  return m;
}

inline cache_key key_of(std::string_view qname, std::uint16_t qtype = rr_type::a) {
  return {make_name(qname), qtype, rr_class::in, false, false};
}

}  // namespace l7::dns::testing
