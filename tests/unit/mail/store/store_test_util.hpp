// Helpers shared by the mail store tests: a store on a fresh temporary data directory.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "mail/store/store.hpp"
#include "unit/app/temp_dir.hpp"

namespace l7::mail::test {

inline std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

inline std::string sample_message(int n) {
  return "From: a@example.org\r\nTo: b@example.org\r\nSubject: test " + std::to_string(n) +
         "\r\n\r\nbody " + std::to_string(n) + "\r\n";
}

// Files in a Maildir subdirectory ("new", "cur"), names only.
inline std::vector<std::string> files_in(const std::filesystem::path& dir) {
  std::vector<std::string> out;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(dir, ec)) out.push_back(e.path().filename().string());
  std::sort(out.begin(), out.end());
  return out;
}

class store_fixture : public ::testing::Test {
 protected:
  std::shared_ptr<account> user(const std::string& name = "alice") {
    std::error_code ec;
    auto a = store_.open_account(name, ec);
    EXPECT_FALSE(ec) << ec.message();
    return a;
  }
  std::shared_ptr<folder> open(const std::string& folder_name, const std::string& name = "alice") {
    std::error_code ec;
    auto f = user(name)->open_folder(folder_name, ec);
    EXPECT_FALSE(ec) << folder_name << ": " << ec.message();
    return f;
  }
  std::filesystem::path user_root(const std::string& name = "alice") const {
    return dir_.path() / "mail" / name;
  }

  l7::test::temp_dir dir_;
  store::options options_{};
  store store_{dir_.path(), options_};
};

}  // namespace l7::mail::test
