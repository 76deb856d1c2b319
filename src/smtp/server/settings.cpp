#include "smtp/server/settings.hpp"

#include <unistd.h>

#include "app/config.hpp"
#include "core/text.hpp"

namespace l7::smtp::server {
namespace {

std::string host_name() {
  char buf[256] = {};
  if (::gethostname(buf, sizeof buf - 1) != 0 || buf[0] == '\0') return "localhost";
  return buf;
}

}  // namespace

settings load_settings(const app::config& cfg, bool trace) {
  settings s;
  s.data_dir = cfg.data_path(".");
  s.capture = cfg.get_bool("mail", "capture", s.capture);
  for (const auto& d : cfg.get_string_list("mail", "domains", {})) {
    if (d.empty() || d.find('@') != std::string::npos || d.find(' ') != std::string::npos)
      throw app::config_error("mail.domains: '" + d + "' is not a domain name");
    s.domains.push_back(to_lower(d));
  }
  s.quota_bytes = cfg.get_size("mail", "quota", s.quota_bytes);
  s.quota_messages = static_cast<std::uint64_t>(cfg.get_int("mail", "quota_messages", 0, 0, 1'000'000'000));
  s.hostname = cfg.get_string("smtp", "hostname", "");
  if (s.hostname.empty()) s.hostname = host_name();
  s.max_message_size = cfg.get_size("smtp", "max_message_size", s.max_message_size);
  if (s.max_message_size < 1024) throw app::config_error("smtp.max_message_size: at least 1k");
  s.max_recipients = static_cast<std::size_t>(cfg.get_int("smtp", "max_recipients", 100, 1, 100'000));
  s.max_errors = static_cast<unsigned>(cfg.get_int("smtp", "max_errors", s.max_errors, 1, 1000));
  s.max_auth_failures = static_cast<unsigned>(cfg.get_int("smtp", "max_auth_failures", s.max_auth_failures, 1, 100));
  s.auth_delay = cfg.get_duration("smtp", "auth_delay", s.auth_delay);
  s.command_timeout = cfg.get_duration("smtp", "command_timeout", s.command_timeout);
  s.data_timeout = cfg.get_duration("smtp", "data_timeout", s.data_timeout);
  s.max_per_ip = static_cast<std::size_t>(cfg.get_int("smtp", "max_per_ip", 20, 0, 1'000'000));
  s.delivery_threads = static_cast<unsigned>(cfg.get_int("smtp", "delivery_threads", s.delivery_threads, 1, 256));
  s.vrfy = cfg.get_bool("smtp", "vrfy", s.vrfy);
  s.allow_insecure_auth = cfg.get_bool("smtp", "allow_insecure_auth", s.allow_insecure_auth);
  s.auth_accept_any = cfg.get_bool("smtp", "auth_accept_any", s.auth_accept_any);
  s.trace = trace;

  s.relay_enabled = cfg.get_bool("smtp", "relay", s.relay_enabled);
  for (const auto& n : cfg.get_string_list("smtp", "relay_networks", {})) {
    auto p = ip_prefix::parse(n);
    if (!p) throw app::config_error("smtp.relay_networks: '" + n + "' is not an address or prefix");
    s.relay_networks.push_back(*p);
  }
  s.relay_resolver = cfg.get_string("smtp", "relay_resolver", "");
  auto& r = s.relay;
  r.queue_dir = cfg.data_path("queue/smtp");
  r.hostname = s.hostname;
  r.smarthost = cfg.get_string("smtp", "relay_host", "");
  r.smarthost_user = cfg.get_string("smtp", "relay_user", "");
  r.smarthost_password = cfg.get_string("smtp", "relay_password", "");
  r.port = static_cast<std::uint16_t>(cfg.get_int("smtp", "relay_port", r.port, 1, 65535));
  const auto tls = cfg.get_string("smtp", "relay_tls", "may");
  if (tls == "none") r.tls = relay::tls_policy::none;
  else if (tls == "may") r.tls = relay::tls_policy::may;
  else if (tls == "encrypt") r.tls = relay::tls_policy::encrypt;
  else if (tls == "verify") r.tls = relay::tls_policy::verify;
  else throw app::config_error("smtp.relay_tls: expected none, may, encrypt or verify");
  auto seconds = [&cfg](std::string_view key, std::chrono::seconds def, bool zero_ok) {
    const auto d = std::chrono::duration_cast<std::chrono::seconds>(
        cfg.get_duration("smtp", key, std::chrono::duration_cast<std::chrono::milliseconds>(def)));
    if (d.count() < (zero_ok ? 0 : 1)) throw app::config_error("smtp." + std::string(key) + ": at least 1s");
    return d;
  };
  r.retry_first = seconds("relay_retry_first", r.retry_first, false);
  r.retry_max = seconds("relay_retry_max", r.retry_max, false);
  r.max_queue_time = seconds("relay_max_queue_time", r.max_queue_time, false);
  r.delay_warning = seconds("relay_delay_warning", r.delay_warning, true);
  r.max_deliveries = static_cast<unsigned>(cfg.get_int("smtp", "relay_max_deliveries", r.max_deliveries, 1, 10'000));
  r.connect_timeout = cfg.get_duration("smtp", "relay_connect_timeout", r.connect_timeout);
  r.trace = trace;
  return s;
}

}  // namespace l7::smtp::server
