// What the FTP server tells clients about files: lstat(2) turned into listing facts. Symlinks
// are shown as links, never followed for a listing, so a listing never reveals anything about
// what a link points at.
#pragma once

#include <cerrno>
#include <filesystem>
#include <optional>
#include <string>
#include <system_error>
#include <vector>

#include "ftp/codec/listing.hpp"

namespace l7::ftp::server {

std::optional<file_facts> facts_of(const std::filesystem::path& p, std::string name, std::error_code& ec);

// The entries of `dir` sorted by name ("." and ".." left out); names starting with '.' only
// when `hidden`. Entries that vanish while listing are skipped.
std::vector<file_facts> list_directory(const std::filesystem::path& dir, bool hidden, std::error_code& ec);

// errno as an error code, right after a failed system call.
inline std::error_code last_errno() { return {errno, std::generic_category()}; }

// Reads and writes that go through user space (TLS, TYPE A, uploads) move this much at a time.
inline constexpr std::size_t io_chunk = 256 * 1024;

// The reply text for a filesystem or jail error: "No such file or directory." etc.
std::string describe_fs_error(std::error_code ec);

}  // namespace l7::ftp::server
