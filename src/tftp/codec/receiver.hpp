// The receiver of DATA (RFC 1350 §2, RFC 7440 windows): the client of a read request, or the
// server answering a write request. Sans-I/O; see transfer.hpp for how it is driven.
//
// - In-order blocks go to the sink; the last one (shorter than blksize) is acknowledged and
//   the transfer is done. Block numbers wrap from 65535 to 0.
// - ACKs go out at the end of each window (every block when windowsize is 1), at the last
//   block, once when a gap shows (the last block received in order, RFC 7440 §4), and on
//   timeout. A retransmission of the block acknowledged last (the peer lost our ACK) is
//   acknowledged again; other duplicates are dropped.
// - After the last ACK the receiver lingers one timeout to acknowledge a retransmitted last
//   block (RFC 1350 §6); finished() turns true after that.
#pragma once

#include <algorithm>
#include <functional>

#include "tftp/codec/transfer.hpp"

namespace l7::tftp {

class receiver final : public transfer {
 public:
  std::size_t max_incoming() const override {
    return std::max<std::size_t>(transfer::max_incoming(), data_header_size + params_.blksize + 1);
  }

  // Takes the payload of each block in order; `last` marks the final one (possibly empty).
  // An error fails the transfer (ERROR code per wire_code_for(), e.g. ENOSPC -> 3), and so
  // does an error on the last block: its ACK is sent only after the sink accepted it.
  using sink = std::function<void(std::span<const std::byte> data, bool last, std::error_code& ec)>;

  // Server side of a write request: answers with n's OACK, or ACK 0 without one.
  // `max_bytes` (0: none) caps what is accepted; beyond it the transfer fails with ERROR 3.
  receiver(const negotiation& n, sink out, int max_retries, std::uint64_t max_bytes = 0);
  // Client side of a read request: sends `rrq`; DATA 1 (options ignored: `local` with RFC
  // 1350 sizes) or an OACK (checked by apply_oack(), answered with ACK 0) follows.
  receiver(request rrq, transfer_params local, sink out, int max_retries, std::uint64_t max_bytes = 0);

 private:
  void on_start(time_point now) override;
  void on_packet(const packet& p, time_point now) override;
  void on_timeout(time_point now) override;

  void on_data(const data_packet& d, time_point now);
  void deliver(const data_packet& d, time_point now);
  void ack(time_point now);  // acknowledges expected_ - 1

  enum class phase { opening, data };
  phase phase_;
  bool client_;
  std::vector<option> requested_;
  sink sink_;
  std::uint64_t max_bytes_;
  std::uint64_t expected_ = 1;  // sequence number of the next block (wire: & 0xffff)
  unsigned in_window_ = 0;      // blocks received since the last ACK
  bool gap_acked_ = false;      // a gap was reported; wait for the resend
};

}  // namespace l7::tftp
