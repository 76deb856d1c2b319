// Deliveries from 8 threads, through two store objects (two SQLite connections, as two
// processes would have): no lost and no duplicate UIDs.
#include <gtest/gtest.h>

#include <set>
#include <thread>

#include "mail/store/store.hpp"
#include "unit/mail/store/store_test_util.hpp"

namespace l7::mail::test {
namespace {

TEST(concurrency_test, eight_threads_deliver_without_lost_or_duplicate_uids) {
  l7::test::temp_dir dir;
  store first(dir.path(), {}), second(dir.path(), {});
  constexpr int threads = 8, per_thread = 25;
  std::vector<std::vector<std::string>> ids(threads);
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&, t] {
      auto& s = t % 2 ? second : first;
      for (int i = 0; i < per_thread; ++i) {
        std::string id;
        auto ec = s.deliver("carol", "INBOX", sample_message(t * 1000 + i), {.internal_date = {}, .meta = "m"}, &id);
        EXPECT_FALSE(ec) << ec.message();
        ids[t].push_back(id);
      }
    });
  }
  for (auto& th : pool) th.join();
  std::error_code ec;
  auto inbox = first.open_account("carol", ec)->open_folder("INBOX", ec);
  ASSERT_TRUE(inbox);
  ASSERT_FALSE(inbox->sync());
  folder_snapshot snap;
  ASSERT_FALSE(inbox->snapshot(snap));
  ASSERT_EQ(snap.messages.size(), std::size_t{threads * per_thread});
  std::set<std::uint32_t> uids;
  std::set<std::string> indexed;
  for (const auto& m : snap.messages) {
    uids.insert(m.uid);
    indexed.insert(m.id);
    EXPECT_EQ(m.meta, "m");
  }
  EXPECT_EQ(uids.size(), snap.messages.size());
  EXPECT_EQ(*uids.rbegin(), std::uint32_t{threads * per_thread});  // 1..N, no gaps
  EXPECT_EQ(snap.uidnext, std::uint32_t{threads * per_thread + 1});
  for (const auto& list : ids)
    for (const auto& id : list) EXPECT_TRUE(indexed.count(id)) << id;
}

TEST(concurrency_test, sessions_on_one_folder_share_changes) {
  l7::test::temp_dir dir;
  store s(dir.path(), {});
  std::error_code ec;
  auto a = s.open_account("dave", ec)->open_folder("INBOX", ec);
  auto b = s.open_account("dave", ec)->open_folder("inbox", ec);
  ASSERT_EQ(a, b);  // one object per folder: IDLE sessions see each other's changes
  std::atomic<int> calls{0};
  auto h = b->watch([&](const std::string&, std::uint64_t) { ++calls; });
  std::vector<std::thread> pool;
  for (int t = 0; t < 4; ++t)
    pool.emplace_back([&, t] { EXPECT_FALSE(s.deliver("dave", "INBOX", sample_message(t), {})); });
  for (auto& th : pool) th.join();
  EXPECT_EQ(calls.load(), 4);
}

}  // namespace
}  // namespace l7::mail::test
