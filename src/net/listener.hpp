// Opening listening sockets: one per worker with SO_REUSEPORT, so the kernel spreads
// connections (TCP) and datagrams (UDP) over the workers. "::" is dual-stack (IPv6 socket
// with IPV6_V6ONLY off). Port 0 binds the first socket to a free port and the others to the
// same one, so callers can print the real port.
#pragma once

#include <system_error>
#include <vector>

#include "net/asio.hpp"
#include "net/runtime.hpp"

namespace l7::net {

struct tcp_listen_result {
  std::vector<tcp::acceptor> acceptors;  // acceptors[i] belongs to worker i
  tcp::endpoint local;                   // with the real port
};

tcp_listen_result listen_tcp(runtime& rt, const asio::ip::address& address, std::uint16_t port,
                             std::error_code& ec, int backlog = 1024);

struct udp_bind_result {
  std::vector<udp::socket> sockets;  // sockets[i] belongs to worker i
  udp::endpoint local;
};

udp_bind_result bind_udp(runtime& rt, const asio::ip::address& address, std::uint16_t port,
                         std::error_code& ec);

}  // namespace l7::net
