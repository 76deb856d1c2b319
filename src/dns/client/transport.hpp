// The two transports exchange() drives, for exchange.cpp and tcp.cpp only. Both take the query
// already encoded (with its final ID) and return a result whose `from` and `via_tcp` are set.
#pragma once

#include <span>
#include <vector>

#include "dns/client/exchange.hpp"

namespace l7::dns::client::detail {

net::awaitable<exchange_result> udp_exchange(const server_address& server, const message& query,
                                             std::span<const std::byte> wire,
                                             const query_options& opts);
net::awaitable<exchange_result> tcp_exchange(const server_address& server, const message& query,
                                             std::span<const std::byte> wire,
                                             const query_options& opts);

}  // namespace l7::dns::client::detail
