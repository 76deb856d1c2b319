#include "ftp/server/fs_facts.hpp"

#include <sys/stat.h>

#include <algorithm>

#include "app/jail.hpp"

namespace l7::ftp::server {

std::optional<file_facts> facts_of(const std::filesystem::path& p, std::string name, std::error_code& ec) {
  struct ::stat st {};
  if (::lstat(p.c_str(), &st) != 0) {
    ec.assign(errno, std::generic_category());
    return std::nullopt;
  }
  file_facts f;
  f.name = std::move(name);
  if (S_ISREG(st.st_mode)) f.type = file_facts::kind::file;
  else if (S_ISDIR(st.st_mode)) f.type = file_facts::kind::dir;
  else if (S_ISLNK(st.st_mode)) f.type = file_facts::kind::link;
  else f.type = file_facts::kind::other;
  f.size = static_cast<std::uint64_t>(st.st_size);
  f.mtime = st.st_mtim.tv_sec;
  f.mode = st.st_mode & 07777;
  f.nlink = static_cast<unsigned>(st.st_nlink);
  return f;
}

std::vector<file_facts> list_directory(const std::filesystem::path& dir, bool hidden, std::error_code& ec) {
  std::vector<file_facts> out;
  std::filesystem::directory_iterator it(dir, std::filesystem::directory_options::skip_permission_denied, ec);
  if (ec) return out;
  for (; it != std::filesystem::directory_iterator(); it.increment(ec)) {
    auto name = it->path().filename().string();
    if (!hidden && name.starts_with('.')) continue;
    std::error_code one;
    if (auto f = facts_of(it->path(), std::move(name), one)) out.push_back(std::move(*f));
  }
  if (ec) return out;
  std::sort(out.begin(), out.end(), [](const file_facts& a, const file_facts& b) { return a.name < b.name; });
  return out;
}

std::string describe_fs_error(std::error_code ec) {
  if (ec.category() == app::jail_category()) return "Permission denied: outside your directory.";
  if (ec == std::errc::no_such_file_or_directory) return "No such file or directory.";
  if (ec == std::errc::permission_denied || ec == std::errc::operation_not_permitted) return "Permission denied.";
  if (ec == std::errc::file_exists) return "File exists.";
  if (ec == std::errc::not_a_directory) return "Not a directory.";
  if (ec == std::errc::is_a_directory) return "Is a directory.";
  if (ec == std::errc::directory_not_empty) return "Directory not empty.";
  if (ec == std::errc::no_space_on_device) return "No space left on device.";
  return ec.message() + ".";
}

}  // namespace l7::ftp::server
