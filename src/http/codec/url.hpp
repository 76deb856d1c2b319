// URLs for the HTTP client (RFC 3986, RFC 9110 §4.2): parsing http/https URLs, resolving
// redirect references, and splitting a request target. No percent-decoding happens here.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace l7::http {

struct url {
  std::string scheme;       // "http" or "https", lowercase
  std::string userinfo;     // as written (still percent-encoded); the client decides what to do
  bool has_userinfo = false;
  std::string host;         // lowercase reg-name, dotted IPv4, or IPv6 literal without brackets
  bool ipv6 = false;
  std::uint16_t port = 0;   // explicit, or 80 / 443
  std::string target;       // path + ["?" query], "/" when the path is empty; no fragment

  // Host field value (RFC 9110 §7.2): host, brackets around IPv6, ":port" unless default.
  std::string authority() const;
  // "scheme://authority", used to decide whether a redirect stays on the same origin.
  std::string origin() const;
};

// An absolute http or https URL (RFC 9110 §4.2.1-§4.2.2). nullopt for another scheme, an
// empty host, a port outside 1..65535, an IPvFuture literal, or any byte that is a control
// character, space or non-ASCII. The fragment is dropped.
std::optional<url> parse_url(std::string_view text);

// RFC 3986 §5.2.2 (strict) reference resolution, e.g. a Location value against the request
// URL. The result is recomposed per §5.3 and keeps the reference's fragment. nullopt when
// `base` has no scheme.
std::optional<std::string> resolve_reference(std::string_view base, std::string_view reference);

// RFC 3986 §5.2.4.
std::string remove_dot_segments(std::string_view path);

// origin-form "/a/b?x=1" -> path "/a/b", query "x=1" (RFC 9112 §3.2.1). A fragment, which a
// request target should not carry, is cut off.
struct target_parts {
  std::string_view path;
  std::string_view query;
  bool has_query = false;
};
target_parts split_target(std::string_view target);

// The first value of `name` in a query string (without '?'), decoded as
// application/x-www-form-urlencoded ('+' is a space); "" for a name without '='.
std::optional<std::string> query_param(std::string_view query, std::string_view name);

}  // namespace l7::http
