// What the two TFTP transfer state machines (sender.hpp, receiver.hpp) share: the sans-I/O
// surface, the retransmission timer with its retry cap, and failure with an ERROR packet.
//
// Driving one (the client and the server do exactly this over a UDP socket):
//   t.start(now);                       then send every next_datagram()
//   on a datagram from the peer's TID:  t.on_datagram(bytes, now); send every next_datagram()
//   when now >= next_deadline():        t.on_timer(now); send every next_datagram()
//   until finished().
// Time is an input: nothing here reads a clock, so tests drive it with a fake one.
// Datagrams from another TID are the driver's business (RFC 1350 §4: ERROR 5 to them).
//
// Failures: a malformed or out-of-place packet, a refused option, retries exhausted, or an
// error from the source/sink end the transfer with one ERROR datagram to the peer (code from
// wire_code_for()); an ERROR from the peer ends it silently (error() == error::peer_error).
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <system_error>
#include <vector>

#include "tftp/codec/options.hpp"
#include "tftp/codec/packet.hpp"

namespace l7::tftp {

using time_point = std::chrono::steady_clock::time_point;

class transfer {
 public:
  enum class status { running, done, failed };

  virtual ~transfer() = default;

  // Queues the first datagram(s): the request (client), or the OACK / ACK 0 / first window
  // (server).
  void start(time_point now);
  // A datagram from the peer.
  void on_datagram(std::span<const std::byte> datagram, time_point now);
  // Retransmits what is unacknowledged, or fails once the retries are used up. Does nothing
  // before next_deadline().
  void on_timer(time_point now);
  std::optional<time_point> next_deadline() const { return deadline_; }

  // The next datagram to send, or an empty span when there is none. Every span handed out
  // stays valid until the next input (start, on_datagram, on_timer), so a driver may collect
  // them and send them in one batch. Drain after every input: a control packet (request,
  // OACK, ACK) not taken yet is replaced by the next one (a newer ACK covers an older one).
  std::span<const std::byte> next_datagram();

  status state() const { return state_; }
  // Done or failed, with nothing left to answer (a receiver lingers after its last ACK to
  // answer a retransmitted last block, RFC 1350 §6).
  bool finished() const { return state_ != status::running && !lingering_; }
  std::error_code error() const { return error_; }
  const std::optional<error_packet>& peer_error() const { return peer_error_; }
  const transfer_params& params() const { return params_; }
  // Payload bytes acknowledged (sender) or delivered to the sink (receiver).
  std::uint64_t bytes() const { return bytes_; }
  // Timeouts since the last progress.
  int retries() const { return retries_; }
  // The largest datagram worth receiving now: a receiver's DATA (blksize + 4), else room for
  // an OACK or an ERROR message. Longer datagrams may be cut to this size.
  virtual std::size_t max_incoming() const { return 4096; }

 protected:
  transfer(transfer_params params, int max_retries) : params_(params), max_retries_(max_retries) {}

  virtual void on_start(time_point now) = 0;
  virtual void on_packet(const packet& p, time_point now) = 0;
  virtual void on_timeout(time_point now) = 0;
  // The next data-phase datagram (sender: DATA from its window), or empty.
  virtual std::span<const std::byte> next_data() { return {}; }

  // Makes `bytes` the packet to (re)send and restarts the timer.
  void send_control(std::vector<std::byte> bytes, time_point now);
  void resend_control(time_point now);
  void arm(time_point now) { deadline_ = now + params_.timeout; }
  void disarm() { deadline_.reset(); }
  void progress() { retries_ = 0; }
  void finish() { state_ = status::done; }
  void linger(bool on) { lingering_ = on; }
  // Ends the transfer with an ERROR to the peer carrying wire_code_for(ec).
  void fail(std::error_code ec);
  // The client's reading of an OACK to its `requested` options (RFC 2347 §3): options it
  // leaves out fall back to their defaults. False (and the transfer failed) when the OACK
  // answers something that was not asked for.
  bool take_oack(const std::vector<option>& requested, const oack_packet& oack);

  transfer_params params_;
  std::uint64_t bytes_ = 0;
  std::vector<std::byte> control_;  // last request/OACK/ACK, resent on timeout

 private:
  int max_retries_;
  int retries_ = 0;
  status state_ = status::running;
  bool lingering_ = false;
  bool control_pending_ = false;
  std::optional<time_point> deadline_;
  std::error_code error_;
  std::optional<error_packet> peer_error_;
  std::vector<std::byte> error_out_;
  bool error_pending_ = false;
};

}  // namespace l7::tftp
