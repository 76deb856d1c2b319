// Logging for every service: spdlog loggers named after the service, writing to stderr with
// time, level and name; and a separate access log on stdout in NCSA common/combined format.
//
// init_logging() may be called again (tests, config reload); it changes the level of every
// logger already handed out. logger() works before init_logging() (level "info"). All
// functions are thread-safe; loggers live until the process exits.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <spdlog/spdlog.h>

#include "app/config.hpp"

namespace l7::app {

// `level`: trace, debug, info, warn, error, critical or off (std::invalid_argument otherwise).
// `access_log` turns the stdout access log on or off; `access_format` is "combined" or
// "common" (std::invalid_argument otherwise).
void init_logging(std::string_view level, bool access_log = true,
                  std::string_view access_format = "combined");
void init_logging(const log_config& cfg);

// The logger of a service ("http", "ftp", ...), created on first use.
std::shared_ptr<spdlog::logger> logger(std::string_view service);

// One request, as the access log records it. Empty strings and a missing byte count print
// as "-".
struct access_record {
  std::string_view remote_ip;     // RFC 5952 text
  std::string_view user;          // authenticated user
  std::int64_t time_unix = 0;     // seconds since the epoch
  std::string_view request_line;  // "GET / HTTP/1.1"
  int status = 0;
  std::optional<std::uint64_t> bytes;  // body bytes sent
  std::string_view referer;
  std::string_view user_agent;
};

// Writes `r` to the access log in the configured format, if the access log is on.
void log_access(const access_record& r);

// NCSA common log format:
//   127.0.0.1 - bob [10/Oct/2000:13:55:36 +0000] "GET / HTTP/1.1" 200 2326
// Time in UTC. `"` and `\` are backslash-escaped, control and non-ASCII bytes become \xHH.
std::string format_common(std::string_view remote_ip, std::string_view user,
                          std::int64_t time_unix, std::string_view request_line, int status,
                          std::optional<std::uint64_t> bytes);
// NCSA combined: common plus "referer" "user-agent".
std::string format_combined(std::string_view remote_ip, std::string_view user,
                            std::int64_t time_unix, std::string_view request_line, int status,
                            std::optional<std::uint64_t> bytes, std::string_view referer,
                            std::string_view user_agent);

}  // namespace l7::app
