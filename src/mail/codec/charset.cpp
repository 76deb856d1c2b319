#include "mail/codec/charset.hpp"

#include <iconv.h>

#include <array>
#include <cstdint>

#include "core/text.hpp"
#include "core/utf8.hpp"
#include "mail/codec/detail.hpp"

namespace l7::mail {
namespace {

void append_utf8(std::uint32_t cp, std::string& out) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

constexpr std::uint32_t replacement = 0xFFFD;

// windows-1252 0x80..0x9F (the WHATWG index; unassigned positions map to U+FFFD).
constexpr std::array<std::uint16_t, 32> cp1252_high = {
    0x20AC, 0xFFFD, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0xFFFD, 0x017D, 0xFFFD, 0xFFFD, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0xFFFD, 0x017E, 0x0178};

std::uint32_t latin9(unsigned char c) {  // ISO 8859-15 differs from 8859-1 in eight places
  switch (c) {
    case 0xA4: return 0x20AC;
    case 0xA6: return 0x0160;
    case 0xA8: return 0x0161;
    case 0xB4: return 0x017D;
    case 0xB8: return 0x017E;
    case 0xBC: return 0x0152;
    case 0xBD: return 0x0153;
    case 0xBE: return 0x0178;
    default: return c;
  }
}

enum class native { utf8, ascii, latin1, cp1252, latin9, none };

native classify(std::string_view name) {
  const auto n = to_lower(trim_ows(name));
  if (n == "utf-8" || n == "utf8") return native::utf8;
  if (n == "us-ascii" || n == "ascii" || n == "ansi_x3.4-1968") return native::ascii;
  if (n == "iso-8859-1" || n == "iso8859-1" || n == "iso_8859-1" || n == "latin1" ||
      n == "l1" || n == "iso-ir-100")
    return native::latin1;
  if (n == "windows-1252" || n == "cp1252" || n == "x-cp1252") return native::cp1252;
  if (n == "iso-8859-15" || n == "iso8859-15" || n == "iso_8859-15" || n == "latin-9" ||
      n == "latin9")
    return native::latin9;
  return native::none;
}

std::string single_byte(std::string_view bytes, native cs) {
  std::string out;
  out.reserve(bytes.size() * 2);
  for (char ch : bytes) {
    const auto c = static_cast<unsigned char>(ch);
    std::uint32_t cp = c;
    if (c >= 0x80) {
      if (cs == native::ascii) cp = replacement;
      else if (cs == native::cp1252 && c < 0xA0) cp = cp1252_high[c - 0x80];
      else if (cs == native::latin9) cp = latin9(c);
    }
    append_utf8(cp, out);
  }
  return out;
}

// A name as IANA registers them (RFC 2978 §2.3 mime-charset characters), short; anything else
// (paths, "//" options) never reaches iconv_open.
bool plausible_charset_name(std::string_view n) {
  if (n.empty() || n.size() > 40) return false;
  for (char c : n)
    if (!is_alpha(c) && !is_digit(c) && std::string_view("!#$%&'+-^_`{}~.:()").find(c) == std::string_view::npos)
      return false;
  return true;
}

std::optional<std::string> through_iconv(std::string_view charset, std::string_view bytes) {
  const std::string name(trim_ows(charset));
  if (!plausible_charset_name(name)) return std::nullopt;
  iconv_t cd = iconv_open("UTF-8", name.c_str());
  if (cd == reinterpret_cast<iconv_t>(-1)) return std::nullopt;
  std::string out;
  char buf[1024];
  char* in = const_cast<char*>(bytes.data());
  std::size_t in_left = bytes.size();
  while (in_left > 0) {
    char* o = buf;
    std::size_t o_left = sizeof buf;
    const auto r = iconv(cd, &in, &in_left, &o, &o_left);
    out.append(buf, static_cast<std::size_t>(o - buf));
    if (r == static_cast<std::size_t>(-1) && o == buf && o_left == sizeof buf) {
      // An invalid or incomplete sequence: one replacement character, skip a byte.
      append_utf8(replacement, out);
      ++in;
      --in_left;
      iconv(cd, nullptr, nullptr, nullptr, nullptr);
    }
  }
  iconv_close(cd);
  return sanitize_utf8(out);
}

}  // namespace

std::string sanitize_utf8(std::string_view bytes) {
  if (is_valid_utf8(bytes)) return std::string(bytes);
  std::string out;
  std::size_t i = 0;
  while (i < bytes.size()) {
    const auto c = static_cast<unsigned char>(bytes[i]);
    const std::size_t len = detail::utf8_sequence_length(c);
    if (len != 0 && i + len <= bytes.size() && is_valid_utf8(bytes.substr(i, len))) {
      out.append(bytes.substr(i, len));
      i += len;
    } else {
      append_utf8(replacement, out);
      ++i;
    }
  }
  return out;
}

std::optional<std::string> charset_to_utf8(std::string_view charset, std::string_view bytes) {
  const auto cs = classify(charset);
  if (cs == native::utf8) return sanitize_utf8(bytes);
  if (cs != native::none) return single_byte(bytes, cs);
  return through_iconv(charset, bytes);
}

}  // namespace l7::mail
