#include "core/saslprep.hpp"

#include <cstdint>

#include "core/utf8.hpp"

namespace l7 {
namespace {

struct range {
  std::uint32_t lo, hi;
};

template <std::size_t N>
bool in(const range (&table)[N], std::uint32_t cp) {
  for (const auto& r : table)
    if (cp >= r.lo && cp <= r.hi) return true;
  return false;
}

// RFC 3454 C.1.2: non-ASCII space characters (mapped to SPACE, RFC 4013 §2.1).
constexpr range non_ascii_space[] = {{0x00A0, 0x00A0}, {0x1680, 0x1680}, {0x2000, 0x200B},
                                     {0x202F, 0x202F}, {0x205F, 0x205F}, {0x3000, 0x3000}};
// RFC 3454 B.1: commonly mapped to nothing.
constexpr range mapped_to_nothing[] = {{0x00AD, 0x00AD}, {0x034F, 0x034F}, {0x1806, 0x1806},
                                       {0x180B, 0x180D}, {0x200C, 0x200D}, {0x2060, 0x2060},
                                       {0xFE00, 0xFE0F}, {0xFEFF, 0xFEFF}};
// RFC 4013 §2.3: C.2.1, C.2.2, C.3, C.4 (the per-plane xFFFE/xFFFF are checked apart), C.6,
// C.7, C.8, C.9. C.5 (surrogates) cannot pass the UTF-8 check.
constexpr range prohibited[] = {
    {0x0000, 0x001F},   {0x007F, 0x009F},   {0x06DD, 0x06DD},   {0x070F, 0x070F},
    {0x180E, 0x180E},   {0x200C, 0x200F},   {0x2028, 0x202E},   {0x2060, 0x2063},
    {0x206A, 0x206F},   {0x2FF0, 0x2FFB},   {0xE000, 0xF8FF},   {0xFDD0, 0xFDEF},
    {0xFEFF, 0xFEFF},   {0xFFF9, 0xFFFD},   {0x0340, 0x0341},   {0x1D173, 0x1D17A},
    {0xE0001, 0xE0001}, {0xE0020, 0xE007F}, {0xF0000, 0xFFFFD}, {0x100000, 0x10FFFD}};

// Decodes the code point at s[i] (s is valid UTF-8) and advances i.
std::uint32_t next_code_point(std::string_view s, std::size_t& i) {
  const auto b0 = static_cast<unsigned char>(s[i]);
  const int len = b0 < 0x80 ? 1 : b0 < 0xE0 ? 2 : b0 < 0xF0 ? 3 : 4;
  std::uint32_t cp = len == 1 ? b0 : len == 2 ? (b0 & 0x1F) : len == 3 ? (b0 & 0x0F) : (b0 & 0x07);
  for (int k = 1; k < len; ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
  i += static_cast<std::size_t>(len);
  return cp;
}

}  // namespace

std::optional<std::string> saslprep(std::string_view s) {
  if (!is_valid_utf8(s)) return std::nullopt;
  std::string out;
  out.reserve(s.size());
  std::size_t i = 0;
  while (i < s.size()) {
    const std::size_t start = i;
    const auto cp = next_code_point(s, i);
    if (in(non_ascii_space, cp)) {
      out += ' ';
      continue;
    }
    if (in(mapped_to_nothing, cp)) continue;
    if (in(prohibited, cp) || (cp & 0xFFFE) == 0xFFFE) return std::nullopt;
    out.append(s.substr(start, i - start));
  }
  if (out.empty()) return std::nullopt;
  return out;
}

}  // namespace l7
