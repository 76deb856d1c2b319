// Helpers shared by the DoH/JSON API/HTTPDNS tests: query strings and small records and responses.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <string_view>

#include "dns/codec/message.hpp"
#include "dns/codec/types.hpp"
#include "dns/doh/request.hpp"
#include "dns_test_util.hpp"

namespace l7::dns::doh_testing {

// A query string that must parse.
inline doh::query_params params(std::string_view q) {
  auto p = doh::query_params::parse(q);
  EXPECT_TRUE(p) << q;
  return p ? *p : doh::query_params{};
}

inline resource_record rr(std::string_view owner, std::uint32_t ttl, rdata d) {
  return make_record(dns::testing::make_name(owner), ttl, std::move(d));
}
inline a_rdata v4(std::uint8_t a, std::uint8_t b, std::uint8_t c, std::uint8_t d) {
  return {ip_address::v4({a, b, c, d})};
}
inline cname_rdata cname(std::string_view target) { return {dns::testing::make_name(target)}; }

// A recursive server's response header (QR, RD, RA) with one question and the given rcode.
inline message response_for(std::string_view qname, std::uint16_t qtype,
                            std::uint16_t rc = rcode::noerror) {
  message m;
  m.hdr.qr = m.hdr.rd = m.hdr.ra = true;
  m.questions.push_back({dns::testing::make_name(qname), qtype, rr_class::in});
  m.set_rcode(rc);
  return m;
}

}  // namespace l7::dns::doh_testing
