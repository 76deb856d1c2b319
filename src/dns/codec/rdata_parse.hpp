// Rdata and names from presentation format (RFC 1035 §5.1, RFC 3597 §5): the inverse of
// to_string(const rdata&). Pure functions over already tokenized text; no I/O.
//
// Tokens are raw text as a zone file splits it at unquoted whitespace: quoted character-strings
// keep their double quotes, escapes (`\X`, `\DDD`) are still escaped, comments and parentheses
// are gone. An SVCB parameter with a quoted value (`key667="a b"`) is one token.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <system_error>

#include "dns/codec/name.hpp"
#include "dns/codec/rdata.hpp"

namespace l7::dns {

// A presentation-format name. `@` is `origin`; a name without a trailing unescaped dot is
// relative and gets `origin` appended (RFC 1035 §5.1). Errors: bad_name_text (empty text, empty
// label, bad escape, a leading double quote), label_too_long, name_too_long.
name parse_name_relative(std::string_view text, const name& origin, std::error_code& ec);

// A TTL or SOA time: decimal seconds, or BIND units `1w2d3h4m5s` (case-insensitive, a last
// component without a unit counts seconds). nullopt when malformed or above 2^32-1; the 2^31-1
// ceiling for TTLs (RFC 2181 §8) is the caller's.
std::optional<std::uint32_t> parse_ttl(std::string_view text);

// The rdata of an RR of `type` from its tokens, typed like read_rdata() would decode it in
// class IN:
//  - A, AAAA, NS, CNAME, PTR, DNAME, SOA (times also in BIND units), MX, TXT, SRV, NAPTR, CAA,
//    DS, DNSKEY, RRSIG, NSEC, NSEC3, SVCB, HTTPS in their RFC text forms;
//  - HINFO and NSEC3PARAM, which have no typed struct, into opaque_rdata from their text form;
//  - `\# <length> <hex>...` (RFC 3597 §5) for any type; for a typed type the octets are decoded
//    into the typed form (compression pointers are refused), for others kept opaque.
// Any other type without `\#` is bad_rdata. Errors: bad_rdata (wrong token count, a malformed or
// out-of-range field, a character-string over 255 octets, invalid SvcParams), and the name errors.
std::optional<rdata> parse_rdata(std::uint16_t type, std::span<const std::string_view> tokens,
                                 const name& origin, std::error_code& ec);

namespace detail {
// RFC 3597 §5 generic form only, always opaque (records in classes where the type's text form
// is undefined, such as A outside class IN).
std::optional<opaque_rdata> parse_generic_rdata(std::span<const std::string_view> tokens,
                                                std::error_code& ec);
}  // namespace detail

}  // namespace l7::dns
