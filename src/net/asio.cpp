#include "net/asio.hpp"

namespace l7::net {

ip_address to_ip(const asio::ip::address& a) {
  if (a.is_v4()) return ip_address::v4(a.to_v4().to_bytes());
  return ip_address::v6(a.to_v6().to_bytes()).unmapped();
}

asio::ip::address to_asio(const ip_address& a) {
  const auto& b = a.bytes();
  if (a.is_v4()) return asio::ip::address_v4({b[0], b[1], b[2], b[3]});
  return asio::ip::address_v6(b);
}

std::string to_string(const tcp::endpoint& e) { return format_endpoint(to_ip(e.address()), e.port()); }
std::string to_string(const udp::endpoint& e) { return format_endpoint(to_ip(e.address()), e.port()); }

}  // namespace l7::net
