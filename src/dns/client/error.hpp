// Errors of the DNS stub client (category "l7.dns.client"). Network failures come through as
// the system codes Asio gives (connection_refused, network_unreachable, eof, ...); codec
// errors from encoding the query come through as l7::dns::error.
#pragma once

#include <system_error>

namespace l7::dns::client {

enum class error {
  timed_out = 1,      // no acceptable reply within query_options::timeout on every try
  malformed_reply,    // a reply that does not decode (over UDP: only such replies arrived)
  mismatched_reply,   // a TCP or DoH reply with another ID, QR=0 or another question
  bad_url,            // DoH / JSON URL is not an absolute http or https URL
  bad_http_status,    // DoH / JSON answer with a status other than 200 (RFC 8484 §4.2.1)
  bad_media_type,     // DoH answer that is not application/dns-message (RFC 8484 §6)
  reply_too_large,    // DoH body over 65535 octets, JSON body over 1 MiB
};

const std::error_category& category();
std::error_code make_error_code(error e);

}  // namespace l7::dns::client

template <>
struct std::is_error_code_enum<l7::dns::client::error> : std::true_type {};
