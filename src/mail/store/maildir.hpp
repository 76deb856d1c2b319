// Maildir files (cr.yp.to/proto/maildir.html, with Dovecot's extensions): unique names, the
// durable tmp/ -> new/ delivery, info ":2,<letters>" renames and directory scans. Internal to
// the store; every function is a plain system-call sequence with no shared state except the
// per-process delivery counter (atomic).
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

namespace l7::mail::detail {

namespace fs = std::filesystem;
using clock = std::chrono::system_clock;

// "<sec>.M<usec>P<pid>Q<counter>.<host>,S=<size>": unique per delivery on this host (the
// counter is per process and atomic); ',' and '/' and ':' in the host are escaped as \054,
// \057 and \072 like Dovecot does.
std::string unique_name(std::uint64_t size);
// The part before ':' (what the index keys on; flag renames keep it).
std::string_view base_of(std::string_view file_name);
// The letters after ":2," (empty when the name has no info).
std::string_view letters_of(std::string_view file_name);
// ",S=<n>" from the base name.
std::optional<std::uint64_t> size_from_name(std::string_view file_name);
// Dovecot's ",W=<size>": the size with CRLF line ends, when another program wrote bare LFs.
std::optional<std::uint64_t> wire_size_from_name(std::string_view file_name);
// The size of the file as IMAP sends it (RFC822.SIZE): every bare LF counts as CRLF. Reads the
// file; `file_size` when it cannot.
std::uint64_t wire_size_of_file(const std::filesystem::path& file, std::uint64_t file_size);
// Sort key in delivery order: seconds, microseconds, counter from the name (zeros when absent).
struct order_key {
  std::uint64_t sec = 0, usec = 0, counter = 0;
  std::string name;
  friend auto operator<=>(const order_key&, const order_key&) = default;
};
order_key order_of(std::string_view file_name);

// Creates cur/ new/ tmp/ (and the "maildirfolder" marker for a Maildir++ folder).
std::error_code make_maildir(const fs::path& dir, bool folder);
bool is_maildir(const fs::path& dir);
std::error_code fsync_dir(const fs::path& dir);

// Writes `message` into dir/tmp/<base> (a unique_name()), fsyncs it, sets its mtime to `mtime` (the internal
// date, so an index rebuild finds it), renames it to dir/new/<base> (or dir/cur/<base>:2,
// <letters> when `letters` is given) and fsyncs that directory. On success `rel` is the
// path relative to dir ("new/<base>"); on failure nothing is left behind.
std::error_code write_message(const fs::path& dir, std::string_view message, clock::time_point mtime,
                              const std::optional<std::string>& letters, const std::string& base,
                              std::string& rel);

// A file found by scan(): its path relative to the Maildir ("new/x" or "cur/x:2,S").
struct found_file {
  std::string rel;
  std::string base;
};
// Lists new/ and cur/ (names starting with '.' are skipped). Error when either is unreadable.
std::error_code scan(const fs::path& dir, std::vector<found_file>& out);

// Removes files in tmp/ older than 36 hours (left by writers that died; the Maildir rule).
void clean_tmp(const fs::path& dir);

// The relative path a message with `base` gets in cur/ with these letters.
std::string cur_name(std::string_view base, std::string_view letters);

}  // namespace l7::mail::detail
