// The cache's rules on their own: which responses are cached, for how long (RFC 1035 §3.2.1,
// RFC 2181 §5.2, RFC 2308 §5 and §7.1), the stored form, config normalisation and the key.
#include <gtest/gtest.h>

#include <cmath>
#include <unordered_set>

#include "cache_test_util.hpp"
#include "dns/cache/cache_policy.hpp"

namespace l7::dns {
namespace {

using testing::a_response;
using testing::a_rr;
using testing::cname_rr;
using testing::key_of;
using testing::make_name;
using testing::ns_rr;
using testing::nxdomain;
using testing::response_to;
using testing::soa_rr;

std::optional<cache_decision> decide_a(const message& m, const cache_config& c = {}) {
  return decide(m, rr_type::a, normalised(c));
}

TEST(DnsCachePolicy, PositiveTtlIsTheSmallestAnswerTtl) {
  message m = response_to("www.example.com", rr_type::a);
  m.answers = {cname_rr("www.example.com", 600, "web.example.net"), a_rr("web.example.net", 120),
               a_rr("web.example.net", 300, 2)};
  m.authority = {ns_rr("example.net", 30, "ns.example.net")};  // not part of the answer TTL
  const auto d = decide_a(m);
  ASSERT_TRUE(d);
  EXPECT_EQ(d->kind, cache_kind::positive);
  EXPECT_EQ(d->ttl, 120u);
}

TEST(DnsCachePolicy, PositiveTtlIsClampedToMinAndMax) {
  cache_config c;
  c.min_ttl = 60;
  c.max_ttl = 3600;
  EXPECT_EQ(decide_a(a_response("a.example.com", 10), c)->ttl, 60u);
  EXPECT_EQ(decide_a(a_response("a.example.com", 60), c)->ttl, 60u);
  EXPECT_EQ(decide_a(a_response("a.example.com", 61), c)->ttl, 61u);
  EXPECT_EQ(decide_a(a_response("a.example.com", 3600), c)->ttl, 3600u);
  EXPECT_EQ(decide_a(a_response("a.example.com", 86400), c)->ttl, 3600u);
}

TEST(DnsCachePolicy, ZeroTtlAnswerIsNotCachedEvenWithMinTtl) {
  cache_config c;
  c.min_ttl = 60;
  EXPECT_FALSE(decide_a(a_response("a.example.com", 0), c));
  message m = a_response("a.example.com", 300);
  m.answers.push_back(a_rr("a.example.com", 0, 2));
  EXPECT_FALSE(decide_a(m, c));
}

TEST(DnsCachePolicy, NxdomainUsesMinOfSoaTtlAndMinimum) {
  auto d = decide_a(nxdomain("nx.example.com", 3600, 300));
  ASSERT_TRUE(d);
  EXPECT_EQ(d->kind, cache_kind::negative);
  EXPECT_EQ(d->ttl, 300u);  // MINIMUM smaller
  d = decide_a(nxdomain("nx.example.com", 120, 900));
  ASSERT_TRUE(d);
  EXPECT_EQ(d->ttl, 120u);  // SOA TTL smaller
}

TEST(DnsCachePolicy, NegativeTtlIsCappedNotRaised) {
  cache_config c;
  c.negative_max_ttl = 600;
  c.min_ttl = 1000;  // min_ttl is for positive answers only
  c.max_ttl = 2000;
  EXPECT_EQ(decide_a(nxdomain("nx.example.com", 86400, 86400), c)->ttl, 600u);
  EXPECT_EQ(decide_a(nxdomain("nx.example.com", 86400, 30), c)->ttl, 30u);
  EXPECT_FALSE(decide_a(nxdomain("nx.example.com", 0, 300), c));
}

TEST(DnsCachePolicy, NodataWithSoaIsNegative) {
  message m = response_to("a.example.com", rr_type::aaaa);
  m.authority.push_back(soa_rr("example.com", 900, 1800));
  const auto d = decide(m, rr_type::aaaa, normalised({}));
  ASSERT_TRUE(d);
  EXPECT_EQ(d->kind, cache_kind::negative);
  EXPECT_EQ(d->ttl, 900u);
}

TEST(DnsCachePolicy, NoSoaMeansNotCached) {
  message nx = response_to("nx.example.com", rr_type::a, rcode::nxdomain);
  EXPECT_FALSE(decide_a(nx));
  message nodata = response_to("a.example.com", rr_type::a);
  EXPECT_FALSE(decide_a(nodata));
  message referral = response_to("a.example.com", rr_type::a);
  referral.authority = {ns_rr("example.com", 3600, "ns1.example.com")};
  referral.additional = {a_rr("ns1.example.com", 3600)};
  EXPECT_FALSE(decide_a(referral));
  // A SOA-typed record whose rdata stayed opaque is no SOA.
  message opaque = response_to("nx.example.com", rr_type::a, rcode::nxdomain);
  opaque.authority.push_back({make_name("example.com"), rr_type::soa, rr_class::in, 300,
                              opaque_rdata{{std::byte{1}}}});
  EXPECT_FALSE(decide_a(opaque));
}

TEST(DnsCachePolicy, CnameChainToNodataIsNegativeAndLimitedByTheChain) {
  message m = response_to("www.example.com", rr_type::a);
  m.answers = {cname_rr("www.example.com", 60, "web.example.net")};
  EXPECT_FALSE(decide_a(m));  // incomplete chain without SOA
  m.authority = {soa_rr("example.net", 3600, 600)};
  const auto d = decide_a(m);
  ASSERT_TRUE(d);
  EXPECT_EQ(d->kind, cache_kind::negative);
  EXPECT_EQ(d->ttl, 60u);
  // Asking for the CNAME itself makes the same response positive.
  const auto c = decide(m, rr_type::cname, normalised({}));
  ASSERT_TRUE(c);
  EXPECT_EQ(c->kind, cache_kind::positive);
  EXPECT_EQ(c->ttl, 60u);
}

TEST(DnsCachePolicy, NxdomainIsNegativeWhateverTheAnswerHolds) {
  message m = nxdomain("www.example.com", 3600, 600);
  m.answers = {cname_rr("www.example.com", 300, "gone.example.net")};
  auto d = decide_a(m);
  ASSERT_TRUE(d);
  EXPECT_EQ(d->kind, cache_kind::negative);
  EXPECT_EQ(d->ttl, 300u);  // the chain's CNAME expires first
  // RCODE decides, not the answer section: even a record of the queried type stays negative.
  d = decide(m, rr_type::cname, normalised({}));
  ASSERT_TRUE(d);
  EXPECT_EQ(d->kind, cache_kind::negative);
}

TEST(DnsCachePolicy, AnyQueryIsPositiveWithAnyAnswer) {
  message m = response_to("example.com", rr_type::any);
  m.answers = {soa_rr("example.com", 500, 100)};
  const auto d = decide(m, rr_type::any, normalised({}));
  ASSERT_TRUE(d);
  EXPECT_EQ(d->kind, cache_kind::positive);
  EXPECT_EQ(d->ttl, 500u);
}

TEST(DnsCachePolicy, ServfailIsShortAndCapped) {
  const message m = response_to("a.example.com", rr_type::a, rcode::servfail);
  auto d = decide_a(m);
  ASSERT_TRUE(d);
  EXPECT_EQ(d->kind, cache_kind::servfail);
  EXPECT_EQ(d->ttl, 5u);
  cache_config off;
  off.servfail_ttl = 0;
  EXPECT_FALSE(decide_a(m, off));
  cache_config big;
  big.servfail_ttl = 3600;
  EXPECT_EQ(decide_a(m, big)->ttl, 300u);  // RFC 2308 §7.1: at most five minutes
}

TEST(DnsCachePolicy, TruncatedOtherRcodesAndOpcodesAreNotCached) {
  message tc = a_response("a.example.com", 300);
  tc.hdr.tc = true;
  EXPECT_FALSE(decide_a(tc));
  for (const std::uint16_t rc : {rcode::formerr, rcode::notimp, rcode::refused}) {
    message m = a_response("a.example.com", 300);
    m.hdr.rcode = static_cast<std::uint8_t>(rc);
    EXPECT_FALSE(decide_a(m)) << rc;
  }
  message badvers = a_response("a.example.com", 300);
  badvers.set_rcode(rcode::badvers);  // header RCODE 0, extended bits in OPT
  ASSERT_EQ(badvers.hdr.rcode, 0);
  EXPECT_FALSE(decide_a(badvers));
  message notify = a_response("a.example.com", 300);
  notify.hdr.opcode = opcode::notify;
  EXPECT_FALSE(decide_a(notify));
}

TEST(DnsCachePolicy, StoredFormClearsAaIdTcAndOpt) {
  message m = a_response("a.example.com", 300);
  m.hdr.aa = true;
  m.hdr.ad = true;
  m.opt = edns{};
  m.opt->dnssec_ok = true;
  const cache_config c = normalised({});
  const message s = stored_form(m, *decide_a(m), c);
  EXPECT_EQ(s.hdr.id, 0);
  EXPECT_FALSE(s.hdr.aa);
  EXPECT_TRUE(s.hdr.ad && s.hdr.qr && s.hdr.rd && s.hdr.ra);
  EXPECT_FALSE(s.opt);
  EXPECT_EQ(s.questions, m.questions);
  EXPECT_EQ(s.answers, m.answers);
}

TEST(DnsCachePolicy, StoredFormTtlsStayWithinTheEntryLifetime) {
  cache_config c;
  c.min_ttl = 60;
  c.max_ttl = 600;
  c = normalised(c);
  message m = response_to("www.example.com", rr_type::a);
  m.answers = {cname_rr("www.example.com", 86400, "a.example.com"), a_rr("a.example.com", 10)};
  m.additional = {a_rr("ns.example.com", 5), a_rr("ns.example.com", 100000, 2)};
  const auto d = decide_a(m, c);
  ASSERT_EQ(d->ttl, 60u);
  const message s = stored_form(m, *d, c);
  EXPECT_EQ(s.answers[0].ttl, 60u);     // capped at the entry lifetime
  EXPECT_EQ(s.answers[1].ttl, 60u);     // raised to min_ttl
  EXPECT_EQ(s.additional[0].ttl, 60u);  // raised as well
  EXPECT_EQ(s.additional[1].ttl, 60u);
  const message nx = nxdomain("nx.example.com", 3600, 300);
  const message n = stored_form(nx, *decide_a(nx, c), c);
  EXPECT_EQ(n.hdr.rcode, rcode::nxdomain);
  EXPECT_EQ(n.authority[0].ttl, 300u);  // RFC 2308 §3: the SOA carries the negative TTL
}

TEST(DnsCachePolicy, NormalisedConfig) {
  cache_config c;
  c.min_ttl = 500;
  c.max_ttl = 100;
  c.prefetch_fraction = std::nan("");
  c.max_entries = 3;
  c.shards = 16;
  c.servfail_ttl = 1000;
  c = normalised(c);
  EXPECT_EQ(c.min_ttl, 100u);
  EXPECT_EQ(c.prefetch_fraction, 0.0);
  EXPECT_EQ(c.shards, 3u);
  EXPECT_EQ(c.servfail_ttl, 300u);
  c.prefetch_fraction = 7;
  c.shards = 0;
  c.max_entries = 0;
  c = normalised(c);
  EXPECT_EQ(c.prefetch_fraction, 1.0);
  EXPECT_EQ(c.shards, 1u);
}

TEST(DnsCacheKey, CaseInsensitiveEqualityAndHash) {
  const cache_key a = key_of("WWW.Example.COM");
  const cache_key b = key_of("www.example.com");
  EXPECT_EQ(a, b);
  EXPECT_EQ(hash_value(a), hash_value(b));
  EXPECT_EQ(std::hash<cache_key>{}(a), std::hash<cache_key>{}(b));
  EXPECT_NE(key_of("ab.c"), key_of("a.bc"));
  EXPECT_NE(hash_value(key_of("ab.c")), hash_value(key_of("a.bc")));
  EXPECT_NE(key_of("a.example.com", rr_type::a), key_of("a.example.com", rr_type::aaaa));
  // Every flag and field changes the key; distinct keys hash apart here.
  std::unordered_set<std::uint64_t> hashes;
  for (const bool d : {false, true})
    for (const bool cd : {false, true})
      for (const std::uint16_t cls : {rr_class::in, rr_class::ch})
        hashes.insert(hash_value({make_name("x.example"), rr_type::a, cls, d, cd}));
  EXPECT_EQ(hashes.size(), 8u);
}

TEST(DnsCacheKey, KeyForReadsQuestionDoAndCd) {
  message q;
  q.questions.push_back({make_name("Mixed.Example"), rr_type::mx, rr_class::in});
  cache_key k = key_for(q);
  EXPECT_EQ(k.qname, make_name("mixed.example"));
  EXPECT_EQ(k.qtype, rr_type::mx);
  EXPECT_EQ(k.qclass, rr_class::in);
  EXPECT_FALSE(k.do_bit);
  EXPECT_FALSE(k.cd_bit);
  q.opt = edns{};
  EXPECT_FALSE(key_for(q).do_bit);  // EDNS without DO
  q.opt->dnssec_ok = true;
  q.hdr.cd = true;
  k = key_for(q);
  EXPECT_TRUE(k.do_bit);
  EXPECT_TRUE(k.cd_bit);
}

}  // namespace
}  // namespace l7::dns
