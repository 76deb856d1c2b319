#include "dns/codec/presentation.hpp"

#include <algorithm>
#include <array>

#include "core/base64.hpp"
#include "core/text.hpp"
#include "dns/codec/error.hpp"
#include "dns/codec/rdata_parse.hpp"
#include "dns/codec/types.hpp"

namespace l7::dns::detail {
namespace {

int hex_value(char c) {
  if (is_digit(c)) return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Decodes escapes in `body` (no surrounding quotes). RFC 1035 §5.1: `\DDD` is an octet in
// decimal, `\X` is X itself.
bool unescape(std::string_view body, std::string& out) {
  for (std::size_t i = 0; i < body.size(); ++i) {
    const char c = body[i];
    if (c == '"') return false;  // only escaped quotes may appear inside
    if (c != '\\') {
      out += c;
      continue;
    }
    if (++i == body.size()) return false;
    if (!is_digit(body[i])) {
      out += body[i];
      continue;
    }
    if (i + 2 >= body.size() || !is_digit(body[i + 1]) || !is_digit(body[i + 2])) return false;
    const int v = (body[i] - '0') * 100 + (body[i + 1] - '0') * 10 + (body[i + 2] - '0');
    if (v > 255) return false;
    out += char(v);
    i += 2;
  }
  return true;
}

struct algorithm_name {
  std::uint8_t number;
  std::string_view text;
};

// IANA "DNS Security Algorithm Numbers" mnemonics (RFC 4034 Appendix A.1 and later RFCs).
constexpr std::array<algorithm_name, 15> algorithm_names{{
    {1, "RSAMD5"}, {2, "DH"}, {3, "DSA"}, {5, "RSASHA1"}, {6, "DSA-NSEC3-SHA1"},
    {7, "RSASHA1-NSEC3-SHA1"}, {8, "RSASHA256"}, {10, "RSASHA512"}, {12, "ECC-GOST"},
    {13, "ECDSAP256SHA256"}, {14, "ECDSAP384SHA384"}, {15, "ED25519"}, {16, "ED448"},
    {253, "PRIVATEDNS"}, {254, "PRIVATEOID"},
}};

// Days from 1970-01-01 to the given civil date (proleptic Gregorian calendar).
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2 ? 1 : 0;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

bool leap_year(unsigned y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

}  // namespace

bool char_string(std::string_view token, std::string& out) {
  if (is_quoted(token)) {
    // An escaped closing quote (`"abc\"`) leaves a trailing backslash, which unescape refuses.
    if (token.size() < 2 || token.back() != '"') return false;
    return unescape(token.substr(1, token.size() - 2), out);
  }
  return unescape(token, out);
}

bool value_list(std::string_view decoded, std::vector<std::string>& items) {
  std::string item;
  for (std::size_t i = 0; i < decoded.size(); ++i) {
    const char c = decoded[i];
    if (c == ',') {
      items.push_back(std::move(item));
      item.clear();
    } else if (c == '\\') {
      if (++i == decoded.size()) return false;
      item += decoded[i];
    } else {
      item += c;
    }
  }
  items.push_back(std::move(item));
  return true;
}

std::optional<std::uint32_t> decimal(std::string_view text, std::uint32_t max) {
  if (text.size() > 10) return std::nullopt;  // also keeps parse_uint far from overflow
  const auto v = parse_uint(text);
  if (!v || *v > max) return std::nullopt;
  return static_cast<std::uint32_t>(*v);
}

bool hex_tokens(std::span<const std::string_view> tokens, std::vector<std::byte>& out) {
  int high = -1;
  for (const auto token : tokens) {
    for (const char c : token) {
      const int v = hex_value(c);
      if (v < 0) return false;
      if (high < 0) {
        high = v;
      } else {
        out.push_back(std::byte(high << 4 | v));
        high = -1;
      }
    }
  }
  return high < 0;
}

bool base64_tokens(std::span<const std::string_view> tokens, std::vector<std::byte>& out) {
  std::string text;
  for (const auto token : tokens) text += token;
  if (text.empty()) return true;
  const auto decoded = base64_decode(text);
  if (!decoded) return false;
  const auto b = as_bytes(*decoded);
  out.insert(out.end(), b.begin(), b.end());
  return true;
}

bool base32hex_decode(std::string_view text, std::vector<std::byte>& out) {
  // RFC 4648 §6: 8 characters carry 5 octets; a final group of 2, 4, 5 or 7 characters carries
  // 1, 2, 3 or 4 octets.
  const std::size_t tail = text.size() % 8;
  if (tail == 1 || tail == 3 || tail == 6) return false;
  std::uint32_t acc = 0;
  int bits = 0;
  for (const char c : text) {
    int v = -1;
    if (is_digit(c)) v = c - '0';
    else if (c >= 'A' && c <= 'V') v = c - 'A' + 10;
    else if (c >= 'a' && c <= 'v') v = c - 'a' + 10;
    if (v < 0) return false;
    acc = (acc << 5) | std::uint32_t(v);
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(std::byte((acc >> bits) & 0xff));
    }
  }
  return (acc & ((1u << bits) - 1)) == 0;
}

std::optional<std::uint32_t> rrsig_time(std::string_view text) {
  if (text.size() != 14) return decimal(text, 0xffffffff);
  for (const char c : text)
    if (!is_digit(c)) return std::nullopt;
  const auto field = [&](std::size_t at, std::size_t n) {
    return static_cast<unsigned>(*parse_uint(text.substr(at, n)));
  };
  const unsigned year = field(0, 4), month = field(4, 2), day = field(6, 2);
  const unsigned hour = field(8, 2), minute = field(10, 2), second = field(12, 2);
  static constexpr std::array<unsigned, 12> month_days{31, 28, 31, 30, 31, 30,
                                                        31, 31, 30, 31, 30, 31};
  if (year < 1970 || month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 ||
      second > 59)
    return std::nullopt;
  if (day > month_days[month - 1] + (month == 2 && leap_year(year) ? 1 : 0)) return std::nullopt;
  const std::int64_t t =
      days_from_civil(year, month, day) * 86400 + hour * 3600 + minute * 60 + second;
  return static_cast<std::uint32_t>(static_cast<std::uint64_t>(t) & 0xffffffff);  // §3.1.5
}

std::optional<std::uint8_t> dnssec_algorithm(std::string_view text) {
  if (!text.empty() && is_digit(text.front())) {
    const auto v = decimal(text, 255);
    if (!v) return std::nullopt;
    return static_cast<std::uint8_t>(*v);
  }
  for (const auto& a : algorithm_names)
    if (iequals(a.text, text)) return a.number;
  return std::nullopt;
}

bool type_list(std::span<const std::string_view> tokens, std::vector<std::uint16_t>& out) {
  for (const auto token : tokens) {
    const auto t = type_from_string(token);
    if (!t) return false;
    out.push_back(*t);
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return true;
}

std::string_view text_fields::token() {
  if (failed_ || next_ == tokens_.size()) {
    failed_ = true;
    return {};
  }
  return tokens_[next_++];
}

std::uint32_t text_fields::number(std::uint32_t max) {
  const auto v = decimal(token(), max);
  if (!v) fail();
  return v.value_or(0);
}

std::uint32_t text_fields::period() {
  const auto v = parse_ttl(token());
  if (!v) fail();
  return v.value_or(0);
}

name text_fields::domain() {
  const auto t = token();
  if (failed_) return {};
  name n = parse_name_relative(t, origin_, ec_);
  if (ec_) failed_ = true;
  return n;
}

std::string text_fields::string(std::size_t max) {
  const auto t = token();
  std::string out;
  if (!failed_ && (!char_string(t, out) || out.size() > max)) fail();
  return out;
}

std::span<const std::string_view> text_fields::rest() {
  if (failed_) return {};
  const auto out = tokens_.subspan(next_);
  next_ = tokens_.size();
  return out;
}

void text_fields::fail() { failed_ = true; }

bool text_fields::finish() {
  if (!failed_ && next_ == tokens_.size()) return true;
  if (!ec_) ec_ = error::bad_rdata;
  return false;
}

}  // namespace l7::dns::detail
