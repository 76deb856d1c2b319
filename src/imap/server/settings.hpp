// The IMAP server's configuration: [imap] of l7.toml, and `capture` from [mail] (keys in
// app/default_config.cpp and docs/imap.md).
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>

namespace l7::app {
class config;
}

namespace l7::imap::server {

struct settings {
  std::filesystem::path data_dir;
  bool capture = false;  // [mail] capture: every account sees the capture mailbox as INBOX
  // RFC 9051 §5.4: an autologout timer of at least 30 minutes once logged in (IDLE included:
  // clients renew IDLE before 29 minutes pass); before login a shorter one.
  std::chrono::milliseconds idle_timeout{30 * 60'000};
  std::chrono::milliseconds login_timeout{60'000};
  std::chrono::milliseconds login_delay{1000};  // after a failed login
  unsigned max_login_failures = 3;
  std::size_t max_per_ip = 20;  // 0 = no limit
  bool allow_insecure_auth = false;  // LOGIN and AUTHENTICATE without TLS (loopback always may)
  std::uint64_t max_message = 64ull << 20;  // APPENDLIMIT (RFC 7889); also the literal limit
  std::size_t max_line = 64 * 1024;         // one command line without its literals
  std::string greeting = "l7 IMAP server ready";
  bool trace = false;
};

settings load_settings(const app::config& cfg, bool trace);

}  // namespace l7::imap::server
