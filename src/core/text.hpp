// Small ASCII text helpers shared by every line-oriented codec. No allocation unless noted.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace l7 {

constexpr char to_lower_ascii(char c) { return (c >= 'A' && c <= 'Z') ? char(c - 'A' + 'a') : c; }
constexpr bool is_digit(char c) { return c >= '0' && c <= '9'; }
constexpr bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
constexpr bool is_hex_digit(char c) {
  return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

bool iequals(std::string_view a, std::string_view b);
bool istarts_with(std::string_view s, std::string_view prefix);
std::string to_lower(std::string_view s);
std::string to_upper(std::string_view s);

// Strips spaces and horizontal tabs (optional whitespace, RFC 9110 §5.6.3) at both ends.
std::string_view trim_ows(std::string_view s);

// Splits on `sep`; keeps empty parts.
std::vector<std::string_view> split(std::string_view s, char sep);

// Strict unsigned decimal: digits only, no sign, no spaces, no overflow.
std::optional<std::uint64_t> parse_uint(std::string_view s);
// Strict unsigned hexadecimal (case-insensitive), no prefix, no overflow.
std::optional<std::uint64_t> parse_hex(std::string_view s);

// RFC 3986 §2.1 percent-decoding. nullopt on a malformed escape. `plus_is_space` for
// application/x-www-form-urlencoded query strings.
std::optional<std::string> percent_decode(std::string_view s, bool plus_is_space = false);
// Percent-encodes every byte outside RFC 3986 unreserved characters and `keep`.
std::string percent_encode(std::string_view s, std::string_view keep = "/");

// Human-readable byte counts: "512 B", "1.5 KiB", "3.2 MiB".
std::string format_bytes(std::uint64_t n);
// "64MiB", "512k", "1g", "100" -> bytes (1024-based suffixes, case-insensitive).
std::optional<std::uint64_t> parse_size(std::string_view s);

}  // namespace l7
