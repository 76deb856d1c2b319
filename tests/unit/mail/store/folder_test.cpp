// folder operations: append, flags (with file renames), expunge, changes, copy, move, status.
#include <gtest/gtest.h>

#include "mail/store/store.hpp"
#include "unit/mail/store/store_test_util.hpp"

namespace l7::mail::test {
namespace {

class folder_test : public store_fixture {
 protected:
  std::uint32_t append_one(folder& f, int n, const flag_set& flags = {}) {
    std::uint32_t uid = 0;
    EXPECT_FALSE(f.append(sample_message(n), flags, std::chrono::system_clock::now(), "", false, &uid, nullptr));
    return uid;
  }
};

TEST_F(folder_test, append_returns_uids_and_stores_flags_in_cur) {
  auto inbox = open("INBOX");
  std::string id;
  std::uint32_t uid = 0;
  ASSERT_FALSE(inbox->append(sample_message(1), {"\\seen", "$Label1", "\\Flagged"},
                             std::chrono::system_clock::now(), "", false, &uid, &id));
  EXPECT_EQ(uid, 1u);
  EXPECT_EQ(files_in(user_root() / "cur"), std::vector<std::string>{id + ":2,FS"});
  message_record m;
  ASSERT_FALSE(inbox->message(uid, m));
  EXPECT_EQ(m.flags, (flag_set{"$Label1", "\\Flagged", "\\Seen"}));
  std::string bytes;
  ASSERT_FALSE(inbox->read(uid, bytes));
  EXPECT_EQ(bytes, sample_message(1));
  EXPECT_EQ(inbox->read(99, bytes), store_error::no_such_message);
}

TEST_F(folder_test, store_flags_renames_files_and_bumps_modseq) {
  auto inbox = open("INBOX");
  auto uid = append_one(*inbox, 1);
  message_record before;
  ASSERT_FALSE(inbox->message(uid, before));
  store_result r;
  ASSERT_FALSE(inbox->store_flags({uid}, flag_op::add, {"\\Seen", "\\Answered", "$Work"}, std::nullopt, r));
  ASSERT_EQ(r.changed.size(), 1u);
  EXPECT_GT(r.changed[0].modseq, before.modseq);
  EXPECT_EQ(r.highestmodseq, r.changed[0].modseq);
  EXPECT_EQ(files_in(user_root() / "cur"), std::vector<std::string>{before.id + ":2,RS"});
  store_result r2;
  ASSERT_FALSE(inbox->store_flags({uid}, flag_op::remove, {"\\Answered"}, std::nullopt, r2));
  EXPECT_EQ(files_in(user_root() / "cur"), std::vector<std::string>{before.id + ":2,S"});
  EXPECT_EQ(r2.changed[0].flags, (flag_set{"$Work", "\\Seen"}));
  store_result r3;
  ASSERT_FALSE(inbox->store_flags({uid}, flag_op::replace, {"\\Deleted", "\\Draft"}, std::nullopt, r3));
  EXPECT_EQ(files_in(user_root() / "cur"), std::vector<std::string>{before.id + ":2,DT"});
  store_result none;  // no change: no new MODSEQ
  ASSERT_FALSE(inbox->store_flags({uid}, flag_op::add, {"\\Deleted"}, std::nullopt, none));
  EXPECT_TRUE(none.changed.empty());
}

TEST_F(folder_test, unchanged_since_reports_failures) {
  auto inbox = open("INBOX");
  auto a = append_one(*inbox, 1), b = append_one(*inbox, 2);
  message_record ma;
  ASSERT_FALSE(inbox->message(a, ma));
  store_result r;
  ASSERT_FALSE(inbox->store_flags({b}, flag_op::add, {"\\Seen"}, std::nullopt, r));
  store_result cond;  // RFC 7162 §3.1.3: b changed after ma.modseq
  ASSERT_FALSE(inbox->store_flags({a, b}, flag_op::add, {"\\Flagged"}, ma.modseq, cond));
  EXPECT_EQ(cond.failed, std::vector<std::uint32_t>{b});
  ASSERT_EQ(cond.changed.size(), 1u);
  EXPECT_EQ(cond.changed[0].uid, a);
}

TEST_F(folder_test, expunge_deleted_or_listed_and_changes_since) {
  auto inbox = open("INBOX");
  auto a = append_one(*inbox, 1), b = append_one(*inbox, 2, {"\\Deleted"}), c = append_one(*inbox, 3, {"\\Deleted"});
  folder_snapshot snap;
  ASSERT_FALSE(inbox->snapshot(snap));
  auto mark = snap.highestmodseq;
  std::vector<std::uint32_t> gone;
  std::vector<std::uint32_t> only_c{c};
  ASSERT_FALSE(inbox->expunge(&only_c, true, gone));  // UID EXPUNGE (RFC 4315 §2.1)
  EXPECT_EQ(gone, std::vector<std::uint32_t>{c});
  gone.clear();
  ASSERT_FALSE(inbox->expunge(nullptr, true, gone));
  EXPECT_EQ(gone, std::vector<std::uint32_t>{b});
  EXPECT_EQ(files_in(user_root() / "cur").size(), 1u);
  store_result r;
  ASSERT_FALSE(inbox->store_flags({a}, flag_op::add, {"\\Seen"}, std::nullopt, r));
  folder_changes ch;
  ASSERT_FALSE(inbox->changes_since(mark, ch));
  EXPECT_EQ(ch.vanished, (std::vector<std::uint32_t>{b, c}));
  ASSERT_EQ(ch.changed.size(), 1u);
  EXPECT_EQ(ch.changed[0].uid, a);
  EXPECT_EQ(ch.highestmodseq, r.highestmodseq);
  gone.clear();
  std::vector<std::uint32_t> pop3{a};
  ASSERT_FALSE(inbox->expunge(&pop3, false, gone));  // POP3 UPDATE: no \Deleted needed
  EXPECT_EQ(gone, pop3);
  EXPECT_TRUE(files_in(user_root() / "cur").empty());
}

TEST_F(folder_test, duplicate_uids_in_a_set_count_once) {
  ASSERT_FALSE(user()->create_folder("Dup"));
  auto inbox = open("INBOX"), dup = open("Dup");
  auto a = append_one(*inbox, 1), b = append_one(*inbox, 2);
  uid_mapping map;
  ASSERT_FALSE(inbox->copy({b, a, b}, *dup, map));  // "2,1:2"
  EXPECT_EQ(map.source, (std::vector<std::uint32_t>{a, b}));
  std::vector<std::uint32_t> gone, twice{a, a};
  ASSERT_FALSE(inbox->expunge(&twice, false, gone));
  EXPECT_EQ(gone, std::vector<std::uint32_t>{a});
  folder_status st;
  ASSERT_FALSE(inbox->status(st));
  EXPECT_EQ(st.messages, 1u);
  quota_usage q;
  ASSERT_FALSE(user()->quota(q));
  EXPECT_EQ(q.messages, 3u);
}

TEST_F(folder_test, status_counts) {
  auto inbox = open("INBOX");
  append_one(*inbox, 1, {"\\Seen"});
  append_one(*inbox, 2);
  folder_status st;
  ASSERT_FALSE(inbox->status(st));
  EXPECT_EQ(st.messages, 2u);
  EXPECT_EQ(st.unseen, 1u);
  EXPECT_EQ(st.recent, 0u);
  EXPECT_EQ(st.uidnext, 3u);
  EXPECT_EQ(st.size, sample_message(1).size() + sample_message(2).size());
  EXPECT_GT(st.uidvalidity, 0u);
  EXPECT_GT(st.highestmodseq, 0u);
}

TEST_F(folder_test, copy_keeps_flags_and_maps_uids) {
  ASSERT_FALSE(user()->create_folder("Archive"));
  auto inbox = open("INBOX"), archive = open("Archive");
  auto a = append_one(*inbox, 1, {"\\Seen", "$Keep"}), b = append_one(*inbox, 2);
  uid_mapping map;
  ASSERT_FALSE(inbox->copy({a, b, 77}, *archive, map));
  EXPECT_EQ(map.source, (std::vector<std::uint32_t>{a, b}));
  EXPECT_EQ(map.dest, (std::vector<std::uint32_t>{1, 2}));
  folder_status st;
  ASSERT_FALSE(archive->status(st));
  EXPECT_EQ(map.uidvalidity, st.uidvalidity);
  message_record m;
  ASSERT_FALSE(archive->message(1, m));
  EXPECT_EQ(m.flags, (flag_set{"$Keep", "\\Seen"}));
  std::string bytes;
  ASSERT_FALSE(archive->read(2, bytes));
  EXPECT_EQ(bytes, sample_message(2));
  ASSERT_FALSE(inbox->status(st));
  EXPECT_EQ(st.messages, 2u);
}

TEST_F(folder_test, move_removes_from_source) {
  ASSERT_FALSE(user()->create_folder("Trash"));
  auto inbox = open("INBOX"), trash = open("Trash");
  auto a = append_one(*inbox, 1), b = append_one(*inbox, 2);
  folder_snapshot before;
  ASSERT_FALSE(inbox->snapshot(before));
  uid_mapping map;
  ASSERT_FALSE(inbox->move({b}, *trash, map));
  EXPECT_EQ(map.source, std::vector<std::uint32_t>{b});
  EXPECT_EQ(map.dest, std::vector<std::uint32_t>{1});
  folder_snapshot snap;
  ASSERT_FALSE(inbox->snapshot(snap));
  ASSERT_EQ(snap.messages.size(), 1u);
  EXPECT_EQ(snap.messages[0].uid, a);
  folder_changes ch;
  ASSERT_FALSE(inbox->changes_since(before.highestmodseq, ch));
  EXPECT_EQ(ch.vanished, std::vector<std::uint32_t>{b});
  std::string bytes;
  ASSERT_FALSE(trash->read(1, bytes));
  EXPECT_EQ(bytes, sample_message(2));
  EXPECT_EQ(inbox->move({a}, *inbox, map), store_error::invalid_name);
}

TEST_F(folder_test, watchers_hear_changes_from_other_sessions) {
  auto inbox = open("INBOX");
  std::vector<std::uint64_t> seen;
  auto handle = inbox->watch([&](const std::string& name, std::uint64_t modseq) {
    EXPECT_EQ(name, "INBOX");
    seen.push_back(modseq);
  });
  ASSERT_FALSE(store_.deliver("alice", "INBOX", sample_message(1), {}));
  ASSERT_EQ(seen.size(), 1u);
  store_result r;
  ASSERT_FALSE(open("INBOX")->store_flags({1}, flag_op::add, {"\\Seen"}, std::nullopt, r));
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[1], r.highestmodseq);
  handle.reset();
  ASSERT_FALSE(store_.deliver("alice", "INBOX", sample_message(2), {}));
  EXPECT_EQ(seen.size(), 2u);
}

}  // namespace
}  // namespace l7::mail::test
