// DNS over HTTPS (RFC 8484) and the JSON query API (`/resolve?name=..&type=..`) on the HTTP/1.1
// client. Both accept http:// and https:// URLs; a URL may already carry a query string, the
// parameters are appended with '&'.
//
// Ownership: the HTTP client is borrowed; its rules apply (no overlapping fetches, it outlives
// the call). Its options decide timeouts (max_time) and TLS trust.
// Errors: the HTTP client's codes (connection, TLS, timeout), error::bad_url,
// error::bad_http_status, error::bad_media_type, error::reply_too_large, and for
// exchange_doh() error::malformed_reply and error::mismatched_reply.
#pragma once

#include <cstdint>
#include <string>
#include <system_error>

#include "dns/client/exchange.hpp"
#include "http/client/client.hpp"

namespace l7::dns::client {

// RFC 8484 §4.1: the query is sent with ID 0 (cache-friendly); GET puts it, base64url without
// padding, in `dns=`; POST sends it as the body with Content-Type application/dns-message.
// Both send Accept: application/dns-message. The answer must be status 200 with that media
// type (RFC 8484 §4.2.1, §6) and must answer the query. `from` stays empty (the peer is an
// HTTP origin); via_tcp is true.
net::awaitable<exchange_result> exchange_doh(http::client::client& http, std::string url,
                                             message query, bool use_post);

struct json_result {
  std::error_code ec;
  int status = 0;            // HTTP status; 0 when no response arrived
  std::string content_type;  // as received
  std::string body;          // the JSON text, also kept for a non-200 status
};

// GET URL?name=NAME&type=TYPE (name without its trailing dot, type as its mnemonic or number)
// with Accept: application/dns-json, application/json. A non-200 status sets
// error::bad_http_status but keeps the body. The body is not parsed.
net::awaitable<json_result> fetch_json(http::client::client& http, std::string url,
                                       name qname, std::uint16_t qtype);

}  // namespace l7::dns::client
