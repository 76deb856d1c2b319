// The relay's configuration ([smtp] relay_* keys, docs/mail.md); a header of its own so that
// the SMTP server's settings can hold it without the relay's dependencies.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>

namespace l7::smtp::relay {

enum class tls_policy {
  none,     // never STARTTLS
  may,      // STARTTLS when offered, certificate not checked (RFC 7435 opportunistic)
  encrypt,  // STARTTLS required, certificate not checked
  verify,   // STARTTLS required and the certificate verified against the system CAs
};

struct settings {
  std::filesystem::path queue_dir;  // <data>/queue/smtp
  std::string hostname;             // EHLO name, Reporting-MTA, loop detection
  std::string smarthost;            // "host" or "host:port": every message goes there ("" = MX)
  std::string smarthost_user, smarthost_password;  // AUTH at the smarthost
  std::uint16_t port = 25;          // of MX hosts (tests move it)
  tls_policy tls = tls_policy::may;
  std::chrono::seconds retry_first{300};   // after the first failed attempt; doubles
  std::chrono::seconds retry_max{3600};
  std::chrono::seconds max_queue_time{5 * 24 * 3600};  // then bounce (RFC 5321 §4.5.4.1: 4-5 days)
  std::chrono::seconds delay_warning{4 * 3600};        // one "delayed" DSN (NOTIFY=DELAY); 0 = off
  unsigned max_deliveries = 20;     // messages in delivery at once
  unsigned max_addresses = 10;      // MX addresses tried per domain and attempt
  std::chrono::milliseconds connect_timeout{30'000};
  std::chrono::milliseconds command_timeout{300'000};  // each reply (RFC 5321 §4.5.3.2 minimums)
  bool trace = false;
};

}  // namespace l7::smtp::relay
