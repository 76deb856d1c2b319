#include "app/data_dir.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <string_view>
#include <system_error>

#include "app/unique_fd.hpp"

namespace l7::app {

namespace {

constexpr std::string_view welcome_page = R"html(<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>l7 is running</title>
</head>
<body>
<h1>l7 is running</h1>
<p>This page is <code>public/index.html</code> in the l7 data directory.
Replace it, or add files beside it: everything in <code>public/</code> is served here.</p>
</body>
</html>
)html";

[[noreturn]] void fail(const std::filesystem::path& p, std::string_view what) {
  throw std::filesystem::filesystem_error(std::string(what), p,
                                          std::error_code(errno, std::generic_category()));
}

// mkdir with `mode`; true when it was created now, false when it already existed.
bool make_dir(const std::filesystem::path& p, mode_t mode) {
  if (::mkdir(p.c_str(), mode) == 0) return true;
  if (errno == EEXIST && std::filesystem::is_directory(p)) return false;
  fail(p, "cannot create directory");
}

// Writes `text` to a new file; an existing file is left alone.
void write_new_file(const std::filesystem::path& p, std::string_view text) {
  unique_fd fd(::open(p.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644));
  if (!fd) {
    if (errno == EEXIST) return;
    fail(p, "cannot create file");
  }
  while (!text.empty()) {
    const auto n = ::write(fd.get(), text.data(), text.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) fail(p, "cannot write file");
    text.remove_prefix(static_cast<std::size_t>(n));
  }
}

}  // namespace

void prepare_data_dir(const std::filesystem::path& data) {
  std::filesystem::create_directories(data);
  if (make_dir(data / "public", 0755)) write_new_file(data / "public" / "index.html", welcome_page);
  make_dir(data / "home", 0755);
  make_dir(data / "tls", 0700);
  make_dir(data / "accounts", 0700);
}

}  // namespace l7::app
