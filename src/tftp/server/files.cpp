#include "tftp/server/files.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cstring>
#include <memory>
#include <vector>

#include "core/random.hpp"
#include "core/text.hpp"

namespace l7::tftp::server {
namespace {

std::error_code refused() { return app::make_error_code(app::jail_errc::outside_root); }

std::error_code last_errno() { return {errno, std::generic_category()}; }

bool has_dotdot_segment(std::string_view name) {
  std::size_t start = 0;
  for (std::size_t i = 0; i <= name.size(); ++i) {
    if (i == name.size() || name[i] == '/' || name[i] == '\\') {
      if (name.substr(start, i - start) == "..") return true;
      start = i + 1;
    }
  }
  return false;
}

std::string hex(std::span<const std::byte> b) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  for (auto x : b) {
    out += digits[std::to_integer<unsigned>(x) >> 4];
    out += digits[std::to_integer<unsigned>(x) & 15];
  }
  return out;
}

}  // namespace

std::error_code check_name(std::string_view name) {
  if (name.empty()) return refused();
  for (char c : name)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) return refused();
  if (name[0] == '/' || name[0] == '\\') return refused();
  if (name.size() >= 2 && is_alpha(name[0]) && name[1] == ':') return refused();  // C:\x
  if (has_dotdot_segment(name)) return refused();
  // A name is a literal file name, but a ".." hiding behind %2e%2e or %2f is still refused:
  // whatever decodes it later (a log viewer, a script) must not find a way out.
  if (name.find('%') != std::string_view::npos) {
    auto decoded = percent_decode(name);
    if (decoded && (has_dotdot_segment(*decoded) || (*decoded)[0] == '/' || (*decoded)[0] == '\\'))
      return refused();
  }
  return {};
}

std::uint16_t wire_code_for_file_error(std::error_code ec) {
  if (ec.category() == app::jail_category()) return wire::access_violation;
  if (ec == std::errc::permission_denied || ec == std::errc::operation_not_permitted ||
      ec == std::errc::too_many_symbolic_link_levels || ec == std::errc::not_a_directory)
    return wire::access_violation;
  if (ec == std::errc::no_such_file_or_directory || ec == std::errc::is_a_directory)
    return wire::file_not_found;
  if (ec == std::errc::file_exists) return wire::file_exists;
  if (ec == std::errc::no_space_on_device || ec == std::errc::file_too_large) return wire::disk_full;
  return wire::not_defined;
}

tl::expected<readable, std::error_code> open_for_read(const app::jail& root, std::string_view name) {
  if (auto ec = check_name(name)) return tl::make_unexpected(ec);
  auto fd = root.open_file(name, O_RDONLY | O_NONBLOCK);  // NONBLOCK: a FIFO must not hang us
  if (!fd) return tl::make_unexpected(fd.error());
  struct stat st {};
  if (::fstat(fd->get(), &st) != 0) return tl::make_unexpected(last_errno());
  if (!S_ISREG(st.st_mode)) return tl::make_unexpected(std::make_error_code(std::errc::is_a_directory));
  const int flags = ::fcntl(fd->get(), F_GETFL);
  if (flags >= 0) ::fcntl(fd->get(), F_SETFL, flags & ~O_NONBLOCK);
  ::posix_fadvise(fd->get(), 0, 0, POSIX_FADV_SEQUENTIAL);
  return readable{std::move(*fd), static_cast<std::uint64_t>(st.st_size)};
}

sender::source readable::source() && {
  struct state {
    app::unique_fd fd;
    std::vector<std::byte> buf = std::vector<std::byte>(64 * 1024);
    std::size_t pos = 0, len = 0;
    bool eof = false;
  };
  auto st = std::make_shared<state>();
  st->fd = std::move(fd);
  return [st](std::span<std::byte> out, std::error_code& ec) {
    std::size_t n = 0;
    while (n < out.size()) {
      if (st->pos == st->len) {
        if (st->eof) break;
        const ssize_t r = ::read(st->fd.get(), st->buf.data(), st->buf.size());
        if (r < 0 && errno == EINTR) continue;
        if (r < 0) {
          ec = last_errno();
          return n;
        }
        st->pos = 0;
        st->len = static_cast<std::size_t>(r);
        st->eof = r == 0;
        continue;
      }
      const std::size_t take = std::min(out.size() - n, st->len - st->pos);
      std::memcpy(out.data() + n, st->buf.data() + st->pos, take);
      st->pos += take;
      n += take;
    }
    return n;
  };
}

tl::expected<upload, std::error_code> upload::create(const app::jail& dir, std::string_view name,
                                                     bool overwrite) {
  if (auto ec = check_name(name)) return tl::make_unexpected(ec);
  auto target = dir.resolve(name);
  if (!target) return tl::make_unexpected(target.error());
  if (target->client_path == "/")
    return tl::make_unexpected(std::make_error_code(std::errc::is_a_directory));
  std::error_code ec;
  const auto st = std::filesystem::symlink_status(target->fs_path, ec);
  if (std::filesystem::exists(st)) {
    if (!overwrite) return tl::make_unexpected(std::make_error_code(std::errc::file_exists));
    if (!std::filesystem::is_regular_file(st))
      return tl::make_unexpected(std::make_error_code(std::errc::is_a_directory));
  }
  // The temporary name lives in the same directory, so the final rename stays atomic.
  std::array<std::byte, 8> rnd{};
  random_fill(rnd);
  const auto slash = target->client_path.rfind('/');
  const std::string temp_name = target->client_path.substr(0, slash + 1) + "." +
                                target->client_path.substr(slash + 1) + ".l7part-" + hex(rnd);
  auto fd = dir.open_file(temp_name, O_WRONLY | O_CREAT | O_EXCL, 0644);
  if (!fd) return tl::make_unexpected(fd.error());
  upload u;
  u.fd_ = std::move(*fd);
  u.temp_ = target->fs_path.parent_path() / std::filesystem::path(temp_name).filename();
  u.final_ = target->fs_path;
  u.overwrite_ = overwrite;
  return u;
}

upload::upload(upload&& o) noexcept
    : fd_(std::move(o.fd_)), temp_(std::move(o.temp_)), final_(std::move(o.final_)),
      overwrite_(o.overwrite_), committed_(std::exchange(o.committed_, true)) {}

upload::~upload() {
  if (!committed_ && !temp_.empty()) ::unlink(temp_.c_str());
}

void upload::write(std::span<const std::byte> data, std::error_code& ec) {
  while (!data.empty()) {
    const ssize_t r = ::write(fd_.get(), data.data(), data.size());
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) {
      ec = last_errno();
      return;
    }
    data = data.subspan(static_cast<std::size_t>(r));
  }
}

void upload::commit(std::error_code& ec) {
  // The last ACK says the file arrived: it must be on disk first.
  if (::fdatasync(fd_.get()) != 0) {
    ec = last_errno();
    return;
  }
  fd_.reset();
  // rename(2) replaces a symlink planted at the final name rather than following it.
  const unsigned flags = overwrite_ ? 0 : RENAME_NOREPLACE;
  if (::renameat2(AT_FDCWD, temp_.c_str(), AT_FDCWD, final_.c_str(), flags) != 0) {
    ec = last_errno();
    return;
  }
  committed_ = true;
}

}  // namespace l7::tftp::server
