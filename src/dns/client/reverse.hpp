// Reverse-lookup names for PTR queries (dig -x).
#pragma once

#include "core/ip_address.hpp"
#include "dns/codec/name.hpp"

namespace l7::dns::client {

// 192.0.2.1 -> 1.2.0.192.in-addr.arpa. (RFC 1035 §3.5); an IPv6 address -> its 32 nibbles,
// lowest first, under ip6.arpa. (RFC 3596 §2.5). IPv4-mapped IPv6 addresses stay IPv6.
name reverse_name(const ip_address& address);

}  // namespace l7::dns::client
