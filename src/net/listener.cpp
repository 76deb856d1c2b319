#include "net/listener.hpp"

#include <netinet/in.h>
#include <sys/socket.h>

namespace l7::net {
namespace {

template <typename Socket>
void set_common_options(Socket& s, bool v6, std::error_code& ec) {
  int one = 1;
  if (::setsockopt(s.native_handle(), SOL_SOCKET, SO_REUSEPORT, &one, sizeof one) != 0) {
    ec.assign(errno, std::system_category());
    return;
  }
  s.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec && v6) s.set_option(asio::ip::v6_only(false), ec);
}

}  // namespace

tcp_listen_result listen_tcp(runtime& rt, const asio::ip::address& address, std::uint16_t port,
                             std::error_code& ec, int backlog) {
  tcp_listen_result out;
  tcp::endpoint ep(address, port);
  for (unsigned i = 0; i < rt.size() && !ec; ++i) {
    tcp::acceptor a(rt.at(i).context());
    a.open(ep.protocol(), ec);
    if (!ec) set_common_options(a, address.is_v6(), ec);
    if (!ec) a.bind(ep, ec);
    if (!ec) a.listen(backlog, ec);
    if (ec) break;
    if (i == 0) {
      out.local = a.local_endpoint(ec);
      ep.port(out.local.port());
    }
    out.acceptors.push_back(std::move(a));
  }
  if (ec) out.acceptors.clear();
  return out;
}

udp_bind_result bind_udp(runtime& rt, const asio::ip::address& address, std::uint16_t port,
                         std::error_code& ec) {
  udp_bind_result out;
  udp::endpoint ep(address, port);
  for (unsigned i = 0; i < rt.size() && !ec; ++i) {
    udp::socket s(rt.at(i).context());
    s.open(ep.protocol(), ec);
    if (!ec) set_common_options(s, address.is_v6(), ec);
    if (!ec) s.bind(ep, ec);
    if (ec) break;
    if (i == 0) {
      out.local = s.local_endpoint(ec);
      ep.port(out.local.port());
    }
    out.sockets.push_back(std::move(s));
  }
  if (ec) out.sockets.clear();
  return out;
}

}  // namespace l7::net
