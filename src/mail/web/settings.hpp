// Settings of the web inbox and its REST API, read from the `[mail]` config section
// (docs/mail-web.md): whether to serve them, and who may use them.
#pragma once

#include <chrono>

#include "app/config.hpp"
#include "core/ip_prefix.hpp"

namespace l7::mail::web {

struct settings {
  bool web = true;  // serve /api/mail/ and /mail/ on the http and https listeners
  ip_acl allow;     // client addresses allowed; others get 403 (empty: nobody)
  // Longest /api/mail/wait: 300 s, and less than the HTTP service's io_timeout, which bounds
  // a handler's whole run (the connection is closed when it passes).
  std::chrono::milliseconds max_wait{300'000};
  // An idle /api/mail/events stream sends a comment this often (each write re-arms io_timeout).
  std::chrono::milliseconds keepalive{15'000};
};

// `[mail] web` and `web_allow` (default: loopback and private ranges, like [dns]
// allow_recursion); max_wait and keepalive follow `[http] io_timeout`.
// Throws app::config_error naming the key on a bad value.
settings load_settings(const app::config& cfg);

}  // namespace l7::mail::web
