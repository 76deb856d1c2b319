// The DNS cache under concurrent use: four threads storing, looking up, serving stale and
// erasing overlapping keys. Run under ASan (and once under TSan) to catch races; the checks
// below catch torn entries and lost counter updates.
#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "cache_test_util.hpp"

namespace l7::dns {
namespace {

using testing::a_response;
using testing::at;
using testing::key_of;

constexpr int thread_count = 4;
constexpr int iterations = 4000;
constexpr int key_count = 64;

std::string host(int i) { return "h" + std::to_string(i) + ".example.com"; }

struct tally {
  std::uint64_t lookups = 0, lookup_hits = 0, fresh_fallbacks = 0, stale_hits = 0, stores = 0,
                bad = 0;
};

// Every answer must be the one stored for its key: owner = the key's name, TTL <= stored TTL
// (the TTL encodes the key, so a response copied from the wrong entry shows).
bool consistent(const cache_hit& hit, int i) {
  const auto& rr = hit.response.answers.at(0);
  return hit.response.answers.size() == 1 && rr.owner == testing::make_name(host(i)) &&
         (hit.stale ? rr.ttl == 30 : rr.ttl <= std::uint32_t(100 + i));
}

void worker(cache& c, int id, tally& t) {
  unsigned seed = 12345u * (id + 1);
  for (int n = 0; n < iterations; ++n) {
    seed = seed * 1103515245u + 12345u;
    const int i = int((seed >> 8) % key_count);
    const double now = (n + id) * 0.05;  // threads' clocks overlap but differ
    const auto k = key_of(host(i));
    switch ((seed >> 20) % 8) {
      case 0: case 1:
        t.stores += c.store(k, a_response(host(i), 100 + i), at(now)) ? 1 : 0;
        break;
      case 2:
        if (const auto hit = c.lookup_stale(k, at(now + 150))) {
          ++(hit->stale ? t.stale_hits : t.fresh_fallbacks);
          t.bad += consistent(*hit, i) ? 0 : 1;
        }
        break;
      case 3:
        if (n % 64 == 0) c.erase(k);
        break;
      default:
        ++t.lookups;
        if (const auto hit = c.lookup(k, at(now))) {
          ++t.lookup_hits;
          t.bad += consistent(*hit, i) ? 0 : 1;
        }
    }
    if (n % 500 == 0) (void)c.get_stats();
  }
}

TEST(DnsCacheThreads, ConcurrentLookupStoreFromFourThreads) {
  cache_config cfg;
  cfg.max_entries = 40;  // below key_count: evictions race with lookups too
  cfg.shards = 4;
  cache c(cfg);
  std::vector<tally> tallies(thread_count);
  std::vector<std::thread> threads;
  for (int id = 0; id < thread_count; ++id)
    threads.emplace_back(worker, std::ref(c), id, std::ref(tallies[id]));
  for (auto& t : threads) t.join();

  tally sum;
  for (const auto& t : tallies) {
    sum.lookups += t.lookups;
    sum.lookup_hits += t.lookup_hits;
    sum.fresh_fallbacks += t.fresh_fallbacks;
    sum.stale_hits += t.stale_hits;
    sum.stores += t.stores;
    sum.bad += t.bad;
  }
  const auto s = c.get_stats();
  EXPECT_EQ(sum.bad, 0u);
  EXPECT_EQ(s.hits, sum.lookup_hits + sum.fresh_fallbacks);
  EXPECT_EQ(s.stale_hits, sum.stale_hits);
  EXPECT_EQ(s.inserts, sum.stores);
  EXPECT_EQ(s.misses, sum.lookups - sum.lookup_hits);
  EXPECT_LE(s.entries, 40u);
  EXPECT_GT(s.evictions, 0u);
  EXPECT_GT(sum.lookup_hits, 0u);
  EXPECT_GT(sum.stale_hits, 0u);
}

}  // namespace
}  // namespace l7::dns
