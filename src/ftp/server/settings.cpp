#include "ftp/server/settings.hpp"

#include "app/config.hpp"
#include "core/ip_address.hpp"

namespace l7::ftp::server {

settings load_settings(const app::config& cfg, bool trace) {
  settings s;
  s.data_dir = cfg.data_path(".");
  s.anonymous = cfg.get_bool("ftp", "anonymous", s.anonymous);
  s.anonymous_root = cfg.data_path(cfg.get_string("ftp", "anonymous_root", "public"));
  if (const auto* ports = cfg.section("ftp") ? cfg.section("ftp")->get_as<toml::array>("passive_ports") : nullptr) {
    auto lo = ports->size() == 2 ? ports->get_as<std::int64_t>(0) : nullptr;
    auto hi = ports->size() == 2 ? ports->get_as<std::int64_t>(1) : nullptr;
    if (!lo || !hi || lo->get() < 1024 || hi->get() > 65535 || lo->get() > hi->get())
      throw app::config_error(
          "ftp.passive_ports: expected [low, high] within 1024..65535 (leave it out for any port)");
    s.passive_min = static_cast<std::uint16_t>(lo->get());
    s.passive_max = static_cast<std::uint16_t>(hi->get());
  }
  s.passive_address = cfg.get_string("ftp", "passive_address", s.passive_address);
  if (!s.passive_address.empty()) {
    auto a = ip_address::parse(s.passive_address);
    if (!a || !a->is_v4())
      throw app::config_error("ftp.passive_address: expected an IPv4 address (227 replies carry IPv4 only)");
  }
  s.active = cfg.get_bool("ftp", "active", s.active);
  s.idle_timeout = cfg.get_duration("ftp", "idle_timeout", s.idle_timeout);
  s.data_timeout = cfg.get_duration("ftp", "data_timeout", s.data_timeout);
  s.login_delay = cfg.get_duration("ftp", "login_delay", s.login_delay);
  s.max_login_failures = static_cast<unsigned>(cfg.get_int("ftp", "max_login_failures", s.max_login_failures, 1, 100));
  s.max_per_ip = static_cast<std::size_t>(
      cfg.get_int("ftp", "max_per_ip", static_cast<std::int64_t>(s.max_per_ip), 0, 1'000'000));
  s.require_tls_login = cfg.get_bool("ftp", "require_tls_login", s.require_tls_login);
  s.require_tls_session_reuse = cfg.get_bool("ftp", "require_tls_session_reuse", s.require_tls_session_reuse);
  s.sync_uploads = cfg.get_bool("ftp", "sync_uploads", s.sync_uploads);
  s.banner = cfg.get_string("ftp", "banner", s.banner);
  s.trace = trace;
  return s;
}

}  // namespace l7::ftp::server
