#include "app/data_dir.hpp"

#include <sys/stat.h>

#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "unit/app/temp_dir.hpp"

namespace l7::app {
namespace {

namespace fs = std::filesystem;

unsigned mode_of(const fs::path& p) {
  struct stat st {};
  EXPECT_EQ(::stat(p.c_str(), &st), 0) << p;
  return st.st_mode & 0777;
}

TEST(data_dir, creates_the_layout_and_a_welcome_page) {
  test::temp_dir tmp;
  const auto data = tmp.path() / "l7-data";
  prepare_data_dir(data);
  for (const auto* d : {"public", "home", "tls", "accounts"})
    EXPECT_TRUE(fs::is_directory(data / d)) << d;
  EXPECT_EQ(mode_of(data / "tls"), 0700u);
  EXPECT_EQ(mode_of(data / "accounts"), 0700u);
  std::ifstream in(data / "public" / "index.html");
  std::ostringstream page;
  page << in.rdbuf();
  EXPECT_NE(page.str().find("<h1>l7 is running</h1>"), std::string::npos);
}

TEST(data_dir, never_overwrites) {
  test::temp_dir tmp;
  const auto data = tmp.path();
  prepare_data_dir(data);
  std::ofstream(data / "public" / "index.html") << "mine";
  prepare_data_dir(data);
  std::ifstream in(data / "public" / "index.html");
  std::string text;
  in >> text;
  EXPECT_EQ(text, "mine");
  // A user who deleted the page does not get it back.
  fs::remove(data / "public" / "index.html");
  prepare_data_dir(data);
  EXPECT_FALSE(fs::exists(data / "public" / "index.html"));
}

TEST(data_dir, a_file_in_the_way_is_an_error) {
  test::temp_dir tmp;
  std::ofstream(tmp.path() / "tls") << "not a directory";
  EXPECT_THROW(prepare_data_dir(tmp.path()), fs::filesystem_error);
}

}  // namespace
}  // namespace l7::app
