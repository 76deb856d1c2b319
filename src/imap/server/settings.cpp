#include "imap/server/settings.hpp"

#include "app/config.hpp"

namespace l7::imap::server {

settings load_settings(const app::config& cfg, bool trace) {
  settings s;
  s.data_dir = cfg.data_path(".");
  s.capture = cfg.get_bool("mail", "capture", s.capture);
  s.idle_timeout = cfg.get_duration("imap", "idle_timeout", s.idle_timeout);
  if (s.idle_timeout < std::chrono::minutes(1)) s.idle_timeout = std::chrono::minutes(1);
  s.login_timeout = cfg.get_duration("imap", "login_timeout", s.login_timeout);
  s.login_delay = cfg.get_duration("imap", "login_delay", s.login_delay);
  s.max_login_failures = static_cast<unsigned>(cfg.get_int("imap", "max_login_failures", 3, 1, 100));
  s.max_per_ip = static_cast<std::size_t>(cfg.get_int("imap", "max_per_ip", 20, 0, 1'000'000));
  s.allow_insecure_auth = cfg.get_bool("imap", "allow_insecure_auth", s.allow_insecure_auth);
  s.max_message = cfg.get_size("imap", "max_message_size", s.max_message);
  if (s.max_message < 1024) throw app::config_error("imap.max_message_size: at least 1k");
  s.trace = trace;
  return s;
}

}  // namespace l7::imap::server
