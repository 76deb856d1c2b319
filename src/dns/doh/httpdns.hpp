// HTTPDNS in the DNSPod style (`/d?dn=...`): addresses as plain text, for apps that resolve
// over HTTP to bypass a local resolver. Asio-free.
//
// Request: dn (required: one name, or up to max_batch names separated by commas), type (A or
// AAAA, case-insensitive; default A), ip (a client address to resolve for: sent as RFC 7871
// CLIENT-SUBNET with /24 for IPv4 and /56 for IPv6), ttl (1: append ",TTL").
//
// Response (text/plain): for one name, "ip1;ip2" — the addresses of the asked type at the end
// of any CNAME chain — followed by ",TTL" when ttl=1, TTL being the smallest TTL along the
// chain (the CNAMEs followed and the addresses); an empty body when there is no address
// (NXDOMAIN, NODATA or any failure), as DNSPod does. For several names, one line per name in
// request order, "name.:ip1;ip2[,TTL]", with nothing after the colon for a name without an
// address; lines end with "\n".
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/ip_address.hpp"
#include "dns/codec/message.hpp"
#include "dns/doh/request.hpp"

namespace l7::dns::doh {

inline constexpr std::size_t max_batch = 16;       // names in one dn= parameter
inline constexpr std::uint8_t ecs_prefix_v4 = 24;  // RFC 7871 §11.1: 24 bits for IPv4
inline constexpr std::uint8_t ecs_prefix_v6 = 56;  // and 56 bits for IPv6

struct httpdns_request {
  std::vector<name> names;  // in request order; more than one: batch output
  std::uint16_t qtype = 1;  // A or AAAA
  std::optional<ip_address> client_ip;
  bool with_ttl = false;
};

// Errors (400): dn missing or empty, an empty or invalid name in the list, more than
// max_batch names, a type other than A or AAAA, an ip that is not an address.
result<httpdns_request> parse_httpdns_request(const query_params& params);

// The query for one name of the request (RD set; CLIENT-SUBNET when `ip` was given).
message make_httpdns_query(const httpdns_request& request, const name& qname);

struct address_answer {
  std::vector<ip_address> addresses;
  std::optional<std::uint32_t> ttl;  // set when there are addresses
};

// Follows the CNAME chain from `qname` through the answer section (at most one hop per answer
// record, so a loop ends) and collects the `qtype` (A or AAAA) addresses at its end. Empty
// unless the RCODE is NOERROR.
address_answer final_addresses(const message& response, const name& qname, std::uint16_t qtype);

// "ip1;ip2" plus ",TTL" when `with_ttl`; "" when there is no address.
std::string format_addresses(const address_answer& answer, bool with_ttl);

// "name.:ip1;ip2[,TTL]\n" (the batch form).
std::string format_batch_line(const name& qname, const address_answer& answer, bool with_ttl);

}  // namespace l7::dns::doh
