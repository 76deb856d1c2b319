// The DNS cache near and past expiry: the prefetch flag, serve-stale (RFC 8767), erase/clear
// and the counters.
#include <gtest/gtest.h>

#include "cache_test_util.hpp"

namespace l7::dns {
namespace {

using testing::a_response;
using testing::at;
using testing::key_of;
using testing::nxdomain;

bool prefetch_at(cache& c, const cache_key& k, double t) {
  const auto hit = c.lookup(k, at(t));
  EXPECT_TRUE(hit) << t;
  return hit && hit->prefetch;
}

TEST(DnsCachePrefetch, ExactlyOnceAfterMinHitsInTheLastTenth) {
  cache c;  // prefetch_fraction 0.1, prefetch_min_hits 2
  const auto k = key_of("a.example.com");
  ASSERT_TRUE(c.store(k, a_response("a.example.com", 100), at(0)));
  EXPECT_FALSE(prefetch_at(c, k, 10));     // hit 1, too early
  EXPECT_FALSE(prefetch_at(c, k, 89.99));  // hit 2, still before the last 10 s
  EXPECT_TRUE(prefetch_at(c, k, 90));      // hit 3, first in the window
  EXPECT_FALSE(prefetch_at(c, k, 95));     // only once
  EXPECT_FALSE(prefetch_at(c, k, 99.9));
  EXPECT_EQ(c.get_stats().prefetches, 1u);
  // Storing the refreshed answer re-arms the flag and restarts the hit count.
  ASSERT_TRUE(c.store(k, a_response("a.example.com", 100), at(99)));
  EXPECT_FALSE(prefetch_at(c, k, 190));  // in the window, but hit 1
  EXPECT_TRUE(prefetch_at(c, k, 191));   // hit 2
  EXPECT_EQ(c.get_stats().prefetches, 2u);
}

TEST(DnsCachePrefetch, NeedsMinHitsCountingTheCurrentOne) {
  cache_config cfg;
  cfg.prefetch_min_hits = 3;
  cache c(cfg);
  const auto k = key_of("a.example.com");
  ASSERT_TRUE(c.store(k, a_response("a.example.com", 1000), at(0)));
  EXPECT_FALSE(prefetch_at(c, k, 950));
  EXPECT_FALSE(prefetch_at(c, k, 960));
  EXPECT_TRUE(prefetch_at(c, k, 970));
}

TEST(DnsCachePrefetch, FractionAndMinHitsSettings) {
  cache_config cfg;
  cfg.prefetch_fraction = 0.5;
  cfg.prefetch_min_hits = 0;
  cache c(cfg);
  const auto k = key_of("a.example.com");
  ASSERT_TRUE(c.store(k, a_response("a.example.com", 60), at(0)));
  EXPECT_FALSE(prefetch_at(c, k, 29));
  EXPECT_TRUE(prefetch_at(c, k, 30));  // first hit, half-way
  cfg.prefetch_fraction = 0;
  cache off(cfg);
  ASSERT_TRUE(off.store(k, a_response("a.example.com", 60), at(0)));
  EXPECT_FALSE(prefetch_at(off, k, 59.999));
}

TEST(DnsCachePrefetch, NeverForServfail) {
  cache_config cfg;
  cfg.prefetch_min_hits = 0;
  cache c(cfg);
  const auto k = key_of("a.example.com");
  ASSERT_TRUE(c.store(k, testing::response_to("a.example.com", rr_type::a, rcode::servfail),
                      at(0)));
  EXPECT_FALSE(prefetch_at(c, k, 4.9));
}

TEST(DnsCacheStale, WindowAndStaleTtl) {
  cache_config cfg;
  cfg.stale_max = 1000;
  cfg.stale_answer_ttl = 30;
  cache c(cfg);
  const auto k = key_of("a.example.com");
  message m = a_response("a.example.com", 100);
  m.authority.push_back(testing::soa_rr("example.com", 7, 7));
  ASSERT_TRUE(c.store(k, m, at(0)));
  // Before expiry lookup_stale gives the fresh answer.
  auto hit = c.lookup_stale(k, at(40));
  ASSERT_TRUE(hit);
  EXPECT_FALSE(hit->stale);
  EXPECT_EQ(hit->response.answers[0].ttl, 60u);
  // After expiry only lookup_stale answers, with every TTL set to 30 (RFC 8767 §4).
  EXPECT_FALSE(c.lookup(k, at(100)));
  hit = c.lookup_stale(k, at(100));
  ASSERT_TRUE(hit);
  EXPECT_TRUE(hit->stale);
  EXPECT_FALSE(hit->prefetch);
  EXPECT_EQ(hit->response.answers[0].ttl, 30u);
  EXPECT_EQ(hit->response.authority[0].ttl, 30u);
  EXPECT_TRUE(c.lookup_stale(k, at(1099.999)));
  EXPECT_FALSE(c.lookup(k, at(1099.999)));  // a plain miss keeps the entry for serve-stale
  EXPECT_EQ(c.get_stats().entries, 1u);
  EXPECT_FALSE(c.lookup_stale(k, at(1100)));  // stale_max past expiry: gone
  EXPECT_EQ(c.get_stats().entries, 0u);
  EXPECT_EQ(c.get_stats().expired, 1u);
}

TEST(DnsCacheStale, NegativeAnswersAreServedStaleToo) {
  cache c;
  const auto k = key_of("nx.example.com");
  ASSERT_TRUE(c.store(k, nxdomain("nx.example.com", 60, 60), at(0)));
  const auto hit = c.lookup_stale(k, at(500));
  ASSERT_TRUE(hit);
  EXPECT_TRUE(hit->stale);
  EXPECT_EQ(hit->response.hdr.rcode, rcode::nxdomain);
}

TEST(DnsCacheStale, OffMeansExpiredIsGone) {
  cache_config cfg;
  cfg.serve_stale = false;
  cache c(cfg);
  const auto k = key_of("a.example.com");
  ASSERT_TRUE(c.store(k, a_response("a.example.com", 100), at(0)));
  EXPECT_TRUE(c.lookup_stale(k, at(99)));
  EXPECT_FALSE(c.lookup_stale(k, at(100)));
  EXPECT_EQ(c.get_stats().entries, 0u);  // removed when found dead
}

TEST(DnsCache, EraseAndClear) {
  cache c;
  const auto a = key_of("a.example.com");
  const auto b = key_of("b.example.com");
  ASSERT_TRUE(c.store(a, a_response("a.example.com", 100), at(0)));
  ASSERT_TRUE(c.store(b, a_response("b.example.com", 100), at(0)));
  c.erase(a);
  c.erase(key_of("never.example.com"));
  EXPECT_FALSE(c.lookup(a, at(1)));
  EXPECT_FALSE(c.lookup_stale(a, at(1)));
  EXPECT_TRUE(c.lookup(b, at(1)));
  c.clear();
  EXPECT_FALSE(c.lookup(b, at(1)));
  EXPECT_EQ(c.get_stats().entries, 0u);
  EXPECT_EQ(c.get_stats().evictions, 0u);  // erase and clear are not evictions
  EXPECT_TRUE(c.store(a, a_response("a.example.com", 100), at(2)));  // still usable
  EXPECT_TRUE(c.lookup(a, at(2)));
}

TEST(DnsCache, StatsCounters) {
  cache_config cfg;
  cfg.max_entries = 2;
  cfg.shards = 1;
  cfg.prefetch_min_hits = 1;
  cfg.stale_max = 100;
  cache c(cfg);
  const auto a = key_of("a.example.com");
  const auto b = key_of("b.example.com");
  const auto d = key_of("d.example.com");
  EXPECT_FALSE(c.lookup(a, at(0)));                                  // miss 1
  ASSERT_TRUE(c.store(a, a_response("a.example.com", 10), at(0)));  // insert 1
  ASSERT_TRUE(c.store(a, a_response("a.example.com", 10), at(0)));  // insert 2 (replace)
  ASSERT_TRUE(c.store(b, a_response("b.example.com", 10), at(0)));  // insert 3
  EXPECT_FALSE(c.store(b, a_response("b.example.com", 0), at(0)));  // refused: no count
  EXPECT_TRUE(c.lookup(a, at(1)));                                   // hit 1
  EXPECT_TRUE(c.lookup(a, at(9)));                                   // hit 2, prefetch 1
  EXPECT_FALSE(c.lookup(b, at(10)));                                 // miss 2 (expired)
  EXPECT_TRUE(c.lookup_stale(b, at(10)));                            // stale hit 1
  EXPECT_TRUE(c.lookup_stale(a, at(5)));                             // hit 3 (fresh)
  ASSERT_TRUE(c.store(d, a_response("d.example.com", 10), at(11)));  // insert 4, evicts b
  EXPECT_FALSE(c.lookup(a, at(200)));                                // miss 3, expired 1
  const auto s = c.get_stats();
  EXPECT_EQ(s.hits, 3u);
  EXPECT_EQ(s.misses, 3u);
  EXPECT_EQ(s.stale_hits, 1u);
  EXPECT_EQ(s.inserts, 4u);
  EXPECT_EQ(s.evictions, 1u);
  EXPECT_EQ(s.prefetches, 1u);
  EXPECT_EQ(s.expired, 1u);
  EXPECT_EQ(s.entries, 1u);
}

}  // namespace
}  // namespace l7::dns
