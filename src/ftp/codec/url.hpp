// ftp:// URLs (RFC 1738 §3.2) and ftps:// (implicit FTPS, port 990, RFC 4217 §2 mentions it as
// the older practice; clients still use it):
//   ftp://[user[:password]@]host[:port]/<cwd1>/<cwd2>/.../<cwdN>/<name>[;type=a|i|d]
// The user, the password and every path segment are percent-decoded separately (§3.2.2): an
// encoded "%2F" inside a segment is a '/' that belongs to that one CWD argument, so
// ftp://h/%2Fetc/motd means "CWD /etc" then "RETR motd". Decoded text that holds CR, LF or NUL
// is refused: it would end the command line and inject another command.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

namespace l7::ftp {

enum class url_error {
  bad_scheme = 1,   // not ftp:// or ftps://
  bad_character,    // a control character, space or non-ASCII byte not percent-encoded
  bad_escape,       // '%' not followed by two hex digits
  unsafe_text,      // CR, LF or NUL after decoding
  bad_host,         // empty host, bad IPv6 literal, bad characters in the host
  bad_port,         // not a number in 1..65535
  bad_type,         // ";type=" with something other than a, i or d
};
const std::error_category& url_category();
std::error_code make_error_code(url_error e);

struct url {
  bool implicit_tls = false;           // ftps://
  std::string user;                    // decoded; empty when the URL has none (anonymous)
  bool has_user = false;
  std::string password;                // decoded
  bool has_password = false;
  std::string host;                    // lowercase name, dotted IPv4 or IPv6 without brackets
  bool ipv6 = false;
  std::uint16_t port = 21;             // explicit, or 21 / 990
  // Decoded path segments after the separating '/'. The last one is <name> (empty when the URL
  // ends in '/' or has no path); the others are the CWD arguments, in order.
  std::vector<std::string> segments;
  char type = 0;                       // 'a', 'i', 'd' from ";type=", or 0 when absent

  // The CWD arguments: every segment but the last.
  std::vector<std::string> directories() const;
  // The last segment ("" for a directory URL).
  std::string name() const;
  // True when the URL names a directory: no name, or ";type=d".
  bool is_directory() const;
  // "host:port" with brackets around IPv6, for messages.
  std::string authority() const;
};

// Parses an absolute ftp:// or ftps:// URL. The scheme is case-insensitive; a "#fragment" is
// dropped. On failure returns nullopt and sets ec to a url_error.
std::optional<url> parse_url(std::string_view text, std::error_code& ec);

}  // namespace l7::ftp

template <>
struct std::is_error_code_enum<l7::ftp::url_error> : std::true_type {};
