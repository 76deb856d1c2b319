#include "http/client/body_source.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <utility>
#include <vector>

#include "http/client/error.hpp"

namespace l7::http::client {
namespace {

std::error_code last_errno() { return {errno, std::system_category()}; }

}  // namespace

body_source body_source::from_string(std::string data) {
  body_source b;
  b.size_ = data.size();
  b.memory_ = std::move(data);
  b.from_memory_ = true;
  return b;
}

std::optional<body_source> body_source::from_file(const std::filesystem::path& path,
                                                  std::error_code& ec) {
  ec = {};
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    ec = last_errno();
    return std::nullopt;
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    ec = last_errno();
    ::close(fd);
    return std::nullopt;
  }
  body_source b;
  b.fd_ = fd;
  b.owns_fd_ = true;
  b.rewindable_ = S_ISREG(st.st_mode);
  if (b.rewindable_) b.size_ = static_cast<std::uint64_t>(st.st_size);
  return b;
}

body_source body_source::from_stdin() {
  body_source b;
  b.fd_ = STDIN_FILENO;
  b.rewindable_ = false;
  return b;
}

body_source::body_source(body_source&& other) noexcept
    : memory_(std::move(other.memory_)),
      fd_(std::exchange(other.fd_, -1)),
      owns_fd_(std::exchange(other.owns_fd_, false)),
      from_memory_(other.from_memory_),
      rewindable_(other.rewindable_),
      started_(other.started_),
      size_(other.size_),
      offset_(other.offset_) {}

body_source::~body_source() {
  if (owns_fd_ && fd_ >= 0) ::close(fd_);
}

std::error_code body_source::rewind() {
  if (!rewindable_ && started_) return error::body_not_rewindable;
  offset_ = 0;
  return {};
}

std::error_code body_source::load() {
  std::string all;
  std::vector<std::byte> piece(64 * 1024);
  std::error_code ec;
  while (const auto n = read(piece, ec)) all.append(reinterpret_cast<const char*>(piece.data()), n);
  if (ec) return ec;
  if (owns_fd_) ::close(fd_);
  fd_ = -1;
  owns_fd_ = false;
  memory_ = std::move(all);
  from_memory_ = rewindable_ = true;
  started_ = false;
  size_ = memory_.size();
  offset_ = 0;
  return {};
}

std::size_t body_source::read(std::span<std::byte> out, std::error_code& ec) {
  ec = {};
  started_ = true;
  if (from_memory_) {
    const auto n = std::min<std::size_t>(out.size(), memory_.size() - offset_);
    std::memcpy(out.data(), memory_.data() + offset_, n);
    offset_ += n;
    return n;
  }
  if (size_) {
    const auto left = *size_ - offset_;
    if (left == 0) return 0;
    out = out.first(static_cast<std::size_t>(std::min<std::uint64_t>(out.size(), left)));
  }
  for (;;) {
    const auto got = rewindable_ ? ::pread(fd_, out.data(), out.size(), static_cast<off_t>(offset_))
                                 : ::read(fd_, out.data(), out.size());
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) {
      ec = last_errno();
      return 0;
    }
    // A regular file that shrank would leave the promised Content-Length unmet.
    if (got == 0 && size_ && !out.empty()) ec = std::error_code(EIO, std::system_category());
    offset_ += static_cast<std::uint64_t>(got);
    return static_cast<std::size_t>(got);
  }
}

}  // namespace l7::http::client
