#include "core/base64.hpp"

#include <array>

#include "core/bytes.hpp"

namespace l7 {
namespace {

constexpr char std_alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr char url_alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

std::string encode(std::span<const std::byte> data, const char* alphabet, bool pad) {
  std::string out;
  out.reserve((data.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 3 <= data.size(); i += 3) {
    auto v = (std::to_integer<unsigned>(data[i]) << 16) |
             (std::to_integer<unsigned>(data[i + 1]) << 8) | std::to_integer<unsigned>(data[i + 2]);
    out += alphabet[(v >> 18) & 63];
    out += alphabet[(v >> 12) & 63];
    out += alphabet[(v >> 6) & 63];
    out += alphabet[v & 63];
  }
  std::size_t rest = data.size() - i;
  if (rest > 0) {
    unsigned v = std::to_integer<unsigned>(data[i]) << 16;
    if (rest == 2) v |= std::to_integer<unsigned>(data[i + 1]) << 8;
    out += alphabet[(v >> 18) & 63];
    out += alphabet[(v >> 12) & 63];
    if (rest == 2) out += alphabet[(v >> 6) & 63];
    if (pad) out.append(rest == 1 ? "==" : "=");
  }
  return out;
}

std::array<int, 256> make_table(const char* alphabet) {
  std::array<int, 256> t{};
  t.fill(-1);
  for (int i = 0; i < 64; ++i) t[static_cast<unsigned char>(alphabet[i])] = i;
  return t;
}

// Decodes; `require_pad` demands a length multiple of 4. Trailing bits must be zero
// (RFC 4648 §3.5 canonical encoding).
std::optional<std::string> decode(std::string_view text, const std::array<int, 256>& table,
                                  bool require_pad) {
  std::size_t pads = 0;
  while (pads < 2 && pads < text.size() && text[text.size() - 1 - pads] == '=') ++pads;
  if (require_pad && text.size() % 4 != 0) return std::nullopt;
  if (pads > 0 && text.size() % 4 != 0) return std::nullopt;
  std::string_view body = text.substr(0, text.size() - pads);
  if (body.size() % 4 == 1) return std::nullopt;
  std::string out;
  out.reserve(body.size() * 3 / 4);
  unsigned acc = 0;
  int bits = 0;
  for (char c : body) {
    int v = table[static_cast<unsigned char>(c)];
    if (v < 0) return std::nullopt;
    acc = (acc << 6) | static_cast<unsigned>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((acc >> bits) & 0xff));
    }
  }
  if (bits > 0 && (acc & ((1u << bits) - 1)) != 0) return std::nullopt;
  return out;
}

}  // namespace

std::string base64_encode(std::span<const std::byte> data) { return encode(data, std_alphabet, true); }
std::string base64_encode(std::string_view data) { return base64_encode(as_bytes(data)); }

std::optional<std::string> base64_decode(std::string_view text) {
  static const auto table = make_table(std_alphabet);
  return decode(text, table, true);
}

std::string base64url_encode(std::span<const std::byte> data, bool pad) {
  return encode(data, url_alphabet, pad);
}

std::optional<std::string> base64url_decode(std::string_view text) {
  static const auto table = make_table(url_alphabet);
  return decode(text, table, false);
}

}  // namespace l7
