#include "pop3/client/error.hpp"

#include <string>

namespace l7::pop3::client {
namespace {

class client_category : public std::error_category {
 public:
  const char* name() const noexcept override { return "l7.pop3.client"; }
  std::string message(int v) const override {
    switch (static_cast<error>(v)) {
      case error::rejected: return "the server refused the command";
      case error::bad_response: return "malformed response from the server";
      case error::line_too_long: return "response line too long";
      case error::message_too_big: return "multi-line response larger than the limit";
      case error::connection_closed: return "the server closed the connection";
      case error::timed_out: return "timed out";
      case error::stls_unavailable: return "the server does not offer STLS";
      case error::auth_unavailable: return "the server offers neither USER/PASS nor SASL PLAIN";
      case error::unsafe_argument: return "CR, LF or NUL in a command argument";
    }
    return "unknown POP3 client error";
  }
};

}  // namespace

const std::error_category& category() {
  static const client_category instance;
  return instance;
}

std::error_code make_error_code(error e) { return {static_cast<int>(e), category()}; }

}  // namespace l7::pop3::client
