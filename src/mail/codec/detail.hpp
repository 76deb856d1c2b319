// Internal to the mail codec: character classes and small helpers its files share, and how a
// parsed header section fills a body_part's MIME fields.
#pragma once

#include <cstddef>

#include "core/text.hpp"
#include "mail/codec/mime.hpp"

namespace l7::mail::detail {

// WSP (RFC 5234 B.1): space and horizontal tab.
constexpr bool is_wsp(char c) { return c == ' ' || c == '\t'; }
// WSP or a line break byte, as folding white space can hold.
constexpr bool is_fws(char c) { return is_wsp(c) || c == '\r' || c == '\n'; }

// A hexadecimal digit's value (either case), or -1.
constexpr int hex_value(char c) {
  if (is_digit(c)) return c - '0';
  const char l = to_lower_ascii(c);
  return (l >= 'a' && l <= 'f') ? l - 'a' + 10 : -1;
}

// Length of the UTF-8 sequence a lead byte starts (RFC 3629 §3), 0 if it cannot start one.
constexpr std::size_t utf8_sequence_length(unsigned char c) {
  return c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
}

// Sets type, subtype, content_type, encoding, id, description, md5, disposition, language and
// location of `p` from p.fields; keeps the defaults set by the parent when there is no
// usable Content-Type.
void interpret_fields(body_part& p);

}  // namespace l7::mail::detail
