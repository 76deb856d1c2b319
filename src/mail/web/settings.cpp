#include "mail/web/settings.hpp"

#include <algorithm>
#include <string>
#include <vector>

namespace l7::mail::web {

settings load_settings(const app::config& cfg) {
  settings s;
  s.web = cfg.get_bool("mail", "web", s.web);
  const std::vector<std::string> def{"127.0.0.0/8", "::1",      "10.0.0.0/8", "172.16.0.0/12",
                                     "192.168.0.0/16", "fc00::/7", "fe80::/10"};
  std::string bad;
  auto acl = ip_acl::parse(cfg.get_string_list("mail", "web_allow", def), &bad);
  if (!acl)
    throw app::config_error("mail.web_allow: \"" + bad + "\" is not an address or prefix like \"10.0.0.0/8\"");
  s.allow = std::move(*acl);
  using std::chrono::milliseconds;
  const auto io = cfg.get_duration("http", "io_timeout", milliseconds(60'000));
  // A second of margin: the answer must be out before the HTTP service gives up.
  const auto usable = std::max(milliseconds(1'000), io - milliseconds(1'000));
  s.max_wait = std::min(s.max_wait, usable);
  s.keepalive = std::min(s.keepalive, std::max(milliseconds(500), io / 3));
  return s;
}

}  // namespace l7::mail::web
