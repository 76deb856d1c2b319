#include "http/client/error.hpp"

#include <string>

namespace l7::http::client {
namespace {

class client_category : public std::error_category {
 public:
  const char* name() const noexcept override { return "l7.http.client"; }
  std::string message(int v) const override {
    switch (static_cast<error>(v)) {
      case error::too_many_redirects: return "too many redirects";
      case error::bad_redirect_location: return "redirect to an unusable Location";
      case error::body_not_rewindable: return "the request body cannot be sent again";
      case error::closed_before_response: return "server closed the connection without a response";
      case error::timed_out: return "operation timed out";
    }
    return "unknown HTTP client error";
  }
};

}  // namespace

const std::error_category& category() {
  static const client_category instance;
  return instance;
}

std::error_code make_error_code(error e) { return {static_cast<int>(e), category()}; }

}  // namespace l7::http::client
