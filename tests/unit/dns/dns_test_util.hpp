// Helpers shared by the DNS codec tests: hex literals and encode/decode shortcuts.
#pragma once

#include <gtest/gtest.h>

#include <cstdio>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/bytes.hpp"
#include "dns/codec/error.hpp"
#include "dns/codec/message.hpp"

namespace l7::dns::testing {

// "12 34 ab" -> bytes; spaces are ignored.
inline std::vector<std::byte> hex(std::string_view text) {
  std::vector<std::byte> out;
  std::string digits;
  for (const char c : text)
    if (c != ' ' && c != '\n') digits += c;
  for (std::size_t i = 0; i + 1 < digits.size(); i += 2)
    out.push_back(std::byte(std::stoi(digits.substr(i, 2), nullptr, 16)));
  return out;
}

inline std::vector<std::byte> bytes_of(std::string_view s) {
  const auto b = as_bytes(s);
  return {b.begin(), b.end()};
}

inline name make_name(std::string_view text) {
  std::error_code ec;
  name n = name::parse(text, ec);
  EXPECT_FALSE(ec) << text;
  return n;
}

inline std::vector<std::byte> encode_ok(const message& m, std::size_t max_size = 65535) {
  std::vector<std::byte> out;
  EXPECT_FALSE(encode(m, out, max_size));
  return out;
}

inline std::error_code decode_error(std::span<const std::byte> wire, const limits& lim = {}) {
  message m;
  std::error_code ec;
  decode(wire, m, ec, lim);
  return ec;
}

inline message decode_ok(std::span<const std::byte> wire) {
  message m;
  std::error_code ec;
  EXPECT_EQ(decode(wire, m, ec), wire.size());
  EXPECT_FALSE(ec) << ec.message();
  return m;
}

// encode -> decode equals the original, and decode -> encode is stable.
inline void expect_round_trip(const message& m) {
  const auto wire = encode_ok(m);
  const message back = decode_ok(wire);
  EXPECT_EQ(back, m);
  EXPECT_EQ(encode_ok(back), wire);
}

// A 12-octet header with the given counts.
inline std::string header_hex(int qd, int an, int ns, int ar, std::string_view flags = "8180") {
  char buf[64];
  std::snprintf(buf, sizeof buf, "1234 %.4s %04x %04x %04x %04x ", flags.data(), qd, an, ns, ar);
  return buf;
}

}  // namespace l7::dns::testing
