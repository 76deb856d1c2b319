// A file jail: maps the paths clients name (FTP, HTTP, TFTP, mail stores) to files below one
// root directory, and refuses anything that would leave it.
//
// Client paths are '/'-separated and relative to the root; a leading '/' means the root (as
// FTP and HTTP clients send). Percent-decoding is the caller's job: decode first, then ask.
// Rules, in order:
//   - a NUL byte anywhere                      -> jail_errc::invalid_path
//   - "." and empty segments are dropped, ".." removes the previous segment (lexically, like
//     RFC 3986 §5.2.4); a ".." that would climb above the root -> jail_errc::outside_root
//   - the existing part of the path is resolved with its symlinks and must stay inside the
//     canonical root; a symlink leading outside, or a dangling one -> jail_errc::symlink_escape
//   - a path that does not exist yet (an upload) is allowed when its existing part is inside.
// Filesystem errors met on the way (EACCES, ELOOP, ENOTDIR, ...) come back as system codes.
//
// Limitation (TOCTOU): resolve() checks names, not file descriptors. A local user who can
// rename or plant symlinks inside the root between resolve() and a later open() can redirect
// that open. open_file() closes this gap where the kernel has openat2(2) (Linux 5.6+): the
// kernel itself resolves the path with RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS. Under
// openat2, absolute symlinks are refused even when they point back inside the root; relative
// symlinks that stay inside work in both modes. Without openat2 it falls back to resolve()
// then open() with O_NOFOLLOW on the final component.
//
// A jail is immutable after construction and safe to share between threads.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include <tl/expected.hpp>

#include "app/unique_fd.hpp"

namespace l7::app {

enum class jail_errc {
  invalid_path = 1,  // NUL byte in the path
  outside_root,      // ".." above the root
  symlink_escape,    // a symlink leads outside the root, or nowhere
};
const std::error_category& jail_category();
std::error_code make_error_code(jail_errc e);

struct resolved_path {
  std::filesystem::path fs_path;  // absolute; the existing prefix has its symlinks resolved
  std::string client_path;        // normalized: "/" or "/a/b" (no trailing '/')
};

class jail {
 public:
  enum class open_strategy {
    automatic,          // openat2 when the kernel has it, else resolve_then_open
    resolve_then_open,  // always the portable fallback (used by tests)
  };

  // `root` must exist; it is canonicalized here. Throws std::filesystem::filesystem_error.
  explicit jail(const std::filesystem::path& root,
                open_strategy strategy = open_strategy::automatic);

  const std::filesystem::path& root() const { return root_; }

  tl::expected<resolved_path, std::error_code> resolve(std::string_view client_path) const;

  // open(2) of a client path inside the jail; `flags` as for open(2) (O_CLOEXEC is added),
  // `mode` is used with O_CREAT. Jail violations come back as jail_errc, others as errno.
  tl::expected<unique_fd, std::error_code> open_file(std::string_view client_path, int flags,
                                                     mode_t mode = 0644) const;

  // The lexical step alone: the normalized segments of `client_path`, or invalid_path /
  // outside_root.
  static tl::expected<std::vector<std::string>, std::error_code> normalize(
      std::string_view client_path);

  // Whether openat2(2) works on this kernel (probed once).
  static bool openat2_supported();

 private:
  tl::expected<unique_fd, std::error_code> open_beneath(const std::string& relative, int flags,
                                                        mode_t mode) const;
  bool inside(const std::filesystem::path& p) const;

  std::filesystem::path root_;
  open_strategy strategy_;
};

}  // namespace l7::app

template <>
struct std::is_error_code_enum<l7::app::jail_errc> : std::true_type {};
