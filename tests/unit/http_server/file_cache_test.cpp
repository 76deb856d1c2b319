#include "http/server/file_cache.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <thread>

#include <gtest/gtest.h>

#include "app/jail.hpp"
#include "http/codec/conditional.hpp"
#include "http/codec/date.hpp"
#include "unit/app/temp_dir.hpp"

namespace l7::http::server {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using clock = file_cache::clock;

// A jail on a temp directory; every open through it is counted.
class file_cache_test : public ::testing::Test {
 protected:
  file_cache_test() : jail_(tmp_.path()) {}

  file_cache make(std::size_t capacity) {
    return file_cache(capacity, 1s, [this](const std::string& path) {
      ++opens_;
      return jail_.open_file(path, O_RDONLY);
    });
  }
  void write(const std::string& name, const std::string& text) {
    std::ofstream(tmp_.path() / name, std::ios::trunc) << text;
  }
  // Sets the mtime explicitly so that a change is visible whatever the clock granularity.
  void set_mtime(const std::string& name, std::time_t sec) {
    struct timespec times[2] = {{sec, 0}, {sec, 0}};
    ASSERT_EQ(::utimensat(AT_FDCWD, (tmp_.path() / name).c_str(), times, 0), 0);
  }
  static std::string read_all(const cached_file& f) {
    std::string out(static_cast<std::size_t>(f.st.st_size), '\0');
    auto n = ::pread(f.fd.get(), out.data(), out.size(), 0);
    out.resize(n < 0 ? 0 : static_cast<std::size_t>(n));
    return out;
  }
  static bool is_open(int fd) { return ::fcntl(fd, F_GETFD) != -1; }

  test::temp_dir tmp_;
  app::jail jail_;
  int opens_ = 0;
  clock::time_point t0_ = clock::now();
};

TEST_F(file_cache_test, builds_validators_and_type) {
  write("a.html", "hello");
  set_mtime("a.html", 1'700'000'000);
  auto cache = make(10);
  auto f = cache.lookup("/a.html", t0_);
  ASSERT_TRUE(f);
  const auto& st = (*f)->st;
  EXPECT_EQ((*f)->etag, make_etag(5, st.st_mtim.tv_sec * 1'000'000'000ll + st.st_mtim.tv_nsec,
                                  st.st_ino));
  EXPECT_EQ((*f)->last_modified, format_http_date(1'700'000'000));
  EXPECT_EQ((*f)->content_type, "text/html; charset=utf-8");
  EXPECT_EQ(read_all(**f), "hello");
}

TEST_F(file_cache_test, hit_within_window_opens_nothing) {
  write("a.txt", "one");
  auto cache = make(10);
  auto first = cache.lookup("/a.txt", t0_);
  ASSERT_TRUE(first);
  auto second = cache.lookup("/a.txt", t0_ + 999ms);
  ASSERT_TRUE(second);
  EXPECT_EQ(opens_, 1);
  EXPECT_EQ(first->get(), second->get());
  EXPECT_EQ(cache.size(), 1u);
}

TEST_F(file_cache_test, unchanged_file_keeps_entry_after_revalidation) {
  write("a.txt", "one");
  auto cache = make(10);
  auto first = cache.lookup("/a.txt", t0_);
  ASSERT_TRUE(first);
  int fd = (*first)->fd.get();
  auto again = cache.lookup("/a.txt", t0_ + 1s);
  ASSERT_TRUE(again);
  EXPECT_EQ(opens_, 2);                        // reopened to check...
  EXPECT_EQ(first->get(), again->get());       // ...but the entry and its strings stay
  EXPECT_EQ((*again)->fd.get(), fd);
  EXPECT_EQ(cache.lookup("/a.txt", t0_ + 1500ms).value().get(), first->get());
  EXPECT_EQ(opens_, 2);  // the window restarted at the revalidation
}

TEST_F(file_cache_test, in_place_change_seen_after_window) {
  write("a.txt", "one");
  set_mtime("a.txt", 1'700'000'000);
  auto cache = make(10);
  auto old = cache.lookup("/a.txt", t0_);
  ASSERT_TRUE(old);
  std::string old_etag = (*old)->etag;
  ino_t ino = (*old)->st.st_ino;

  std::ofstream(tmp_.path() / "a.txt", std::ios::app) << " two";  // same inode
  set_mtime("a.txt", 1'700'000'100);
  EXPECT_EQ(cache.lookup("/a.txt", t0_ + 500ms).value()->etag, old_etag);  // stale, by design

  auto now = cache.lookup("/a.txt", t0_ + 1s);
  ASSERT_TRUE(now);
  EXPECT_EQ((*now)->st.st_ino, ino);
  EXPECT_NE((*now)->etag, old_etag);
  EXPECT_EQ((*now)->st.st_size, 7);
  EXPECT_EQ((*now)->last_modified, format_http_date(1'700'000'100));
  EXPECT_EQ(read_all(**now), "one two");
  EXPECT_EQ((*old)->etag, old_etag);  // a response holding the old handle is undisturbed
}

TEST_F(file_cache_test, replacement_by_rename_seen_after_window) {
  write("a.txt", "old");
  auto cache = make(10);
  auto old = cache.lookup("/a.txt", t0_);
  ASSERT_TRUE(old);
  write("a.txt.new", "new");
  fs::rename(tmp_.path() / "a.txt.new", tmp_.path() / "a.txt");

  EXPECT_EQ(read_all(*cache.lookup("/a.txt", t0_ + 500ms).value()), "old");
  auto now = cache.lookup("/a.txt", t0_ + 2s);
  ASSERT_TRUE(now);
  EXPECT_NE((*now)->st.st_ino, (*old)->st.st_ino);
  EXPECT_EQ(read_all(**now), "new");
  EXPECT_EQ(read_all(**old), "old");  // the replaced file stays readable for its holder
}

TEST_F(file_cache_test, deleted_file_dropped_after_window) {
  write("a.txt", "x");
  auto cache = make(10);
  ASSERT_TRUE(cache.lookup("/a.txt", t0_));
  fs::remove(tmp_.path() / "a.txt");
  EXPECT_TRUE(cache.lookup("/a.txt", t0_ + 500ms));  // still served from the open descriptor
  auto gone = cache.lookup("/a.txt", t0_ + 1s);
  ASSERT_FALSE(gone);
  EXPECT_EQ(gone.error(), std::errc::no_such_file_or_directory);
  EXPECT_EQ(cache.size(), 0u);
}

TEST_F(file_cache_test, misses_are_not_cached) {
  auto cache = make(10);
  auto missing = cache.lookup("/late.txt", t0_);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error(), std::errc::no_such_file_or_directory);
  write("late.txt", "here");
  EXPECT_TRUE(cache.lookup("/late.txt", t0_ + 1ms));  // no negative caching
}

TEST_F(file_cache_test, jail_errors_pass_through) {
  auto cache = make(10);
  auto out = cache.lookup("/../etc/passwd", t0_);
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error(), app::jail_errc::outside_root);
}

TEST_F(file_cache_test, directories_are_returned_uncached) {
  fs::create_directory(tmp_.path() / "dir");
  auto cache = make(10);
  auto d = cache.lookup("/dir/", t0_);
  ASSERT_TRUE(d);
  EXPECT_TRUE(S_ISDIR((*d)->st.st_mode));
  EXPECT_TRUE((*d)->etag.empty());
  EXPECT_EQ(cache.size(), 0u);
}

TEST_F(file_cache_test, file_turned_directory_is_dropped) {
  write("x", "file");
  auto cache = make(10);
  ASSERT_TRUE(cache.lookup("/x", t0_));
  fs::remove(tmp_.path() / "x");
  fs::create_directory(tmp_.path() / "x");
  auto d = cache.lookup("/x", t0_ + 1s);
  ASSERT_TRUE(d);
  EXPECT_TRUE(S_ISDIR((*d)->st.st_mode));
  EXPECT_EQ(cache.size(), 0u);
}

TEST_F(file_cache_test, capacity_evicts_least_recently_used_and_closes_it) {
  for (auto name : {"a", "b", "c"}) write(name, name);
  auto cache = make(2);
  int fd_a = cache.lookup("/a", t0_).value()->fd.get();
  int fd_b = cache.lookup("/b", t0_).value()->fd.get();
  ASSERT_TRUE(cache.lookup("/a", t0_ + 1ms));  // a is now the most recent
  // c is opened before b is evicted, so c cannot reuse b's number; nothing opens after that.
  int fd_c = cache.lookup("/c", t0_ + 2ms).value()->fd.get();
  EXPECT_NE(fd_c, fd_b);
  EXPECT_EQ(cache.size(), 2u);
  EXPECT_FALSE(is_open(fd_b));
  EXPECT_TRUE(is_open(fd_a));
  EXPECT_TRUE(is_open(fd_c));
  EXPECT_EQ(opens_, 3);
  ASSERT_TRUE(cache.lookup("/b", t0_ + 3ms));  // a miss again: reopened, a evicted
  EXPECT_EQ(opens_, 4);
  EXPECT_FALSE(is_open(fd_a));
}

TEST_F(file_cache_test, held_entry_survives_eviction_until_released) {
  write("a", "held");
  write("b", "b");
  auto cache = make(1);
  auto held = cache.lookup("/a", t0_).value();
  int fd = held->fd.get();
  ASSERT_TRUE(cache.lookup("/b", t0_));  // evicts a
  EXPECT_EQ(cache.size(), 1u);
  EXPECT_TRUE(is_open(fd));
  EXPECT_EQ(read_all(*held), "held");
  held.reset();
  EXPECT_FALSE(is_open(fd));
}

TEST_F(file_cache_test, held_entry_survives_revalidation) {
  write("a", "v1");
  auto cache = make(10);
  auto held = cache.lookup("/a", t0_).value();
  int fd = held->fd.get();
  write("a", "v2 longer");
  set_mtime("a", 1'700'000'000);
  auto fresh = cache.lookup("/a", t0_ + 1s).value();
  EXPECT_NE(fresh.get(), held.get());
  EXPECT_TRUE(is_open(fd));
  EXPECT_NE(fresh->fd.get(), fd);
  held.reset();
  EXPECT_FALSE(is_open(fd));
}

TEST_F(file_cache_test, zero_capacity_passes_through) {
  write("a", "x");
  auto cache = make(0);
  auto first = cache.lookup("/a", t0_).value();
  auto second = cache.lookup("/a", t0_).value();
  EXPECT_EQ(opens_, 2);
  EXPECT_EQ(cache.size(), 0u);
  EXPECT_NE(first.get(), second.get());
  int fd = first->fd.get();
  first.reset();
  EXPECT_FALSE(is_open(fd));
}

TEST(file_cache_per_thread, one_cache_per_thread) {
  auto open = [](const std::string&) -> tl::expected<app::unique_fd, std::error_code> {
    return tl::make_unexpected(std::make_error_code(std::errc::no_such_file_or_directory));
  };
  file_cache_per_thread caches(10, 1s, open);
  file_cache* here = &caches.local();
  EXPECT_EQ(&caches.local(), here);
  file_cache* there = nullptr;
  std::thread([&] { there = &caches.local(); }).join();
  EXPECT_NE(there, here);

  file_cache_per_thread other(10, 1s, open);  // a second instance on the same thread
  EXPECT_NE(&other.local(), here);
  EXPECT_EQ(&caches.local(), here);
}

}  // namespace
}  // namespace l7::http::server
