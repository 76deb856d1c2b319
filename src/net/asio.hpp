// The one place the runtime pulls Asio in: common aliases and address conversions.
// Everything under src/net and above may include this; codecs may not (DESIGN.md).
#pragma once

#include <asio.hpp>
#include <asio/experimental/as_tuple.hpp>
#include <asio/ssl.hpp>

#include "core/ip_address.hpp"

namespace l7::net {

using asio::awaitable;
using tcp = asio::ip::tcp;
using udp = asio::ip::udp;

// Completion token that turns (error_code, T...) into a tuple: I/O errors are values.
inline constexpr auto use_tuple = asio::experimental::as_tuple(asio::use_awaitable);

ip_address to_ip(const asio::ip::address& a);
asio::ip::address to_asio(const ip_address& a);
// RFC 5952 text; IPv4-mapped IPv6 peers of a dual-stack socket print as plain IPv4.
std::string to_string(const tcp::endpoint& e);
std::string to_string(const udp::endpoint& e);

}  // namespace l7::net
