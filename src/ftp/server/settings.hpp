// The FTP server's configuration: the [ftp] section of l7.toml (keys documented in
// app/default_config.cpp and docs/ftp.md).
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>

namespace l7::app {
class config;
}

namespace l7::ftp::server {

struct settings {
  std::filesystem::path data_dir;        // accounts and homes live below it
  bool anonymous = false;  // "anonymous"/"ftp" may read anonymous_root (the embedded config says true)
  std::filesystem::path anonymous_root;  // absolute
  // Passive data ports: [passive_min, passive_max], or 0/0 for any port the kernel picks.
  std::uint16_t passive_min = 0;
  std::uint16_t passive_max = 0;
  std::string passive_address;  // IPv4 announced in 227 replies; "" = the control's own
  bool active = true;           // PORT / EPRT
  std::chrono::milliseconds idle_timeout{300'000};
  std::chrono::milliseconds data_timeout{60'000};
  std::chrono::milliseconds login_delay{1'000};
  unsigned max_login_failures = 3;
  std::size_t max_per_ip = 32;  // 0 = no limit
  bool require_tls_login = false;
  bool require_tls_session_reuse = false;
  bool sync_uploads = true;
  std::string banner = "l7 FTP server ready";
  std::size_t max_command_line = 4096;  // bytes without CR LF; longer lines get 500
  bool trace = false;
};

// Reads [ftp]; throws app::config_error for bad values.
settings load_settings(const app::config& cfg, bool trace);

}  // namespace l7::ftp::server
