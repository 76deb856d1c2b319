#include "http/codec/error.hpp"

#include <string>

namespace l7::http {
namespace {

class category_impl : public std::error_category {
 public:
  const char* name() const noexcept override { return "l7.http"; }

  std::string message(int ev) const override {
    switch (static_cast<error>(ev)) {
      case error::bad_request_line: return "malformed request line";
      case error::bad_method: return "method is not a token";
      case error::bad_target: return "invalid request target";
      case error::bad_version: return "malformed HTTP version";
      case error::unsupported_version: return "unsupported HTTP version";
      case error::request_line_too_long: return "request line too long";
      case error::bad_status_line: return "malformed status line";
      case error::bad_header_name: return "invalid header field name";
      case error::bad_header_value: return "invalid header field value";
      case error::obs_fold: return "obsolete line folding";
      case error::bare_lf: return "bare LF where CRLF is required";
      case error::headers_too_large: return "header section too large";
      case error::too_many_headers: return "too many header fields";
      case error::bad_content_length: return "invalid Content-Length";
      case error::content_length_and_chunked: return "both Content-Length and Transfer-Encoding";
      case error::bad_transfer_encoding: return "invalid Transfer-Encoding";
      case error::unknown_transfer_coding: return "unsupported transfer coding";
      case error::bad_chunk: return "malformed chunked encoding";
      case error::body_too_large: return "message body too large";
      case error::partial_message: return "end of stream inside a message";
      case error::missing_host: return "missing, repeated or invalid Host";
    }
    return "unknown l7.http error";
  }
};

}  // namespace

const std::error_category& category() {
  static const category_impl instance;
  return instance;
}

std::error_code make_error_code(error e) { return {static_cast<int>(e), category()}; }

int status_for(std::error_code ec) {
  if (ec.category() != category()) return 400;
  switch (static_cast<error>(ec.value())) {
    case error::request_line_too_long: return 414;
    case error::headers_too_large:
    case error::too_many_headers: return 431;
    case error::body_too_large: return 413;
    case error::unknown_transfer_coding: return 501;
    case error::unsupported_version: return 505;
    default: return 400;
  }
}

}  // namespace l7::http
