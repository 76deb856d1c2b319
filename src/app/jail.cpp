#include "app/jail.hpp"

#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

namespace l7::app {

namespace {

class jail_category_impl : public std::error_category {
 public:
  const char* name() const noexcept override { return "l7.jail"; }
  std::string message(int e) const override {
    switch (static_cast<jail_errc>(e)) {
      case jail_errc::invalid_path: return "path contains a NUL byte";
      case jail_errc::outside_root: return "path climbs above the root";
      case jail_errc::symlink_escape: return "symbolic link leads outside the root";
    }
    return "unknown jail error";
  }
};

std::error_code last_errno() { return {errno, std::generic_category()}; }

long sys_openat2(int dirfd, const char* path, int flags, mode_t mode) {
  open_how how{};
  how.flags = static_cast<std::uint64_t>(flags);
  how.mode = (flags & O_CREAT) == O_CREAT || (flags & O_TMPFILE) == O_TMPFILE ? mode : 0;
  how.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS;
  return ::syscall(SYS_openat2, dirfd, path, &how, sizeof how);
}

// Refuses a dangling symlink anywhere along `segments`: the fallback path would otherwise
// create files through it (std::filesystem treats it as a plain missing name).
std::error_code check_dangling(std::filesystem::path cur, const std::vector<std::string>& segs) {
  for (const auto& seg : segs) {
    cur /= seg;
    struct stat st {};
    if (::lstat(cur.c_str(), &st) != 0) {
      return errno == ENOENT ? std::error_code{} : last_errno();  // ENOTDIR: under a file
    }
    if (!S_ISLNK(st.st_mode)) continue;
    if (::stat(cur.c_str(), &st) != 0)
      return errno == ENOENT ? make_error_code(jail_errc::symlink_escape) : last_errno();
  }
  return {};
}

std::string join(const std::vector<std::string>& segs, std::string_view lead) {
  std::string out(lead);
  for (const auto& s : segs) {
    if (!out.empty() && out.back() != '/') out += '/';
    out += s;
  }
  return out;
}

}  // namespace

const std::error_category& jail_category() {
  static const jail_category_impl instance;
  return instance;
}

std::error_code make_error_code(jail_errc e) { return {static_cast<int>(e), jail_category()}; }

jail::jail(const std::filesystem::path& root, open_strategy strategy)
    : root_(std::filesystem::canonical(root)), strategy_(strategy) {}

tl::expected<std::vector<std::string>, std::error_code> jail::normalize(
    std::string_view client_path) {
  if (client_path.find('\0') != std::string_view::npos)
    return tl::make_unexpected(make_error_code(jail_errc::invalid_path));
  std::vector<std::string> segs;
  std::size_t pos = 0;
  while (pos <= client_path.size()) {
    auto end = client_path.find('/', pos);
    if (end == std::string_view::npos) end = client_path.size();
    const auto seg = client_path.substr(pos, end - pos);
    pos = end + 1;
    if (seg.empty() || seg == ".") continue;
    if (seg != "..") {
      segs.emplace_back(seg);
    } else if (segs.empty()) {
      return tl::make_unexpected(make_error_code(jail_errc::outside_root));
    } else {
      segs.pop_back();
    }
  }
  return segs;
}

bool jail::inside(const std::filesystem::path& p) const {
  const auto [r, q] = std::mismatch(root_.begin(), root_.end(), p.begin(), p.end());
  return r == root_.end();
}

tl::expected<resolved_path, std::error_code> jail::resolve(std::string_view client_path) const {
  auto segs = normalize(client_path);
  if (!segs) return tl::make_unexpected(segs.error());
  if (const auto ec = check_dangling(root_, *segs)) return tl::make_unexpected(ec);
  std::error_code ec;
  auto real = std::filesystem::weakly_canonical(join(*segs, root_.native()), ec);
  if (ec) return tl::make_unexpected(ec);
  if (!inside(real)) return tl::make_unexpected(make_error_code(jail_errc::symlink_escape));
  return resolved_path{std::move(real), join(*segs, "/")};
}

bool jail::openat2_supported() {
  static const bool supported = [] {
    const long fd = sys_openat2(AT_FDCWD, "/", O_PATH | O_CLOEXEC, 0);
    if (fd >= 0) ::close(static_cast<int>(fd));
    return fd >= 0 || errno != ENOSYS;
  }();
  return supported;
}

tl::expected<unique_fd, std::error_code> jail::open_beneath(const std::string& relative,
                                                            int flags, mode_t mode) const {
  unique_fd dir(::open(root_.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
  if (!dir) return tl::make_unexpected(last_errno());
  for (int attempt = 0; attempt < 8; ++attempt) {
    const long fd = sys_openat2(dir.get(), relative.c_str(), flags | O_CLOEXEC, mode);
    if (fd >= 0) return unique_fd(static_cast<int>(fd));
    if (errno == EAGAIN || errno == EINTR) continue;  // a concurrent rename; the kernel asks
    if (errno == EXDEV) return tl::make_unexpected(make_error_code(jail_errc::symlink_escape));
    return tl::make_unexpected(last_errno());
  }
  return tl::make_unexpected(std::make_error_code(std::errc::resource_unavailable_try_again));
}

tl::expected<unique_fd, std::error_code> jail::open_file(std::string_view client_path, int flags,
                                                         mode_t mode) const {
  if (strategy_ == open_strategy::automatic && openat2_supported()) {
    auto segs = normalize(client_path);
    if (!segs) return tl::make_unexpected(segs.error());
    return open_beneath(segs->empty() ? "." : join(*segs, ""), flags, mode);
  }
  auto r = resolve(client_path);
  if (!r) return tl::make_unexpected(r.error());
  unique_fd fd(::open(r->fs_path.c_str(), flags | O_CLOEXEC | O_NOFOLLOW, mode));
  if (!fd) return tl::make_unexpected(last_errno());
  return fd;
}

}  // namespace l7::app
