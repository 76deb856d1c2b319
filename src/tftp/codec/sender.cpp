#include "tftp/codec/sender.hpp"

#include <algorithm>

#include "tftp/codec/error.hpp"

namespace l7::tftp {

sender::sender(const negotiation& n, source src, int max_retries)
    : transfer(n.params, max_retries), client_(false), source_(std::move(src)) {
  if (!n.oack.empty()) encode_oack(n.oack, control_);
}

sender::sender(request wrq, transfer_params local, source src, int max_retries)
    : transfer(local, max_retries), client_(true), requested_(wrq.options), source_(std::move(src)) {
  wrq.op = opcode::wrq;
  encode_request(wrq, control_);
}

void sender::on_start(time_point now) {
  if (control_.empty()) start_data(now);  // server, no OACK: DATA 1 answers the RRQ
  else resend_control(now);               // the WRQ, or the OACK awaiting ACK 0
}

void sender::start_data(time_point now) {
  phase_ = phase::data;
  slots_.assign(params_.windowsize, {});
  progress();
  burst(now);
}

// (Re)sends the window that starts at the oldest unacknowledged block.
void sender::burst(time_point now) {
  next_ = base_;
  burst_end_ = base_ + params_.windowsize - 1;
  arm(now);
}

void sender::on_packet(const packet& p, time_point now) {
  if (state() != status::running) return;
  if (const auto* a = std::get_if<ack_packet>(&p)) {
    if (phase_ == phase::data) return on_ack(a->block, now);
    if (a->block != 0) return fail(error::unexpected_packet);
    if (client_) {  // the server ignored our options: RFC 1350 sizes
      params_.blksize = default_blksize;
      params_.windowsize = 1;
    }
    return start_data(now);
  }
  if (const auto* o = std::get_if<oack_packet>(&p)) {
    if (!client_) return fail(error::unexpected_packet);
    if (phase_ == phase::data) return;  // a retransmitted OACK: our DATA answers it
    if (!take_oack(requested_, *o)) return;
    return start_data(now);
  }
  fail(error::unexpected_packet);  // requests and DATA have no place here
}

void sender::on_ack(std::uint16_t block, time_point now) {
  // The acknowledged block is one of base_-1 .. max_sent_: at most 65536 candidates, so the
  // 16-bit number names exactly one.
  const std::uint64_t low = base_ - 1;
  const std::uint64_t seq = low + static_cast<std::uint16_t>(block - static_cast<std::uint16_t>(low));
  if (seq > max_sent_) return;  // never sent: stale from before a wrap, or bogus
  if (seq < base_) return;      // duplicate: no resend (RFC 1123 §4.2.3.1)
  for (std::uint64_t s = base_; s <= seq; ++s) bytes_ += slot(s).size() - data_header_size;
  base_ = seq + 1;
  progress();
  if (last_ != 0 && seq == last_) {
    finish();
    disarm();
    return;
  }
  burst(now);
}

void sender::on_timeout(time_point now) {
  if (phase_ == phase::opening) return resend_control(now);
  burst(now);
}

std::span<const std::byte> sender::next_data() {
  if (phase_ != phase::data || state() != status::running) return {};
  if (next_ > burst_end_ || (last_ != 0 && next_ > last_)) return {};
  const std::uint64_t seq = next_;
  auto& s = slot(seq);
  if (seq > filled_) {
    s.resize(data_header_size + params_.blksize);
    std::error_code ec;
    const std::size_t n = source_(std::span(s).subspan(data_header_size), ec);
    if (ec) {
      fail(ec);
      return {};
    }
    s.resize(data_header_size + std::min<std::size_t>(n, params_.blksize));
    write_data_header(s, static_cast<std::uint16_t>(seq));
    filled_ = seq;
    if (n < params_.blksize) last_ = seq;
  }
  ++next_;
  max_sent_ = std::max(max_sent_, seq);
  return s;
}

}  // namespace l7::tftp
