// RFC 8484 DNS over HTTPS, the parts without I/O: the `dns` parameter of a GET, the media type
// of a POST, decoding the query, and the response body and its freshness lifetime.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "dns/codec/message.hpp"
#include "dns/doh/request.hpp"

namespace l7::dns::doh {

inline constexpr std::string_view dns_message_type = "application/dns-message";  // RFC 8484 §6
// RFC 8484 §6: a DoH message is at most 65535 octets, like a DNS message over TCP.
inline constexpr std::size_t max_message_size = 65535;

// The `dns` GET parameter (RFC 8484 §4.1): base64url (RFC 4648 §5) without padding. Errors
// (400), each with its own message: missing or empty, '=' padding, a character outside the
// base64url alphabet (named with its offset), an impossible length, non-zero trailing bits,
// or a decoded size over max_message_size (413).
result<std::vector<std::byte>> decode_dns_param(const std::optional<std::string>& value);

// A POST must say `Content-Type: application/dns-message` (RFC 8484 §4.1; media type
// parameters are ignored, the type is case-insensitive). Error: 415.
std::optional<request_error> check_content_type(std::optional<std::string_view> content_type);

// Decodes the query strictly (trailing data is an error). Errors (400): empty, any codec
// error (its message says why), or a message with QR set (a response is not a query).
result<message> parse_query(std::span<const std::byte> wire);

// RFC 8484 §5.1: the freshness lifetime must not exceed the smallest TTL in the answer
// section. Negative answers (NXDOMAIN, or NOERROR with no answer) take the RFC 2308 §5
// negative TTL: min(SOA TTL, SOA MINIMUM) of the SOA in the authority section (combined
// with any answer TTLs, e.g. a CNAME before NXDOMAIN). nullopt when nothing is cacheable:
// another RCODE, TC set, or a negative answer without an SOA.
std::optional<std::uint32_t> cache_max_age(const message& response);

// The response body: `response` with the query's ID (RFC 8484 §4.1: clients use ID 0 for
// cache friendliness, and must get back the ID they sent) encoded within 65535 octets. When
// the resolver's response cannot be encoded, a SERVFAIL for the same question instead
// (server::encode_response, shared with the UDP and TCP transports).
std::vector<std::byte> encode_response(message response, const message& query);

}  // namespace l7::dns::doh
