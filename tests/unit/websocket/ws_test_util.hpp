// Helpers for the WebSocket codec tests: hex literals, hand-built frames (every header bit under
// the test's control, unlike writer), and running a reader on an input whole, split at every
// offset and byte by byte with the requirement that all runs agree.
#pragma once

#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz/websocket/driver.hpp"
#include "websocket/codec/error.hpp"
#include "websocket/codec/frame.hpp"
#include "websocket/codec/reader.hpp"

namespace l7::websocket::testing {

// "81 05 48 65" -> bytes; spaces are ignored.
inline std::string hex(std::string_view h) {
  std::string out;
  int hi = -1;
  for (char c : h) {
    if (c == ' ') continue;
    int v = (c >= '0' && c <= '9') ? c - '0' : (c | 0x20) - 'a' + 10;
    if (hi < 0) {
      hi = v;
    } else {
      out.push_back(static_cast<char>(hi * 16 + v));
      hi = -1;
    }
  }
  return out;
}

inline std::string to_hex(std::string_view s) {
  static const char digits[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : s) {
    if (!out.empty()) out.push_back(' ');
    out.push_back(digits[c >> 4]);
    out.push_back(digits[c & 15]);
  }
  return out;
}

inline std::span<const std::byte> bytes(std::string_view s) {
  return {reinterpret_cast<const std::byte*>(s.data()), s.size()};
}

struct frame_opts {
  bool fin = true;
  bool rsv1 = false;
  bool rsv2 = false;
  bool rsv3 = false;
  bool masked = true;  // client-to-server frames are masked (§5.1)
};

// The masking key of RFC 6455 §5.7's masked example.
inline constexpr masking_key example_key{std::byte{0x37}, std::byte{0xfa}, std::byte{0x21},
                                         std::byte{0x3d}};

// One frame with any opcode value (reserved ones too) and the shortest length form.
inline std::string make_frame(std::uint8_t op, std::string_view payload, frame_opts o = {}) {
  frame_header h;
  h.fin = o.fin;
  h.rsv1 = o.rsv1;
  h.rsv2 = o.rsv2;
  h.rsv3 = o.rsv3;
  h.op = static_cast<opcode>(op);
  h.masked = o.masked;
  h.mask = example_key;
  h.length = payload.size();
  std::array<std::byte, max_header_size> head;
  std::size_t n = encode_header(h, head);
  std::string out(reinterpret_cast<const char*>(head.data()), n);
  std::size_t at = out.size();
  out += payload;
  if (o.masked)
    apply_mask({reinterpret_cast<std::byte*>(out.data() + at), payload.size()}, h.mask);
  return out;
}

inline std::string make_frame(opcode op, std::string_view payload, frame_opts o = {}) {
  return make_frame(static_cast<std::uint8_t>(op), payload, o);
}

// Client-to-server (masked) and server-to-client (unmasked) shorthands.
inline std::string cframe(opcode op, std::string_view payload, bool fin = true) {
  return make_frame(op, payload, {.fin = fin});
}
inline std::string sframe(opcode op, std::string_view payload, bool fin = true) {
  return make_frame(op, payload, {.fin = fin, .masked = false});
}

inline std::string close_body(std::uint16_t code, std::string_view reason = "") {
  std::string s;
  s.push_back(static_cast<char>(code >> 8));
  s.push_back(static_cast<char>(code & 0xff));
  s += reason;
  return s;
}

inline event_record text_ev(std::string s) { return {"text", std::move(s)}; }
inline event_record binary_ev(std::string s) { return {"binary", std::move(s)}; }
inline event_record ping_ev(std::string s) { return {"ping", std::move(s)}; }
inline event_record pong_ev(std::string s) { return {"pong", std::move(s)}; }
inline event_record close_ev(std::uint16_t code, std::string reason = "") {
  return {"close", std::move(reason), code};
}

inline std::string show(const transcript& t) {
  std::string out = "error=" + (t.error ? t.error.message() : std::string("none")) + "\n";
  for (const auto& e : t.events) {
    out += "[" + e.kind + " " + std::to_string(e.payload.size()) + "B";
    if (e.kind == "close") out += " code=" + std::to_string(e.code);
    out += " " + to_hex(e.payload.substr(0, 16)) + "]\n";
  }
  return out;
}

inline reader_setup server_setup(reader_limits lim = {}) { return {.r = role::server, .lim = lim}; }
inline reader_setup client_setup(reader_limits lim = {}) { return {.r = role::client, .lim = lim}; }

// Reads `input` whole, split at every offset (at every `stride`-th one past the first and last
// 64 bytes, for long inputs) and byte by byte; all runs must give the same transcript.
inline transcript read_all_ways(std::string_view input, const reader_setup& s,
                                std::size_t stride = 1) {
  const transcript whole = run_whole(input, s);
  // Also parsed in place, as the server's connection reads (driver.hpp, `borrowed`).
  EXPECT_EQ(run_reader(input, {}, s, true), whole) << "borrowed, whole";
  for (std::size_t at = 1; at < input.size(); ++at) {
    if (stride > 1 && at > 64 && at + 64 < input.size() && at % stride != 0) continue;
    const transcript split = run_split(input, at, s);
    EXPECT_EQ(split, whole) << "split at " << at << "\nwhole:\n" << show(whole) << "split:\n"
                            << show(split);
    const transcript borrowed = run_reader(input, {at}, s, true);
    EXPECT_EQ(borrowed, whole) << "borrowed, split at " << at << "\nwhole:\n" << show(whole)
                               << "split:\n" << show(borrowed);
    if (split != whole || borrowed != whole) break;
  }
  const transcript bytewise = run_bytewise(input, s);
  EXPECT_EQ(bytewise, whole) << "byte by byte\nwhole:\n" << show(whole) << "bytes:\n"
                             << show(bytewise);
  EXPECT_EQ(run_bytewise(input, s, true), whole) << "borrowed, byte by byte";
  return whole;
}

// Feeds `wire[0, n)` to a fresh server reader and returns the error of draining it.
inline std::error_code error_after(const std::string& wire, std::size_t n) {
  reader r(role::server);
  auto space = r.prepare(n);
  std::memcpy(space.data(), wire.data(), n);
  r.commit(n);
  std::error_code ec;
  for (int i = 0; i < 8; ++i) {
    auto ev = r.next(ec);
    if (ec || std::holds_alternative<need_more>(ev)) break;
  }
  return ec;
}

}  // namespace l7::websocket::testing
