// The DNS cache with a fake clock: TTL decrement and expiry, clamps, negative and SERVFAIL
// caching, keys, LRU eviction, prefetch, serve-stale (RFC 8767) and the counters.
#include <gtest/gtest.h>

#include <string>

#include "cache_test_util.hpp"

namespace l7::dns {
namespace {

using testing::a_response;
using testing::a_rr;
using testing::at;
using testing::key_of;
using testing::make_name;
using testing::nxdomain;
using testing::response_to;
using testing::soa_rr;

cache_config one_shard(std::size_t max_entries = 100) {
  cache_config c;
  c.max_entries = max_entries;
  c.shards = 1;
  return c;
}

// The TTL of the first answer record at `t`, or -1 on a miss.
long answer_ttl(cache& c, const cache_key& k, double t) {
  const auto hit = c.lookup(k, at(t));
  if (!hit) return -1;
  EXPECT_FALSE(hit->stale);
  return hit->response.answers.at(0).ttl;
}

TEST(DnsCache, TtlDecrementsAndExpiresAtTtl) {
  cache c;
  const auto k = key_of("a.example.com");
  message m = a_response("a.example.com", 300);
  m.additional.push_back(a_rr("ns.example.com", 10));
  ASSERT_TRUE(c.store(k, m, at(0)));
  EXPECT_EQ(answer_ttl(c, k, 0), 300);
  EXPECT_EQ(answer_ttl(c, k, 0.999), 300);  // whole seconds only
  EXPECT_EQ(answer_ttl(c, k, 1), 299);
  EXPECT_EQ(answer_ttl(c, k, 299), 1);
  EXPECT_EQ(answer_ttl(c, k, 299.999), 1);
  const auto late = c.lookup(k, at(20));
  ASSERT_TRUE(late);
  EXPECT_EQ(late->response.additional.at(0).ttl, 0u);  // RFC 2181 §8: never below 0
  EXPECT_EQ(answer_ttl(c, k, 300), -1);                 // expired exactly at TTL
  EXPECT_EQ(answer_ttl(c, k, 5000), -1);
}

TEST(DnsCache, HitCarriesTheStoredResponse) {
  cache c;
  const auto k = key_of("a.example.com");
  message m = a_response("a.example.com", 300);
  m.hdr.aa = true;
  m.opt = edns{};
  ASSERT_TRUE(c.store(k, m, at(0)));
  const auto hit = c.lookup(k, at(0));
  ASSERT_TRUE(hit);
  EXPECT_EQ(hit->response, stored_form(m, {cache_kind::positive, 300}, c.config()));
  EXPECT_FALSE(hit->response.hdr.aa);
  EXPECT_FALSE(hit->response.opt);
  EXPECT_FALSE(hit->prefetch);
}

TEST(DnsCache, NowBeforeStoreCountsAsNoTimeElapsed) {
  cache c;
  const auto k = key_of("a.example.com");
  ASSERT_TRUE(c.store(k, a_response("a.example.com", 300), at(10)));
  EXPECT_EQ(answer_ttl(c, k, 5), 300);
}

TEST(DnsCache, MinAndMaxTtlClamps) {
  cache_config cfg;
  cfg.min_ttl = 60;
  cfg.max_ttl = 3600;
  cache c(cfg);
  const auto lo = key_of("lo.example.com");
  const auto hi = key_of("hi.example.com");
  ASSERT_TRUE(c.store(lo, a_response("lo.example.com", 10), at(0)));
  ASSERT_TRUE(c.store(hi, a_response("hi.example.com", 86400), at(0)));
  EXPECT_EQ(answer_ttl(c, lo, 0), 60);
  EXPECT_EQ(answer_ttl(c, lo, 59), 1);
  EXPECT_EQ(answer_ttl(c, lo, 60), -1);
  EXPECT_EQ(answer_ttl(c, hi, 0), 3600);
  EXPECT_EQ(answer_ttl(c, hi, 3599), 1);
  EXPECT_EQ(answer_ttl(c, hi, 3600), -1);
}

TEST(DnsCache, NegativeCachingNxdomain) {
  cache c;
  const auto k1 = key_of("nx1.example.com");
  const auto k2 = key_of("nx2.example.com");
  ASSERT_TRUE(c.store(k1, nxdomain("nx1.example.com", 3600, 300), at(0)));  // MINIMUM wins
  ASSERT_TRUE(c.store(k2, nxdomain("nx2.example.com", 120, 900), at(0)));   // SOA TTL wins
  const auto hit = c.lookup(k1, at(100));
  ASSERT_TRUE(hit);
  EXPECT_EQ(hit->response.hdr.rcode, rcode::nxdomain);
  EXPECT_TRUE(hit->response.answers.empty());
  EXPECT_EQ(hit->response.authority.at(0).ttl, 200u);
  EXPECT_TRUE(c.lookup(k1, at(299)));
  EXPECT_FALSE(c.lookup(k1, at(300)));
  EXPECT_TRUE(c.lookup(k2, at(119)));
  EXPECT_FALSE(c.lookup(k2, at(120)));
}

TEST(DnsCache, NegativeCachingNodataAndCap) {
  cache_config cfg;
  cfg.negative_max_ttl = 600;
  cache c(cfg);
  const auto k = key_of("a.example.com", rr_type::aaaa);
  message m = response_to("a.example.com", rr_type::aaaa);
  m.authority.push_back(soa_rr("example.com", 86400, 3600));
  ASSERT_TRUE(c.store(k, m, at(0)));
  const auto hit = c.lookup(k, at(599));
  ASSERT_TRUE(hit);
  EXPECT_EQ(hit->response.hdr.rcode, rcode::noerror);
  EXPECT_TRUE(hit->response.answers.empty());
  EXPECT_EQ(hit->response.authority.at(0).ttl, 1u);
  EXPECT_FALSE(c.lookup(k, at(600)));
}

TEST(DnsCache, NoSoaTruncatedAndZeroTtlAreNotCached) {
  cache c;
  const auto k = key_of("a.example.com");
  EXPECT_FALSE(c.store(k, response_to("a.example.com", rr_type::a, rcode::nxdomain), at(0)));
  EXPECT_FALSE(c.store(k, response_to("a.example.com", rr_type::a), at(0)));
  message tc = a_response("a.example.com", 300);
  tc.hdr.tc = true;
  EXPECT_FALSE(c.store(k, tc, at(0)));
  EXPECT_FALSE(c.store(k, a_response("a.example.com", 0), at(0)));
  EXPECT_FALSE(c.lookup(k, at(0)));
  EXPECT_EQ(c.get_stats().entries, 0u);
  EXPECT_EQ(c.get_stats().inserts, 0u);
}

TEST(DnsCache, ServfailIsCachedBriefly) {
  cache c;
  const auto k = key_of("broken.example.com");
  ASSERT_TRUE(c.store(k, response_to("broken.example.com", rr_type::a, rcode::servfail), at(0)));
  const auto hit = c.lookup(k, at(4.9));
  ASSERT_TRUE(hit);
  EXPECT_EQ(hit->response.hdr.rcode, rcode::servfail);
  EXPECT_FALSE(c.lookup(k, at(5)));
  EXPECT_FALSE(c.lookup_stale(k, at(5)));  // a failure is never served stale
}

TEST(DnsCache, ServfailDoesNotReplaceServableData) {
  cache c;
  const auto k = key_of("a.example.com");
  const message fail = response_to("a.example.com", rr_type::a, rcode::servfail);
  ASSERT_TRUE(c.store(k, a_response("a.example.com", 100), at(0)));
  EXPECT_FALSE(c.store(k, fail, at(50)));      // fresh: kept
  EXPECT_FALSE(c.store(k, fail, at(150)));     // stale but servable: kept
  const auto stale = c.lookup_stale(k, at(150));
  ASSERT_TRUE(stale);
  EXPECT_TRUE(stale->stale);
  EXPECT_TRUE(c.store(k, fail, at(100 + 86400)));  // past the stale window: replaced
  EXPECT_EQ(c.lookup(k, at(100 + 86400))->response.hdr.rcode, rcode::servfail);
  // A good answer always replaces a SERVFAIL.
  EXPECT_TRUE(c.store(k, a_response("a.example.com", 100), at(100 + 86401)));
  EXPECT_EQ(c.lookup(k, at(100 + 86401))->response.hdr.rcode, rcode::noerror);
}

TEST(DnsCache, ServfailReplacesExpiredDataWithoutServeStale) {
  cache_config cfg;
  cfg.serve_stale = false;
  cache c(cfg);
  const auto k = key_of("a.example.com");
  ASSERT_TRUE(c.store(k, a_response("a.example.com", 100), at(0)));
  const message fail = response_to("a.example.com", rr_type::a, rcode::servfail);
  EXPECT_FALSE(c.store(k, fail, at(99)));
  EXPECT_TRUE(c.store(k, fail, at(100)));
}

TEST(DnsCache, KeysIgnoreCase) {
  cache c;
  ASSERT_TRUE(c.store(key_of("WWW.Example.COM"), a_response("WWW.Example.COM", 300), at(0)));
  EXPECT_TRUE(c.lookup(key_of("www.example.com"), at(1)));
  EXPECT_TRUE(c.lookup(key_of("wWw.eXaMpLe.CoM"), at(1)));
  EXPECT_FALSE(c.lookup(key_of("www.example.net"), at(1)));
  EXPECT_FALSE(c.lookup(key_of("www.example.com", rr_type::aaaa), at(1)));
}

TEST(DnsCache, DoAndCdBitsAreSeparateKeys) {
  cache c;
  const auto key = [](bool d, bool cd) {
    cache_key k = key_of("a.example.com");
    k.do_bit = d;
    k.cd_bit = cd;
    return k;
  };
  for (int i = 0; i < 4; ++i) {
    const bool d = i & 1, cd = i & 2;
    ASSERT_TRUE(c.store(key(d, cd), a_response("a.example.com", 100 + i), at(0)));
  }
  EXPECT_EQ(c.get_stats().entries, 4u);
  for (int i = 0; i < 4; ++i) {
    const bool d = i & 1, cd = i & 2;
    EXPECT_EQ(answer_ttl(c, key(d, cd), 0), 100 + i) << i;
  }
}

TEST(DnsCache, LruEvictionOrder) {
  cache c(one_shard(3));
  const auto name = [](int i) { return "n" + std::to_string(i) + ".example.com"; };
  for (int i = 1; i <= 3; ++i) ASSERT_TRUE(c.store(key_of(name(i)), a_response(name(i), 300), at(i)));
  EXPECT_TRUE(c.lookup(key_of(name(1)), at(4)));  // 1 becomes most recent: order 1 3 2
  ASSERT_TRUE(c.store(key_of(name(4)), a_response(name(4), 300), at(5)));  // evicts 2
  EXPECT_FALSE(c.lookup(key_of(name(2)), at(6)));
  // Replacing 3 refreshes it instead of adding: order 3 4 1.
  ASSERT_TRUE(c.store(key_of(name(3)), a_response(name(3), 300), at(7)));
  EXPECT_EQ(c.get_stats().entries, 3u);
  ASSERT_TRUE(c.store(key_of(name(5)), a_response(name(5), 300), at(8)));  // evicts 1
  EXPECT_FALSE(c.lookup(key_of(name(1)), at(9)));
  EXPECT_TRUE(c.lookup(key_of(name(3)), at(9)));
  EXPECT_TRUE(c.lookup(key_of(name(4)), at(9)));
  EXPECT_TRUE(c.lookup(key_of(name(5)), at(9)));
  EXPECT_EQ(c.get_stats().evictions, 2u);
  EXPECT_EQ(c.get_stats().entries, 3u);
}

TEST(DnsCache, MaxEntriesIsExactAcrossShards) {
  cache_config cfg;
  cfg.max_entries = 10;
  cfg.shards = 4;
  cache c(cfg);
  for (int i = 0; i < 200; ++i) {
    const std::string n = "host" + std::to_string(i) + ".example.com";
    ASSERT_TRUE(c.store(key_of(n), a_response(n, 300), at(0)));
    ASSERT_LE(c.get_stats().entries, 10u);
  }
  EXPECT_EQ(c.get_stats().entries, 10u);
  EXPECT_EQ(c.get_stats().evictions, 190u);
}

TEST(DnsCache, ZeroMaxEntriesStoresNothing) {
  cache c(one_shard(0));
  EXPECT_FALSE(c.store(key_of("a.example.com"), a_response("a.example.com", 300), at(0)));
  EXPECT_EQ(c.get_stats().entries, 0u);
}

}  // namespace
}  // namespace l7::dns
