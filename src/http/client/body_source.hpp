// A request body: bytes in memory, a regular file streamed from disk, or a stream that can be
// read only once (standard input, a pipe). Reads are blocking; they are local files, and the
// client reads them in pieces between network writes.
// Owns the file descriptor it opened (not standard input). Move-only.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <system_error>

namespace l7::http::client {

class body_source {
 public:
  static body_source from_string(std::string data);
  // A regular file has a known size and can be sent again (redirect, retry); anything else
  // (FIFO, character device) is read once with an unknown length. Errors: open/fstat errno.
  static std::optional<body_source> from_file(const std::filesystem::path& path,
                                              std::error_code& ec);
  // File descriptor 0, read once, unknown length.
  static body_source from_stdin();

  body_source(body_source&& other) noexcept;
  body_source& operator=(body_source&&) = delete;
  body_source(const body_source&) = delete;
  body_source& operator=(const body_source&) = delete;
  ~body_source();

  // Total length when known up front (memory, regular file).
  std::optional<std::uint64_t> size() const { return size_; }
  bool rewindable() const { return rewindable_; }
  // Back to the first byte; body_not_rewindable when a read-once stream was already read.
  std::error_code rewind();
  // Reads the whole (remaining) body into memory, so that it has a size and can be sent again:
  // for HTTP/1.0, which has no chunked framing. Errors: read errno; the source is unchanged.
  std::error_code load();
  // Fills up to out.size() bytes; returns 0 at the end. Errors: read errno, or EIO when a
  // regular file shrank while it was being sent.
  std::size_t read(std::span<std::byte> out, std::error_code& ec);

 private:
  body_source() = default;

  std::string memory_;
  int fd_ = -1;
  bool owns_fd_ = false;
  bool from_memory_ = false;
  bool rewindable_ = true;
  bool started_ = false;
  std::optional<std::uint64_t> size_;
  std::uint64_t offset_ = 0;
};

}  // namespace l7::http::client
