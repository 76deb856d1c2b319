// Errors of the TFTP codec and its transfers. Decoding errors (malformed datagrams) and
// transfer failures share one category, `l7.tftp`; wire_code_for() names the ERROR code
// (RFC 1350 §5, RFC 2347) a peer is sent when a transfer fails with one of them.
#pragma once

#include <cstdint>
#include <system_error>

namespace l7::tftp {

enum class error {
  // Decoding (RFC 1350 §5) -> ERROR 4 "illegal TFTP operation".
  truncated = 1,       // shorter than its opcode's fixed part
  bad_opcode,          // opcode outside 1..6
  unterminated,        // a filename, mode, option or message without its NUL
  empty_filename,      // RRQ/WRQ naming no file
  bad_option,          // RFC 2347: an option name without a value, or an empty name
  duplicate_option,    // RFC 2347: the same option twice (names compare case-insensitively)
  too_many_options,    // more options than max_options
  // Requests and negotiation.
  bad_mode,            // a mode other than netascii or octet ("mail" included) -> ERROR 4
  option_refused,      // RFC 2347: an OACK the client cannot accept -> ERROR 8
  too_large,           // tsize or the bytes received above the limit -> ERROR 3
  // Transfers.
  unexpected_packet,   // a valid packet that has no place in this state -> ERROR 4
  block_too_large,     // DATA longer than the negotiated blksize (RFC 2348) -> ERROR 4
  timed_out,           // retries exhausted without progress
  peer_error,          // the peer sent ERROR; transfer::peer_error() holds it
};

const std::error_category& category();
std::error_code make_error_code(error e);

// The ERROR code (RFC 1350 §5 table, RFC 2347 for 8) to send for a failure: our own errors
// as listed above; errors from a source or sink (std::errc) map to 1 file not found, 2 access
// violation, 3 disk full, 6 file exists; anything else is 0 "not defined".
std::uint16_t wire_code_for(std::error_code ec);

}  // namespace l7::tftp

template <>
struct std::is_error_code_enum<l7::tftp::error> : std::true_type {};
