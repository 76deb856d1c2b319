// store: accounts nobody uses are closed beyond options::max_idle_accounts (their SQLite
// indexes hold file descriptors), least recently used first; accounts in use stay open.
#include <gtest/gtest.h>

#include <filesystem>

#include "mail/store/store.hpp"
#include "unit/mail/store/store_test_util.hpp"

namespace l7::mail::test {
namespace {

std::size_t open_fds() {
  std::size_t n = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator("/proc/self/fd")) ++n;
  return n;
}

std::string user_name(int i) { return "u" + std::to_string(i); }

TEST(store_idle_accounts, closes_the_least_recently_used_beyond_the_limit_and_keeps_their_mail) {
  l7::test::temp_dir dir;
  store s(dir.path(), store::options{0, 0, 3});
  for (int i = 0; i < 8; ++i) ASSERT_FALSE(s.deliver(user_name(i), "INBOX", sample_message(i), {}));
  EXPECT_EQ(s.open_accounts(), 3u);
  for (int i = 0; i < 8; ++i) {  // reopened from disk: nothing lost, UIDs kept
    std::error_code ec;
    auto f = s.open_account(user_name(i), ec)->open_folder("INBOX", ec);
    ASSERT_TRUE(f) << ec.message();
    folder_snapshot snap;
    ASSERT_FALSE(f->snapshot(snap));
    ASSERT_EQ(snap.messages.size(), 1u);
    EXPECT_EQ(snap.messages[0].uid, 1u);
    EXPECT_EQ(snap.uidnext, 2u);
  }
  EXPECT_EQ(s.open_accounts(), 3u);
}

TEST(store_idle_accounts, accounts_in_use_stay_open_and_keep_their_folder_objects) {
  l7::test::temp_dir dir;
  store s(dir.path(), store::options{0, 0, 2});
  std::error_code ec;
  // u0's INBOX is held without its account (an IMAP session in IDLE holds both; POP3 the
  // folder), u1's account is held.
  auto f0 = s.open_account("u0", ec)->open_folder("INBOX", ec);
  ASSERT_TRUE(f0);
  auto a1 = s.open_account("u1", ec);
  for (int i = 2; i < 10; ++i) ASSERT_FALSE(s.deliver(user_name(i), "INBOX", sample_message(i), {}));
  // u0 and u1 (in use) and u9 (in use by its delivery when the last sweep ran); u2..u8 closed.
  EXPECT_EQ(s.open_accounts(), 3u);
  EXPECT_EQ(s.open_account("u1", ec), a1);
  auto again = s.open_account("u0", ec)->open_folder("INBOX", ec);
  EXPECT_EQ(again, f0);  // the same object: its watchers still see every change
  int woken = 0;
  auto watch = f0->watch([&woken](const std::string&, std::uint64_t) { ++woken; });
  ASSERT_FALSE(s.deliver("u0", "INBOX", sample_message(1), {}));
  EXPECT_EQ(woken, 1);
}

TEST(store_idle_accounts, closed_accounts_give_back_their_file_descriptors) {
  l7::test::temp_dir dir;
  const auto before = open_fds();
  {
    store s(dir.path(), store::options{0, 0, 2});
    for (int i = 0; i < 30; ++i) ASSERT_FALSE(s.deliver(user_name(i), "INBOX", sample_message(i), {}));
    // Each open account keeps its INBOX index (the database, and its WAL and shared-memory
    // files): 2 accounts, not 30.
    EXPECT_LE(open_fds() - before, 2u * 3u + 2u);
  }
  EXPECT_EQ(open_fds(), before);
}

TEST(store_idle_accounts, zero_keeps_every_account_open) {
  l7::test::temp_dir dir;
  store s(dir.path(), store::options{0, 0, 0});
  for (int i = 0; i < 10; ++i) ASSERT_FALSE(s.deliver(user_name(i), "INBOX", sample_message(i), {}));
  EXPECT_EQ(s.open_accounts(), 10u);
}

}  // namespace
}  // namespace l7::mail::test
