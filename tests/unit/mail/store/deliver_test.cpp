// store::deliver and deliver_capture: files, durability path, ids, index.
#include <gtest/gtest.h>

#include "mail/store/store.hpp"
#include "unit/mail/store/store_test_util.hpp"

namespace l7::mail::test {
namespace {

using deliver_test = store_fixture;

TEST_F(deliver_test, writes_a_maildir_file_into_new) {
  std::string id;
  ASSERT_FALSE(store_.deliver("alice", "INBOX", sample_message(1), {}, &id));
  auto news = files_in(user_root() / "new");
  ASSERT_EQ(news.size(), 1u);
  EXPECT_EQ(news[0], id);
  EXPECT_NE(id.find(",S=" + std::to_string(sample_message(1).size())), std::string::npos);
  EXPECT_NE(id.find(".M"), std::string::npos);
  EXPECT_EQ(slurp(user_root() / "new" / id), sample_message(1));
  EXPECT_TRUE(files_in(user_root() / "tmp").empty());
  EXPECT_TRUE(std::filesystem::exists(user_root() / "l7-index.sqlite"));
}

TEST_F(deliver_test, inbox_is_case_insensitive_and_ids_are_unique) {
  std::string a, b;
  ASSERT_FALSE(store_.deliver("alice", "inbox", sample_message(1), {}, &a));
  ASSERT_FALSE(store_.deliver("alice", "InBoX", sample_message(2), {}, &b));
  EXPECT_NE(a, b);
  EXPECT_EQ(files_in(user_root() / "new").size(), 2u);
}

TEST_F(deliver_test, indexes_at_once_with_uids_meta_and_internal_date) {
  delivery_info info;
  info.internal_date = std::chrono::system_clock::time_point(std::chrono::seconds(1700000000));
  info.meta = R"({"mail_from":"a@example.org"})";
  std::string id;
  ASSERT_FALSE(store_.deliver("alice", "INBOX", sample_message(1), info, &id));
  ASSERT_FALSE(store_.deliver("alice", "INBOX", sample_message(2), {}, nullptr));
  folder_snapshot snap;
  ASSERT_FALSE(open("INBOX")->snapshot(snap));
  ASSERT_EQ(snap.messages.size(), 2u);
  EXPECT_EQ(snap.messages[0].uid, 1u);
  EXPECT_EQ(snap.messages[1].uid, 2u);
  EXPECT_EQ(snap.uidnext, 3u);
  EXPECT_EQ(snap.messages[0].id, id);
  EXPECT_EQ(snap.messages[0].meta, info.meta);
  EXPECT_EQ(snap.messages[0].internal_date, info.internal_date);
  EXPECT_EQ(snap.messages[0].size, sample_message(1).size());
  EXPECT_TRUE(snap.messages[0].flags.empty());
  EXPECT_GT(snap.messages[1].modseq, snap.messages[0].modseq);
}

TEST_F(deliver_test, rejects_bad_user_and_folder_names) {
  EXPECT_EQ(store_.deliver("../etc", "INBOX", "x", {}), store_error::invalid_name);
  EXPECT_EQ(store_.deliver(".hidden", "INBOX", "x", {}), store_error::invalid_name);
  EXPECT_EQ(store_.deliver("", "INBOX", "x", {}), store_error::invalid_name);
  EXPECT_EQ(store_.deliver("alice", "a/b", "x", {}), store_error::invalid_name);
  EXPECT_EQ(store_.deliver("alice", "Missing", "x", {}), store_error::no_such_folder);
}

TEST_F(deliver_test, delivers_into_an_existing_folder) {
  ASSERT_FALSE(user()->create_folder("Lists"));
  std::string id;
  ASSERT_FALSE(store_.deliver("alice", "Lists", sample_message(1), {}, &id));
  EXPECT_EQ(files_in(user_root() / ".Lists" / "new"), std::vector<std::string>{id});
}

TEST_F(deliver_test, capture_is_a_separate_maildir_with_meta) {
  delivery_info info;
  info.meta = R"({"rcpt":["x@example.org"]})";
  std::string id;
  ASSERT_FALSE(store_.deliver_capture(sample_message(7), info, &id));
  EXPECT_EQ(files_in(dir_.path() / "capture" / "new"), std::vector<std::string>{id});
  std::error_code ec;
  auto inbox = store_.open_capture()->open_folder("INBOX", ec);
  ASSERT_TRUE(inbox);
  folder_snapshot snap;
  ASSERT_FALSE(inbox->snapshot(snap));
  ASSERT_EQ(snap.messages.size(), 1u);
  EXPECT_EQ(snap.messages[0].meta, info.meta);
  std::string bytes;
  ASSERT_FALSE(inbox->read(snap.messages[0].uid, bytes));
  EXPECT_EQ(bytes, sample_message(7));
  EXPECT_EQ(store_.open_capture()->create_folder("Other"), store_error::invalid_name);
}

}  // namespace
}  // namespace l7::mail::test
