// The POP3 server's configuration: [pop3] of l7.toml, and `capture` from [mail] (keys in
// app/default_config.cpp and docs/mail.md).
#pragma once

#include <chrono>
#include <filesystem>
#include <string>

namespace l7::app {
class config;
}

namespace l7::pop3::server {

struct settings {
  std::filesystem::path data_dir;
  bool capture = false;  // [mail] capture: every account's maildrop is the capture mailbox
  // RFC 1939 §3: an autologout timer of at least 10 minutes.
  std::chrono::milliseconds idle_timeout{600'000};
  std::chrono::milliseconds login_delay{1000};  // after a failed login
  unsigned max_login_failures = 3;
  std::size_t max_per_ip = 20;  // 0 = no limit
  bool allow_insecure_auth = false;  // USER/PASS and AUTH without TLS (loopback always may)
  std::string greeting = "l7 POP3 server ready";
  bool trace = false;
};

settings load_settings(const app::config& cfg, bool trace);

}  // namespace l7::pop3::server
