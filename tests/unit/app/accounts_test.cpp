#include "app/accounts.hpp"

#include <sys/stat.h>

#include <fstream>
#include <functional>
#include <sstream>
#include <thread>

#include <gtest/gtest.h>

#include "unit/app/temp_dir.hpp"

namespace l7::app {
namespace {

account_error::kind error_kind(const std::function<void()>& f) {
  try {
    f();
  } catch (const account_error& e) {
    return e.code();
  }
  ADD_FAILURE() << "no account_error";
  return account_error::kind::io;
}

std::string read_text(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(accounts, add_verify_and_list) {
  test::temp_dir dir;
  account_store store(dir.path());
  EXPECT_TRUE(store.list().empty());
  store.add("bob", "s3cret");
  store.add("alice", "pa:ss word");
  EXPECT_TRUE(store.verify("bob", "s3cret"));
  EXPECT_TRUE(store.verify("alice", "pa:ss word"));
  EXPECT_FALSE(store.verify("bob", "S3cret"));
  EXPECT_FALSE(store.verify("bob", "s3cret "));
  EXPECT_FALSE(store.verify("bob", ""));
  EXPECT_FALSE(store.verify("carol", "s3cret"));
  EXPECT_FALSE(store.verify("../bob", "s3cret"));
  EXPECT_TRUE(store.exists("bob"));
  EXPECT_FALSE(store.exists("carol"));
  EXPECT_EQ(store.list(), (std::vector<std::string>{"alice", "bob"}));
}

TEST(accounts, file_holds_yescrypt_hashes_with_mode_0600) {
  test::temp_dir dir;
  account_store store(dir.path());
  store.add("bob", "s3cret");
  const auto file = dir.path() / "accounts" / "passwd";
  const auto text = read_text(file);
  EXPECT_EQ(text.rfind("bob:$y$", 0), 0u) << text;
  EXPECT_EQ(text.find("s3cret"), std::string::npos);
  EXPECT_EQ(text.back(), '\n');
  struct stat st {};
  ASSERT_EQ(::stat(file.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  ASSERT_EQ(::stat((dir.path() / "accounts").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);
}

TEST(accounts, add_creates_home) {
  test::temp_dir dir;
  account_store store(dir.path());
  store.add("bob", "pw");
  EXPECT_EQ(store.home("bob"), dir.path() / "home" / "bob");
  struct stat st {};
  ASSERT_EQ(::stat(store.home("bob").c_str(), &st), 0);
  EXPECT_TRUE(S_ISDIR(st.st_mode));
  EXPECT_EQ(st.st_mode & 0027, 0u);  // 0750 less the umask
}

TEST(accounts, duplicate_missing_and_invalid) {
  test::temp_dir dir;
  account_store store(dir.path());
  store.add("bob", "pw");
  using k = account_error::kind;
  EXPECT_EQ(error_kind([&] { store.add("bob", "other"); }), k::exists);
  EXPECT_TRUE(store.verify("bob", "pw"));
  EXPECT_EQ(error_kind([&] { store.remove("carol"); }), k::not_found);
  EXPECT_EQ(error_kind([&] { store.set_password("carol", "x"); }), k::not_found);
  for (const auto* bad : {"", ".hidden", "-opt", "a b", "a/b", "a:b", "..", "\xc3\xa9"})
    EXPECT_EQ(error_kind([&] { store.add(bad, "pw"); }), k::invalid_name) << bad;
  EXPECT_EQ(error_kind([&] { store.add(std::string(65, 'a'), "pw"); }), k::invalid_name);
  EXPECT_EQ(error_kind([&] { store.home("../x"); }), k::invalid_name);
  EXPECT_EQ(error_kind([&] { store.add("carol", ""); }), k::invalid_password);
  EXPECT_EQ(error_kind([&] { store.add("carol", std::string_view("a\0b", 3)); }),
            k::invalid_password);
  EXPECT_EQ(error_kind([&] { store.add("carol", std::string(1025, 'x')); }),
            k::invalid_password);
  EXPECT_FALSE(store.exists("carol"));
}

TEST(accounts, valid_names) {
  EXPECT_TRUE(account_store::valid_name("a"));
  EXPECT_TRUE(account_store::valid_name("Bob_1.test-x"));
  EXPECT_TRUE(account_store::valid_name("_x"));
  EXPECT_TRUE(account_store::valid_name(std::string(64, 'z')));
  EXPECT_FALSE(account_store::valid_name(std::string(65, 'z')));
  EXPECT_TRUE(account_store::valid_password(std::string(1024, 'x')));
}

TEST(accounts, remove_and_set_password) {
  test::temp_dir dir;
  account_store store(dir.path());
  store.add("bob", "old");
  store.add("carol", "pw");
  store.set_password("bob", "new");
  EXPECT_FALSE(store.verify("bob", "old"));
  EXPECT_TRUE(store.verify("bob", "new"));
  store.remove("bob");
  EXPECT_FALSE(store.verify("bob", "new"));
  EXPECT_EQ(store.list(), std::vector<std::string>{"carol"});
  EXPECT_TRUE(std::filesystem::is_directory(dir.path() / "home" / "bob"));  // files stay
}

TEST(accounts, reloads_after_an_external_change) {
  test::temp_dir dir;
  account_store server(dir.path());
  EXPECT_FALSE(server.verify("bob", "pw"));
  account_store cli(dir.path());  // another process, as far as the file is concerned
  cli.add("bob", "pw");
  EXPECT_TRUE(server.verify("bob", "pw"));
  cli.remove("bob");
  EXPECT_FALSE(server.exists("bob"));
}

TEST(accounts, ignores_comments_and_malformed_lines) {
  test::temp_dir dir;
  account_store writer(dir.path());
  writer.add("bob", "pw");
  const auto file = dir.path() / "accounts" / "passwd";
  const auto bob = read_text(file);
  std::ofstream(file) << "# comment\n\nnocolon\n.bad:$y$x\n" << bob << "carol:\n";
  account_store reader(dir.path());
  EXPECT_EQ(reader.list(), std::vector<std::string>{"bob"});
  EXPECT_TRUE(reader.verify("bob", "pw"));
}

TEST(accounts, concurrent_writers_and_readers) {
  test::temp_dir dir;
  account_store reader(dir.path());
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&, i] {
      account_store writer(dir.path());  // separate stores contend on the file lock
      writer.add("user" + std::to_string(i), "pw" + std::to_string(i));
    });
    threads.emplace_back([&] { reader.verify("user0", "pw0"); });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(reader.list().size(), 4u);
  EXPECT_TRUE(reader.verify("user3", "pw3"));
  EXPECT_FALSE(reader.verify("user3", "pw2"));
}

}  // namespace
}  // namespace l7::app
