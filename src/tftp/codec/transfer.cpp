#include "tftp/codec/transfer.hpp"

#include <string>

#include "tftp/codec/error.hpp"

namespace l7::tftp {

void transfer::start(time_point now) { on_start(now); }

void transfer::on_datagram(std::span<const std::byte> datagram, time_point now) {
  if (state_ == status::failed) return;
  std::error_code ec;
  auto p = decode(datagram, ec);
  if (ec) {
    if (state_ == status::running) fail(ec);  // RFC 1350 §7 / §5: illegal TFTP operation
    return;
  }
  if (auto* e = std::get_if<error_packet>(&p)) {
    // RFC 1350 §7: an ERROR is never acknowledged or retransmitted; it ends the transfer.
    // After our last ACK the transfer is complete: a late ERROR does not undo it.
    if (state_ == status::running) {
      peer_error_ = *e;
      error_ = error::peer_error;
      state_ = status::failed;
    }
    lingering_ = false;
    control_pending_ = false;
    deadline_.reset();
    return;
  }
  on_packet(p, now);
}

void transfer::on_timer(time_point now) {
  if (!deadline_ || now < *deadline_) return;
  if (state_ != status::running) {
    on_timeout(now);  // the end of a linger
    return;
  }
  if (++retries_ > max_retries_) {
    fail(error::timed_out);
    return;
  }
  on_timeout(now);
}

std::span<const std::byte> transfer::next_datagram() {
  if (error_pending_) {
    error_pending_ = false;
    return error_out_;
  }
  if (control_pending_) {
    control_pending_ = false;
    return control_;
  }
  auto d = next_data();
  if (d.empty() && error_pending_) return next_datagram();  // the source failed just now
  return d;
}

void transfer::send_control(std::vector<std::byte> bytes, time_point now) {
  control_ = std::move(bytes);
  resend_control(now);
}

void transfer::resend_control(time_point now) {
  control_pending_ = true;
  arm(now);
}

void transfer::fail(std::error_code ec) {
  if (state_ == status::failed) return;
  state_ = status::failed;
  error_ = ec;
  lingering_ = false;
  control_pending_ = false;
  deadline_.reset();
  const auto code = wire_code_for(ec);
  // The standard text for the code; ours adds the reason when the code alone says little.
  std::string msg(wire_message(code));
  if (code == wire::not_defined || code == wire::illegal_operation) msg = ec.message();
  error_out_.clear();
  encode_error(code, msg, error_out_);
  error_pending_ = true;
}

bool transfer::take_oack(const std::vector<option>& requested, const oack_packet& oack) {
  transfer_params accepted = params_;
  accepted.blksize = default_blksize;
  accepted.windowsize = 1;
  std::error_code ec;
  apply_oack(requested, oack.options, accepted, ec);
  if (ec) {
    fail(ec);
    return false;
  }
  params_ = accepted;
  return true;
}

}  // namespace l7::tftp
