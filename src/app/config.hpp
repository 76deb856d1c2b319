// The l7 configuration: one TOML file (l7.toml), or the embedded default when there is none.
//
// load_config() parses and validates the file into a `config` value that owns everything it
// refers to. Shared settings (data directory, workers, logging, TLS files, listeners) become
// typed fields; every protocol module reads its own section (`[http]`, later `[dns]`, ...) with
// the typed getters, which apply the module's defaults and throw config_error naming the key
// ("http.header_timeout: expected a duration like \"10s\"") when a value has the wrong type.
//
// Listeners: `listeners` holds one entry per known service (see known_services()), in table
// order. A service present in `[services]` is enabled unless it says `enabled = false`; a
// known service missing from a user's file is listed with its default port and disabled.
// Unknown services and unknown keys produce warnings in `config::warnings`, never errors.
//
// Errors: config_error for unreadable files, TOML syntax errors (with line and column), values
// of the wrong type or out of range, and bad overrides. Nothing here logs; callers print.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <toml++/toml.h>

namespace l7::app {

class config_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// One row of the service table: every listener l7 knows, its default port, whether it speaks
// implicit TLS, and the protocol section (`[http]`, ...) its module reads.
struct service_info {
  std::string_view name;
  std::uint16_t port;
  bool tls;
  std::string_view section;
};

// The known services in a fixed order; the embedded default enables exactly these.
std::span<const service_info> known_services();

// The embedded default l7.toml, with comments (what `l7 config default` prints).
std::string_view default_config_text();

struct log_config {
  std::string level = "info";     // trace, debug, info, warn, error, critical, off
  bool access_log = true;         // NCSA lines on stdout
  std::string format = "combined";  // access-log format: "combined" or "common"
};

struct tls_config {
  std::filesystem::path cert;  // PEM certificate chain
  std::filesystem::path key;   // PEM private key
  // True when the file named neither: cert/key point at <data>/tls/{cert,key}.pem and the net
  // layer generates a self-signed pair there on first run.
  bool self_signed = true;
};

struct listener_config {
  std::string service;
  std::uint16_t port = 0;                 // 0 picks a free port
  std::vector<std::string> addresses;     // RFC 5952 text; "::" is dual-stack
  bool tls = false;                       // implicit TLS on accept
  bool enabled = false;
  std::size_t max_connections = 10000;    // 0 = no limit
};

struct config {
  std::filesystem::path data_dir;
  unsigned workers = 0;  // 0 = one per core
  log_config log;
  tls_config tls;
  std::vector<listener_config> listeners;
  toml::table raw;                    // the parsed file, for the protocol sections
  std::vector<std::string> warnings;  // non-fatal findings, one sentence each

  // The number of worker threads to start: `workers`, or one per core when 0.
  unsigned worker_count() const;
  // The listener of `service`, or nullptr for an unknown name.
  const listener_config* listener(std::string_view service) const;
  // `p` when absolute, else data_dir / p (how `[http] root = "public"` is meant).
  std::filesystem::path data_path(const std::filesystem::path& p) const;

  // The table `name` ("http", or dotted like "ftp.passive"); nullptr when absent.
  // Throws config_error when `name` exists but is not a table.
  const toml::table* section(std::string_view name) const;

  // Typed getters: the value of `section.key`, or `def` when the section or key is absent.
  // Throw config_error naming `section.key` when the value has the wrong type or range.
  std::string get_string(std::string_view section, std::string_view key,
                         std::string_view def) const;
  bool get_bool(std::string_view section, std::string_view key, bool def) const;
  std::int64_t get_int(std::string_view section, std::string_view key, std::int64_t def) const;
  // The same, refused unless lo <= value <= hi ("section.key: expected an integer lo..hi").
  std::int64_t get_int(std::string_view section, std::string_view key, std::int64_t def,
                       std::int64_t lo, std::int64_t hi) const;
  // An array of strings (a single string is taken as a one-element array).
  std::vector<std::string> get_string_list(std::string_view section, std::string_view key,
                                           const std::vector<std::string>& def) const;
  // Integer seconds or a string: "500ms", "10s", "2m", "1h", "30" (seconds).
  std::chrono::milliseconds get_duration(std::string_view section, std::string_view key,
                                         std::chrono::milliseconds def) const;
  // Integer bytes or a string with a 1024-based suffix: "64MiB", "512k", "100".
  std::uint64_t get_size(std::string_view section, std::string_view key,
                         std::uint64_t def) const;

  // Command-line overrides, applied after loading.
  // "NAME=PORT": sets the port of a known service. Throws config_error on a malformed value,
  // a port outside 0..65535, or an unknown name (the message lists the known names).
  void apply_port_override(std::string_view spec);
  // Enables the named services and disables every other one. Throws config_error on an
  // unknown name; nothing changes then.
  void apply_only(const std::vector<std::string>& names);
  // Replaces data_dir; default TLS file locations follow it.
  void set_data_dir(std::filesystem::path dir);
};

// Parses a duration ("500ms", "10s", "2m", "1h", "30" = seconds); nullopt when malformed or
// too large.
std::optional<std::chrono::milliseconds> parse_duration(std::string_view text);

// Loads `file`, or the embedded default when nullopt. Throws config_error.
config load_config(const std::optional<std::filesystem::path>& file);
// Parses TOML text; `source` names it in error messages (a file name or "<default>").
config parse_config(std::string_view text, std::string_view source);

}  // namespace l7::app
