#include "smtp/codec/error.hpp"

#include <string>

namespace l7::smtp {
namespace {

class smtp_category final : public std::error_category {
 public:
  const char* name() const noexcept override { return "smtp"; }
  std::string message(int c) const override {
    switch (static_cast<error>(c)) {
      case error::syntax: return "Syntax error, command unrecognized";
      case error::line_too_long: return "Line too long";
      case error::bad_arguments: return "Syntax error in parameters or arguments";
      case error::bad_address: return "Bad address syntax";
      case error::address_too_long: return "Address too long";
      case error::unknown_parameter: return "Parameter not recognized or not implemented";
      case error::bad_parameter: return "Bad parameter value";
      case error::utf8_not_allowed: return "UTF-8 address without SMTPUTF8";
      case error::message_too_large: return "Message size exceeds fixed maximum message size";
      case error::bad_base64: return "Cannot decode response";
    }
    return "unknown SMTP error";
  }
};

}  // namespace

const std::error_category& category() {
  static const smtp_category c;
  return c;
}

}  // namespace l7::smtp
