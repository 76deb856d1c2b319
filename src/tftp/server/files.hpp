// The files behind TFTP requests: names checked and resolved in an app::jail, reads from
// the public root, uploads written to a temporary name and renamed into place at the end
// (an upload that fails leaves nothing behind).
#pragma once

#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>
#include <system_error>

#include <tl/expected.hpp>

#include "app/jail.hpp"
#include "tftp/codec/sender.hpp"

namespace l7::tftp::server {

// A file name a client may use: not absolute ("/x", "\x", "C:x"), no ".." segment whether
// split on '/' or '\' and whether percent-encoded or not, no control characters. Refusals
// are app::jail_errc::outside_root (answered with ERROR 2).
std::error_code check_name(std::string_view name);

// The ERROR code for a failure to open or create a file: 2 for jail refusals and EACCES,
// 1 for missing files, 6 for existing ones, 3 for a full disk, 0 otherwise.
std::uint16_t wire_code_for_file_error(std::error_code ec);

// A file opened for a read request.
struct readable {
  app::unique_fd fd;
  std::uint64_t size = 0;
  // Reads sequentially through a buffer (one read(2) per 64 KiB, not per block).
  sender::source source() &&;
};
// Errors: check_name()'s, the jail's, ENOENT, EACCES; EISDIR for anything but a regular file.
tl::expected<readable, std::error_code> open_for_read(const app::jail& root, std::string_view name);

class upload {
 public:
  // Creates `<dir>/.<file>.l7part-<random>` next to `name`. Errors: check_name()'s, the
  // jail's, EEXIST when `name` exists and !overwrite, ENOENT when its directory does not.
  static tl::expected<upload, std::error_code> create(const app::jail& dir, std::string_view name,
                                                      bool overwrite);
  upload(upload&&) noexcept;
  upload& operator=(upload&&) = delete;
  ~upload();  // removes the temporary file unless commit() succeeded

  void write(std::span<const std::byte> data, std::error_code& ec);
  // Flushes and renames the file into place (without replacing an existing file unless
  // overwriting is allowed: EEXIST then).
  void commit(std::error_code& ec);
  const std::filesystem::path& path() const { return final_; }

 private:
  upload() = default;
  app::unique_fd fd_;
  std::filesystem::path temp_, final_;
  bool overwrite_ = false;
  bool committed_ = false;
};

}  // namespace l7::tftp::server
