// Errors the FTP client reports itself; I/O errors come through as the system, netdb or SSL
// codes Asio gives. A `status` (session.hpp) carries the server's reply beside the code, so a
// caller tells a refusal (error::rejected, with the 4xx/5xx reply to show) from a broken
// connection.
#pragma once

#include <system_error>

namespace l7::ftp::client {

enum class error {
  rejected = 1,          // the server answered with a 4xx or 5xx reply
  unexpected_reply,      // a reply code the command does not allow here (RFC 959 §5.4)
  connection_closed,     // the server closed the control connection
  timed_out,             // options::timeout passed waiting for a reply or data
  bad_passive_reply,     // a 227 or 229 reply without a usable address (RFC 959 / 2428)
  needs_ipv4,            // PASV or PORT on an IPv6 connection after EPSV/EPRT were refused
  foreign_data_peer,     // an active-mode data connection from another host (RFC 2577)
  account_required,      // 332: ACCT is not supported
  unsafe_argument,       // CR, LF or NUL in a command argument
  listing_line_too_long, // a listing line over the limit
};

const std::error_category& category();
std::error_code make_error_code(error e);

}  // namespace l7::ftp::client

template <>
struct std::is_error_code_enum<l7::ftp::client::error> : std::true_type {};
