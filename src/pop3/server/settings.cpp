#include "pop3/server/settings.hpp"

#include "app/config.hpp"

namespace l7::pop3::server {

settings load_settings(const app::config& cfg, bool trace) {
  settings s;
  s.data_dir = cfg.data_path(".");
  s.capture = cfg.get_bool("mail", "capture", s.capture);
  s.idle_timeout = cfg.get_duration("pop3", "idle_timeout", s.idle_timeout);
  s.login_delay = cfg.get_duration("pop3", "login_delay", s.login_delay);
  s.max_login_failures = static_cast<unsigned>(cfg.get_int("pop3", "max_login_failures", 3, 1, 100));
  s.max_per_ip = static_cast<std::size_t>(cfg.get_int("pop3", "max_per_ip", 20, 0, 1'000'000));
  s.allow_insecure_auth = cfg.get_bool("pop3", "allow_insecure_auth", s.allow_insecure_auth);
  s.trace = trace;
  return s;
}

}  // namespace l7::pop3::server
