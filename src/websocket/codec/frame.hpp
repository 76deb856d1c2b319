// WebSocket frames (RFC 6455 §5.2): header decoding and encoding, masking, opcodes and the
// close-code rules of §7.4. Pure functions; the reader (reader.hpp) and writer (writer.hpp)
// are built on them.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <system_error>

namespace l7::websocket {

enum class opcode : std::uint8_t {
  continuation = 0x0,
  text = 0x1,
  binary = 0x2,
  close = 0x8,
  ping = 0x9,
  pong = 0xA,
};

inline bool is_control(opcode op) { return (static_cast<std::uint8_t>(op) & 0x8) != 0; }

// Which end of the connection we are: it decides the masking rule (§5.1).
enum class role { server, client };

using masking_key = std::array<std::byte, 4>;

struct frame_header {
  bool fin = true;
  bool rsv1 = false;  // "compressed" under permessage-deflate (RFC 7692 §6)
  bool rsv2 = false;
  bool rsv3 = false;
  opcode op = opcode::text;
  bool masked = false;
  masking_key mask{};
  std::uint64_t length = 0;
};

constexpr std::size_t max_header_size = 14;  // 2 + 8 (64-bit length) + 4 (mask)

// Decodes a frame header from the start of `in`. Returns its size, or 0 with no error when
// more bytes are needed. Only the §5.2 syntax is checked here (64-bit length MSB, control
// frame length and FIN); opcode, RSV and masking rules depend on the session (reader.hpp).
std::size_t decode_header(std::span<const std::byte> in, frame_header& out, std::error_code& ec);

// Encodes `h` with the shortest length form (§5.2) into `out`; returns the size written.
std::size_t encode_header(const frame_header& h, std::span<std::byte, max_header_size> out);

// XORs `data` with `key`, where data[0] is byte `offset` of the payload (§5.3).
void apply_mask(std::span<std::byte> data, const masking_key& key, std::uint64_t offset = 0);

// §7.4.1 / §7.4.2: a code an endpoint may send in a close frame (1000-1003, 1007-1011,
// 1012-1014 from the IANA registry, 3000-4999). 1004-1006, 1015 and the rest are invalid.
bool is_valid_close_code(std::uint16_t code);

// A close code's registered name ("normal closure"), or "" when it has none.
std::string_view close_code_name(std::uint16_t code);

}  // namespace l7::websocket
