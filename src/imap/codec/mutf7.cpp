#include "imap/codec/mutf7.hpp"

#include <cstdint>
#include <vector>

namespace l7::imap {
namespace {

constexpr std::string_view alphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+,";

void put_utf8(std::string& out, std::uint32_t cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xc0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3f)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xe0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3f)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3f)));
  } else {
    out.push_back(static_cast<char>(0xf0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3f)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3f)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3f)));
  }
}

// Next code point of UTF-8 text; U+FFFD for a bad sequence (one byte consumed).
std::uint32_t next_code_point(std::string_view s, std::size_t& i) {
  auto b = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  unsigned char c = b(i);
  std::size_t n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
  if (n == 0 || i + n > s.size()) {
    ++i;
    return 0xfffd;
  }
  std::uint32_t cp = n == 1 ? c : c & (0x7f >> n);
  for (std::size_t k = 1; k < n; ++k) {
    if ((b(i + k) & 0xc0) != 0x80) {
      ++i;
      return 0xfffd;
    }
    cp = (cp << 6) | (b(i + k) & 0x3f);
  }
  i += n;
  return cp;
}

void flush_base64(std::string& out, const std::vector<std::uint16_t>& units) {
  out.push_back('&');
  std::uint32_t bits = 0;
  int nbits = 0;
  for (auto u : units) {
    bits = (bits << 16) | u;
    nbits += 16;
    while (nbits >= 6) {
      nbits -= 6;
      out.push_back(alphabet[(bits >> nbits) & 0x3f]);
    }
  }
  if (nbits > 0) out.push_back(alphabet[(bits << (6 - nbits)) & 0x3f]);
  out.push_back('-');
}

// Decodes one "&...-" run (without '&' and '-') into UTF-8; false if not canonical.
bool decode_run(std::string_view run, std::string& out) {
  std::uint32_t bits = 0;
  int nbits = 0;
  std::uint32_t high = 0;
  for (char c : run) {
    auto v = alphabet.find(c);
    if (v == std::string_view::npos) return false;
    bits = (bits << 6) | static_cast<std::uint32_t>(v);
    nbits += 6;
    if (nbits < 16) continue;
    nbits -= 16;
    std::uint32_t u = (bits >> nbits) & 0xffff;
    if (high != 0) {
      if (u < 0xdc00 || u > 0xdfff) return false;
      put_utf8(out, 0x10000 + ((high - 0xd800) << 10) + (u - 0xdc00));
      high = 0;
    } else if (u >= 0xd800 && u <= 0xdbff) {
      high = u;
    } else if ((u >= 0xdc00 && u <= 0xdfff) || (u >= 0x20 && u <= 0x7e)) {
      return false;  // a lone low surrogate, or printable ASCII that must stand for itself
    } else {
      put_utf8(out, u);
    }
  }
  // Leftover bits must be fewer than 6 and zero (RFC 2152 §"Rules"); no dangling surrogate.
  return high == 0 && nbits < 6 && (bits & ((1u << nbits) - 1)) == 0 && !run.empty();
}

}  // namespace

std::string encode_mutf7(std::string_view utf8) {
  std::string out;
  std::vector<std::uint16_t> units;
  std::size_t i = 0;
  while (i < utf8.size()) {
    std::uint32_t cp = next_code_point(utf8, i);
    if (cp >= 0x20 && cp <= 0x7e) {
      if (!units.empty()) flush_base64(out, units);
      units.clear();
      if (cp == '&') out += "&-";
      else out.push_back(static_cast<char>(cp));
      continue;
    }
    if (cp >= 0x10000) {
      units.push_back(static_cast<std::uint16_t>(0xd800 + ((cp - 0x10000) >> 10)));
      units.push_back(static_cast<std::uint16_t>(0xdc00 + ((cp - 0x10000) & 0x3ff)));
    } else {
      units.push_back(static_cast<std::uint16_t>(cp));
    }
  }
  if (!units.empty()) flush_base64(out, units);
  return out;
}

std::optional<std::string> decode_mutf7(std::string_view text) {
  std::string out;
  std::size_t i = 0;
  while (i < text.size()) {
    char c = text[i];
    auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u > 0x7e) return std::nullopt;
    if (c != '&') {
      out.push_back(c);
      ++i;
      continue;
    }
    auto dash = text.find('-', i + 1);
    if (dash == std::string_view::npos) return std::nullopt;
    if (dash == i + 1) out.push_back('&');
    else if (!decode_run(text.substr(i + 1, dash - i - 1), out)) return std::nullopt;
    i = dash + 1;
  }
  return out;
}

}  // namespace l7::imap
