#include "app/jail.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <fstream>

#include <gtest/gtest.h>

#include "core/text.hpp"
#include "unit/app/temp_dir.hpp"

namespace l7::app {
namespace {

namespace fs = std::filesystem;

// <tmp>/root is the jail; <tmp>/outside is beside it.
class jail_test : public ::testing::Test {
 protected:
  jail_test() {
    fs::create_directories(root() / "pub" / "sub");
    fs::create_directories(outside());
    std::ofstream(root() / "pub" / "a.txt") << "inside";
    std::ofstream(outside() / "secret.txt") << "secret";
    fs::create_symlink(outside() / "secret.txt", root() / "pub" / "leak_file");
    fs::create_symlink(outside(), root() / "leak_dir");
    fs::create_symlink("../a.txt", root() / "pub" / "sub" / "up_inside");
    fs::create_symlink("../../outside/secret.txt", root() / "rel_leak");
    fs::create_symlink(outside() / "new.txt", root() / "dangling_out");
  }
  fs::path root() const { return tmp_.path() / "root"; }
  fs::path outside() const { return tmp_.path() / "outside"; }

  test::temp_dir tmp_;
};

std::error_code error_of(const jail& j, std::string_view p) {
  const auto r = j.resolve(p);
  return r ? std::error_code{} : r.error();
}

TEST_F(jail_test, normalizes_inside_paths) {
  const jail j(root());
  const auto r = j.resolve("/pub/./sub//../a.txt");
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(r->client_path, "/pub/a.txt");
  EXPECT_EQ(r->fs_path, root() / "pub" / "a.txt");
  EXPECT_EQ(j.resolve("pub/a.txt")->client_path, "/pub/a.txt");  // relative = from the root
  EXPECT_EQ(j.resolve("pub/sub/")->client_path, "/pub/sub");
}

TEST_F(jail_test, root_itself) {
  const jail j(root());
  for (const auto* p : {"", "/", ".", "//", "/./", "pub/.."}) {
    const auto r = j.resolve(p);
    ASSERT_TRUE(r) << p;
    EXPECT_EQ(r->client_path, "/") << p;
    EXPECT_EQ(r->fs_path, root()) << p;
  }
}

TEST_F(jail_test, dot_dot_above_root_is_refused) {
  const jail j(root());
  for (const auto* p : {"..", "/..", "../outside/secret.txt", "/pub/../../outside",
                        "pub/sub/../../..", "/../root/pub"})
    EXPECT_EQ(error_of(j, p), jail_errc::outside_root) << p;
}

TEST_F(jail_test, percent_decoded_dot_dot_is_refused) {
  const jail j(root());
  const auto decoded = percent_decode("/%2e%2e/outside/secret.txt");
  ASSERT_TRUE(decoded);
  EXPECT_EQ(error_of(j, *decoded), jail_errc::outside_root);
  EXPECT_EQ(error_of(j, *percent_decode("/pub/%2E%2E/%2e%2e")), jail_errc::outside_root);
}

TEST_F(jail_test, absolute_host_paths_stay_inside) {
  const jail j(root());
  const auto r = j.resolve("/etc/passwd");  // the root's etc/passwd, which does not exist
  ASSERT_TRUE(r);
  EXPECT_EQ(r->fs_path, root() / "etc" / "passwd");
}

TEST_F(jail_test, nul_is_refused) {
  const jail j(root());
  EXPECT_EQ(error_of(j, std::string_view("pub/a.txt\0.png", 14)), jail_errc::invalid_path);
}

TEST_F(jail_test, symlink_escapes_are_refused) {
  const jail j(root());
  EXPECT_EQ(error_of(j, "/pub/leak_file"), jail_errc::symlink_escape);
  EXPECT_EQ(error_of(j, "/leak_dir"), jail_errc::symlink_escape);
  EXPECT_EQ(error_of(j, "/leak_dir/secret.txt"), jail_errc::symlink_escape);
  EXPECT_EQ(error_of(j, "/leak_dir/upload.bin"), jail_errc::symlink_escape);
  EXPECT_EQ(error_of(j, "/rel_leak"), jail_errc::symlink_escape);
  EXPECT_EQ(error_of(j, "/dangling_out"), jail_errc::symlink_escape);
}

TEST_F(jail_test, symlink_inside_is_allowed) {
  const jail j(root());
  const auto r = j.resolve("/pub/sub/up_inside");
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(r->fs_path, root() / "pub" / "a.txt");
  EXPECT_EQ(r->client_path, "/pub/sub/up_inside");
}

TEST_F(jail_test, new_paths_for_uploads) {
  const jail j(root());
  const auto r = j.resolve("/pub/new.bin");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->fs_path, root() / "pub" / "new.bin");
  EXPECT_TRUE(j.resolve("/pub/newdir/deeper/file"));
}

TEST_F(jail_test, filesystem_errors_come_back_as_system_codes) {
  fs::create_symlink("loop", root() / "loop");
  const jail j(root());
  EXPECT_EQ(error_of(j, "/pub/a.txt/x"), std::errc::not_a_directory);
  EXPECT_EQ(error_of(j, "/loop"), std::errc::too_many_symbolic_link_levels);
  EXPECT_EQ(error_of(j, "/loop/x"), std::errc::too_many_symbolic_link_levels);
}

TEST_F(jail_test, root_through_a_symlink_is_canonicalized) {
  fs::create_symlink(root(), tmp_.path() / "root_link");
  const jail j(tmp_.path() / "root_link");
  EXPECT_EQ(j.root(), root());
  EXPECT_EQ(j.resolve("/pub/a.txt")->fs_path, root() / "pub" / "a.txt");
  EXPECT_THROW(jail(tmp_.path() / "missing"), fs::filesystem_error);
}

std::string read_fd(int fd) {
  char buf[64];
  const auto n = ::read(fd, buf, sizeof buf);
  return n > 0 ? std::string(buf, static_cast<std::size_t>(n)) : std::string();
}

// open_file() in both strategies: the same answers for everything above.
class jail_open_test : public jail_test,
                       public ::testing::WithParamInterface<jail::open_strategy> {};

TEST_P(jail_open_test, opens_inside_and_refuses_escapes) {
  if (GetParam() == jail::open_strategy::automatic && !jail::openat2_supported())
    GTEST_SKIP() << "no openat2 on this kernel";
  const jail j(root(), GetParam());
  auto f = j.open_file("/pub/a.txt", O_RDONLY);
  ASSERT_TRUE(f) << f.error().message();
  EXPECT_EQ(read_fd(f->get()), "inside");
  auto up = j.open_file("pub/sub/up_inside", O_RDONLY);
  ASSERT_TRUE(up) << up.error().message();
  EXPECT_EQ(read_fd(up->get()), "inside");
  EXPECT_TRUE(j.open_file("/", O_RDONLY | O_DIRECTORY));

  EXPECT_EQ(j.open_file("/../outside/secret.txt", O_RDONLY).error(), jail_errc::outside_root);
  EXPECT_EQ(j.open_file(std::string_view("a\0b", 3), O_RDONLY).error(), jail_errc::invalid_path);
  EXPECT_EQ(j.open_file("/pub/leak_file", O_RDONLY).error(), jail_errc::symlink_escape);
  EXPECT_EQ(j.open_file("/leak_dir/secret.txt", O_RDONLY).error(), jail_errc::symlink_escape);
  EXPECT_EQ(j.open_file("/rel_leak", O_RDONLY).error(), jail_errc::symlink_escape);
  EXPECT_EQ(j.open_file("/dangling_out", O_WRONLY | O_CREAT, 0600).error(),
            jail_errc::symlink_escape);
  EXPECT_FALSE(fs::exists(outside() / "new.txt"));
  EXPECT_EQ(j.open_file("/pub/none.txt", O_RDONLY).error(), std::errc::no_such_file_or_directory);
}

TEST_P(jail_open_test, creates_new_files) {
  if (GetParam() == jail::open_strategy::automatic && !jail::openat2_supported())
    GTEST_SKIP() << "no openat2 on this kernel";
  const jail j(root(), GetParam());
  auto f = j.open_file("/pub/upload.bin", O_WRONLY | O_CREAT | O_EXCL, 0600);
  ASSERT_TRUE(f) << f.error().message();
  ASSERT_EQ(::write(f->get(), "x", 1), 1);
  EXPECT_EQ(fs::file_size(root() / "pub" / "upload.bin"), 1u);
}

INSTANTIATE_TEST_SUITE_P(strategies, jail_open_test,
                         ::testing::Values(jail::open_strategy::automatic,
                                           jail::open_strategy::resolve_then_open),
                         [](const auto& info) {
                           return info.param == jail::open_strategy::automatic
                                      ? std::string("openat2")
                                      : std::string("resolve_then_open");
                         });

}  // namespace
}  // namespace l7::app
