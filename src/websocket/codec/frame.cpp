#include "websocket/codec/frame.hpp"

#include <cstring>

#include "websocket/codec/error.hpp"

namespace l7::websocket {

std::size_t decode_header(std::span<const std::byte> in, frame_header& out, std::error_code& ec) {
  if (in.size() < 2) return 0;
  auto b0 = std::to_integer<std::uint8_t>(in[0]);
  auto b1 = std::to_integer<std::uint8_t>(in[1]);
  std::size_t size = 2;
  std::uint64_t length = b1 & 0x7f;
  std::size_t extended = length == 126 ? 2 : length == 127 ? 8 : 0;
  bool masked = (b1 & 0x80) != 0;
  std::size_t need = 2 + extended + (masked ? 4 : 0);
  if (in.size() < need) return 0;
  if (extended) {
    length = 0;
    for (std::size_t i = 0; i < extended; ++i)
      length = (length << 8) | std::to_integer<std::uint8_t>(in[2 + i]);
    size += extended;
    if (extended == 8 && (length >> 63) != 0) {  // §5.2: "the most significant bit MUST be 0"
      ec = error::bad_length;
      return 0;
    }
  }
  out.fin = (b0 & 0x80) != 0;
  out.rsv1 = (b0 & 0x40) != 0;
  out.rsv2 = (b0 & 0x20) != 0;
  out.rsv3 = (b0 & 0x10) != 0;
  out.op = static_cast<opcode>(b0 & 0x0f);
  out.masked = masked;
  out.length = length;
  if (masked) {
    std::memcpy(out.mask.data(), in.data() + size, 4);
    size += 4;
  } else {
    out.mask = {};
  }
  if (is_control(out.op)) {  // §5.5
    if (length > 125) {
      ec = error::control_too_long;
      return 0;
    }
    if (!out.fin) {
      ec = error::control_fragmented;
      return 0;
    }
  }
  return size;
}

std::size_t encode_header(const frame_header& h, std::span<std::byte, max_header_size> out) {
  auto b0 = static_cast<std::uint8_t>((h.fin ? 0x80 : 0) | (h.rsv1 ? 0x40 : 0) |
                                      (h.rsv2 ? 0x20 : 0) | (h.rsv3 ? 0x10 : 0) |
                                      static_cast<std::uint8_t>(h.op));
  std::uint8_t mask_bit = h.masked ? 0x80 : 0;
  out[0] = std::byte{b0};
  std::size_t size = 2;
  if (h.length < 126) {
    out[1] = std::byte(mask_bit | static_cast<std::uint8_t>(h.length));
  } else if (h.length <= 0xffff) {
    out[1] = std::byte(mask_bit | 126);
    out[2] = std::byte(h.length >> 8);
    out[3] = std::byte(h.length & 0xff);
    size = 4;
  } else {
    out[1] = std::byte(mask_bit | 127);
    for (int i = 0; i < 8; ++i) out[2 + i] = std::byte((h.length >> (56 - 8 * i)) & 0xff);
    size = 10;
  }
  if (h.masked) {
    std::memcpy(out.data() + size, h.mask.data(), 4);
    size += 4;
  }
  return size;
}

void apply_mask(std::span<std::byte> data, const masking_key& key, std::uint64_t offset) {
  // Rotate the key so that key[0] lines up with data[0], then XOR 8 bytes at a time.
  std::array<std::byte, 8> k{};
  for (std::size_t i = 0; i < 8; ++i) k[i] = key[(offset + i) % 4];
  std::uint64_t k64;
  std::memcpy(&k64, k.data(), 8);
  std::byte* p = data.data();
  std::size_t n = data.size();
  std::size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    std::uint64_t v;
    std::memcpy(&v, p + i, 8);
    v ^= k64;
    std::memcpy(p + i, &v, 8);
  }
  for (; i < n; ++i) p[i] ^= k[i % 8];
}

bool is_valid_close_code(std::uint16_t code) {
  if (code >= 3000 && code <= 4999) return true;  // registered (3000-3999) and private use
  switch (code) {
    case 1000: case 1001: case 1002: case 1003:
    case 1007: case 1008: case 1009: case 1010: case 1011:
    case 1012: case 1013: case 1014:
      return true;
    default:
      return false;  // 1004-1006 and 1015 are reserved; the rest of 0-2999 is unassigned
  }
}

std::string_view close_code_name(std::uint16_t code) {
  switch (code) {
    case 1000: return "normal closure";
    case 1001: return "going away";
    case 1002: return "protocol error";
    case 1003: return "unsupported data";
    case 1005: return "no status received";
    case 1006: return "abnormal closure";
    case 1007: return "invalid payload data";
    case 1008: return "policy violation";
    case 1009: return "message too big";
    case 1010: return "mandatory extension";
    case 1011: return "internal error";
    case 1012: return "service restart";
    case 1013: return "try again later";
    case 1014: return "bad gateway";
    case 1015: return "TLS handshake failure";
    default: return "";
  }
}

}  // namespace l7::websocket
