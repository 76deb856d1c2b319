// TFTP packets (RFC 1350 §5, OACK from RFC 2347): decoding and encoding, pure functions.
//
//   RRQ/WRQ  | 01/02 | filename | 0 | mode | 0 | [ opt | 0 | value | 0 ]*
//   DATA     | 03 | block | payload (0..blksize octets)
//   ACK      | 04 | block
//   ERROR    | 05 | code | message | 0
//   OACK     | 06 | [ opt | 0 | value | 0 ]*
//
// decode() never throws; a malformed datagram comes back as an l7.tftp error. A decoded DATA
// packet's payload is a view into the datagram (valid while the caller's buffer is). Option
// names keep the case they were sent in; find_option() compares case-insensitively (§2347).
// Encoders append to a caller-owned vector.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <variant>
#include <vector>

namespace l7::tftp {

enum class opcode : std::uint16_t { rrq = 1, wrq = 2, data = 3, ack = 4, error = 5, oack = 6 };

// ERROR codes, RFC 1350 appendix; 8 is RFC 2347's.
namespace wire {
inline constexpr std::uint16_t not_defined = 0, file_not_found = 1, access_violation = 2,
                               disk_full = 3, illegal_operation = 4, unknown_tid = 5,
                               file_exists = 6, no_such_user = 7, option_refused = 8;
}

enum class transfer_mode { netascii, octet };

struct option {
  std::string name;
  std::string value;
  friend bool operator==(const option&, const option&) = default;
};

struct request {
  opcode op = opcode::rrq;  // rrq or wrq
  std::string filename;
  std::string mode;         // as sent; parse_mode() interprets it
  std::vector<option> options;
  friend bool operator==(const request&, const request&) = default;
};

struct data_packet {
  std::uint16_t block = 0;
  std::span<const std::byte> payload;
};

struct ack_packet {
  std::uint16_t block = 0;
  friend bool operator==(const ack_packet&, const ack_packet&) = default;
};

struct error_packet {
  std::uint16_t code = 0;
  std::string message;
  friend bool operator==(const error_packet&, const error_packet&) = default;
};

struct oack_packet {
  std::vector<option> options;
  friend bool operator==(const oack_packet&, const oack_packet&) = default;
};

using packet = std::variant<request, data_packet, ack_packet, error_packet, oack_packet>;

// A request or OACK carries at most this many options (the RFCs define five).
inline constexpr std::size_t max_options = 32;
inline constexpr std::size_t data_header_size = 4;

// Decodes one datagram. On failure `ec` is set and the result is unspecified.
// Lenient where peers differ (RFC 1122 §1.2.2): an ACK may carry trailing bytes, an ERROR
// message may lack its NUL, and NUL padding after a request's last field is ignored.
packet decode(std::span<const std::byte> datagram, std::error_code& ec);

// The opcode of a datagram, or nullopt when it has fewer than 2 bytes or an unknown one.
std::optional<opcode> peek_opcode(std::span<const std::byte> datagram);

// "netascii" / "octet", case-insensitive (RFC 1350 §5); "mail" and others -> nullopt.
std::optional<transfer_mode> parse_mode(std::string_view mode);
std::string_view mode_name(transfer_mode m);

// The option named `name` (case-insensitive), or nullptr.
const option* find_option(const std::vector<option>& options, std::string_view name);

// Encoders (append). Preconditions: no NUL inside strings; request.op is rrq or wrq.
void encode(const packet& p, std::vector<std::byte>& out);
void encode_request(const request& r, std::vector<std::byte>& out);
void encode_data(std::uint16_t block, std::span<const std::byte> payload, std::vector<std::byte>& out);
void encode_ack(std::uint16_t block, std::vector<std::byte>& out);
void encode_error(std::uint16_t code, std::string_view message, std::vector<std::byte>& out);
void encode_oack(const std::vector<option>& options, std::vector<std::byte>& out);
// Writes a DATA header into out[0..4) (the payload follows it in the same buffer).
void write_data_header(std::span<std::byte> out, std::uint16_t block);

// The message RFC 1350 suggests for an ERROR code ("File not found", ...).
std::string_view wire_message(std::uint16_t code);

// Peer-chosen text for a log line: control, non-ASCII bytes and '\' as \xHH (so that a file
// name cannot forge log lines).
std::string printable(std::string_view s);

// One line for -v and --trace: `RRQ "a.txt" octet blksize=1468`, `DATA 7 (512 bytes)`,
// `ACK 7`, `ERROR 1 "File not found"`, `OACK blksize=1468`.
std::string describe(const packet& p);
// describe(decode(datagram)), or "malformed (<reason>, N bytes)".
std::string describe(std::span<const std::byte> datagram);

}  // namespace l7::tftp
