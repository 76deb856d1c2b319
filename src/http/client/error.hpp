// Errors the HTTP client reports itself (I/O errors come through as the system, netdb or SSL
// codes Asio gives). A result also names the stage that failed (request.hpp), so a caller can
// tell a refused connection from a broken response.
#pragma once

#include <system_error>

namespace l7::http::client {

enum class error {
  too_many_redirects = 1,   // more than options::max_redirects (RFC 9110 §15.4)
  bad_redirect_location,    // Location is not a usable http/https URL
  body_not_rewindable,      // the body must be sent again (redirect, retry) but was streamed
  closed_before_response,   // the server closed the connection without answering
  timed_out,                // options::max_time passed
};

const std::error_category& category();
std::error_code make_error_code(error e);

}  // namespace l7::http::client

template <>
struct std::is_error_code_enum<l7::http::client::error> : std::true_type {};
