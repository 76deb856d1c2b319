// The Asio-free parts of the DNS web APIs: query strings, the RFC 8484 `dns` parameter and
// media type, freshness lifetimes, the JSON API's parameters and output, and HTTPDNS.
#include <gtest/gtest.h>

#include "core/base64.hpp"
#include "dns/codec/types.hpp"
#include "dns/doh/wire.hpp"
#include "doh_test_util.hpp"
#include "dns_test_util.hpp"

namespace l7::dns::doh {
namespace {

using dns::testing::decode_ok;
using dns::testing::hex;
using dns::testing::make_name;
using namespace dns::doh_testing;

soa_rdata soa(std::uint32_t minimum) {
  return {
      make_name("ns.example.test"), make_name("admin.example.test"), 1, 7200, 900, 86400, minimum};
}

// ---------------------------------------------------------------------------- query strings

TEST(DohParams, FirstValueWinsAndFormDecoding) {
  const auto p = params("name=a.example&type=AAAA&name=b.example&flag&x=a+b%2Fc&&empty=");
  EXPECT_EQ(p.get("name"), "a.example");  // duplicates: the first one
  EXPECT_EQ(p.get("type"), "AAAA");
  EXPECT_EQ(p.get("flag"), "");
  EXPECT_EQ(p.get("x"), "a b/c");
  EXPECT_EQ(p.get("empty"), "");
  EXPECT_EQ(p.get("missing"), std::nullopt);
  EXPECT_EQ(params("").get("name"), std::nullopt);
  EXPECT_EQ(params("n%61me=1").get("name"), "1");
}

TEST(DohParams, MalformedEscapesAre400) {
  for (auto q : {"name=%zz", "name=%4", "%=1", "a=1&b=%"}) {
    auto p = query_params::parse(q);
    ASSERT_FALSE(p) << q;
    EXPECT_EQ(p.error().status, 400);
    EXPECT_NE(p.error().message.find("percent"), std::string::npos);
  }
}

TEST(DohParams, Flags) {
  for (auto t : {"1", "true", "TRUE", "True"}) EXPECT_EQ(parse_flag(std::string(t)), true) << t;
  for (auto f : {"0", "false", "FALSE", ""}) EXPECT_EQ(parse_flag(std::string(f)), false) << f;
  EXPECT_EQ(parse_flag(std::nullopt), false);
  for (auto bad : {"2", "yes", "on", " 1", "tru"})
    EXPECT_EQ(parse_flag(std::string(bad)), std::nullopt) << bad;
}

// ---------------------------------------------------------------------------- RFC 8484 GET

// RFC 8484 §4.1.1: "www.example.com" A, ID 0, RD set.
const char* const rfc8484_get = "AAABAAABAAAAAAAAA3d3dwdleGFtcGxlA2NvbQAAAQAB";
const char* const rfc8484_wire =
    "0000 0100 0001 0000 0000 0000 03 777777 07 6578616d706c65 03 636f6d 00 0001 0001";

request_error dns_param_error(std::string value) {
  auto r = decode_dns_param(value);
  EXPECT_FALSE(r) << value;
  return r ? request_error{} : r.error();
}

TEST(DohWire, Rfc8484ExampleDecodes) {
  auto wire = decode_dns_param(std::string(rfc8484_get));
  ASSERT_TRUE(wire);
  EXPECT_EQ(*wire, hex(rfc8484_wire));
  auto q = parse_query(*wire);
  ASSERT_TRUE(q);
  EXPECT_EQ(q->hdr.id, 0);
  EXPECT_TRUE(q->hdr.rd);
  ASSERT_EQ(q->questions.size(), 1u);
  EXPECT_EQ(q->questions[0].qname, make_name("www.example.com"));
  EXPECT_EQ(q->questions[0].qtype, rr_type::a);
}

TEST(DohWire, Base64urlRoundTripsAtEveryLength) {
  for (std::size_t n = 1; n <= 64; ++n) {
    std::vector<std::byte> data;
    for (std::size_t i = 0; i < n; ++i)
      data.push_back(std::byte(static_cast<unsigned>(i * 37 + n * 11 + 0xf8)));
    const auto text = base64url_encode(data);
    auto back = decode_dns_param(text);
    ASSERT_TRUE(back) << n << " " << text << ": " << back.error().message;
    EXPECT_EQ(*back, data) << n;
  }
}

TEST(DohWire, MissingOrEmptyParameter) {
  auto missing = decode_dns_param(std::nullopt);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().status, 400);
  EXPECT_NE(missing.error().message.find("missing dns parameter"), std::string::npos);
  EXPECT_NE(dns_param_error("").message.find("empty"), std::string::npos);
}

TEST(DohWire, PaddingIsRejected) {  // RFC 8484 §6
  for (auto v : {"AAABAAABAAAAAAAAA3d3dwdleGFtcGxlA2NvbQAAAQAB=", "AA==", "AAA=", "A=AA"}) {
    const auto e = dns_param_error(v);
    EXPECT_EQ(e.status, 400);
    EXPECT_NE(e.message.find("padding"), std::string::npos) << e.message;
  }
  EXPECT_NE(dns_param_error("AA==").message.find("offset 2"), std::string::npos);
}

TEST(DohWire, CharactersOutsideBase64urlNameTheCharacterAndOffset) {
  EXPECT_NE(dns_param_error("AAAB+AAA").message.find("'+' at offset 4"), std::string::npos);
  EXPECT_NE(dns_param_error("AB/A").message.find("'/' at offset 2"), std::string::npos);
  // A '+' in a URL query decodes to a space: the message says so.
  EXPECT_NE(dns_param_error("AB A").message.find("'+' in the URL"), std::string::npos);
  EXPECT_NE(dns_param_error("AB.A").message.find("'.' at offset 2"), std::string::npos);
  EXPECT_NE(dns_param_error(std::string("AB\x01"
                                        "A"))
                .message.find("byte 0x01 at offset 2"),
            std::string::npos);
  EXPECT_NE(dns_param_error("AB\xc3\xa9").message.find("byte 0xc3 at offset 2"), std::string::npos);
  EXPECT_NE(dns_param_error("AAAA!").message.find("base64url alphabet"), std::string::npos);
}

TEST(DohWire, ImpossibleLengthAndNonCanonicalBits) {
  EXPECT_NE(dns_param_error("AAAAA").message.find("5 characters"), std::string::npos);
  EXPECT_NE(dns_param_error("A").message.find("length"), std::string::npos);
  // "AB": 12 bits for one octet; the last 4 must be zero (RFC 4648 §3.5).
  EXPECT_NE(dns_param_error("AB").message.find("non-canonical"), std::string::npos);
  EXPECT_NE(dns_param_error("AAB").message.find("non-canonical"), std::string::npos);
  EXPECT_TRUE(decode_dns_param(std::string("AA")));
  EXPECT_TRUE(decode_dns_param(std::string("AAE")));
}

TEST(DohWire, SizeCap) {
  // 87380 characters carry exactly 65535 octets; 87382 carry 65536.
  auto max = decode_dns_param(std::string(87380, 'A'));
  ASSERT_TRUE(max);
  EXPECT_EQ(max->size(), 65535u);
  const auto e = dns_param_error(std::string(87382, 'A'));
  EXPECT_EQ(e.status, 413);
}

TEST(DohWire, ContentType) {
  EXPECT_FALSE(check_content_type("application/dns-message"));
  EXPECT_FALSE(check_content_type("Application/DNS-Message"));
  EXPECT_FALSE(check_content_type("application/dns-message; charset=binary"));
  EXPECT_FALSE(check_content_type(" application/dns-message ;x=1"));
  for (auto bad :
       {"application/octet-stream", "application/dns-json", "application/dns-messages", ""}) {
    auto e = check_content_type(std::string_view(bad));
    ASSERT_TRUE(e) << bad;
    EXPECT_EQ(e->status, 415);
  }
  auto none = check_content_type(std::nullopt);
  ASSERT_TRUE(none);
  EXPECT_EQ(none->status, 415);
  EXPECT_NE(check_content_type("text/plain")->message.find("text/plain"), std::string::npos);
}

TEST(DohWire, QueryMustDecodeAndBeAQuery) {
  auto empty = parse_query({});
  ASSERT_FALSE(empty);
  EXPECT_EQ(empty.error().message, "empty DNS query");
  auto wire = hex(rfc8484_wire);
  for (std::size_t n = 1; n < wire.size(); ++n) {
    auto cut = parse_query(std::span(wire).first(n));
    ASSERT_FALSE(cut) << n;
    EXPECT_EQ(cut.error().status, 400);
    EXPECT_NE(cut.error().message.find("truncated"), std::string::npos) << cut.error().message;
  }
  auto trailing = wire;
  trailing.push_back(std::byte{0});
  EXPECT_NE(parse_query(trailing).error().message.find("trailing"), std::string::npos);
  auto response = wire;
  response[2] = std::byte{0x81};  // QR
  EXPECT_NE(parse_query(response).error().message.find("QR"), std::string::npos);
}

// ---------------------------------------------------------------------------- freshness

TEST(DohCache, SmallestAnswerTtl) {
  auto m = response_for("www.example.test", rr_type::a);
  m.answers.push_back(rr("www.example.test", 600, cname("example.test")));
  m.answers.push_back(rr("example.test", 300, v4(192, 0, 2, 1)));
  m.answers.push_back(rr("example.test", 450, v4(192, 0, 2, 2)));
  m.authority.push_back(rr("example.test", 5, soa(1)));  // authority TTLs do not count
  EXPECT_EQ(cache_max_age(m), 300u);
  m.answers[0].ttl = 0;
  EXPECT_EQ(cache_max_age(m), 0u);
}

TEST(DohCache, NegativeAnswersUseTheSoa) {  // RFC 2308 §5
  auto nx = response_for("nx.example.test", rr_type::a, rcode::nxdomain);
  nx.authority.push_back(rr("example.test", 3600, soa(300)));
  EXPECT_EQ(cache_max_age(nx), 300u);
  nx.authority[0].ttl = 120;  // the SOA's own TTL is lower than MINIMUM
  EXPECT_EQ(cache_max_age(nx), 120u);
  auto nodata = response_for("example.test", rr_type::aaaa);
  nodata.authority.push_back(rr("example.test", 3600, soa(60)));
  EXPECT_EQ(cache_max_age(nodata), 60u);
  // A CNAME into a name that does not exist: both limits apply.
  auto chain = response_for("alias.example.test", rr_type::a, rcode::nxdomain);
  chain.answers.push_back(rr("alias.example.test", 30, cname("gone.example.test")));
  chain.authority.push_back(rr("example.test", 3600, soa(300)));
  EXPECT_EQ(cache_max_age(chain), 30u);
}

TEST(DohCache, NothingCacheable) {
  EXPECT_EQ(cache_max_age(response_for("nx.example.test", rr_type::a, rcode::nxdomain)),
            std::nullopt);
  EXPECT_EQ(cache_max_age(response_for("example.test", rr_type::a)),
            std::nullopt);  // NODATA, no SOA
  for (auto rc : {rcode::servfail, rcode::refused, rcode::formerr, rcode::notimp, rcode::badvers}) {
    auto m = response_for("example.test", rr_type::a, rc);
    m.answers.push_back(rr("example.test", 300, v4(192, 0, 2, 1)));
    EXPECT_EQ(cache_max_age(m), std::nullopt) << rc;
  }
  auto tc = response_for("example.test", rr_type::a);
  tc.hdr.tc = true;
  tc.answers.push_back(rr("example.test", 300, v4(192, 0, 2, 1)));
  EXPECT_EQ(cache_max_age(tc), std::nullopt);
}

TEST(DohWire, ResponseTakesTheQueryIdOrBecomesServfail) {
  auto query = *parse_query(hex(rfc8484_wire));
  query.hdr.id = 0xbeef;
  auto m = response_for("www.example.com", rr_type::a);
  m.hdr.id = 7;
  m.answers.push_back(rr("www.example.com", 300, v4(192, 0, 2, 1)));
  const auto back = decode_ok(encode_response(m, query));
  EXPECT_EQ(back.hdr.id, 0xbeef);
  EXPECT_EQ(back.answers, m.answers);
  // An IPv6 address in an A record cannot be encoded: SERVFAIL for the same question.
  m.answers[0].data = a_rdata{*ip_address::parse("2001:db8::1")};
  const auto fail = decode_ok(encode_response(m, query));
  EXPECT_EQ(fail.hdr.id, 0xbeef);
  EXPECT_TRUE(fail.hdr.qr);
  EXPECT_EQ(fail.full_rcode(), rcode::servfail);
  EXPECT_EQ(fail.questions, query.questions);
  EXPECT_TRUE(fail.answers.empty());
}

}  // namespace
}  // namespace l7::dns::doh
