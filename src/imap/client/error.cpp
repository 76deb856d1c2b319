#include "imap/client/error.hpp"

#include <string>

namespace l7::imap::client {
namespace {

class client_category : public std::error_category {
 public:
  const char* name() const noexcept override { return "l7.imap.client"; }
  std::string message(int v) const override {
    switch (static_cast<error>(v)) {
      case error::rejected: return "the server refused the command";
      case error::bye: return "the server closed the connection (BYE)";
      case error::bad_response: return "unexpected response from the server";
      case error::connection_closed: return "the server closed the connection";
      case error::timed_out: return "timed out";
      case error::starttls_unavailable: return "the server does not offer STARTTLS";
      case error::login_disabled: return "the server disables LOGIN and offers no AUTH=PLAIN";
      case error::unsafe_argument: return "CR, LF or NUL in a command argument";
    }
    return "unknown IMAP client error";
  }
};

}  // namespace

const std::error_category& category() {
  static const client_category instance;
  return instance;
}

std::error_code make_error_code(error e) { return {static_cast<int>(e), category()}; }

}  // namespace l7::imap::client
