#include "smtp/client/error.hpp"

#include <string>

namespace l7::smtp::client {
namespace {

class client_category : public std::error_category {
 public:
  const char* name() const noexcept override { return "l7.smtp.client"; }
  std::string message(int v) const override {
    switch (static_cast<error>(v)) {
      case error::rejected: return "the server refused the command";
      case error::unexpected_reply: return "unexpected reply from the server";
      case error::connection_closed: return "the server closed the connection";
      case error::timed_out: return "timed out";
      case error::starttls_unavailable: return "the server does not offer STARTTLS";
      case error::auth_unavailable: return "the server offers no usable AUTH mechanism";
      case error::no_recipients: return "no recipient was accepted";
      case error::unsafe_argument: return "CR, LF or NUL in a command argument";
      case error::message_too_big: return "the message is larger than the server's SIZE limit";
      case error::smtputf8_unavailable: return "non-ASCII addresses need SMTPUTF8, which the server does not offer";
    }
    return "unknown SMTP client error";
  }
};

}  // namespace

const std::error_category& category() {
  static const client_category instance;
  return instance;
}

std::error_code make_error_code(error e) { return {static_cast<int>(e), category()}; }

}  // namespace l7::smtp::client
