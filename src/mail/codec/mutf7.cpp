#include "mail/codec/mutf7.hpp"

#include <cstdint>
#include <vector>

#include "core/utf8.hpp"

namespace l7::mail {
namespace {

// RFC 3501 §5.1.3: RFC 2152 base64 with ',' instead of '/'.
constexpr std::string_view mutf7_alphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+,";

int alphabet_value(char c) {
  auto pos = mutf7_alphabet.find(c);
  return pos == std::string_view::npos ? -1 : static_cast<int>(pos);
}

// Decodes one code point from valid UTF-8 at s[i], advancing i.
char32_t next_code_point(std::string_view s, std::size_t& i) {
  auto b = static_cast<unsigned char>(s[i++]);
  if (b < 0x80) return b;
  int extra = b >= 0xF0 ? 3 : b >= 0xE0 ? 2 : 1;
  char32_t cp = b & (0x3F >> extra);
  while (extra-- > 0) cp = (cp << 6) | (static_cast<unsigned char>(s[i++]) & 0x3F);
  return cp;
}

void append_utf8(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

void flush_shift(std::string& out, const std::vector<std::uint16_t>& units) {
  out += '&';
  std::uint32_t acc = 0;
  int bits = 0;
  for (auto u : units) {
    acc = (acc << 16) | u;
    bits += 16;
    while (bits >= 6) {
      bits -= 6;
      out += mutf7_alphabet[(acc >> bits) & 0x3F];
    }
  }
  if (bits > 0) out += mutf7_alphabet[(acc << (6 - bits)) & 0x3F];
  out += '-';
}

// Decodes the base64 between '&' and '-' into UTF-16 units; false when malformed.
bool decode_shift(std::string_view b64, std::vector<std::uint16_t>& units) {
  std::uint32_t acc = 0;
  int bits = 0;
  for (char c : b64) {
    int v = alphabet_value(c);
    if (v < 0) return false;
    acc = (acc << 6) | static_cast<std::uint32_t>(v);
    bits += 6;
    if (bits >= 16) {
      bits -= 16;
      units.push_back(static_cast<std::uint16_t>(acc >> bits));
    }
  }
  // Leftover bits must be zero padding shorter than one unit.
  return bits < 6 && (acc & ((1u << bits) - 1)) == 0 && !units.empty();
}

bool append_units(std::string& out, const std::vector<std::uint16_t>& units) {
  for (std::size_t i = 0; i < units.size(); ++i) {
    char32_t u = units[i];
    if (u >= 0xD800 && u <= 0xDBFF) {
      if (i + 1 == units.size() || units[i + 1] < 0xDC00 || units[i + 1] > 0xDFFF) return false;
      u = 0x10000 + ((u - 0xD800) << 10) + (units[++i] - 0xDC00);
    } else if (u >= 0xDC00 && u <= 0xDFFF) {
      return false;
    } else if (u >= 0x20 && u <= 0x7E) {
      return false;  // printable ASCII must represent itself
    }
    append_utf8(out, u);
  }
  return true;
}

}  // namespace

std::optional<std::string> encode_mutf7(std::string_view utf8) {
  if (!is_valid_utf8(utf8)) return std::nullopt;
  std::string out;
  std::vector<std::uint16_t> units;
  std::size_t i = 0;
  while (i < utf8.size()) {
    char32_t cp = next_code_point(utf8, i);
    if (cp >= 0x20 && cp <= 0x7E) {
      if (!units.empty()) {
        flush_shift(out, units);
        units.clear();
      }
      out += cp == '&' ? std::string_view("&-") : std::string_view(&utf8[i - 1], 1);
      continue;
    }
    if (cp >= 0x10000) {
      units.push_back(static_cast<std::uint16_t>(0xD800 + ((cp - 0x10000) >> 10)));
      units.push_back(static_cast<std::uint16_t>(0xDC00 + ((cp - 0x10000) & 0x3FF)));
    } else {
      units.push_back(static_cast<std::uint16_t>(cp));
    }
  }
  if (!units.empty()) flush_shift(out, units);
  return out;
}

std::optional<std::string> decode_mutf7(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) > 0x7E) return std::nullopt;
    if (c != '&') {
      out += c;
      continue;
    }
    auto end = s.find('-', i + 1);
    if (end == std::string_view::npos) return std::nullopt;
    if (end == i + 1) {
      out += '&';
    } else {
      std::vector<std::uint16_t> units;
      if (!decode_shift(s.substr(i + 1, end - i - 1), units) || !append_units(out, units))
        return std::nullopt;
    }
    i = end;
  }
  return out;
}

}  // namespace l7::mail
