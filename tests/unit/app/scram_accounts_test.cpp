#include "app/scram_accounts.hpp"

#include <sys/stat.h>

#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "app/accounts.hpp"
#include "unit/app/temp_dir.hpp"

namespace l7::app {
namespace {

std::string file_text(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// A whole SCRAM exchange of our client with `password` against `k`.
bool scram_login(const scram::keys& k, std::string_view user, std::string_view password) {
  scram::client c(user, password);
  scram::server s;
  std::string m1, m3, m4;
  if (c.first(m1) || s.client_first(m1)) return false;
  if (c.server_first(s.server_first(k), m3)) return false;
  if (s.client_final(m3, m4)) return false;
  return !c.server_final(m4);
}

TEST(scram_accounts, add_stores_keys_that_log_in) {
  test::temp_dir dir;
  account_store store(dir.path());
  store.add("bob", "pencil");
  scram_accounts scram(dir.path());
  auto k = scram.find("bob");
  ASSERT_TRUE(k);
  EXPECT_EQ(k->iterations, scram_iterations);
  EXPECT_EQ(k->salt.size(), 16u);
  EXPECT_TRUE(scram_login(*k, "bob", "pencil"));
  EXPECT_FALSE(scram_login(*k, "bob", "pencil2"));
  const auto file = dir.path() / "accounts" / "scram";
  struct stat st {};
  ASSERT_EQ(::stat(file.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  const auto text = file_text(file);
  EXPECT_TRUE(text.starts_with("bob:SCRAM-SHA-256$20000:")) << text;
  EXPECT_EQ(text.find("pencil"), std::string::npos);
  EXPECT_TRUE(store.verify("bob", "pencil"));  // the yescrypt hash still verifies PLAIN
}

TEST(scram_accounts, set_password_replaces_and_remove_drops_the_keys) {
  test::temp_dir dir;
  account_store store(dir.path());
  store.add("bob", "old");
  store.add("carol", "hers");
  scram_accounts scram(dir.path());
  const auto old_keys = *scram.find("bob");
  store.set_password("bob", "new");
  const auto new_keys = *scram.find("bob");
  EXPECT_NE(old_keys.salt, new_keys.salt);
  EXPECT_TRUE(scram_login(new_keys, "bob", "new"));
  EXPECT_FALSE(scram_login(new_keys, "bob", "old"));
  store.remove("bob");
  EXPECT_FALSE(scram.find("bob"));
  EXPECT_TRUE(scram_login(*scram.find("carol"), "carol", "hers"));
}

TEST(scram_accounts, accounts_from_before_scram_have_no_keys_until_the_password_is_set) {
  test::temp_dir dir;
  std::filesystem::create_directories(dir.path() / "accounts");
  {
    account_store store(dir.path());
    store.add("tmp", "x");  // makes a yescrypt hash to copy into an old-style file
  }
  const auto hash_line = file_text(dir.path() / "accounts" / "passwd");
  std::filesystem::remove(dir.path() / "accounts" / "scram");
  {
    std::ofstream out(dir.path() / "accounts" / "passwd");
    out << "old" << hash_line.substr(hash_line.find(':'));
  }
  account_store store(dir.path());
  scram_accounts scram(dir.path());
  EXPECT_TRUE(store.verify("old", "x"));
  EXPECT_FALSE(scram.find("old"));
  EXPECT_FALSE(scram_login(scram.lookup("old"), "old", "x"));
  store.set_password("old", "x");
  EXPECT_TRUE(scram_login(scram.lookup("old"), "old", "x"));
}

TEST(scram_accounts, unknown_names_get_stable_fake_keys) {
  test::temp_dir dir;
  account_store store(dir.path());
  store.add("bob", "pencil");
  const auto a = scram_accounts(dir.path()).lookup("nobody");
  const auto b = scram_accounts(dir.path()).lookup("nobody");  // another process, same secret
  const auto c = scram_accounts(dir.path()).lookup("someone");
  EXPECT_EQ(a.salt, b.salt);
  EXPECT_EQ(a.stored_key, b.stored_key);
  EXPECT_NE(a.salt, c.salt);
  EXPECT_EQ(a.salt.size(), 16u);
  EXPECT_EQ(a.iterations, scram_iterations);
  EXPECT_FALSE(scram_login(a, "nobody", "pencil"));
  struct stat st {};
  ASSERT_EQ(::stat((dir.path() / "accounts" / "scram.secret").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
}

TEST(scram_accounts, a_password_saslprep_refuses_gets_no_keys) {
  test::temp_dir dir;
  account_store store(dir.path());
  store.add("bob", "bell\x07");
  EXPECT_TRUE(store.verify("bob", "bell\x07"));
  EXPECT_FALSE(scram_accounts(dir.path()).find("bob"));
}

TEST(scram_accounts, key_text_round_trip_and_malformed) {
  const auto k = scram::derive_keys("pencil", "salt", 4096);
  const auto text = format_scram_keys(k);
  const auto back = parse_scram_keys(text);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->salt, "salt");
  EXPECT_EQ(back->iterations, 4096u);
  EXPECT_EQ(back->stored_key, k.stored_key);
  EXPECT_EQ(back->server_key, k.server_key);
  for (std::string_view bad :
       {"", "SCRAM-SHA-1$4096:c2FsdA==$AAAA:AAAA", "SCRAM-SHA-256$0:c2FsdA==$x:y", "SCRAM-SHA-256$4096:$x:y",
        "SCRAM-SHA-256$4096:c2FsdA==", "SCRAM-SHA-256$4096x:c2FsdA==$AAAA:AAAA",
        "SCRAM-SHA-256$4096:c2FsdA==$AAAA:AAAA"})
    EXPECT_FALSE(parse_scram_keys(bad)) << bad;
}

}  // namespace
}  // namespace l7::app
