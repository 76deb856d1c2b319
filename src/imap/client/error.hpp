// Errors the IMAP client reports itself; I/O errors come through as the system, netdb or SSL
// codes Asio gives, framing errors of the response reader as l7::imap::error codes. A `status`
// (session.hpp) carries the server's tagged NO/BAD beside the code.
#pragma once

#include <system_error>

namespace l7::imap::client {

enum class error {
  rejected = 1,             // the server answered NO or BAD
  bye,                      // the server said BYE and closed (RFC 9051 §7.1.5)
  bad_response,             // a response the client cannot use where it came
  connection_closed,        // the server closed the connection
  timed_out,                // a time limit passed
  starttls_unavailable,     // STARTTLS required but not offered (RFC 9051 §6.2.1)
  login_disabled,           // LOGINDISABLED and no AUTH=PLAIN (RFC 9051 §6.2.3)
  unsafe_argument,          // CR, LF or NUL where no literal can carry it
};

const std::error_category& category();
std::error_code make_error_code(error e);

}  // namespace l7::imap::client

template <>
struct std::is_error_code_enum<l7::imap::client::error> : std::true_type {};
