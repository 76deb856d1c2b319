// Errors reported by the HTTP/1.x parser. Each maps to the status a server answers with
// (status_for) before closing the connection.
#pragma once

#include <system_error>

namespace l7::http {

enum class error {
  bad_request_line = 1,      // 400: malformed request line (RFC 9112 §3)
  bad_method,                // 400: method is not a token
  bad_target,                // 400: control characters / spaces / empty target
  bad_version,               // 400 (505 for a well-formed but unsupported major version)
  unsupported_version,       // 505: HTTP/2.0 or HTTP/0.9 style on an HTTP/1.1 parser
  request_line_too_long,     // 414 (RFC 9112 §3)
  bad_status_line,           // response role: malformed status line
  bad_header_name,           // 400: not a token, or whitespace before ':' (RFC 9112 §5.1)
  bad_header_value,          // 400: NUL / CR / LF / other CTL in a value (RFC 9110 §5.5)
  obs_fold,                  // 400: line folding (RFC 9112 §5.2)
  bare_lf,                   // 400: LF without CR where CRLF is required (RFC 9112 §2.2)
  headers_too_large,         // 431: header section exceeds limits.max_header_bytes
  too_many_headers,          // 431: more than limits.max_headers fields
  bad_content_length,        // 400: not a decimal number, or differing duplicates (RFC 9112 §6.3)
  content_length_and_chunked,// 400: both Content-Length and Transfer-Encoding (RFC 9112 §6.1)
  bad_transfer_encoding,     // 400: chunked not last, repeated, or TE on HTTP/1.0
  unknown_transfer_coding,   // 501: a coding other than chunked (RFC 9112 §6.1)
  bad_chunk,                 // 400: malformed chunk size / extension / CRLF (RFC 9112 §7.1)
  body_too_large,            // 413: body exceeds limits.max_body
  partial_message,           // end of stream inside a message
  missing_host,              // 400: HTTP/1.1 request without exactly one Host, two Host
                             // fields, or an invalid Host value (RFC 9112 §3.2)
};

const std::error_category& category();
std::error_code make_error_code(error e);

// Status a server sends for this parser error: 400, 413, 414, 431, 501 or 505.
int status_for(std::error_code ec);

}  // namespace l7::http

template <>
struct std::is_error_code_enum<l7::http::error> : std::true_type {};
