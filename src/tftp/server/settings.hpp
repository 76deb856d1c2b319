// The TFTP service's settings: the `[tftp]` section of l7.toml (docs/tftp.md lists every key).
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>

#include "tftp/codec/options.hpp"

namespace l7::app {
struct config;
}

namespace l7::tftp::server {

struct settings {
  // Read requests are served from `root` (read-only); write requests go to `upload_dir`,
  // and are refused with ERROR 2 when it is empty.
  std::filesystem::path root;
  std::filesystem::path upload_dir;
  bool allow_overwrite = false;  // false: a WRQ for an existing file gets ERROR 6
  std::uint64_t max_upload = 64ull << 20;  // bytes per upload (ERROR 3 beyond)
  std::size_t max_sessions = 256;          // transfers at once, all clients
  std::size_t max_sessions_per_ip = 16;    // transfers at once from one address
  server_policy policy;                    // blksize/windowsize caps, default timeout
  int retries = 5;                         // timeouts without progress before giving up
  bool trace = false;                      // log every packet
};

// Reads `[tftp]`; throws app::config_error naming the key on bad values.
settings load_settings(const app::config& cfg, bool trace);

}  // namespace l7::tftp::server
