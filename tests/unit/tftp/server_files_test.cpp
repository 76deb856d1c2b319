// The TFTP server's file side: names refused before the jail sees them (traversal, absolute,
// encoded variants), the jail's symlink rule on reads, and uploads that appear whole or not
// at all and never replace a file unless allowed. Each refusal must map to ERROR 2.
#include <gtest/gtest.h>

#include <fstream>

#include "tftp/server/files.hpp"
#include "unit/app/temp_dir.hpp"

namespace l7::tftp::server {
namespace {

namespace fs = std::filesystem;

void write_file(const fs::path& p, const std::string& content) {
  fs::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << content;
}

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

std::string read_all(readable r) {
  auto src = std::move(r).source();
  std::string out;
  std::vector<std::byte> block(1000);
  for (;;) {
    std::error_code ec;
    auto n = src(block, ec);
    EXPECT_FALSE(ec);
    out.append(reinterpret_cast<const char*>(block.data()), n);
    if (n < block.size()) return out;
  }
}

TEST(tftp_server_files, traversal_absolute_and_encoded_names_are_access_violations) {
  for (const char* bad : {"../secret", "a/../../secret", "..", "a/..", "/etc/passwd", "\\windows",
                          "..\\..\\secret", "a\\..\\..\\x", "C:secret", "c:\\x", "%2e%2e/secret",
                          "%2E%2E%2Fsecret", "a/%2e%2e/%2e%2e/x", "%2fetc%2fpasswd", "%5c..%5cx",
                          "a\nb", "tab\there", ""}) {
    auto ec = check_name(bad);
    EXPECT_TRUE(ec) << bad;
    EXPECT_EQ(wire_code_for_file_error(ec), wire::access_violation) << bad;
  }
  for (const char* good : {"a.txt", "dir/b.bin", "file..txt", "...", "a%20b", "x/.hidden", "100%"})
    EXPECT_FALSE(check_name(good)) << good;
}

TEST(tftp_server_files, reads_inside_the_root_and_refuses_symlinks_out) {
  test::temp_dir tmp;
  const auto root = tmp.path() / "public";
  write_file(root / "dir" / "a.txt", "hello");
  write_file(tmp.path() / "secret", "top secret");
  fs::create_symlink(tmp.path() / "secret", root / "out");
  fs::create_symlink("../../secret", root / "dir" / "rel_out");
  fs::create_symlink("a.txt", root / "dir" / "in");
  app::jail jail(root);

  auto r = open_for_read(jail, "dir/a.txt");
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(r->size, 5u);
  EXPECT_EQ(read_all(std::move(*r)), "hello");

  auto in = open_for_read(jail, "dir/in");  // a relative link that stays inside
  ASSERT_TRUE(in) << in.error().message();
  EXPECT_EQ(read_all(std::move(*in)), "hello");

  for (const char* escape : {"out", "dir/rel_out"}) {
    auto e = open_for_read(jail, escape);
    ASSERT_FALSE(e) << escape;
    EXPECT_EQ(wire_code_for_file_error(e.error()), wire::access_violation) << escape << ": " << e.error().message();
  }
  auto missing = open_for_read(jail, "nope.txt");
  ASSERT_FALSE(missing);
  EXPECT_EQ(wire_code_for_file_error(missing.error()), wire::file_not_found);
  auto dir = open_for_read(jail, "dir");
  ASSERT_FALSE(dir);
  EXPECT_EQ(wire_code_for_file_error(dir.error()), wire::file_not_found);
}

TEST(tftp_server_files, large_reads_come_back_whole) {
  test::temp_dir tmp;
  std::string big(300'000, '\0');
  for (std::size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>(i * 31 + i / 7);
  write_file(tmp.path() / "big", big);
  app::jail jail(tmp.path());
  auto r = open_for_read(jail, "big");
  ASSERT_TRUE(r);
  EXPECT_EQ(read_all(std::move(*r)), big);
}

TEST(tftp_server_files, upload_appears_only_when_committed) {
  test::temp_dir tmp;
  app::jail jail(tmp.path());
  {
    auto up = upload::create(jail, "new.bin", false);
    ASSERT_TRUE(up) << up.error().message();
    std::error_code ec;
    up->write(std::as_bytes(std::span("abc", 3)), ec);
    EXPECT_FALSE(ec);
    EXPECT_FALSE(fs::exists(tmp.path() / "new.bin"));
    up->commit(ec);
    EXPECT_FALSE(ec) << ec.message();
  }
  EXPECT_EQ(read_file(tmp.path() / "new.bin"), "abc");
  {
    auto up = upload::create(jail, "failed.bin", false);
    ASSERT_TRUE(up);
    std::error_code ec;
    up->write(std::as_bytes(std::span("partial", 7)), ec);
  }  // never committed: nothing left, not even the temporary file
  EXPECT_EQ(std::distance(fs::directory_iterator(tmp.path()), fs::directory_iterator()), 1);
}

TEST(tftp_server_files, existing_files_are_kept_unless_overwrite_is_allowed) {
  test::temp_dir tmp;
  write_file(tmp.path() / "keep.txt", "original");
  app::jail jail(tmp.path());
  auto refused = upload::create(jail, "keep.txt", false);
  ASSERT_FALSE(refused);
  EXPECT_EQ(wire_code_for_file_error(refused.error()), wire::file_exists);

  // A file that appears while the upload runs is not replaced either.
  auto racing = upload::create(jail, "late.txt", false);
  ASSERT_TRUE(racing);
  write_file(tmp.path() / "late.txt", "first");
  std::error_code ec;
  racing->commit(ec);
  EXPECT_EQ(ec, std::errc::file_exists);
  EXPECT_EQ(read_file(tmp.path() / "late.txt"), "first");

  auto over = upload::create(jail, "keep.txt", true);
  ASSERT_TRUE(over);
  over->write(std::as_bytes(std::span("new", 3)), ec = {});
  over->commit(ec);
  EXPECT_FALSE(ec);
  EXPECT_EQ(read_file(tmp.path() / "keep.txt"), "new");
}

TEST(tftp_server_files, uploads_cannot_leave_the_directory) {
  test::temp_dir tmp;
  fs::create_directories(tmp.path() / "up");
  fs::create_symlink(tmp.path(), tmp.path() / "up" / "link");
  app::jail jail(tmp.path() / "up");
  for (const char* bad : {"../x", "/x", "link/x", "%2e%2e/x"}) {
    auto up = upload::create(jail, bad, true);
    ASSERT_FALSE(up) << bad;
    EXPECT_EQ(wire_code_for_file_error(up.error()), wire::access_violation) << bad << ": " << up.error().message();
  }
  EXPECT_FALSE(fs::exists(tmp.path() / "x"));
}

}  // namespace
}  // namespace l7::tftp::server
