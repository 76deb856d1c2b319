// Helpers for the TFTP codec tests: datagram builders, in-memory sources and sinks, and a
// fake clock (time is an input to the state machines, so tests never sleep).
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "core/bytes.hpp"
#include "tftp/codec/packet.hpp"
#include "tftp/codec/receiver.hpp"
#include "tftp/codec/sender.hpp"

namespace l7::tftp::testing {

using bytes = std::vector<std::byte>;
using namespace std::chrono_literals;

inline bytes to_bytes(std::string_view s) {
  auto b = as_bytes(s);
  return {b.begin(), b.end()};
}
inline std::string to_string(std::span<const std::byte> b) { return std::string(as_chars(b)); }

// Deterministic, non-repeating-looking content of n bytes.
inline std::string pattern(std::size_t n, unsigned seed = 1) {
  std::string s(n, '\0');
  std::uint32_t x = seed * 2654435761u + 1;
  for (auto& c : s) {
    x = x * 1664525u + 1013904223u;
    c = static_cast<char>(x >> 24);
  }
  return s;
}

inline bytes ack(std::uint16_t block) {
  bytes b;
  encode_ack(block, b);
  return b;
}
inline bytes data(std::uint16_t block, std::string_view payload) {
  bytes b;
  encode_data(block, as_bytes(payload), b);
  return b;
}
inline bytes oack(std::vector<option> o) {
  bytes b;
  encode_oack(o, b);
  return b;
}
inline bytes error_dgram(std::uint16_t code, std::string_view msg) {
  bytes b;
  encode_error(code, msg, b);
  return b;
}

// Every datagram the transfer has to send now, decoded to describe() lines.
inline std::vector<std::string> drain(transfer& t) {
  std::vector<std::string> out;
  for (auto d = t.next_datagram(); !d.empty(); d = t.next_datagram()) out.push_back(describe(d));
  return out;
}
// Every datagram, raw.
inline std::vector<bytes> drain_raw(transfer& t) {
  std::vector<bytes> out;
  for (auto d = t.next_datagram(); !d.empty(); d = t.next_datagram()) out.emplace_back(d.begin(), d.end());
  return out;
}

// Serves `content` in order; counts the calls.
struct memory_source {
  std::string content;
  std::size_t pos = 0;
  int calls = 0;
  sender::source fn() {
    return [this](std::span<std::byte> out, std::error_code&) {
      ++calls;
      const std::size_t n = std::min(out.size(), content.size() - pos);
      std::memcpy(out.data(), content.data() + pos, n);
      pos += n;
      return n;
    };
  }
};

struct memory_sink {
  std::string received;
  bool saw_last = false;
  int blocks = 0;
  receiver::sink fn() {
    return [this](std::span<const std::byte> d, bool last, std::error_code&) {
      EXPECT_FALSE(saw_last) << "data after the last block";
      received.append(as_chars(d));
      saw_last = last;
      ++blocks;
    };
  }
};

struct fake_clock {
  time_point now{std::chrono::seconds(1000)};
  void advance(std::chrono::milliseconds d) { now += d; }
};

inline request rrq(std::string file, std::vector<option> opts = {}, std::string mode = "octet") {
  return request{opcode::rrq, std::move(file), std::move(mode), std::move(opts)};
}
inline request wrq(std::string file, std::vector<option> opts = {}, std::string mode = "octet") {
  return request{opcode::wrq, std::move(file), std::move(mode), std::move(opts)};
}

// Server-side parameters without options (RFC 1350 defaults) or with the given ones.
inline negotiation plain(std::uint16_t blksize = 512, std::uint16_t windowsize = 1,
                         std::chrono::milliseconds timeout = 1000ms) {
  negotiation n;
  n.params.blksize = blksize;
  n.params.windowsize = windowsize;
  n.params.timeout = timeout;
  return n;
}

}  // namespace l7::tftp::testing
