#include "mail/codec/error.hpp"

#include <string>

namespace l7::mail {
namespace {

class category_impl : public std::error_category {
 public:
  const char* name() const noexcept override { return "l7.mail"; }

  std::string message(int ev) const override {
    switch (static_cast<error>(ev)) {
      case error::header_too_large: return "header section too large";
      case error::too_many_fields: return "too many header fields";
      case error::line_too_long: return "header line too long";
      case error::nesting_too_deep: return "MIME nesting too deep";
      case error::too_many_parts: return "too many MIME parts";
    }
    return "unknown l7.mail error";
  }
};

}  // namespace

const std::error_category& category() {
  static const category_impl instance;
  return instance;
}

std::error_code make_error_code(error e) { return {static_cast<int>(e), category()}; }

}  // namespace l7::mail
