// Parameterized MIME header fields: Content-Type (RFC 2045 §5.1), Content-Disposition
// (RFC 2183 §2) and the like, with RFC 2231 continuations, charsets and languages.
// Lenient: comments (RFC 5322 §3.2.2) are skipped, an unquoted value runs to the next ';',
// a parameter without '=' is dropped, the first of repeated parameters wins.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace l7::mail {

struct mime_param {
  std::string name;      // lower case; for `params`, without RFC 2231 "*0" / "*" suffixes
  std::string value;     // `params`: UTF-8 (RFC 2231 decoded, or RFC 2047 words decoded);
                         // `raw_params`: as written, quotes and quoted-pairs removed
  std::string charset;   // RFC 2231 §4, empty if none
  std::string language;  // RFC 2231 §4, empty if none
};

struct param_header {
  std::string value;                   // the leading token, lower case: "text/plain", "inline"
  std::vector<mime_param> params;      // joined and decoded, in order of first appearance
  std::vector<mime_param> raw_params;  // every parameter as written (IMAP BODYSTRUCTURE)

  // Case-insensitive; empty if absent.
  std::string_view param(std::string_view name) const;
  bool has(std::string_view name) const;
};

param_header parse_param_header(std::string_view field_value);

// Formats `value` plus parameters for a header: ASCII values as tokens or quoted strings,
// non-ASCII ones as RFC 2231 §4 name*=utf-8''%XX (one segment). No folding.
std::string format_param_header(std::string_view value,
                                const std::vector<std::pair<std::string, std::string>>& params);

}  // namespace l7::mail
