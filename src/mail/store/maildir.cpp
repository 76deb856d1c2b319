#include "mail/store/maildir.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <fstream>

#include "app/unique_fd.hpp"
#include "core/text.hpp"

namespace l7::mail::detail {
namespace {

std::atomic<std::uint64_t> delivery_counter{0};

std::error_code last_error() { return {errno, std::generic_category()}; }

std::string escaped_host() {
  char buf[256] = {};
  if (::gethostname(buf, sizeof buf - 1) != 0 || buf[0] == 0) return "localhost";
  std::string out;
  for (const char* p = buf; *p; ++p) {
    if (*p == '/') out += "\\057";
    else if (*p == ':') out += "\\072";
    else if (*p == ',') out += "\\054";
    else out += *p;
  }
  return out;
}

std::uint64_t field_after(std::string_view name, std::string_view tag) {
  auto pos = name.find(tag);
  if (pos == std::string_view::npos) return 0;
  auto rest = name.substr(pos + tag.size());
  auto end = rest.find_first_not_of("0123456789");
  return parse_uint(rest.substr(0, end)).value_or(0);
}

std::error_code write_all(int fd, std::string_view data) {
  while (!data.empty()) {
    auto n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return last_error();
    }
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  return {};
}

std::error_code write_tmp(const fs::path& tmp, std::string_view message, clock::time_point mtime) {
  app::unique_fd fd(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
  if (!fd) return last_error();
  auto ec = write_all(fd.get(), message);
  if (!ec && ::fsync(fd.get()) != 0) ec = last_error();
  if (!ec) {
    auto us = std::chrono::duration_cast<std::chrono::microseconds>(mtime.time_since_epoch()).count();
    timespec times[2];
    times[0].tv_sec = times[1].tv_sec = static_cast<time_t>(us / 1000000);
    times[0].tv_nsec = times[1].tv_nsec = static_cast<long>(us % 1000000) * 1000;
    ::futimens(fd.get(), times);  // best effort: the internal date for a rebuild
  }
  return ec;
}

}  // namespace

std::string unique_name(std::uint64_t size) {
  static const std::string host = escaped_host();
  auto now = std::chrono::duration_cast<std::chrono::microseconds>(clock::now().time_since_epoch()).count();
  return std::to_string(now / 1000000) + ".M" + std::to_string(now % 1000000) + "P" +
         std::to_string(::getpid()) + "Q" + std::to_string(++delivery_counter) + "." + host +
         ",S=" + std::to_string(size);
}

std::string_view base_of(std::string_view file_name) { return file_name.substr(0, file_name.find(':')); }

std::string_view letters_of(std::string_view file_name) {
  auto pos = file_name.find(":2,");
  return pos == std::string_view::npos ? std::string_view{} : file_name.substr(pos + 3);
}

std::optional<std::uint64_t> size_from_name(std::string_view file_name) {
  auto base = base_of(file_name);
  auto pos = base.find(",S=");
  if (pos == std::string_view::npos) return std::nullopt;
  auto rest = base.substr(pos + 3);
  return parse_uint(rest.substr(0, rest.find(',')));
}

std::optional<std::uint64_t> wire_size_from_name(std::string_view file_name) {
  auto base = base_of(file_name);
  auto pos = base.find(",W=");
  if (pos == std::string_view::npos) return std::nullopt;
  auto rest = base.substr(pos + 3);
  return parse_uint(rest.substr(0, rest.find(',')));
}

std::uint64_t wire_size_of_file(const std::filesystem::path& file, std::uint64_t file_size) {
  app::unique_fd fd(::open(file.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) return file_size;
  std::uint64_t size = 0;
  char prev = 0;
  char buf[65536];
  for (ssize_t n; (n = ::read(fd.get(), buf, sizeof buf)) != 0;) {
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return file_size;
    for (ssize_t i = 0; i < n; ++i) {
      if (buf[i] == '\n' && prev != '\r') ++size;  // sent as CRLF
      prev = buf[i];
    }
    size += static_cast<std::uint64_t>(n);
  }
  return size;
}

order_key order_of(std::string_view file_name) {
  order_key k;
  auto dot = file_name.find('.');
  k.sec = parse_uint(file_name.substr(0, dot)).value_or(0);
  auto unique = dot == std::string_view::npos ? std::string_view{} : file_name.substr(dot);
  unique = unique.substr(0, unique.find('.', 1));
  k.usec = field_after(unique, "M");
  k.counter = field_after(unique, "Q");
  k.name = std::string(file_name);
  return k;
}

std::error_code make_maildir(const fs::path& dir, bool folder) {
  std::error_code ec;
  for (const char* sub : {"cur", "new", "tmp"}) {
    fs::create_directories(dir / sub, ec);
    if (ec) return ec;
  }
  if (folder && !fs::exists(dir / "maildirfolder", ec)) {
    std::ofstream(dir / "maildirfolder").flush();
    if (!fs::exists(dir / "maildirfolder", ec)) return std::make_error_code(std::errc::io_error);
  }
  return fsync_dir(dir);
}

bool is_maildir(const fs::path& dir) {
  std::error_code ec;
  return fs::is_directory(dir / "cur", ec) && fs::is_directory(dir / "new", ec);
}

std::error_code fsync_dir(const fs::path& dir) {
  app::unique_fd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!fd) return last_error();
  if (::fsync(fd.get()) != 0) return last_error();
  return {};
}

std::error_code write_message(const fs::path& dir, std::string_view message, clock::time_point mtime,
                              const std::optional<std::string>& letters, const std::string& base,
                              std::string& rel) {
  auto tmp = dir / "tmp" / base;
  if (auto ec = write_tmp(tmp, message, mtime)) {
    ::unlink(tmp.c_str());
    return ec;
  }
  rel = letters ? cur_name(base, *letters) : "new/" + base;
  if (::rename(tmp.c_str(), (dir / rel).c_str()) != 0) {
    auto ec = last_error();
    ::unlink(tmp.c_str());
    return ec;
  }
  // The rename is durable once the directory is: only then is the message acknowledged.
  return fsync_dir(dir / (letters ? "cur" : "new"));
}

std::error_code scan(const fs::path& dir, std::vector<found_file>& out) {
  for (const char* sub : {"new", "cur"}) {
    DIR* d = ::opendir((dir / sub).c_str());
    if (!d) return last_error();
    while (auto* e = ::readdir(d)) {
      std::string_view name = e->d_name;
      if (name.empty() || name[0] == '.') continue;
      out.push_back({std::string(sub) + "/" + std::string(name), std::string(base_of(name))});
    }
    ::closedir(d);
  }
  return {};
}

void clean_tmp(const fs::path& dir) {
  std::error_code ec;
  auto limit = fs::file_time_type::clock::now() - std::chrono::hours(36);
  for (const auto& e : fs::directory_iterator(dir / "tmp", ec)) {
    std::error_code fec;
    if (e.is_regular_file(fec) && e.last_write_time(fec) < limit) fs::remove(e.path(), fec);
  }
}

std::string cur_name(std::string_view base, std::string_view letters) {
  return "cur/" + std::string(base) + ":2," + std::string(letters);
}

}  // namespace l7::mail::detail
