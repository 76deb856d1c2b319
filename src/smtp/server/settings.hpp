// The SMTP server's configuration: the [smtp] section (this server) and the [mail] section
// (what the mail services share: capture mode, local domains, quotas) of l7.toml; keys are
// documented in app/default_config.cpp and docs/mail.md.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "core/ip_prefix.hpp"
#include "smtp/relay/relay_settings.hpp"

namespace l7::app {
class config;
}

namespace l7::smtp::server {

struct settings {
  std::filesystem::path data_dir;
  // [mail]
  bool capture = false;              // accept and keep every message, relay nothing
  std::vector<std::string> domains;  // local domains (lower case): user@domain -> account
  std::uint64_t quota_bytes = 0;     // per account; 0 = none
  std::uint64_t quota_messages = 0;
  // [smtp]
  std::string hostname;  // in the greeting, EHLO and Received: (default: the host's name)
  std::uint64_t max_message_size = 35ull << 20;  // SIZE (RFC 1870)
  std::size_t max_recipients = 100;              // RFC 5321 §4.5.3.1.8: at least 100
  unsigned max_errors = 10;                      // bad commands before 421
  unsigned max_auth_failures = 3;
  std::chrono::milliseconds auth_delay{1000};    // after a failed AUTH
  std::chrono::milliseconds command_timeout{300'000};  // RFC 5321 §4.5.3.2.7: 5 minutes
  std::chrono::milliseconds data_timeout{600'000};     // whole DATA/BDAT transfer
  std::size_t max_per_ip = 20;                         // 0 = no limit
  unsigned delivery_threads = 8;  // deliveries (fsync) and password checks at once
  bool vrfy = false;                  // answer VRFY for local accounts (else 252)
  bool allow_insecure_auth = false;   // AUTH without TLS (always allowed from loopback)
  bool auth_accept_any = false;       // capture: AUTH succeeds with any credentials
  bool trace = false;
  // Relaying to other domains (capture = false): for authenticated users and relay_networks.
  bool relay_enabled = true;
  std::vector<ip_prefix> relay_networks;  // clients that may relay without AUTH (none)
  std::string relay_resolver;             // "" = our DNS service, else /etc/resolv.conf's
  relay::settings relay;
};

// Reads [mail] and [smtp]; throws app::config_error for bad values.
settings load_settings(const app::config& cfg, bool trace);

}  // namespace l7::smtp::server
