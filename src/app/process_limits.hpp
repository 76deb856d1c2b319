// Process-wide limits a long-running server sets for itself at start.
#pragma once

#include <cstdint>

namespace l7::app {

struct open_file_limit {
  std::uint64_t before = 0;  // the soft limit the process started with
  std::uint64_t now = 0;     // the soft limit after raising it (RLIM_INFINITY as UINT64_MAX)
};

// Raises the soft limit on open files (RLIMIT_NOFILE) to the hard limit. Every connection is a
// descriptor, and the soft limit a shell or service manager hands out is often 1024 (systemd's
// default, kept low for programs that still use select(2)); l7 waits with epoll only, so the
// hard limit is safe. Children started later (none today) would inherit the raised limit.
// On failure the limit stays as it was and `now == before`.
open_file_limit raise_open_file_limit();

}  // namespace l7::app
