// Option negotiation (RFC 2347) for blksize (RFC 2348), timeout and tsize (RFC 2349) and
// windowsize (RFC 7440): the server's choice of what to accept, and the client's check of the
// server's OACK. Options not named here are ignored by the server (left out of its OACK).
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <system_error>
#include <vector>

#include "tftp/codec/packet.hpp"

namespace l7::tftp {

inline constexpr std::uint16_t default_blksize = 512;     // RFC 1350 §2
inline constexpr std::uint16_t min_blksize = 8;           // RFC 2348
inline constexpr std::uint16_t max_blksize = 65464;       // RFC 2348
inline constexpr std::uint16_t max_windowsize = 65535;    // RFC 7440 §3
inline constexpr unsigned min_timeout_s = 1, max_timeout_s = 255;  // RFC 2349 §2

// What a transfer runs with: the defaults, or what the negotiation settled on.
struct transfer_params {
  std::uint16_t blksize = default_blksize;
  std::uint16_t windowsize = 1;
  std::chrono::milliseconds timeout{1000};  // retransmission interval
  std::optional<std::uint64_t> tsize;       // the transfer size, when someone said it
};

// The server's limits. An option asking for more is clamped (blksize, windowsize) or refused
// (tsize of an upload over max_upload).
struct server_policy {
  std::uint16_t max_blksize = tftp::max_blksize;
  std::uint16_t max_windowsize = 64;
  // The sender keeps one window of blocks for retransmission: windowsize x blksize is held
  // under this many bytes by lowering windowsize.
  std::size_t max_window_bytes = 4u << 20;
  std::chrono::milliseconds timeout{1000};  // when the client does not negotiate one
  std::uint64_t max_upload = 0;             // 0: no limit
};

struct negotiation {
  transfer_params params;
  std::vector<option> oack;  // empty: no OACK, the transfer starts as in RFC 1350
};

// Server side of RFC 2347 for `req`. `file_size` is the size tsize reports on a read request
// (nullopt when it is not known in advance, e.g. netascii: tsize is then left out, as
// tftpd-hpa does). Unparsable or out-of-range values leave the option out of the OACK.
// Errors: too_large when a write request's tsize is over policy.max_upload (ERROR 3).
negotiation negotiate(const request& req, const server_policy& policy,
                      std::optional<std::uint64_t> file_size, std::error_code& ec);

// What a client asks for; to_options() gives the request's option list.
struct option_request {
  std::optional<std::uint16_t> blksize;     // 8..65464
  std::optional<unsigned> timeout_s;        // 1..255
  std::optional<std::uint64_t> tsize;       // 0 on a read request; the file size on a write
  std::optional<std::uint16_t> windowsize;  // 1..65535
  std::vector<option> to_options() const;
};

// Client side: checks the server's OACK against the options the request carried and applies
// it to `params` (RFC 2347 §3: the server may only answer options that were asked for; RFC
// 2348/7440: it may lower blksize and windowsize, never raise them). Errors: option_refused
// (the client then sends ERROR 8).
void apply_oack(const std::vector<option>& requested, const std::vector<option>& oack,
                transfer_params& params, std::error_code& ec);

}  // namespace l7::tftp
