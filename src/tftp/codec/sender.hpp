// The sender of DATA (RFC 1350 §2, RFC 7440 windows): the server answering a read request,
// or the client of a write request. Sans-I/O; see transfer.hpp for how it is driven.
//
// - Blocks are numbered 1, 2, ... and wrap from 65535 to 0 (what tftp-hpa and atftp do), so
//   files past 32 MiB at 512-byte blocks go through.
// - A window of `windowsize` blocks goes out at once; an ACK of block n (n new) resumes at
//   n + 1. A duplicate or stale ACK is ignored: only the timer retransmits, so duplicates
//   cannot multiply (Sorcerer's Apprentice, RFC 1123 §4.2.3.1).
// - The last block is the first one shorter than blksize (possibly empty); its ACK ends the
//   transfer.
// Memory: one window of blocks (windowsize x (blksize + 4) bytes), filled as it is sent.
#pragma once

#include <functional>

#include "tftp/codec/transfer.hpp"

namespace l7::tftp {

class sender final : public transfer {
 public:
  // Fills `out` with the next bytes of the data: all of it unless the data ends (a short
  // count marks the end). An error fails the transfer (ERROR code per wire_code_for()).
  using source = std::function<std::size_t(std::span<std::byte> out, std::error_code& ec)>;

  // Server side of a read request: `n` as negotiate() settled it. With an OACK, that goes
  // first and the client's ACK 0 starts the data (RFC 2347 §3).
  sender(const negotiation& n, source src, int max_retries);
  // Client side of a write request: sends `wrq`; ACK 0 (options ignored: `local` with the
  // RFC 1350 block and window sizes) or an OACK (checked by apply_oack()) starts the data.
  sender(request wrq, transfer_params local, source src, int max_retries);

 private:
  void on_start(time_point now) override;
  void on_packet(const packet& p, time_point now) override;
  void on_timeout(time_point now) override;
  std::span<const std::byte> next_data() override;

  void start_data(time_point now);
  void on_ack(std::uint16_t block, time_point now);
  void burst(time_point now);
  std::vector<std::byte>& slot(std::uint64_t seq) { return slots_[seq % slots_.size()]; }

  enum class phase { opening, data };
  phase phase_ = phase::opening;
  bool client_;
  std::vector<option> requested_;  // client: the options the request carried
  source source_;
  std::vector<std::vector<std::byte>> slots_;  // slot(seq) holds DATA seq while unacknowledged
  // Block sequence numbers (64-bit, never wrap; the wire carries seq & 0xffff).
  std::uint64_t base_ = 1;       // oldest unacknowledged
  std::uint64_t next_ = 1;       // next to send in this burst
  std::uint64_t burst_end_ = 0;  // last of this burst
  std::uint64_t filled_ = 0;     // highest read from the source
  std::uint64_t max_sent_ = 0;   // highest sent so far
  std::uint64_t last_ = 0;       // the final block, once the source ended (0: not yet)
};

}  // namespace l7::tftp
