#include "tftp/client/driver.hpp"

#include <sys/socket.h>

#include <algorithm>
#include <array>
#include <memory>
#include <vector>

#include "tftp/codec/packet.hpp"

namespace l7::tftp::client {
namespace {

using clock = std::chrono::steady_clock;

// The timer's side of the wait: when it fires it cancels the socket wait. Shared with the
// handler, which may run after the transfer ended.
struct timer_state {
  net::udp::socket* socket = nullptr;
  bool fired = false;
  bool pending = false;
  time_point armed{};
};

class io {
 public:
  io(transfer& t, net::udp::socket& s, net::udp::endpoint& peer, const drive_options& o)
      : t_(t), socket_(s), peer_(peer), o_(o), timer_(s.get_executor()),
        state_(std::make_shared<timer_state>()) {
    state_->socket = &socket_;
  }
  ~io() {
    state_->socket = nullptr;
    timer_.cancel();
  }

  net::awaitable<void> run() {
    std::error_code ec;
    socket_.non_blocking(true, ec);
    tid_known_ = !o_.learn_tid;
    t_.start(clock::now());
    co_await flush();
    while (!over()) {
      arm();
      state_->fired = false;
      auto [wait_ec] = co_await socket_.async_wait(net::udp::socket::wait_read, net::use_tuple);
      if (!socket_.is_open()) co_return;
      if (wait_ec && wait_ec != asio::error::operation_aborted) co_return;
      // Also after the timer cut the wait short: the epoll registration is edge-triggered,
      // so a datagram that came in meanwhile would otherwise wait for the next one.
      co_await receive();
      const auto now = clock::now();
      if (auto d = t_.next_deadline(); d && now >= *d) {
        t_.on_timer(now);
        co_await flush();
      }
    }
  }

 private:
  bool over() const {
    return t_.finished() || (o_.stop_when_done && t_.state() == transfer::status::done) ||
           !socket_.is_open();
  }

  // Sets the timer for the machine's deadline unless it already fires earlier than that.
  void arm() {
    auto d = t_.next_deadline();
    if (!d) return;
    if (state_->pending && state_->armed <= *d) return;
    state_->pending = true;
    state_->armed = *d;
    timer_.expires_at(*d);
    timer_.async_wait([st = state_, at = *d](std::error_code ec) {
      if (ec || st->armed != at) return;  // re-armed or cancelled meanwhile
      st->pending = false;
      st->fired = true;
      if (st->socket) {
        std::error_code ignored;
        st->socket->cancel(ignored);
      }
    });
  }

  // Takes every datagram waiting on the socket, one recvmmsg per batch (of at most 256 KiB:
  // 16 ACKs, or 4 blocks of 64 KiB). Slots are sized for what the transfer expects now.
  net::awaitable<void> receive() {
    for (;;) {
      const std::size_t slot = t_.max_incoming();
      const std::size_t count = std::clamp<std::size_t>((256 << 10) / slot, 1, batch);
      if (in_.size() < count * slot) in_.resize(count * slot);
      std::array<::mmsghdr, batch> msgs{};
      std::array<::iovec, batch> iov{};
      for (std::size_t i = 0; i < count; ++i) {
        iov[i] = {in_.data() + i * slot, slot};
        msgs[i].msg_hdr.msg_name = from_[i].data();
        msgs[i].msg_hdr.msg_namelen = static_cast<socklen_t>(from_[i].capacity());
        msgs[i].msg_hdr.msg_iov = &iov[i];
        msgs[i].msg_hdr.msg_iovlen = 1;
      }
      const int got = ::recvmmsg(socket_.native_handle(), msgs.data(), static_cast<unsigned>(count),
                                 MSG_DONTWAIT, nullptr);
      if (got < 0 && errno == EINTR) continue;
      if (got <= 0) co_return;
      for (int i = 0; i < got; ++i) {
        // A cut datagram is passed on only while the slot is still what the transfer expects
        // (a receiver then sees DATA over blksize). If blksize grew meanwhile (an OACK earlier
        // in this batch), the cut copy would pass for a short last block: drop it as lost.
        if ((msgs[i].msg_hdr.msg_flags & MSG_TRUNC) && slot < t_.max_incoming()) continue;
        from_[i].resize(msgs[i].msg_hdr.msg_namelen);
        co_await handle(std::span(in_.data() + i * slot, msgs[i].msg_len), from_[i]);
        if (over()) co_return;
      }
      if (static_cast<std::size_t>(got) < count) co_return;
    }
  }

  net::awaitable<void> handle(std::span<const std::byte> d, const net::udp::endpoint& from) {
    if (!tid_known_ && same_host(from.address(), peer_.address())) {
      peer_ = from;  // RFC 1350 §4: the server's first answer names its TID
      tid_known_ = true;
    }
    if (!tid_known_ || from != peer_) {
      // Another TID (RFC 1350 §4): tell it, leave the transfer alone. Never answer an ERROR.
      if (peek_opcode(d) != opcode::error)
        send_error(socket_, from, wire::unknown_tid, wire_message(wire::unknown_tid));
      co_return;
    }
    if (o_.on_packet) o_.on_packet(false, d);
    t_.on_datagram(d, clock::now());
    co_await flush();
  }

  // Sends what the machine has queued, in one sendmmsg when the socket takes it all.
  net::awaitable<void> flush() {
    out_.clear();
    for (auto d = t_.next_datagram(); !d.empty(); d = t_.next_datagram()) {
      if (o_.on_packet) o_.on_packet(true, d);
      out_.push_back(d);
    }
    std::size_t sent = 0;
    while (sent < out_.size() && socket_.is_open()) {
      const std::size_t n = std::min(out_.size() - sent, batch);
      std::array<::mmsghdr, batch> msgs{};
      std::array<::iovec, batch> iov{};
      for (std::size_t i = 0; i < n; ++i) {
        iov[i] = {const_cast<std::byte*>(out_[sent + i].data()), out_[sent + i].size()};
        msgs[i].msg_hdr.msg_name = peer_.data();
        msgs[i].msg_hdr.msg_namelen = static_cast<socklen_t>(peer_.size());
        msgs[i].msg_hdr.msg_iov = &iov[i];
        msgs[i].msg_hdr.msg_iovlen = 1;
      }
      const int r =
          ::sendmmsg(socket_.native_handle(), msgs.data(), static_cast<unsigned>(n), MSG_DONTWAIT);
      if (r > 0) {
        sent += static_cast<std::size_t>(r);
      } else if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
        auto [ec] = co_await socket_.async_wait(net::udp::socket::wait_write, net::use_tuple);
        if (ec && ec != asio::error::operation_aborted) co_return;
      } else if (!(r < 0 && errno == EINTR)) {
        ++sent;  // this datagram fails alone (counts as lost)
      }
    }
  }

  static constexpr std::size_t batch = 16;
  transfer& t_;
  net::udp::socket& socket_;
  net::udp::endpoint& peer_;
  const drive_options& o_;
  asio::steady_timer timer_;
  std::shared_ptr<timer_state> state_;
  bool tid_known_ = false;
  std::vector<std::byte> in_;
  std::array<net::udp::endpoint, batch> from_{};
  std::vector<std::span<const std::byte>> out_;
};

}  // namespace

net::awaitable<void> drive(transfer& t, net::udp::socket& socket, net::udp::endpoint& peer,
                           const drive_options& options) {
  io driver(t, socket, peer, options);
  co_await driver.run();
}

void send_error(net::udp::socket& socket, const net::udp::endpoint& to, std::uint16_t code,
                std::string_view message) {
  std::vector<std::byte> out;
  encode_error(code, message, out);
  std::error_code ec;
  socket.send_to(asio::buffer(out.data(), out.size()), to, 0, ec);
}

bool same_host(const asio::ip::address& a, const asio::ip::address& b) {
  return net::to_ip(a).unmapped() == net::to_ip(b).unmapped();
}

}  // namespace l7::tftp::client
