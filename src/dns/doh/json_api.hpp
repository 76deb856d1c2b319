// The JSON API of public resolvers (Google's /resolve, also used by Cloudflare): GET
// parameters in, a JSON object out. Asio-free.
//
// Request: name (required; RFC 4343 backslash escapes; "." is the root), type (a number
// 1..65535 or a mnemonic such as AAAA or TYPE65; default A), cd and do (0, 1, true, false or
// empty), edns_client_subnet (an address with an optional /prefix; 0.0.0.0/0 asks the
// resolver not to use the client's address, RFC 7871 §7.1.2), and ct and random_padding,
// which are accepted and ignored (the answer is always application/json).
//
// Response: {"Status","TC","RD","RA","AD","CD","Question":[{"name","type"}],
// "Answer"/"Authority"/"Additional":[{"name","type","TTL","data"}] (each only when not empty,
// as Google does), "edns_client_subnet":"address/scope" (when the response carries ECS),
// "Comment" (the Extended DNS Errors of the response, when any)}. "data" is the record's
// presentation rdata, so TXT data is its quoted character-strings ("\"v=spf1 -all\"").
//
// Bad parameters get HTTP 400 with {"error":"<why>"} (Google answers invalid names and types
// with 400 Bad Request; the body says what was wrong).
#pragma once

#include <string>
#include <string_view>

#include "dns/codec/message.hpp"
#include "dns/doh/request.hpp"

namespace l7::dns::doh {

inline constexpr std::string_view json_type = "application/json";

// The query for a /resolve request. Errors (400): missing or invalid name, unknown or
// out-of-range type, a cd/do value that is not a flag, a malformed edns_client_subnet.
result<message> parse_json_request(const query_params& params);

// The JSON text for a resolver response. Never throws: octets that are not UTF-8 (there are
// none in presentation format, which escapes them as \DDD) would become U+FFFD.
std::string format_json(const message& response);

// {"error":"<message>"}
std::string format_json_error(std::string_view message);

}  // namespace l7::dns::doh
