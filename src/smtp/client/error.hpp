// Errors the SMTP client reports itself; I/O errors come through as the system, netdb or SSL
// codes Asio gives. A `status` (session.hpp) carries the server's reply beside the code, so a
// caller tells a refusal (error::rejected, with the 4xx/5xx reply to show) from a broken
// connection.
#pragma once

#include <system_error>

namespace l7::smtp::client {

enum class error {
  rejected = 1,            // the server answered with a 4xx or 5xx reply
  unexpected_reply,        // a reply code the command does not allow here (RFC 5321 §4.3.2)
  connection_closed,       // the server closed the connection
  timed_out,               // a time limit of RFC 5321 §4.5.3.2 passed
  starttls_unavailable,    // STARTTLS required but not offered (RFC 3207 §4)
  auth_unavailable,        // credentials given but the server offers no usable mechanism
  no_recipients,           // no RCPT TO was accepted (RFC 5321 §3.3)
  unsafe_argument,         // CR, LF or NUL in an address or command argument
  message_too_big,         // larger than the server's SIZE (RFC 1870 §4)
  smtputf8_unavailable,    // non-ASCII addresses but no SMTPUTF8 (RFC 6531 §3.4)
};

const std::error_category& category();
std::error_code make_error_code(error e);

}  // namespace l7::smtp::client

template <>
struct std::is_error_code_enum<l7::smtp::client::error> : std::true_type {};
