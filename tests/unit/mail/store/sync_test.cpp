// The index follows the files: other programs' deliveries, deletions and renames; a missing
// or corrupt index is rebuilt with a new UIDVALIDITY (RFC 9051 §2.3.1.1).
#include <gtest/gtest.h>

#include <fstream>

#include "mail/store/store.hpp"
#include "unit/mail/store/store_test_util.hpp"

namespace l7::mail::test {
namespace {

class sync_test : public store_fixture {
 protected:
  void drop(const std::filesystem::path& file, const std::string& content) {
    std::ofstream(file, std::ios::binary) << content;
  }
  folder_snapshot snap_of(folder& f) {
    folder_snapshot s;
    EXPECT_FALSE(f.snapshot(s));
    return s;
  }
};

TEST_F(sync_test, file_dropped_into_new_gets_the_next_uid) {
  ASSERT_FALSE(store_.deliver("alice", "INBOX", sample_message(1), {}));
  auto inbox = open("INBOX");
  drop(user_root() / "new" / "1700000000.M1P1Q1.otherhost,S=5", "hello");
  drop(user_root() / "new" / "1700000000.M2P1Q2.otherhost", "hello!");
  ASSERT_FALSE(inbox->sync());
  auto s = snap_of(*inbox);
  ASSERT_EQ(s.messages.size(), 3u);
  EXPECT_EQ(s.messages[1].id, "1700000000.M1P1Q1.otherhost,S=5");  // delivery order
  EXPECT_EQ(s.messages[1].uid, 2u);
  EXPECT_EQ(s.messages[2].uid, 3u);
  EXPECT_EQ(s.messages[2].size, 6u);  // from stat when the name has no S=
  std::string bytes;
  ASSERT_FALSE(inbox->read(3, bytes));
  EXPECT_EQ(bytes, "hello!");
}

TEST_F(sync_test, sizes_count_bare_lf_as_crlf) {
  auto inbox = open("INBOX");
  drop(user_root() / "cur" / "1700000000.M1P1Q1.otherhost:2,S", "a\nb\r\nc\n");      // 7 bytes, 2 bare LFs
  drop(user_root() / "cur" / "1700000000.M2P1Q2.otherhost,S=3,W=42:2,", "x\ny");  // Dovecot's W=
  ASSERT_FALSE(inbox->sync());
  auto s = snap_of(*inbox);
  ASSERT_EQ(s.messages.size(), 2u);
  EXPECT_EQ(s.messages[0].size, 9u);
  EXPECT_EQ(s.messages[1].size, 42u);
}

TEST_F(sync_test, a_quiet_folder_skips_the_scan_but_sees_the_next_change) {
  ASSERT_FALSE(store_.deliver("alice", "INBOX", sample_message(1), {}));
  auto inbox = open("INBOX");
  // Directories older than the 2 s the skip waits for (coarse file system timestamps).
  const auto old = std::filesystem::file_time_type::clock::now() - std::chrono::seconds(10);
  std::filesystem::last_write_time(user_root() / "new", old);
  std::filesystem::last_write_time(user_root() / "cur", old);
  ASSERT_FALSE(inbox->sync(true));  // records the quiet state
  ASSERT_FALSE(inbox->sync(true));  // skipped
  EXPECT_EQ(snap_of(*inbox).messages.size(), 1u);
  drop(user_root() / "new" / "1700000001.M1P1Q1.otherhost", "later");  // moves new/'s mtime
  ASSERT_FALSE(inbox->sync(true));
  EXPECT_EQ(snap_of(*inbox).messages.size(), 2u);
}

TEST_F(sync_test, file_deleted_behind_our_back_is_expunged) {
  std::string id;
  ASSERT_FALSE(store_.deliver("alice", "INBOX", sample_message(1), {}, &id));
  ASSERT_FALSE(store_.deliver("alice", "INBOX", sample_message(2), {}));
  auto inbox = open("INBOX");
  auto before = snap_of(*inbox);
  std::filesystem::remove(user_root() / "new" / id);
  std::string bytes;
  EXPECT_EQ(inbox->read(1, bytes), store_error::no_such_message);  // read notices and syncs
  folder_changes ch;
  ASSERT_FALSE(inbox->changes_since(before.highestmodseq, ch));
  EXPECT_EQ(ch.vanished, std::vector<std::uint32_t>{1});
  EXPECT_EQ(snap_of(*inbox).messages.size(), 1u);
  quota_usage q;
  ASSERT_FALSE(user()->quota(q));
  EXPECT_EQ(q.messages, 1u);
}

TEST_F(sync_test, flags_set_by_another_program_are_adopted) {
  std::string id;
  ASSERT_FALSE(store_.deliver("alice", "INBOX", sample_message(1), {}, &id));
  auto inbox = open("INBOX");
  store_result r;
  ASSERT_FALSE(inbox->store_flags({1}, flag_op::add, {"$Work"}, std::nullopt, r));
  // mutt reads it: new/ -> cur/ with S, then flags it.
  std::filesystem::rename(user_root() / "new" / id, user_root() / "cur" / (id + ":2,FS"));
  ASSERT_FALSE(inbox->sync());
  message_record m;
  ASSERT_FALSE(inbox->message(1, m));
  EXPECT_EQ(m.flags, (flag_set{"$Work", "\\Flagged", "\\Seen"}));
  EXPECT_GT(m.modseq, r.highestmodseq);
}

TEST_F(sync_test, select_moves_new_to_cur) {
  std::string id;
  ASSERT_FALSE(store_.deliver("alice", "INBOX", sample_message(1), {}, &id));
  auto inbox = open("INBOX");
  ASSERT_FALSE(inbox->sync(true));
  EXPECT_TRUE(files_in(user_root() / "new").empty());
  EXPECT_EQ(files_in(user_root() / "cur"), std::vector<std::string>{id + ":2,"});
  std::string bytes;
  ASSERT_FALSE(inbox->read(1, bytes));
  EXPECT_EQ(bytes, sample_message(1));
}

TEST_F(sync_test, deleted_index_is_rebuilt_with_a_new_uidvalidity) {
  for (int i = 0; i < 3; ++i) ASSERT_FALSE(store_.deliver("alice", "INBOX", sample_message(i), {}));
  auto first = snap_of(*open("INBOX"));
  std::uint32_t flagged_uid = first.messages[1].uid;
  store_result r;
  ASSERT_FALSE(open("INBOX")->store_flags({flagged_uid}, flag_op::add, {"\\Seen"}, std::nullopt, r));
  for (const char* f : {"l7-index.sqlite", "l7-index.sqlite-wal", "l7-index.sqlite-shm"})
    std::filesystem::remove(user_root() / f);
  store other(dir_.path(), {});
  std::error_code ec;
  auto inbox = other.open_account("alice", ec)->open_folder("INBOX", ec);
  ASSERT_TRUE(inbox) << ec.message();
  auto rebuilt = snap_of(*inbox);
  EXPECT_NE(rebuilt.uidvalidity, first.uidvalidity);
  ASSERT_EQ(rebuilt.messages.size(), 3u);
  for (std::size_t i = 0; i < 3; ++i) EXPECT_EQ(rebuilt.messages[i].id, first.messages[i].id);
  EXPECT_EQ(rebuilt.messages[1].flags, flag_set{"\\Seen"});  // from the file name
}

TEST_F(sync_test, corrupt_index_is_moved_aside_and_rebuilt) {
  for (int i = 0; i < 2; ++i) ASSERT_FALSE(store_.deliver("alice", "INBOX", sample_message(i), {}));
  auto first = snap_of(*open("INBOX"));
  for (const char* f : {"l7-index.sqlite-wal", "l7-index.sqlite-shm"}) std::filesystem::remove(user_root() / f);
  {
    std::ofstream out(user_root() / "l7-index.sqlite", std::ios::binary | std::ios::trunc);
    out << std::string(8192, 'x');
  }
  store other(dir_.path(), {});
  std::error_code ec;
  auto inbox = other.open_account("alice", ec)->open_folder("INBOX", ec);
  ASSERT_TRUE(inbox) << ec.message();
  auto rebuilt = snap_of(*inbox);
  EXPECT_NE(rebuilt.uidvalidity, first.uidvalidity);
  EXPECT_EQ(rebuilt.messages.size(), 2u);
  bool kept_aside = false;
  for (const auto& name : files_in(user_root())) kept_aside |= name.starts_with("l7-index.sqlite.corrupt-");
  EXPECT_TRUE(kept_aside);
}

TEST_F(sync_test, expunged_file_left_by_a_crash_is_removed_not_resurrected) {
  std::string id;
  ASSERT_FALSE(store_.deliver("alice", "INBOX", sample_message(1), {}, &id));
  auto inbox = open("INBOX");
  std::string saved = slurp(user_root() / "new" / id);
  std::vector<std::uint32_t> gone, one{1};
  ASSERT_FALSE(inbox->expunge(&one, false, gone));
  drop(user_root() / "new" / id, saved);  // as if the unlink after the commit never happened
  ASSERT_FALSE(inbox->sync());
  EXPECT_TRUE(snap_of(*inbox).messages.empty());
  EXPECT_TRUE(files_in(user_root() / "new").empty());
}

}  // namespace
}  // namespace l7::mail::test
