// Folder names (modified UTF-7 on disk), LIST/CREATE/DELETE/RENAME/SUBSCRIBE, quota.
#include <gtest/gtest.h>

#include "mail/codec/mutf7.hpp"
#include "mail/store/store.hpp"
#include "unit/mail/store/store_test_util.hpp"

namespace l7::mail::test {
namespace {

using account_test = store_fixture;

TEST(mutf7_test, rfc3501_examples_and_round_trips) {
  // RFC 3501 §5.1.3's example: "~peter/mail/台北/日本語"
  EXPECT_EQ(encode_mutf7("~peter/mail/\xE5\x8F\xB0\xE5\x8C\x97/\xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E"),
            "~peter/mail/&U,BTFw-/&ZeVnLIqe-");
  EXPECT_EQ(encode_mutf7("Entw\xC3\xBC" "rfe"), "Entw&APw-rfe");
  EXPECT_EQ(encode_mutf7("A&B"), "A&-B");
  for (std::string s : {"Entw\xC3\xBC" "rfe", "A&B", "\xF0\x9F\x93\xA7 mail", "plain", "\xE6\x97\xA5"})
    EXPECT_EQ(decode_mutf7(*encode_mutf7(s)), s);
  EXPECT_FALSE(decode_mutf7("&AGE-"));  // 'a' must not be encoded
  EXPECT_FALSE(decode_mutf7("&U,BTFw"));  // not closed
  EXPECT_FALSE(decode_mutf7("&2D0-"));  // an unpaired high surrogate
  EXPECT_FALSE(encode_mutf7("\xFF"));
}

TEST_F(account_test, utf8_folder_names_are_mutf7_on_disk_and_round_trip) {
  auto a = user();
  ASSERT_FALSE(a->create_folder("Entw\xC3\xBC" "rfe"));
  ASSERT_FALSE(a->create_folder("Archive.2024"));
  EXPECT_TRUE(std::filesystem::exists(user_root() / ".Entw&APw-rfe" / "cur"));
  EXPECT_TRUE(std::filesystem::exists(user_root() / ".Entw&APw-rfe" / "maildirfolder"));
  EXPECT_TRUE(std::filesystem::exists(user_root() / ".Archive.2024" / "new"));
  EXPECT_TRUE(std::filesystem::exists(user_root() / ".Archive" / "tmp"));  // superior created
  std::vector<folder_info> list;
  ASSERT_FALSE(a->list_folders(list));
  std::vector<std::string> names;
  for (const auto& f : list) names.push_back(f.name);
  EXPECT_EQ(names, (std::vector<std::string>{"INBOX", "Archive", "Archive.2024", "Entw\xC3\xBC" "rfe"}));
  EXPECT_EQ(list[1].attributes, (std::vector<std::string>{"\\HasChildren", "\\Archive"}));
  EXPECT_EQ(list[2].attributes, std::vector<std::string>{"\\HasNoChildren"});
}

TEST_F(account_test, create_errors_and_special_use) {
  auto a = user();
  EXPECT_EQ(a->create_folder("INBOX"), store_error::folder_exists);
  EXPECT_EQ(a->create_folder("bad..name"), store_error::invalid_name);
  EXPECT_EQ(a->create_folder(".lead"), store_error::invalid_name);
  EXPECT_EQ(a->create_folder("a/b"), store_error::invalid_name);
  EXPECT_EQ(a->create_folder("INBOX.child"), store_error::invalid_name);
  EXPECT_EQ(a->create_folder("bad\xFF"), store_error::invalid_name);
  ASSERT_FALSE(a->create_folder("Sent"));
  EXPECT_EQ(a->create_folder("Sent"), store_error::folder_exists);
  std::vector<folder_info> list;
  ASSERT_FALSE(a->list_folders(list));
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[1].attributes, (std::vector<std::string>{"\\HasNoChildren", "\\Sent"}));
}

TEST_F(account_test, missing_superior_is_listed_noselect) {
  std::filesystem::create_directories(user_root() / ".Lists.l7" / "cur");
  std::filesystem::create_directories(user_root() / ".Lists.l7" / "new");
  std::filesystem::create_directories(user_root() / ".Lists.l7" / "tmp");
  std::vector<folder_info> list;
  ASSERT_FALSE(user()->list_folders(list));
  ASSERT_EQ(list.size(), 3u);
  EXPECT_EQ(list[1].name, "Lists");
  EXPECT_EQ(list[1].attributes, (std::vector<std::string>{"\\Noselect", "\\HasChildren"}));
}

TEST_F(account_test, delete_and_rename) {
  auto a = user();
  ASSERT_FALSE(a->create_folder("Work.Old"));
  ASSERT_FALSE(store_.deliver("alice", "Work.Old", sample_message(1), {}));
  EXPECT_EQ(a->delete_folder("Work"), store_error::has_children);
  EXPECT_EQ(a->delete_folder("INBOX"), store_error::invalid_name);
  EXPECT_EQ(a->delete_folder("Nope"), store_error::no_such_folder);
  auto old_handle = open("Work.Old");
  ASSERT_FALSE(a->rename_folder("Work", "Jobs"));
  EXPECT_FALSE(std::filesystem::exists(user_root() / ".Work"));
  EXPECT_TRUE(std::filesystem::exists(user_root() / ".Jobs.Old" / "cur"));
  folder_snapshot s;
  EXPECT_EQ(old_handle->snapshot(s), store_error::no_such_folder);
  ASSERT_FALSE(open("Jobs.Old")->snapshot(s));
  EXPECT_EQ(s.messages.size(), 1u);
  EXPECT_EQ(a->rename_folder("Jobs", "Jobs.Old"), store_error::folder_exists);
  EXPECT_EQ(a->rename_folder("INBOX", "Old"), store_error::invalid_name);
  ASSERT_FALSE(a->delete_folder("Jobs.Old"));
  ASSERT_FALSE(a->delete_folder("Jobs"));
  std::vector<folder_info> list;
  ASSERT_FALSE(a->list_folders(list));
  EXPECT_EQ(list.size(), 1u);
  quota_usage q;
  ASSERT_FALSE(a->quota(q));
  EXPECT_EQ(q.messages, 0u);
}

TEST_F(account_test, subscriptions_file) {
  auto a = user();
  ASSERT_FALSE(a->create_folder("Entw\xC3\xBC" "rfe"));
  ASSERT_FALSE(a->subscribe("inbox"));
  ASSERT_FALSE(a->subscribe("Entw\xC3\xBC" "rfe"));
  ASSERT_FALSE(a->subscribe("Entw\xC3\xBC" "rfe"));
  EXPECT_EQ(slurp(user_root() / "subscriptions"), "INBOX\nEntw&APw-rfe\n");
  std::vector<folder_info> list;
  ASSERT_FALSE(a->list_folders(list));
  EXPECT_TRUE(list[0].subscribed && list[1].subscribed);
  ASSERT_FALSE(a->unsubscribe("INBOX"));
  EXPECT_EQ(a->unsubscribe("INBOX"), store_error::no_such_folder);
  std::vector<std::string> subs;
  ASSERT_FALSE(a->subscriptions(subs));
  EXPECT_EQ(subs, std::vector<std::string>{"Entw\xC3\xBC" "rfe"});
}

TEST(quota_test, storage_and_message_limits) {
  l7::test::temp_dir dir;
  store s(dir.path(), {.quota_bytes = 1000, .quota_messages = 3});
  std::string big(600, 'x');
  ASSERT_FALSE(s.deliver("bob", "INBOX", big, {}));
  EXPECT_EQ(s.deliver("bob", "INBOX", big, {}), store_error::quota_exceeded);
  ASSERT_FALSE(s.deliver("bob", "INBOX", "small", {}));
  ASSERT_FALSE(s.deliver("bob", "INBOX", "small", {}));
  EXPECT_EQ(s.deliver("bob", "INBOX", "small", {}), store_error::quota_exceeded);
  std::error_code ec;
  auto bob = s.open_account("bob", ec);
  quota_usage q;
  ASSERT_FALSE(bob->quota(q));
  EXPECT_EQ(q.messages, 3u);
  EXPECT_EQ(q.bytes, 610u);
  EXPECT_EQ(q.limit_bytes, 1000u);
  auto inbox = bob->open_folder("INBOX", ec);
  std::vector<std::uint32_t> gone, first{1};
  ASSERT_FALSE(inbox->expunge(&first, false, gone));
  ASSERT_FALSE(bob->quota(q));
  EXPECT_EQ(q.messages, 2u);
  EXPECT_EQ(q.bytes, 10u);
  ASSERT_FALSE(s.deliver("bob", "INBOX", big, {}));
  EXPECT_TRUE(s.deliver_capture(std::string(5000, 'c'), {}) == std::error_code{});  // no quota
  // Usage survives a restart (totals kept in the folders' indexes).
  store again(dir.path(), {.quota_bytes = 1000, .quota_messages = 3});
  ASSERT_FALSE(again.open_account("bob", ec)->quota(q));
  EXPECT_EQ(q.messages, 3u);
  EXPECT_EQ(q.bytes, 610u);
}

TEST(quota_test, append_and_copy_are_checked_too) {
  l7::test::temp_dir dir;
  store s(dir.path(), {.quota_bytes = 0, .quota_messages = 2});
  std::error_code ec;
  auto erin = s.open_account("erin", ec);
  ASSERT_FALSE(erin->create_folder("Keep"));
  auto inbox = erin->open_folder("INBOX", ec);
  auto keep = erin->open_folder("Keep", ec);
  std::uint32_t uid = 0;
  ASSERT_FALSE(inbox->append("one", {}, std::chrono::system_clock::now(), "", false, &uid, nullptr));
  uid_mapping map;
  ASSERT_FALSE(inbox->copy({uid}, *keep, map));
  EXPECT_EQ(inbox->copy({uid}, *keep, map), store_error::quota_exceeded);
  EXPECT_EQ(inbox->append("two", {}, std::chrono::system_clock::now(), "", false, &uid, nullptr),
            store_error::quota_exceeded);
  quota_usage q;
  ASSERT_FALSE(erin->quota(q));
  EXPECT_EQ(q.messages, 2u);
  ASSERT_FALSE(inbox->move({uid}, *keep, map));  // MOVE within the account changes no usage
  folder_status st;
  ASSERT_FALSE(keep->status(st));
  EXPECT_EQ(st.messages, 2u);
  ASSERT_FALSE(erin->quota(q));
  EXPECT_EQ(q.messages, 2u);
}

}  // namespace
}  // namespace l7::mail::test
