#include "core/utf8.hpp"

#include "core/bytes.hpp"

namespace l7 {
namespace {

// State packs: bits 0-1 = continuation bytes still expected, bits 8-15 = lowest allowed value
// for the next byte, bits 16-23 = highest. The narrowed first-continuation ranges reject
// overlongs (E0, F0), surrogates (ED) and code points above U+10FFFF (F4) (RFC 3629 §4).
constexpr std::uint32_t make_state(std::uint32_t remaining, std::uint32_t lo, std::uint32_t hi) {
  return remaining | (lo << 8) | (hi << 16);
}

// Returns the new state, or UINT32_MAX on an invalid byte.
std::uint32_t step(std::uint32_t state, std::uint8_t b) {
  if (state == 0) {
    if (b < 0x80) return 0;
    if (b >= 0xC2 && b <= 0xDF) return make_state(1, 0x80, 0xBF);
    if (b == 0xE0) return make_state(2, 0xA0, 0xBF);
    if ((b >= 0xE1 && b <= 0xEC) || b == 0xEE || b == 0xEF) return make_state(2, 0x80, 0xBF);
    if (b == 0xED) return make_state(2, 0x80, 0x9F);
    if (b == 0xF0) return make_state(3, 0x90, 0xBF);
    if (b >= 0xF1 && b <= 0xF3) return make_state(3, 0x80, 0xBF);
    if (b == 0xF4) return make_state(3, 0x80, 0x8F);
    return UINT32_MAX;
  }
  std::uint32_t lo = (state >> 8) & 0xff, hi = (state >> 16) & 0xff;
  if (b < lo || b > hi) return UINT32_MAX;
  std::uint32_t remaining = (state & 3) - 1;
  return remaining == 0 ? 0 : make_state(remaining, 0x80, 0xBF);
}

}  // namespace

bool utf8_validator::feed(std::span<const std::byte> data) {
  if (failed_) return false;
  for (auto byte : data) {
    auto next = step(state_, std::to_integer<std::uint8_t>(byte));
    if (next == UINT32_MAX) {
      failed_ = true;
      return false;
    }
    state_ = next;
  }
  return true;
}

bool utf8_validator::feed(std::string_view data) { return feed(as_bytes(data)); }

bool is_valid_utf8(std::string_view s) {
  // Fast path for ASCII runs.
  std::size_t i = 0;
  while (i < s.size() && static_cast<unsigned char>(s[i]) < 0x80) ++i;
  utf8_validator v;
  return v.feed(s.substr(i)) && v.complete();
}

}  // namespace l7
