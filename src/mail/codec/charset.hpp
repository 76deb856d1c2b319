// Text in a named charset (MIME charset parameters, RFC 2047 encoded words) to UTF-8.
// utf-8, us-ascii, iso-8859-1, windows-1252 and iso-8859-15 (and their usual aliases) are
// converted here; any other name goes through the C library's iconv.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace l7::mail {

// nullopt when the charset is unknown to us and to iconv. Bytes that are not valid in the
// charset become U+FFFD; the result is always valid UTF-8.
std::optional<std::string> charset_to_utf8(std::string_view charset, std::string_view bytes);

// Valid UTF-8 stays as it is; every byte of an invalid sequence becomes U+FFFD.
std::string sanitize_utf8(std::string_view bytes);

}  // namespace l7::mail
