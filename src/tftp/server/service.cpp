#include "tftp/server/service.hpp"

#include <netinet/in.h>
#include <sys/socket.h>

#include <array>
#include <cstring>
#include <optional>

#include "app/log.hpp"
#include "tftp/client/driver.hpp"
#include "tftp/codec/error.hpp"
#include "tftp/server/session.hpp"

namespace l7::tftp::server {
namespace {

struct listener {
  listener(net::worker& w, net::udp::socket s, std::shared_ptr<shared_state> st)
      : worker(w), socket(std::move(s)), state(std::move(st)) {}
  net::worker& worker;
  net::udp::socket socket;
  std::shared_ptr<shared_state> state;
  net::worker::stop_handle stop;
  // RFC 2347 §2 keeps requests within 512 octets; larger ones are still read whole.
  std::array<std::byte, 65536> buf{};
};

void on_request(listener& l, std::span<const std::byte> d, const net::udp::endpoint& from,
                const asio::ip::address& local) {
  const auto op = peek_opcode(d);
  // Only requests start transfers. Stray DATA/ACK/ERROR (from transfers that ended) are
  // dropped without an answer, so that two confused peers cannot ping-pong errors.
  if (op != opcode::rrq && op != opcode::wrq) return;
  std::error_code ec;
  auto p = decode(d, ec);
  if (ec) {
    client::send_error(l.socket, from, wire::illegal_operation, ec.message());
    l.state->refused->inc();
    if (l.state->config.trace) l.state->log->info("{} -> {}", net::to_string(from), describe(d));
    return;
  }
  if (l.state->config.trace) l.state->log->info("{} -> {}", net::to_string(from), describe(p));
  asio::co_spawn(l.worker.executor(),
                 run_session(l.state, l.worker, std::get<request>(std::move(p)), from, local),
                 [log = l.state->log](std::exception_ptr e) {
                   if (!e) return;
                   try {
                     std::rethrow_exception(e);
                   } catch (const std::exception& x) {
                     log->error("transfer ended by an exception: {}", x.what());
                   }
                 });
}

// Asks the kernel for each request's destination address, so that its transfer answers from
// the address the client wrote to (RFC 1350 §4 TIDs are host + port) even when the listener
// is bound to a wildcard on a multi-homed host. A dual-stack IPv6 socket reports IPv4
// requests as IPv4-mapped addresses.
void want_destination(net::udp::socket& s) {
  const int on = 1;
  if (s.local_endpoint().address().is_v6())
    ::setsockopt(s.native_handle(), IPPROTO_IPV6, IPV6_RECVPKTINFO, &on, sizeof on);
  else
    ::setsockopt(s.native_handle(), IPPROTO_IP, IP_PKTINFO, &on, sizeof on);
}

std::optional<asio::ip::address> destination(::msghdr& h) {
  for (::cmsghdr* c = CMSG_FIRSTHDR(&h); c; c = CMSG_NXTHDR(&h, c)) {
    if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_PKTINFO) {
      ::in6_pktinfo info{};
      std::memcpy(&info, CMSG_DATA(c), sizeof info);
      asio::ip::address_v6::bytes_type b;
      std::memcpy(b.data(), &info.ipi6_addr, b.size());
      asio::ip::address_v6 a(b);
      if (a.is_link_local()) a.scope_id(info.ipi6_ifindex);
      return a;
    }
    if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO) {
      ::in_pktinfo info{};
      std::memcpy(&info, CMSG_DATA(c), sizeof info);
      return asio::ip::address_v4(ntohl(info.ipi_addr.s_addr));
    }
  }
  return std::nullopt;
}

net::awaitable<void> receive_loop(std::shared_ptr<listener> l) {
  std::error_code ec;
  const auto bound = l->socket.local_endpoint(ec).address();
  want_destination(l->socket);
  l->socket.non_blocking(true, ec);
  bool drained = true;
  for (;;) {
    if (drained) {
      auto [wait_ec] = co_await l->socket.async_wait(net::udp::socket::wait_read, net::use_tuple);
      if (!l->socket.is_open() || wait_ec == asio::error::operation_aborted) break;
    } else {
      // More is queued: let the worker's other work run, then go on (the registration is
      // edge-triggered, so waiting now could sleep until the next request).
      co_await asio::post(l->socket.get_executor(), asio::use_awaitable);
      if (!l->socket.is_open()) break;
    }
    drained = false;
    for (int i = 0; i < 64 && !drained; ++i) {
      net::udp::endpoint from;
      alignas(::cmsghdr) std::array<char, 256> control{};
      ::iovec iov{l->buf.data(), l->buf.size()};
      ::msghdr h{};
      h.msg_name = from.data();
      h.msg_namelen = static_cast<socklen_t>(from.capacity());
      h.msg_iov = &iov;
      h.msg_iovlen = 1;
      h.msg_control = control.data();
      h.msg_controllen = control.size();
      const ssize_t n = ::recvmsg(l->socket.native_handle(), &h, MSG_DONTWAIT);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) {
        // EAGAIN: drained. Other errors (ICMP from earlier answers) are not ours to act on.
        drained = errno == EAGAIN || errno == EWOULDBLOCK;
        continue;
      }
      from.resize(h.msg_namelen);
      on_request(*l, std::span(l->buf.data(), static_cast<std::size_t>(n)), from,
                 destination(h).value_or(bound));
    }
  }
}

}  // namespace

service::service(settings s) : state_(std::make_shared<shared_state>(std::move(s))) {}

service::~service() = default;

const settings& service::config() const { return state_->config; }

void service::serve_udp(net::worker& w, net::udp::socket socket) {
  auto l = std::make_shared<listener>(w, std::move(socket), state_);
  l->stop = w.on_stop([weak = std::weak_ptr<listener>(l)] {
    if (auto l = weak.lock()) {
      std::error_code ec;
      l->socket.close(ec);
    }
  });
  asio::co_spawn(w.executor(), receive_loop(l), [l](std::exception_ptr e) mutable {
    if (e) l->state->log->error("tftp listener ended by an exception");
    l->stop.reset();
  });
}

}  // namespace l7::tftp::server
