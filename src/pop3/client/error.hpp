// Errors the POP3 client reports itself; I/O errors come through as the system, netdb or SSL
// codes Asio gives. A `status` (session.hpp) carries the server's -ERR line beside the code, so
// a caller tells a refusal (error::rejected) from a broken connection.
#pragma once

#include <system_error>

namespace l7::pop3::client {

enum class error {
  rejected = 1,          // the server answered -ERR
  bad_response,          // neither +OK nor -ERR, or a malformed STAT/LIST/UIDL line (RFC 1939 §3)
  line_too_long,         // a response line over the limit (RFC 2449 §4: 512 octets for status lines)
  message_too_big,       // a multi-line response over limits.max_body
  connection_closed,     // the server closed the connection
  timed_out,             // a time limit passed
  stls_unavailable,      // STLS required but not offered or refused (RFC 2595 §4)
  auth_unavailable,      // neither USER nor SASL PLAIN is possible
  unsafe_argument,       // CR, LF or NUL in a command argument
};

const std::error_category& category();
std::error_code make_error_code(error e);

}  // namespace l7::pop3::client

template <>
struct std::is_error_code_enum<l7::pop3::client::error> : std::true_type {};
