// Character classes and small validators from the HTTP grammar (RFC 9110 §5.6, RFC 9112).
// Shared by the parser and by code that builds messages (servers and clients validate names and
// values with these before handing them to the serializer, which writes what it is given).
#pragma once

#include <string_view>

namespace l7::http {

// tchar (RFC 9110 §5.6.2).
constexpr bool is_tchar(char ch) {
  const auto c = static_cast<unsigned char>(ch);
  if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) return true;
  switch (c) {
    case '!': case '#': case '$': case '%': case '&': case '\'': case '*': case '+':
    case '-': case '.': case '^': case '_': case '`': case '|': case '~':
      return true;
    default:
      return false;
  }
}

// token = 1*tchar (RFC 9110 §5.6.2).
constexpr bool is_token(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (!is_tchar(c)) return false;
  return true;
}

// field-vchar / SP / HTAB: VCHAR, obs-text, SP, HTAB (RFC 9110 §5.5). Everything else
// (NUL, CR, LF, other CTLs, DEL) is invalid in a field value.
constexpr bool is_field_value_char(char ch) {
  const auto c = static_cast<unsigned char>(ch);
  return c == '\t' || (c >= 0x20 && c != 0x7f);
}

constexpr bool is_field_value(std::string_view s) {
  for (char c : s)
    if (!is_field_value_char(c)) return false;
  return true;
}

constexpr bool is_ows(char c) { return c == ' ' || c == '\t'; }

}  // namespace l7::http
