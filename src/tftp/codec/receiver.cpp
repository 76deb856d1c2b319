#include "tftp/codec/receiver.hpp"

#include "tftp/codec/error.hpp"

namespace l7::tftp {

receiver::receiver(const negotiation& n, sink out, int max_retries, std::uint64_t max_bytes)
    : transfer(n.params, max_retries), phase_(phase::data), client_(false), sink_(std::move(out)),
      max_bytes_(max_bytes) {
  if (n.oack.empty()) encode_ack(0, control_);
  else encode_oack(n.oack, control_);
}

receiver::receiver(request rrq, transfer_params local, sink out, int max_retries,
                   std::uint64_t max_bytes)
    : transfer(local, max_retries), phase_(phase::opening), client_(true), requested_(rrq.options),
      sink_(std::move(out)), max_bytes_(max_bytes) {
  rrq.op = opcode::rrq;
  encode_request(rrq, control_);
}

void receiver::on_start(time_point now) { resend_control(now); }

void receiver::on_packet(const packet& p, time_point now) {
  if (const auto* d = std::get_if<data_packet>(&p)) {
    if (phase_ == phase::opening) {
      if (d->block != 1) return;  // not an answer to our request
      params_.blksize = default_blksize;  // the server ignored our options
      params_.windowsize = 1;
      phase_ = phase::data;
    }
    return on_data(*d, now);
  }
  if (state() != status::running) return;
  if (const auto* o = std::get_if<oack_packet>(&p)) {
    if (!client_) return fail(error::unexpected_packet);
    if (phase_ == phase::data) {
      if (expected_ == 1) resend_control(now);  // our ACK 0 was lost
      return;
    }
    if (!take_oack(requested_, *o)) return;
    phase_ = phase::data;
    progress();
    control_.clear();
    encode_ack(0, control_);  // RFC 2347 §3: the client acknowledges the OACK with ACK 0
    return resend_control(now);
  }
  fail(error::unexpected_packet);
}

void receiver::on_data(const data_packet& d, time_point now) {
  const auto offset = static_cast<std::uint16_t>(d.block - static_cast<std::uint16_t>(expected_));
  if (offset == 0) {
    if (state() == status::running) deliver(d, now);
    return;  // after the last block: nothing can follow it
  }
  if (offset == 0xffff) {
    // The block we acknowledged last, again: our ACK was lost (or the sender's window
    // restarted). Acknowledge it again; the sender ignores duplicates, so this cannot loop.
    if (expected_ > 1) ack(now);
    return;
  }
  if (state() != status::running) return;
  if (offset < 0x8000 && !gap_acked_) {
    // A block from further ahead: one was lost. Report the last in-order block once.
    gap_acked_ = true;
    ack(now);
  }
  // Older duplicates and further gap blocks are dropped.
}

void receiver::deliver(const data_packet& d, time_point now) {
  if (d.payload.size() > params_.blksize) return fail(error::block_too_large);
  if (max_bytes_ != 0 && d.payload.size() > max_bytes_ - bytes_) return fail(error::too_large);
  const bool last = d.payload.size() < params_.blksize;
  std::error_code ec;
  sink_(d.payload, last, ec);
  if (ec) return fail(ec);
  bytes_ += d.payload.size();
  ++expected_;
  ++in_window_;
  gap_acked_ = false;
  progress();
  if (last) {
    ack(now);
    finish();
    linger(true);
    return;
  }
  if (in_window_ >= params_.windowsize) ack(now);
  else arm(now);
}

void receiver::ack(time_point now) {
  in_window_ = 0;
  control_.clear();
  encode_ack(static_cast<std::uint16_t>(expected_ - 1), control_);
  resend_control(now);
}

void receiver::on_timeout(time_point now) {
  if (state() != status::running) {  // the linger after the last ACK is over
    linger(false);
    disarm();
    return;
  }
  // RFC 7440 §4: on timeout, acknowledge the last block received in order.
  if (phase_ == phase::data && expected_ > 1) ack(now);
  else resend_control(now);
}

}  // namespace l7::tftp
