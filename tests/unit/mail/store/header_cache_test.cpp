// The header cache: header sections kept in the index at delivery, learned from files, gone
// with their messages; header_prefix() cuts exactly through the empty line.
#include <gtest/gtest.h>

#include <fstream>

#include "mail/store/store.hpp"
#include "unit/mail/store/store_test_util.hpp"

namespace l7::mail::test {
namespace {

using header_cache_test = store_fixture;

TEST(header_prefix_test, cuts_through_the_empty_line) {
  EXPECT_EQ(header_prefix("A: 1\r\nB: 2\r\n\r\nbody\r\n\r\nmore"), "A: 1\r\nB: 2\r\n\r\n");
  EXPECT_EQ(header_prefix("A: 1\nB: 2\n\nbody\n"), "A: 1\nB: 2\n\n");
  EXPECT_EQ(header_prefix("A: 1\r\nB: 2\r\n"), "A: 1\r\nB: 2\r\n");  // no body: all of it
  EXPECT_EQ(header_prefix("\r\nbody"), "\r\n");                      // empty header section
  EXPECT_EQ(header_prefix("\nbody"), "\n");
  EXPECT_EQ(header_prefix("A: 1\r\n\r\nB", 5), "");                  // over the limit
  EXPECT_EQ(header_prefix(""), "");
}

TEST_F(header_cache_test, delivered_messages_have_their_header_cached) {
  ASSERT_FALSE(store_.deliver("alice", "INBOX", sample_message(1), {}));
  ASSERT_FALSE(store_.deliver("alice", "INBOX", sample_message(2), {}));
  auto inbox = open("INBOX");
  std::vector<std::pair<std::uint32_t, std::string>> h;
  ASSERT_FALSE(inbox->headers(1, 10, h));
  ASSERT_EQ(h.size(), 2u);
  EXPECT_EQ(h[0].first, 1u);
  EXPECT_EQ(h[0].second, "From: a@example.org\r\nTo: b@example.org\r\nSubject: test 1\r\n\r\n");
  EXPECT_EQ(h[1].first, 2u);
  h.clear();
  ASSERT_FALSE(inbox->headers(2, 2, h));
  ASSERT_EQ(h.size(), 1u);
  EXPECT_EQ(h[0].first, 2u);
}

TEST_F(header_cache_test, files_from_other_programs_are_learned_and_expunged_ones_forgotten) {
  auto inbox = open("INBOX");
  ASSERT_FALSE(store_.deliver("alice", "INBOX", sample_message(1), {}));
  // A file another program put there (Dovecot, procmail): indexed by sync, not cached.
  {
    std::ofstream(user_root() / "new" / "1700000000.M1P1.other", std::ios::binary) << "Subject: outside\n\nbody\n";
  }
  ASSERT_FALSE(inbox->sync());
  folder_snapshot snap;
  ASSERT_FALSE(inbox->snapshot(snap));
  ASSERT_EQ(snap.messages.size(), 2u);
  std::vector<std::pair<std::uint32_t, std::string>> h;
  ASSERT_FALSE(inbox->headers(1, 10, h));
  ASSERT_EQ(h.size(), 1u);
  const auto outside = snap.messages[1];
  ASSERT_FALSE(inbox->remember_headers({{outside.id, "Subject: outside\n\n"}, {"no-such-id", "X: y\r\n\r\n"}}));
  h.clear();
  ASSERT_FALSE(inbox->headers(1, 10, h));
  ASSERT_EQ(h.size(), 2u);
  EXPECT_EQ(h[1].first, outside.uid);
  EXPECT_EQ(h[1].second, "Subject: outside\n\n");
  std::vector<std::uint32_t> gone;
  std::vector<std::uint32_t> first{1};
  ASSERT_FALSE(inbox->expunge(&first, false, gone));
  h.clear();
  ASSERT_FALSE(inbox->headers(1, 10, h));
  ASSERT_EQ(h.size(), 1u);
  EXPECT_EQ(h[0].first, outside.uid);
}

}  // namespace
}  // namespace l7::mail::test
