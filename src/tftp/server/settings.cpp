#include "tftp/server/settings.hpp"

#include <fmt/format.h>

#include "app/config.hpp"

namespace l7::tftp::server {
namespace {

constexpr std::string_view sec = "tftp";

}  // namespace

settings load_settings(const app::config& cfg, bool trace) {
  settings s;
  s.root = cfg.data_path(cfg.get_string(sec, "root", "public"));
  if (auto up = cfg.get_string(sec, "upload_dir", ""); !up.empty()) s.upload_dir = cfg.data_path(up);
  s.allow_overwrite = cfg.get_bool(sec, "allow_overwrite", s.allow_overwrite);
  s.max_upload = cfg.get_size(sec, "max_upload", s.max_upload);
  s.max_sessions = static_cast<std::size_t>(cfg.get_int(sec, "max_sessions", 256, 1, 100000));
  s.max_sessions_per_ip = static_cast<std::size_t>(cfg.get_int(sec, "max_sessions_per_ip", 16, 1, 100000));
  s.policy.max_blksize = static_cast<std::uint16_t>(
      cfg.get_int(sec, "max_blksize", max_blksize, min_blksize, max_blksize));
  s.policy.max_windowsize =
      static_cast<std::uint16_t>(cfg.get_int(sec, "max_windowsize", 64, 1, max_windowsize));
  s.policy.max_window_bytes = cfg.get_size(sec, "max_window_bytes", s.policy.max_window_bytes);
  if (s.policy.max_window_bytes < max_blksize)
    throw app::config_error(
        fmt::format("tftp.max_window_bytes: at least {} (one largest block)", max_blksize));
  s.policy.timeout = cfg.get_duration(sec, "timeout", s.policy.timeout);
  if (s.policy.timeout < std::chrono::milliseconds(10) || s.policy.timeout > std::chrono::seconds(255))
    throw app::config_error("tftp.timeout: expected 10ms..255s");
  s.policy.max_upload = s.max_upload;
  s.retries = static_cast<int>(cfg.get_int(sec, "retries", 5, 0, 100));
  s.trace = trace;
  return s;
}

}  // namespace l7::tftp::server
