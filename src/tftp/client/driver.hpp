// Runs one TFTP transfer state machine (tftp/codec/transfer.hpp) over a UDP socket: the I/O
// half shared by `l7 tftp` and the server's sessions.
//
// The socket is not connected: datagrams from any other address or port than the peer's
// (its TID, RFC 1350 §4) are answered with ERROR 5 and do not disturb the transfer. A client
// sends its request to the server's well-known port and takes the port of the first answer
// from that host as the server's TID (learn_tid).
//
// Timers: one steady_timer per transfer, re-armed lazily (when it fires early it is set
// again), so the per-packet path makes no timer calls. Datagrams move in batches
// (recvmmsg/sendmmsg). I/O errors count as loss: the state machine's retries decide.
#pragma once

#include <cstddef>
#include <functional>
#include <span>

#include "net/asio.hpp"
#include "tftp/codec/transfer.hpp"

namespace l7::tftp::client {

struct drive_options {
  bool learn_tid = false;       // client: the peer's port is learned from its first answer
  bool stop_when_done = false;  // return at done() instead of lingering after the last ACK
  // Every datagram sent to (sent = true) or taken from the peer, for -v and --trace.
  std::function<void(bool sent, std::span<const std::byte> datagram)> on_packet;
};

// Drives `t` from start() until it has finished (or the socket is closed, e.g. by a stop
// hook: the transfer is then left running). `peer` is updated when the TID is learned.
net::awaitable<void> drive(transfer& t, net::udp::socket& socket, net::udp::endpoint& peer,
                           const drive_options& options);

// Sends one ERROR datagram (for refusals before any transfer exists). Errors are ignored.
void send_error(net::udp::socket& socket, const net::udp::endpoint& to, std::uint16_t code,
                std::string_view message);

// Whether `a` and `b` name the same host (IPv4-mapped IPv6 equals plain IPv4).
bool same_host(const asio::ip::address& a, const asio::ip::address& b);

}  // namespace l7::tftp::client
